// ONNX converters of the linear quantization family: QuantizeLinear,
// DequantizeLinear, DynamicQuantizeLinear, MatMulInteger, ConvInteger,
// QLinearMatMul and QLinearConv, decomposed into float kiln ops. Integer
// contractions run in f32 or f64 where that is exact (see accumulatorType).
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include <cmath>

using namespace mlir;

namespace kiln::onnximport {
namespace {

/// A quantized integer type: its MLIR element type and signedness.
struct QuantType {
  Type element;
  bool isUnsigned;
  double lo() const {
    unsigned w = element.getIntOrFloatBitWidth();
    return isUnsigned ? 0.0 : -std::ldexp(1.0, w - 1);
  }
  double hi() const {
    unsigned w = element.getIntOrFloatBitWidth();
    return isUnsigned ? std::ldexp(1.0, w) - 1 : std::ldexp(1.0, w - 1) - 1;
  }
};

/// kiln.cast of `v` to `element`; `unsigned_input`/`unsigned_result` as
/// asked. The identity when the type already matches.
FailureOr<Value> castTo(NodeImporter &n, FailureOr<Value> v, Type element,
                        bool unsignedInput = false,
                        bool unsignedResult = false) {
  if (failed(v))
    return failure();
  auto type = cast<RankedTensorType>(v->getType());
  if (type.getElementType() == element)
    return v;
  MLIRContext *ctx = n.getContext();
  SmallVector<NamedAttribute> attrs;
  if (unsignedInput)
    attrs.push_back(n.attr("unsigned_input", UnitAttr::get(ctx)));
  if (unsignedResult)
    attrs.push_back(n.attr("unsigned_result", UnitAttr::get(ctx)));
  return n.create("kiln.cast", *v, attrs, type.clone(element));
}

FailureOr<Value> binary(NodeImporter &n, StringRef op, FailureOr<Value> lhs,
                        FailureOr<Value> rhs) {
  if (failed(lhs) || failed(rhs))
    return failure();
  return n.create(op, {*lhs, *rhs});
}

/// Input `i` as `element` (unsigned integers zero-extended).
FailureOr<Value> inputAs(NodeImporter &n, unsigned i, Type element) {
  return castTo(n, n.input(i), element, n.isUnsigned(i));
}

/// A scale or zero point input `i` (per-tensor: rank 0 or one element;
/// per-axis: 1-D of the size of dim `axis` of a rank-`rank` operand),
/// reshaped to broadcast against that operand. `what` names it in errors.
FailureOr<Value> perAxis(NodeImporter &n, FailureOr<Value> v, unsigned i,
                         int64_t axis, ArrayRef<int64_t> shape,
                         StringRef what) {
  if (failed(v))
    return failure();
  auto type = cast<RankedTensorType>(v->getType());
  if (type.getRank() == 0 || type.getNumElements() == 1)
    return n.reshape(*v, {});
  bool hasAxis = axis >= 0 && axis < static_cast<int64_t>(shape.size());
  if (!hasAxis)
    return n.emitError() << what << " (input " << i << ") must be a scalar, "
                         << "got " << n.inputType(i);
  if (type.getRank() != 1 || type.getDimSize(0) != shape[axis])
    return n.emitError() << what << " (input " << i << ") must be a scalar "
                         << "or 1-D of size " << shape[axis] << " (dim " << axis
                         << " of the operand), got " << n.inputType(i);
  SmallVector<int64_t> target(shape.size() - axis, 1);
  target[0] = shape[axis];
  return n.reshape(*v, target);
}

/// The quantized type of an integer input `i` (8 or 16 bits).
FailureOr<QuantType> quantTypeOf(NodeImporter &n, unsigned i, StringRef what) {
  Type element = n.inputType(i).getElementType();
  if (!element.isInteger(8) && !element.isInteger(16))
    return n.emitError() << what << " must be int8, uint8, int16 or uint16, "
                         << "got " << n.inputType(i);
  return QuantType{element, n.isUnsigned(i)};
}

/// Rejects opset 21's blocked quantization.
LogicalResult requireNoBlocks(NodeImporter &n) {
  int64_t blockSize;
  if (failed(n.getInt("block_size", blockSize, 0)))
    return failure();
  if (blockSize != 0)
    return n.emitError() << "blocked quantization (block_size = " << blockSize
                         << ") is not supported";
  return success();
}

/// The node's `axis` (default 1) normalized against `rank`; per-tensor
/// parameters ignore it, so a rank below 2 is fine.
FailureOr<int64_t> quantAxis(NodeImporter &n, int64_t rank) {
  int64_t axis;
  if (failed(n.getInt("axis", axis, 1)))
    return failure();
  if (rank == 0 || (axis == 1 && rank == 1))
    return axis;
  return n.normalizeAxis(axis, rank, "axis");
}

/// saturate(round_half_even(v) + zp) as `out` (`v` and `zp` float).
FailureOr<Value> saturateRound(NodeImporter &n, FailureOr<Value> v, Value zp,
                               QuantType out) {
  if (failed(v))
    return failure();
  FailureOr<Value> rounded = n.create("kiln.round", *v);
  if (zp)
    rounded = binary(n, "kiln.add", rounded, zp);
  if (failed(rounded))
    return failure();
  Builder b(n.getContext());
  auto clipped = n.create("kiln.clip", *rounded,
                          {n.attr("min", b.getF32FloatAttr(out.lo())),
                           n.attr("max", b.getF32FloatAttr(out.hi()))});
  return castTo(n, clipped, out.element, false, out.isUnsigned);
}

/// The float type quantization arithmetic runs in for `element`: f64 for
/// f64 (and integer) data, f32 otherwise (f16/bf16 too narrow for 16-bit
/// zero points).
Type computeType(MLIRContext *ctx, Type element) {
  if (element.isF64() || isa<IntegerType>(element))
    return Float64Type::get(ctx);
  return Float32Type::get(ctx);
}

//===- QuantizeLinear / DequantizeLinear ---------------------------------===//

/// QuantizeLinear(x, y_scale, y_zero_point?): saturate(round(x / y_scale) +
/// y_zero_point), per tensor or along `axis`. The result type is the zero
/// point's, else `output_dtype` (opset 21), else uint8.
LogicalResult convertQuantizeLinear(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 3)) || failed(requireNoBlocks(n)))
    return failure();
  MLIRContext *ctx = n.getContext();
  auto xType = n.inputType(0);
  QuantType out{IntegerType::get(ctx, 8), true};
  if (n.hasInput(2)) {
    auto q = quantTypeOf(n, 2, "y_zero_point");
    if (failed(q))
      return failure();
    out = *q;
  } else {
    int64_t dtype;
    if (failed(n.getInt("output_dtype", dtype, 0)))
      return failure();
    if (dtype != 0) {
      // UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5.
      if (dtype < 2 || dtype > 5)
        return n.emitError() << "output_dtype must be INT8, UINT8, INT16 or "
                             << "UINT16, got " << elementTypeName(dtype);
      out = {convertElementType(ctx, dtype), isUnsignedElementType(dtype)};
    }
  }
  auto axis = quantAxis(n, xType.getRank());
  if (failed(axis))
    return failure();
  Type compute = computeType(ctx, xType.getElementType());
  auto scale =
      perAxis(n, inputAs(n, 1, compute), 1, *axis, xType.getShape(), "y_scale");
  FailureOr<Value> zp = Value();
  if (n.hasInput(2))
    zp = perAxis(n, inputAs(n, 2, compute), 2, *axis, xType.getShape(),
                 "y_zero_point");
  if (failed(zp))
    return failure();
  auto scaled = binary(n, "kiln.div", inputAs(n, 0, compute), scale);
  n.setResultUnsigned(0, out.isUnsigned);
  return single(n, saturateRound(n, scaled, *zp, out));
}

