// ONNX converters of ops that compute or follow indices: ArgMax/ArgMin,
// TopK, GatherElements/GatherND, Scatter/ScatterElements/ScatterND and
// CumSum map to kiln index ops; Hardmax, Trilu and OneHot are compositions
// of comparisons with constant index ramps and kiln.select.
// The losses (NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss) live in
// OnnxLossOps.cpp and Einsum in OnnxEinsum.cpp.
#include "compiler/frontends/onnx/OnnxIndexOps.h"

#include "dialects/kiln/KilnDialect.h"

using namespace mlir;

namespace kiln::onnximport {

FailureOr<Value> binaryOp(NodeImporter &n, StringRef op, FailureOr<Value> lhs,
                          FailureOr<Value> rhs) {
  if (failed(lhs) || failed(rhs))
    return failure();
  return n.create(op, {*lhs, *rhs});
}

FailureOr<Value> selectOp(NodeImporter &n, FailureOr<Value> cond,
                          FailureOr<Value> onTrue, FailureOr<Value> onFalse) {
  if (failed(cond) || failed(onTrue) || failed(onFalse))
    return failure();
  return n.create("kiln.select", {*cond, *onTrue, *onFalse});
}

FailureOr<Value> indexRamp(NodeImporter &n, Type element, int64_t size,
                           int64_t rank, int64_t axis) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = size;
  auto type = RankedTensorType::get(shape, element);
  SmallVector<APInt> values;
  unsigned width = element.getIntOrFloatBitWidth();
  for (int64_t i = 0; i < size; ++i)
    values.push_back(APInt(width, i, /*isSigned=*/true));
  return n.constant(DenseElementsAttr::get(type, values));
}

FailureOr<Value> reduceAll(NodeImporter &n, StringRef op, Value v) {
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < rank; ++i)
    axes.push_back(i);
  Builder b(n.getContext());
  return n.create(op, v,
                  {n.attr("axes", b.getDenseI64ArrayAttr(axes)),
                   n.attr("keep_dims", b.getBoolAttr(false))});
}

