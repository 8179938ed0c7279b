// Type inference and verifiers of kiln's reduction, padding and indexing ops
// (reduce_*, pad, slice, gather, tile). Kept apart from KilnOps.cpp, which
// holds the compute ops.
#include "dialects/kiln/KilnDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

RankedTensorType rankedOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

int64_t mulDims(int64_t a, int64_t b) {
  if (ShapedType::isDynamic(a) || ShapedType::isDynamic(b))
    return ShapedType::kDynamic;
  return a * b;
}

/// Why `axes` is not a sorted, unique list of dims of a rank-`rank` tensor,
/// or an empty string.
std::string axesProblem(ArrayRef<int64_t> axes, int64_t rank) {
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= rank)
      return "axis " + std::to_string(axes[i]) + " is out of range for rank " +
             std::to_string(rank);
    if (i > 0 && axes[i] <= axes[i - 1])
      return "axes must be sorted and unique";
  }
  return "";
}

/// Result type of a reduction over sorted, unique `axes`.
LogicalResult inferReduce(std::optional<Location> loc, Value input,
                          ArrayRef<int64_t> axes, bool keepDims,
                          SmallVectorImpl<Type> &results) {
  auto in = rankedOf(input);
  std::string problem = axesProblem(axes, in.getRank());
  if (!problem.empty())
    return emitOptionalError(loc, problem);
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < in.getRank(); ++i) {
    if (!llvm::is_contained(axes, i))
      shape.push_back(in.getDimSize(i));
    else if (keepDims)
      shape.push_back(1);
  }
  results.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

} // namespace

//===- Reductions --------------------------------------------------------===//

#define KILN_REDUCE(OP)                                                        \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &results) {         \
    return inferReduce(loc, adaptor.getInput(), adaptor.getAxes(),             \
                       adaptor.getKeepDims(), results);                        \
  }                                                                            \
  LogicalResult OP::verify() {                                                 \
    std::string problem = axesProblem(getAxes(), getInput().getType().getRank()); \
    if (!problem.empty())                                                      \
      return emitOpError(problem);                                             \
    return success();                                                          \
  }
KILN_REDUCE(ReduceSumOp)
KILN_REDUCE(ReduceMeanOp)
KILN_REDUCE(ReduceMaxOp)
KILN_REDUCE(ReduceMinOp)
KILN_REDUCE(ReduceProdOp)
#undef KILN_REDUCE

//===- Pad ---------------------------------------------------------------===//

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &results) {
  auto in = rankedOf(adaptor.getInput());
  ArrayRef<int64_t> low = adaptor.getLow(), high = adaptor.getHigh();
  if (static_cast<int64_t>(low.size()) != in.getRank() ||
      static_cast<int64_t>(high.size()) != in.getRank())
    return emitOptionalError(loc, "expects one low and one high pad per "
                                  "dimension of rank ",
                             in.getRank());
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < in.getRank(); ++i) {
    if (low[i] < 0 || high[i] < 0)
      return emitOptionalError(loc, "pads must be >= 0");
    int64_t d = in.getDimSize(i);
    shape.push_back(ShapedType::isDynamic(d) ? d : d + low[i] + high[i]);
  }
  results.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

//===- Slice -------------------------------------------------------------===//

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  auto in = rankedOf(adaptor.getInput());
  ArrayRef<int64_t> sizes = adaptor.getSizes();
  if (static_cast<int64_t>(sizes.size()) != in.getRank() ||
      adaptor.getOffsets().size() != sizes.size() ||
      adaptor.getStrides().size() != sizes.size())
    return emitOptionalError(loc, "expects one offset, size and stride per "
                                  "dimension of rank ",
                             in.getRank());
  results.push_back(RankedTensorType::get(sizes, in.getElementType()));
  return success();
}

LogicalResult SliceOp::verify() {
  auto in = getInput().getType();
  for (int64_t i = 0; i < in.getRank(); ++i) {
    int64_t o = getOffsets()[i], n = getSizes()[i], s = getStrides()[i];
    int64_t d = in.getDimSize(i);
    if (s == 0)
      return emitOpError("stride of dimension ") << i << " is 0";
    if (n < 0)
      return emitOpError("size of dimension ") << i << " is negative";
    if (n == 0 || ShapedType::isDynamic(d))
      continue;
    int64_t last = o + (n - 1) * s;
    if (o < 0 || o >= d || last < 0 || last >= d)
      return emitOpError("dimension ")
             << i << " reads indices " << o << ".." << last
             << " outside [0, " << d << ")";
  }
  return success();
}

//===- Gather ------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  auto data = rankedOf(adaptor.getData());
  auto indices = rankedOf(adaptor.getIndices());
  auto axis = static_cast<int64_t>(adaptor.getAxis());
  if (axis < 0 || axis >= data.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ",
                             data.getRank());
  SmallVector<int64_t> shape(data.getShape().take_front(axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(axis + 1));
  results.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

LogicalResult GatherOp::verify() {
  if (getData().getType().getDimSize(getAxis()) == 0)
    return emitOpError("gathers from an empty dimension");
  return success();
}

//===- Tile --------------------------------------------------------------===//

LogicalResult TileOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  auto in = rankedOf(adaptor.getInput());
  ArrayRef<int64_t> m = adaptor.getMultiples();
  if (static_cast<int64_t>(m.size()) != in.getRank())
    return emitOptionalError(loc, "expects one multiple per dimension of rank ",
                             in.getRank());
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < in.getRank(); ++i) {
    if (m[i] < 0)
      return emitOptionalError(loc, "multiples must be >= 0");
    shape.push_back(mulDims(in.getDimSize(i), m[i]));
  }
  results.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}