/// DequantizeLinear(x, x_scale, x_zero_point?): (x - x_zero_point) *
/// x_scale in the scale's type, per tensor or along `axis`.
LogicalResult convertDequantizeLinear(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 3)) || failed(requireNoBlocks(n)))
    return failure();
  MLIRContext *ctx = n.getContext();
  auto xType = n.inputType(0);
  Type scaleElement = n.inputType(1).getElementType();
  if (!isa<IntegerType>(xType.getElementType()) ||
      !isa<FloatType>(scaleElement))
    return n.emitError() << "expects integer x and a float scale, got " << xType
                         << " and " << n.inputType(1);
  auto axis = quantAxis(n, xType.getRank());
  if (failed(axis))
    return failure();
  Type compute = computeType(ctx, scaleElement);
  FailureOr<Value> x = inputAs(n, 0, compute);
  if (n.hasInput(2))
    x = binary(n, "kiln.sub", x,
               perAxis(n, inputAs(n, 2, compute), 2, *axis, xType.getShape(),
                       "x_zero_point"));
  auto scale =
      perAxis(n, inputAs(n, 1, compute), 1, *axis, xType.getShape(), "x_scale");
  return single(n, castTo(n, binary(n, "kiln.mul", x, scale), scaleElement));
}

/// DynamicQuantizeLinear(x) -> (y, y_scale, y_zero_point), uint8: the range
/// [min(0, min x), max(0, max x)] maps onto [0, 255] (an empty range gives
/// scale 1 / 255, as the ONNX reference does).
LogicalResult convertDynamicQuantizeLinear(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  MLIRContext *ctx = n.getContext();
  auto xType = n.inputType(0);
  if (!xType.getElementType().isF32())
    return n.emitError() << "input must be float, got " << xType;
  Builder b(ctx);
  auto all = llvm::to_vector(llvm::seq<int64_t>(0, xType.getRank()));
  auto reduceAll = [&](StringRef op) {
    return n.create(op, n.input(0),
                    {n.attr("axes", b.getDenseI64ArrayAttr(all)),
                     n.attr("keep_dims", b.getBoolAttr(false))});
  };
  Type f32 = xType.getElementType();
  auto zero = n.scalar(f32, 0.0), one = n.scalar(f32, 1.0);
  auto hi = binary(n, "kiln.max", reduceAll("kiln.reduce_max"), zero);
  auto lo = binary(n, "kiln.min", reduceAll("kiln.reduce_min"), zero);
  auto range = binary(n, "kiln.sub", hi, lo);
  auto empty = binary(n, "kiln.equal", range, zero);
  if (failed(empty) || failed(one) || failed(range))
    return failure();
  range = n.create("kiln.select", {*empty, *one, *range});
  auto scale = binary(n, "kiln.div", range, n.scalar(f32, 255.0));
  // zero point = round(clip(0 - lo / scale, 0, 255)).
  auto zpFloat = binary(n, "kiln.sub", zero, binary(n, "kiln.div", lo, scale));
  QuantType u8{IntegerType::get(ctx, 8), true};
  auto zpClipped = saturateRound(n, zpFloat, Value(), u8);
  auto zpRounded = castTo(n, zpClipped, f32, /*unsignedInput=*/true);
  if (failed(zpRounded))
    return failure();
  auto y = saturateRound(n, binary(n, "kiln.div", n.input(0), scale),
                         *zpRounded, u8);
  if (failed(y) || failed(scale) || failed(zpClipped))
    return failure();
  n.setResult(0, *y);
  n.setResultUnsigned(0, true);
  n.setResult(1, *scale);
  n.setResult(2, *zpClipped);
  n.setResultUnsigned(2, true);
  return success();
}