namespace {

//===- ArgMax, ArgMin, Hardmax, TopK -------------------------------------===//

/// `select_last_index` came with opset 12.
template <bool IsMax> LogicalResult convertArgReduce(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  int64_t axis, keepDims, last;
  if (failed(n.getInt("axis", axis, 0)) ||
      failed(n.getInt("keepdims", keepDims, 1)) ||
      failed(n.getInt("select_last_index", last, 0)))
    return failure();
  auto normalized = n.normalizeAxis(axis, n.inputType(0).getRank(), "axis");
  if (failed(normalized))
    return failure();
  Builder b(n.getContext());
  return single(n,
                n.create(IsMax ? "kiln.arg_max" : "kiln.arg_min", n.input(0),
                         {n.attr("axis", b.getI64IntegerAttr(*normalized)),
                          n.attr("keep_dims", b.getBoolAttr(keepDims)),
                          n.attr("select_last_index", b.getBoolAttr(last))}));
}

/// 1 at the first maximum along `axis`, 0 elsewhere.
FailureOr<Value> hardmax(NodeImporter &n, Value x, int64_t axis) {
  auto type = cast<RankedTensorType>(x.getType());
  Builder b(n.getContext());
  auto arg = n.create("kiln.arg_max", x,
                      {n.attr("axis", b.getI64IntegerAttr(axis)),
                       n.attr("keep_dims", b.getBoolAttr(true))});
  auto ramp =
      indexRamp(n, b.getI64Type(), type.getDimSize(axis), type.getRank(), axis);
  Type element = type.getElementType();
  return selectOp(n, binaryOp(n, "kiln.equal", arg, ramp),
                  n.scalar(element, 1.0), n.scalar(element, 0.0));
}

/// Hardmax: before opset 13 the input is coerced to 2-D at `axis`
/// (default 1) and the maximum taken over the whole second part.
LogicalResult convertHardmax(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  bool legacy = n.opset() < 13;
  auto type = n.inputType(0);
  int64_t axis;
  if (failed(n.getInt("axis", axis, legacy ? 1 : -1)))
    return failure();
  auto normalized =
      n.normalizeAxis(axis, type.getRank(), "axis", /*inclusive=*/legacy);
  if (failed(normalized))
    return failure();
  if (!legacy)
    return single(n, hardmax(n, n.input(0), *normalized));
  ArrayRef<int64_t> shape = type.getShape();
  auto flat = n.reshape(n.input(0), {product(shape.take_front(*normalized)),
                                     product(shape.drop_front(*normalized))});
  if (failed(flat))
    return failure();
  auto result = hardmax(n, *flat, 1);
  if (failed(result))
    return failure();
  return single(n, n.reshape(*result, shape));
}

/// TopK: `k` is an attribute before opset 10, a constant input from then
/// on. The result is always sorted (any order is allowed when sorted = 0).
LogicalResult convertTopK(NodeImporter &n) {
  bool kAttr = n.opset() < 10;
  if (failed(n.checkNumInputs(kAttr ? 1 : 2, kAttr ? 1 : 2)))
    return failure();
  int64_t axis, largest, k;
  if (failed(n.getInt("axis", axis, -1)) ||
      failed(n.getInt("largest", largest, 1)))
    return failure();
  if (kAttr) {
    if (failed(n.getInt("k", k)))
      return failure();
  } else {
    auto ks = n.constantInts(1, "k");
    if (failed(ks))
      return failure();
    if (ks->size() != 1)
      return n.emitError() << "k must hold one value, got " << ks->size();
    k = ks->front();
  }
  auto type = n.inputType(0);
  auto normalized = n.normalizeAxis(axis, type.getRank(), "axis");
  if (failed(normalized))
    return failure();
  if (k < 0 || k > type.getDimSize(*normalized))
    return n.emitError() << "k = " << k << " is not in [0, "
                         << type.getDimSize(*normalized) << "]";
  Builder b(n.getContext());
  auto axisAttr = n.attr("axis", b.getI64IntegerAttr(*normalized));
  auto indices = n.create("kiln.arg_top_k", n.input(0),
                          {axisAttr, n.attr("k", b.getI64IntegerAttr(k)),
                           n.attr("largest", b.getBoolAttr(largest))});
  if (failed(indices))
    return failure();
  auto values =
      n.create("kiln.gather_elements", {n.input(0), *indices}, {axisAttr});
  if (failed(values))
    return failure();
  n.setResult(0, *values);
  n.setResult(1, *indices);
  return success();
}

//===- Gathers and scatters ----------------------------------------------===//

LogicalResult convertGatherElements(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  int64_t axis;
  if (failed(n.getInt("axis", axis, 0)))
    return failure();
  auto normalized = n.normalizeAxis(axis, n.inputType(0).getRank(), "axis");
  if (failed(normalized))
    return failure();
  Builder b(n.getContext());
  return single(n,
                n.create("kiln.gather_elements", {n.input(0), n.input(1)},
                         {n.attr("axis", b.getI64IntegerAttr(*normalized))}));
}

LogicalResult convertGatherND(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  int64_t batchDims;
  if (failed(n.getInt("batch_dims", batchDims, 0)))
    return failure();
  Builder b(n.getContext());
  return single(
      n, n.create("kiln.gather_nd", {n.input(0), n.input(1)},
                  {n.attr("batch_dims", b.getI64IntegerAttr(batchDims))}));
}

/// The `reduction` attribute of ScatterElements/ScatterND.
FailureOr<NamedAttribute> scatterReduction(NodeImporter &n) {
  std::string name;
  if (failed(n.getString("reduction", name, "none")))
    return failure();
  using mlir::kiln::ScatterReduction;
  std::optional<ScatterReduction> r =
      mlir::kiln::symbolizeScatterReduction(name);
  if (!r)
    return n.emitError() << "unknown reduction '" << name
                         << "' (expected none, add, mul, max or min)";
  return n.attr("reduction",
                mlir::kiln::ScatterReductionAttr::get(n.getContext(), *r));
}

/// ScatterElements and the deprecated Scatter (no reduction).
LogicalResult convertScatterElements(NodeImporter &n) {
  if (failed(n.checkNumInputs(3, 3)))
    return failure();
  int64_t axis;
  auto reduction = scatterReduction(n);
  if (failed(reduction) || failed(n.getInt("axis", axis, 0)))
    return failure();
  auto normalized = n.normalizeAxis(axis, n.inputType(0).getRank(), "axis");
  if (failed(normalized))
    return failure();
  Builder b(n.getContext());
  return single(
      n,
      n.create("kiln.scatter_elements", {n.input(0), n.input(1), n.input(2)},
               {n.attr("axis", b.getI64IntegerAttr(*normalized)), *reduction}));
}

LogicalResult convertScatterND(NodeImporter &n) {
  if (failed(n.checkNumInputs(3, 3)))
    return failure();
  auto reduction = scatterReduction(n);
  if (failed(reduction))
    return failure();
  return single(n,
                n.create("kiln.scatter_nd",
                         {n.input(0), n.input(1), n.input(2)}, {*reduction}));
}

//===- CumSum, Trilu, OneHot ---------------------------------------------===//

LogicalResult convertCumSum(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  int64_t exclusive, reverse;
  if (failed(n.getInt("exclusive", exclusive, 0)) ||
      failed(n.getInt("reverse", reverse, 0)))
    return failure();
  auto axes = n.constantInts(1, "axis");
  if (failed(axes))
    return failure();
  if (axes->size() != 1)
    return n.emitError() << "axis must hold one value, got " << axes->size();
  auto axis = n.normalizeAxis(axes->front(), n.inputType(0).getRank(), "axis");
  if (failed(axis))
    return failure();
  Builder b(n.getContext());
  return single(n, n.create("kiln.cumsum", n.input(0),
                            {n.attr("axis", b.getI64IntegerAttr(*axis)),
                             n.attr("exclusive", b.getBoolAttr(exclusive)),
                             n.attr("reverse", b.getBoolAttr(reverse))}));
}

/// Trilu: keeps the elements on and above (upper) or on and below diagonal
/// `k` of the last two dims, zeroes the rest: a select with a constant mask.
LogicalResult convertTrilu(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 2)))
    return failure();
  int64_t upper, k = 0;
  if (failed(n.getInt("upper", upper, 1)))
    return failure();
  if (n.hasInput(1)) {
    auto ks = n.constantInts(1, "k");
    if (failed(ks))
      return failure();
    if (ks->size() != 1)
      return n.emitError() << "k must hold one value, got " << ks->size();
    k = ks->front();
  }
  auto type = n.inputType(0);
  if (type.getRank() < 2)
    return n.emitError() << "expects an input of rank >= 2, got " << type;
  int64_t rows = type.getDimSize(type.getRank() - 2);
  int64_t cols = type.getDimSize(type.getRank() - 1);
  SmallVector<bool> keep;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      keep.push_back(upper ? j - i >= k : j - i <= k);
  Builder b(n.getContext());
  auto maskType = RankedTensorType::get({rows, cols}, b.getI1Type());
  return single(n,
                selectOp(n, n.constant(DenseElementsAttr::get(maskType, keep)),
                         n.input(0), n.scalar(type.getElementType(), 0.0)));
}

