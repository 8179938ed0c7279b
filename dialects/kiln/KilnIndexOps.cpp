// Type inference and verifiers of kiln's index ops (KilnIndexOps.td):
// arg_max/arg_min, arg_top_k, gather_elements, gather_nd, scatter_elements,
// scatter_nd and cumsum. The lowerings rely on every check made here.
#include "dialects/kiln/KilnDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

RankedTensorType rankedOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

LogicalResult checkAxis(std::optional<Location> loc, int64_t axis,
                        int64_t rank) {
  if (axis < 0 || axis >= rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ",
                             rank);
  return success();
}

/// Outside `axis`, `small` must not be larger than `big` (both same rank).
LogicalResult checkFits(Operation *op, RankedTensorType small,
                        RankedTensorType big, int64_t axis, StringRef what) {
  if (small.getRank() != big.getRank())
    return op->emitOpError() << what << " has rank " << small.getRank()
                             << " but data has rank " << big.getRank();
  for (int64_t i = 0; i < big.getRank(); ++i) {
    int64_t s = small.getDimSize(i), b = big.getDimSize(i);
    if (i == axis || ShapedType::isDynamic(s) || ShapedType::isDynamic(b))
      continue;
    if (s > b)
      return op->emitOpError() << what << " dimension " << i << " (" << s
                               << ") is larger than the data's (" << b << ")";
  }
  return success();
}

LogicalResult checkNonEmptyAxis(Operation *op, RankedTensorType data,
                                int64_t axis, bool needed) {
  if (needed && data.getDimSize(axis) == 0)
    return op->emitOpError("indexes an empty dimension ") << axis;
  return success();
}

/// The number of index components (static last dim of `indices`), checked
/// against the `available` data dims.
FailureOr<int64_t> tupleSize(std::optional<Location> loc,
                             RankedTensorType indices, int64_t available) {
  if (indices.getRank() < 1)
    return emitOptionalError(loc, "indices must have rank >= 1");
  int64_t m = indices.getDimSize(indices.getRank() - 1);
  if (ShapedType::isDynamic(m) || m < 1 || m > available)
    return emitOptionalError(loc, "the last dimension of indices (", m,
                             ") must be static and in [1, ", available, "]");
  return m;
}

} // namespace

//===- Arg reductions ----------------------------------------------------===//

#define KILN_ARG_REDUCE(OP)                                                    \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,          \
      SmallVectorImpl<Type> &results) {                                        \
    auto in = rankedOf(adaptor.getInput());                                    \
    auto axis = static_cast<int64_t>(adaptor.getAxis());                       \
    if (failed(checkAxis(loc, axis, in.getRank())))                            \
      return failure();                                                        \
    SmallVector<int64_t> shape(in.getShape());                                 \
    if (adaptor.getKeepDims())                                                 \
      shape[axis] = 1;                                                         \
    else                                                                       \
      shape.erase(shape.begin() + axis);                                       \
    results.push_back(                                                         \
        RankedTensorType::get(shape, IntegerType::get(ctx, 64)));              \
    return success();                                                          \
  }                                                                            \
  LogicalResult OP::verify() {                                                 \
    return checkNonEmptyAxis(*this, getInput().getType(), getAxis(), true);    \
  }
KILN_ARG_REDUCE(ArgMaxOp)
KILN_ARG_REDUCE(ArgMinOp)
#undef KILN_ARG_REDUCE