//===- Integer contractions ----------------------------------------------===//

/// The float type in which sums of `terms` products of two zero-point
/// adjusted 8-bit values (each |v| <= 255, so |product| <= 65025 < 2^16),
/// plus `extra` (an int32 bias), are exact: f32 while the sum stays below
/// 2^24, else f64 while it stays below 2^53; beyond that an error.
FailureOr<Type> accumulatorType(NodeImporter &n, int64_t terms, double extra,
                                ArrayRef<unsigned> operands) {
  for (unsigned i : operands) {
    Type e = n.inputType(i).getElementType();
    if (!e.isInteger(8))
      return n.emitError() << "input " << i << " must be int8 or uint8, got "
                           << n.inputType(i);
  }
  double bound = static_cast<double>(terms) * 65025.0 + extra;
  if (bound < std::ldexp(1.0, 24))
    return Type(Float32Type::get(n.getContext()));
  if (bound < std::ldexp(1.0, 53))
    return Type(Float64Type::get(n.getContext()));
  return n.emitError() << "sums of " << terms
                       << " products of 8-bit values may exceed 2^53 and "
                          "cannot be computed exactly";
}

/// Operand `i` minus its optional zero point `zpIndex`, in `compute`; the
/// zero point is per tensor or along `axis` of the operand.
FailureOr<Value> centered(NodeImporter &n, unsigned i, unsigned zpIndex,
                          Type compute, int64_t axis, StringRef what) {
  FailureOr<Value> v = inputAs(n, i, compute);
  if (!n.hasInput(zpIndex))
    return v;
  if (n.inputType(zpIndex).getElementType() != n.inputType(i).getElementType())
    return n.emitError() << what << " (input " << zpIndex << ") must have "
                         << "the element type of input " << i << ", got "
                         << n.inputType(zpIndex);
  auto shape = n.inputType(i).getShape();
  return binary(
      n, "kiln.sub", v,
      perAxis(n, inputAs(n, zpIndex, compute), zpIndex, axis, shape, what));
}