/// A rank-0 tensor holding element `i` of the 1-D `v`.
FailureOr<Value> elementOf(NodeImporter &n, Value v, int64_t i) {
  Builder b(n.getContext());
  auto type = cast<RankedTensorType>(v.getType());
  auto one = n.create("kiln.slice", v,
                      {n.attr("offsets", b.getDenseI64ArrayAttr({i})),
                       n.attr("sizes", b.getDenseI64ArrayAttr({1})),
                       n.attr("strides", b.getDenseI64ArrayAttr({1}))},
                      RankedTensorType::get({1}, type.getElementType()));
  if (failed(one))
    return failure();
  return n.reshape(*one, {});
}

/// OneHot: out = indices (wrapped when negative) == ramp(depth) at a new dim
/// `axis`, selecting values[1] (on) or values[0] (off). Indices out of
/// [-depth, depth) match nothing, so their row is all "off".
LogicalResult convertOneHot(NodeImporter &n) {
  if (failed(n.checkNumInputs(3, 3)))
    return failure();
  int64_t axis;
  if (failed(n.getInt("axis", axis, -1)))
    return failure();
  auto depths = n.constantFloats(1, "depth");
  if (failed(depths))
    return failure();
  if (depths->size() != 1)
    return n.emitError() << "depth must hold one value, got " << depths->size();
  auto depth = static_cast<int64_t>(depths->front());
  if (depth < 1)
    return n.emitError() << "depth must be >= 1, got " << depth;
  auto valuesType = n.inputType(2);
  if (valuesType.getRank() != 1 || valuesType.getDimSize(0) != 2)
    return n.emitError() << "values must be a 2-element 1-D tensor, got "
                         << valuesType;
  auto type = n.inputType(0);
  int64_t rank = type.getRank() + 1;
  auto normalized = n.normalizeAxis(axis, rank, "axis");
  if (failed(normalized))
    return failure();
  Builder b(n.getContext());
  Type i64 = b.getI64Type();
  FailureOr<Value> indices = n.input(0);
  if (type.getElementType() != i64)
    indices = n.create("kiln.cast", *indices, {}, type.clone(i64));
  indices = selectOp(
      n, binaryOp(n, "kiln.less", indices, n.scalar(i64, 0.0)),
      binaryOp(n, "kiln.add", indices, n.scalar(i64, double(depth))), indices);
  if (failed(indices))
    return failure();
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + *normalized, 1);
  auto hit = binaryOp(n, "kiln.equal", n.reshape(*indices, shape),
                      indexRamp(n, i64, depth, rank, *normalized));
  return single(n, selectOp(n, hit, elementOf(n, n.input(2), 1),
                            elementOf(n, n.input(2), 0)));
}

} // namespace

void registerIndexOps(OpTable &table) {
  static const std::pair<const char *, ConvertFn> entries[] = {
      {"ArgMax", convertArgReduce<true>},
      {"ArgMin", convertArgReduce<false>},
      {"Hardmax", convertHardmax},
      {"TopK", convertTopK},
      {"GatherElements", convertGatherElements},
      {"GatherND", convertGatherND},
      {"Scatter", convertScatterElements},
      {"ScatterElements", convertScatterElements},
      {"ScatterND", convertScatterND},
      {"CumSum", convertCumSum},
      {"Trilu", convertTrilu},
      {"OneHot", convertOneHot},
  };
  for (const auto &[name, fn] : entries)
    table[name] = fn;
  registerLossOps(table);
  registerEinsum(table);
  registerStringOps(table);
}

} // namespace kiln::onnximport