LogicalResult ArgTopKOp::inferReturnTypes(MLIRContext *ctx,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  auto in = rankedOf(adaptor.getInput());
  auto axis = static_cast<int64_t>(adaptor.getAxis());
  if (failed(checkAxis(loc, axis, in.getRank())))
    return failure();
  auto k = static_cast<int64_t>(adaptor.getK());
  if (k < 0)
    return emitOptionalError(loc, "k = ", k, " is negative");
  SmallVector<int64_t> shape(in.getShape());
  shape[axis] = k;
  results.push_back(RankedTensorType::get(shape, IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult ArgTopKOp::verify() {
  int64_t dim = getInput().getType().getDimSize(getAxis());
  auto k = static_cast<int64_t>(getK());
  if (k < 0 || (!ShapedType::isDynamic(dim) && k > dim))
    return emitOpError("k = ") << k << " is not in [0, " << dim << "]";
  return success();
}

//===- Gathers -----------------------------------------------------------===//

LogicalResult
GatherElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                   Adaptor adaptor,
                                   SmallVectorImpl<Type> &results) {
  auto data = rankedOf(adaptor.getData());
  auto indices = rankedOf(adaptor.getIndices());
  if (failed(checkAxis(loc, adaptor.getAxis(), data.getRank())))
    return failure();
  results.push_back(indices.clone(data.getElementType()));
  return success();
}

LogicalResult GatherElementsOp::verify() {
  auto data = getData().getType();
  if (failed(
          checkFits(*this, getIndices().getType(), data, getAxis(), "indices")))
    return failure();
  return checkNonEmptyAxis(*this, data, getAxis(),
                           getIndices().getType().getNumElements() != 0);
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &results) {
  auto data = rankedOf(adaptor.getData());
  auto indices = rankedOf(adaptor.getIndices());
  auto batch = static_cast<int64_t>(adaptor.getBatchDims());
  if (batch < 0 || batch >= indices.getRank() || batch >= data.getRank())
    return emitOptionalError(loc, "batch_dims ", batch,
                             " must be less than the rank of data and indices");
  auto m = tupleSize(loc, indices, data.getRank() - batch);
  if (failed(m))
    return failure();
  SmallVector<int64_t> shape(indices.getShape().drop_back());
  llvm::append_range(shape, data.getShape().drop_front(batch + *m));
  results.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

LogicalResult GatherNDOp::verify() {
  auto data = getData().getType(), indices = getIndices().getType();
  for (int64_t i = 0; i < static_cast<int64_t>(getBatchDims()); ++i)
    if (data.getDimSize(i) != indices.getDimSize(i))
      return emitOpError("batch dimension ")
             << i << " differs: " << data.getDimSize(i) << " in data, "
             << indices.getDimSize(i) << " in indices";
  if (indices.getNumElements() == 0)
    return success();
  int64_t m = indices.getDimSize(indices.getRank() - 1);
  for (int64_t i = 0; i < m; ++i)
    if (failed(checkNonEmptyAxis(*this, data, getBatchDims() + i, true)))
      return failure();
  return success();
}

//===- Scatters ----------------------------------------------------------===//

LogicalResult ScatterElementsOp::verify() {
  auto data = getData().getType(), indices = getIndices().getType();
  if (failed(checkAxis(getLoc(), getAxis(), data.getRank())))
    return failure();
  if (indices.getShape() != getUpdates().getType().getShape())
    return emitOpError("indices ")
           << indices << " and updates " << getUpdates().getType()
           << " differ in shape";
  if (failed(checkFits(*this, indices, data, getAxis(), "indices")))
    return failure();
  return checkNonEmptyAxis(*this, data, getAxis(),
                           indices.getNumElements() != 0);
}

LogicalResult ScatterNDOp::verify() {
  auto data = getData().getType(), indices = getIndices().getType();
  auto m = tupleSize(getLoc(), indices, data.getRank());
  if (failed(m))
    return failure();
  SmallVector<int64_t> expected(indices.getShape().drop_back());
  llvm::append_range(expected, data.getShape().drop_front(*m));
  if (getUpdates().getType().getShape() != ArrayRef<int64_t>(expected))
    return emitOpError("updates ")
           << getUpdates().getType() << " must have shape indices.shape[:-1]"
           << " + data.shape[" << *m << ":]";
  for (int64_t i = 0; i < *m; ++i)
    if (failed(
            checkNonEmptyAxis(*this, data, i, indices.getNumElements() != 0)))
      return failure();
  return success();
}

//===- Scans -------------------------------------------------------------===//

LogicalResult CumSumOp::verify() {
  return checkAxis(getLoc(), getAxis(), getInput().getType().getRank());
}