/// The rows axis of a matmul operand (per-row zero points and scales of A),
/// or -1 for a 1-D one (no per-row parameters).
int64_t rowAxis(RankedTensorType t) { return t.getRank() - 2; }
/// The columns axis of B (per-column parameters).
int64_t colAxis(RankedTensorType t) { return t.getRank() - 1; }

/// The contraction size of the matmul of inputs `a` and `b`.
int64_t matmulTerms(NodeImporter &n, unsigned a) {
  auto t = n.inputType(a);
  return t.getRank() ? t.getShape().back() : 1;
}

/// The contraction size of a conv: input channels per group times the
/// kernel's spatial size.
int64_t convTerms(NodeImporter &n, unsigned w) {
  auto t = n.inputType(w);
  return t.getRank() >= 2 ? product(t.getShape().drop_front()) : 1;
}

/// MatMulInteger(A, B, a_zero_point?, b_zero_point?) -> int32:
/// (A - a_zero_point) x (B - b_zero_point), a zero point per tensor, per
/// row of A or per column of B.
LogicalResult convertMatMulInteger(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 4)))
    return failure();
  auto compute = accumulatorType(n, matmulTerms(n, 0), 0, {0, 1});
  if (failed(compute))
    return failure();
  auto a = centered(n, 0, 2, *compute, rowAxis(n.inputType(0)), "a_zero_point");
  auto b = centered(n, 1, 3, *compute, colAxis(n.inputType(1)), "b_zero_point");
  if (failed(a) || failed(b))
    return failure();
  return single(n, castTo(n, buildMatMul(n, *a, *b),
                          IntegerType::get(n.getContext(), 32)));
}

/// ConvInteger(x, w, x_zero_point?, w_zero_point?) -> int32, the zero point
/// of w per tensor or per output channel.
LogicalResult convertConvInteger(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 4)))
    return failure();
  auto compute = accumulatorType(n, convTerms(n, 1), 0, {0, 1});
  if (failed(compute))
    return failure();
  auto x = centered(n, 0, 2, *compute, -1, "x_zero_point");
  auto w = centered(n, 1, 3, *compute, 0, "w_zero_point");
  if (failed(x) || failed(w))
    return failure();
  return single(n, castTo(n, buildConv(n, *x, *w, Value()),
                          IntegerType::get(n.getContext(), 32)));
}

/// saturate(round(acc * a_scale * b_scale / y_scale) + y_zero_point), the
/// multiplier in f32 and the rest in f64 as the ONNX reference computes
/// it; `outAxis` is where per-column/per-channel b scales apply.
LogicalResult requantize(NodeImporter &n, FailureOr<Value> acc,
                         FailureOr<Value> aScale, FailureOr<Value> bScale,
                         unsigned yScale, unsigned yZp) {
  auto out = quantTypeOf(n, yZp, "y_zero_point");
  if (failed(out) || failed(acc))
    return failure();
  MLIRContext *ctx = n.getContext();
  Type f32 = Float32Type::get(ctx), f64 = Float64Type::get(ctx);
  auto yScaleV = perAxis(n, inputAs(n, yScale, f32), yScale, 0, {}, "y_scale");
  auto multiplier =
      binary(n, "kiln.div", binary(n, "kiln.mul", aScale, bScale), yScaleV);
  auto scaled =
      binary(n, "kiln.mul", castTo(n, acc, f64), castTo(n, multiplier, f64));
  auto zp = perAxis(n, inputAs(n, yZp, f64), yZp, 0, {}, "y_zero_point");
  if (failed(zp))
    return failure();
  n.setResultUnsigned(0, out->isUnsigned);
  return single(n, saturateRound(n, scaled, *zp, *out));
}

/// A float scale input as f32, per tensor or along `axis` of `shape`.
FailureOr<Value> scaleInput(NodeImporter &n, unsigned i, int64_t axis,
                            ArrayRef<int64_t> shape, StringRef what) {
  if (!n.inputType(i).getElementType().isF32())
    return n.emitError() << what << " (input " << i << ") must be float, got "
                         << n.inputType(i);
  return perAxis(n, n.input(i), i, axis, shape, what);
}

/// QLinearMatMul(a, a_scale, a_zero_point, b, b_scale, b_zero_point,
/// y_scale, y_zero_point).
LogicalResult convertQLinearMatMul(NodeImporter &n) {
  if (failed(n.checkNumInputs(8, 8)))
    return failure();
  auto compute = accumulatorType(n, matmulTerms(n, 0), 0, {0, 3});
  if (failed(compute))
    return failure();
  auto at = n.inputType(0), bt = n.inputType(3);
  auto a = centered(n, 0, 2, *compute, rowAxis(at), "a_zero_point");
  auto b = centered(n, 3, 5, *compute, colAxis(bt), "b_zero_point");
  if (failed(a) || failed(b))
    return failure();
  auto aScale = scaleInput(n, 1, rowAxis(at), at.getShape(), "a_scale");
  auto bScale = scaleInput(n, 4, colAxis(bt), bt.getShape(), "b_scale");
  return requantize(n, buildMatMul(n, *a, *b), aScale, bScale, 6, 7);
}

/// QLinearConv(x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale,
/// y_zero_point, B?): B is int32 and added before requantization.
LogicalResult convertQLinearConv(NodeImporter &n) {
  if (failed(n.checkNumInputs(8, 9)))
    return failure();
  bool hasBias = n.hasInput(8);
  auto compute = accumulatorType(n, convTerms(n, 3),
                                 hasBias ? std::ldexp(1.0, 31) : 0.0, {0, 3});
  if (failed(compute))
    return failure();
  if (hasBias && !n.inputType(8).getElementType().isInteger(32))
    return n.emitError() << "bias (input 8) must be int32, got "
                         << n.inputType(8);
  auto x = centered(n, 0, 2, *compute, -1, "x_zero_point");
  auto w = centered(n, 3, 5, *compute, 0, "w_zero_point");
  FailureOr<Value> bias = Value();
  if (hasBias)
    bias = inputAs(n, 8, *compute);
  if (failed(x) || failed(w) || failed(bias))
    return failure();
  auto acc = buildConv(n, *x, *w, *bias);
  if (failed(acc))
    return failure();
  auto xScale = scaleInput(n, 1, -1, {}, "x_scale");
  // A per-output-channel w_scale [M] applies along dim 1 of [N, M, ...].
  auto accShape = cast<RankedTensorType>(acc->getType()).getShape();
  auto wScale = scaleInput(n, 4, 1, accShape, "w_scale");
  return requantize(n, acc, xScale, wScale, 6, 7);
}

} // namespace

void registerQuantOps(OpTable &table) {
  static const std::pair<const char *, ConvertFn> entries[] = {
      {"QuantizeLinear", convertQuantizeLinear},
      {"DequantizeLinear", convertDequantizeLinear},
      {"DynamicQuantizeLinear", convertDynamicQuantizeLinear},
      {"MatMulInteger", convertMatMulInteger},
      {"ConvInteger", convertConvInteger},
      {"QLinearMatMul", convertQLinearMatMul},
      {"QLinearConv", convertQLinearConv},
  };
  for (const auto &[name, fn] : entries)
    table[name] = fn;
}

} // namespace kiln::onnximport
