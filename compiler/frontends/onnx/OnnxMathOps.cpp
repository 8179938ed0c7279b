// ONNX converters of the elementwise math family: unary functions,
// activations with scalar parameters (some composed from kiln ops: PRelu,
// Celu, HardSwish, Mish, Gelu, ThresholdedRelu, Shrink), Pow, Clip, Mean,
// Cast and CastLike.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace kiln::onnximport {
namespace {

template <const char *OpName> LogicalResult convertUnary(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  return single(n, n.create(OpName, n.input(0)));
}

constexpr char kReciprocal[] = "kiln.reciprocal", kErf[] = "kiln.erf",
               kFloor[] = "kiln.floor", kCeil[] = "kiln.ceil",
               kSin[] = "kiln.sin", kCos[] = "kiln.cos",
               kSoftplus[] = "kiln.softplus", kSoftsign[] = "kiln.softsign";
constexpr char kTan[] = "kiln.tan", kAsin[] = "kiln.asin",
               kAcos[] = "kiln.acos", kAtan[] = "kiln.atan",
               kSinh[] = "kiln.sinh", kCosh[] = "kiln.cosh",
               kAsinh[] = "kiln.asinh", kAcosh[] = "kiln.acosh",
               kAtanh[] = "kiln.atanh", kRound[] = "kiln.round";

/// The element type of input `i`.
Type elementType(NodeImporter &n, unsigned i) {
  return n.inputType(i).getElementType();
}

/// lhs `op` rhs, for the composed activations.
FailureOr<Value> binary(NodeImporter &n, StringRef op, FailureOr<Value> lhs,
                        FailureOr<Value> rhs) {
  if (failed(lhs) || failed(rhs))
    return failure();
  return n.create(op, {*lhs, *rhs});
}

/// Neg and Abs: kiln.neg/kiln.abs for floats; 0 - x and max(x, 0 - x) for
/// signed integers; Abs of unsigned integers is the identity.
template <bool IsAbs> LogicalResult convertNegOrAbs(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  Type element = elementType(n, 0);
  if (IsAbs && n.isUnsigned(0))
    return single(n, n.create("kiln.identity", n.input(0)));
  if (isa<FloatType>(element))
    return single(n, n.create(IsAbs ? "kiln.abs" : "kiln.neg", n.input(0)));
  auto negated = binary(n, "kiln.sub", n.scalar(element, 0.0), n.input(0));
  if (!IsAbs)
    return single(n, negated);
  return single(n, binary(n, "kiln.max", n.input(0), negated));
}

/// Sign: kiln.sign, or min(x, 1) for unsigned integers.
LogicalResult convertSign(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  if (!n.isUnsigned(0))
    return single(n, n.create("kiln.sign", n.input(0)));
  auto one = n.scalar(elementType(n, 0), 1.0);
  if (failed(one))
    return failure();
  return single(n, n.create("kiln.min", {n.input(0), *one}, n.signAttrs(0)));
}

//===- Activations with scalar parameters --------------------------------===//

/// One f32 attribute of an activation: its ONNX name, kiln name, default.
struct Param {
  const char *onnx, *kiln;
  float dflt;
};

LogicalResult convertActivation(NodeImporter &n, StringRef opName,
                                ArrayRef<Param> params) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  Builder b(n.getContext());
  SmallVector<NamedAttribute> attrs;
  for (const Param &p : params) {
    float value;
    if (failed(n.getFloat(p.onnx, value, p.dflt)))
      return failure();
    attrs.push_back(n.attr(p.kiln, b.getF32FloatAttr(value)));
  }
  return single(n, n.create(opName, n.input(0), attrs));
}

LogicalResult convertLeakyRelu(NodeImporter &n) {
  return convertActivation(n, "kiln.leaky_relu", {{"alpha", "alpha", 0.01f}});
}

LogicalResult convertElu(NodeImporter &n) {
  return convertActivation(n, "kiln.elu", {{"alpha", "alpha", 1.0f}});
}

LogicalResult convertSelu(NodeImporter &n) {
  return convertActivation(n, "kiln.selu",
                           {{"alpha", "alpha", 1.67326319217681884765625f},
                            {"gamma", "gamma", 1.05070102214813232421875f}});
}

LogicalResult convertHardSigmoid(NodeImporter &n) {
  return convertActivation(n, "kiln.hard_sigmoid",
                           {{"alpha", "alpha", 0.2f}, {"beta", "beta", 0.5f}});
}

/// ThresholdedRelu(x) = x > alpha ? x : 0.
LogicalResult convertThresholdedRelu(NodeImporter &n) {
  float alpha;
  if (failed(n.checkNumInputs(1, 1)) ||
      failed(n.getFloat("alpha", alpha, 1.0f)))
    return failure();
  Type element = elementType(n, 0);
  auto above = binary(n, "kiln.greater", n.input(0), n.scalar(element, alpha));
  auto zero = n.scalar(element, 0.0);
  if (failed(above) || failed(zero))
    return failure();
  return single(n, n.create("kiln.select", {*above, n.input(0), *zero}));
}

/// Shrink(x) = x + bias if x < -lambd, x - bias if x > lambd, else 0.
LogicalResult convertShrink(NodeImporter &n) {
  float bias, lambd;
  if (failed(n.checkNumInputs(1, 1)) ||
      failed(n.getFloat("bias", bias, 0.0f)) ||
      failed(n.getFloat("lambd", lambd, 0.5f)))
    return failure();
  Type element = elementType(n, 0);
  Value x = n.input(0);
  auto b = n.scalar(element, bias);
  auto low = binary(n, "kiln.less", x, n.scalar(element, -lambd));
  auto high = binary(n, "kiln.greater", x, n.scalar(element, lambd));
  auto plus = binary(n, "kiln.add", x, b);
  auto minus = binary(n, "kiln.sub", x, b);
  auto zero = n.scalar(element, 0.0);
  if (failed(low) || failed(high) || failed(plus) || failed(minus) ||
      failed(zero))
    return failure();
  auto inner = n.create("kiln.select", {*high, *minus, *zero});
  if (failed(inner))
    return failure();
  return single(n, n.create("kiln.select", {*low, *plus, *inner}));
}

/// HardSwish(x) = x * HardSigmoid(x) with alpha 1/6, beta 1/2.
LogicalResult convertHardSwish(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  Builder b(n.getContext());
  auto gate = n.create("kiln.hard_sigmoid", n.input(0),
                       {n.attr("alpha", b.getF32FloatAttr(1.0f / 6.0f)),
                        n.attr("beta", b.getF32FloatAttr(0.5f))});
  return single(n, binary(n, "kiln.mul", n.input(0), gate));
}

/// Celu(x) = alpha * Elu(x / alpha) with Elu's alpha 1.
LogicalResult convertCelu(NodeImporter &n) {
  float alpha;
  if (failed(n.checkNumInputs(1, 1)) ||
      failed(n.getFloat("alpha", alpha, 1.0f)))
    return failure();
  if (alpha == 0.0f)
    return n.emitError() << "alpha must not be 0";
  auto a = n.scalar(elementType(n, 0), alpha);
  auto scaled = binary(n, "kiln.div", n.input(0), a);
  if (failed(scaled))
    return failure();
  Builder b(n.getContext());
  auto elu =
      n.create("kiln.elu", *scaled, {n.attr("alpha", b.getF32FloatAttr(1.0f))});
  return single(n, binary(n, "kiln.mul", elu, a));
}

/// Mish(x) = x * tanh(softplus(x)).
LogicalResult convertMish(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  auto softplus = n.create("kiln.softplus", n.input(0));
  if (failed(softplus))
    return failure();
  return single(
      n, binary(n, "kiln.mul", n.input(0), n.create("kiln.tanh", *softplus)));
}

/// Gelu (opset 20): x * Phi(x), with Phi(x) = (1 + erf(x / sqrt(2))) / 2 or,
/// for approximate = "tanh", (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3)))
/// / 2.
LogicalResult convertGelu(NodeImporter &n) {
  std::string approximate;
  if (failed(n.checkNumInputs(1, 1)) ||
      failed(n.getString("approximate", approximate, "none")))
    return failure();
  if (approximate != "none" && approximate != "tanh")
    return n.emitError() << "unsupported approximate '" << approximate << "'";
  Value x = n.input(0);
  Type element = elementType(n, 0);
  auto half = n.scalar(element, 0.5);
  FailureOr<Value> phi = failure();
  if (approximate == "none") {
    auto scaled = binary(n, "kiln.mul", x, n.scalar(element, M_SQRT1_2));
    if (failed(scaled))
      return failure();
    phi = n.create("kiln.erf", *scaled);
  } else {
    auto cube = binary(n, "kiln.mul", binary(n, "kiln.mul", x, x), x);
    auto inner =
        binary(n, "kiln.add", x,
               binary(n, "kiln.mul", cube, n.scalar(element, 0.044715)));
    auto scaled =
        binary(n, "kiln.mul", inner, n.scalar(element, std::sqrt(2.0 / M_PI)));
    if (failed(scaled))
      return failure();
    phi = n.create("kiln.tanh", *scaled);
  }
  // x * (0.5 + 0.5 * phi)
  auto gate = binary(n, "kiln.add", half, binary(n, "kiln.mul", half, phi));
  return single(n, binary(n, "kiln.mul", x, gate));
}

/// PRelu(x) = max(x, 0) + slope * min(x, 0), slope broadcasting to x. Before
/// opset 7 a 1-D slope applies per channel (dim 1).
LogicalResult convertPRelu(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto x = n.inputType(0);
  Value slope = n.input(1);
  auto st = n.inputType(1);
  if (n.opset() < 7 && st.getRank() == 1 && x.getRank() >= 2 &&
      st.getDimSize(0) != 1) {
    SmallVector<int64_t> shape(x.getRank() - 1, 1);
    shape[0] = st.getDimSize(0);
    auto r = n.reshape(slope, shape);
    if (failed(r))
      return failure();
    slope = *r;
  }
  auto zero = n.scalar(x.getElementType(), 0.0);
  auto pos = binary(n, "kiln.max", n.input(0), zero);
  auto neg =
      binary(n, "kiln.mul", slope, binary(n, "kiln.min", n.input(0), zero));
  return single(n, binary(n, "kiln.add", pos, neg));
}

//===- Pow, Clip, Mean ---------------------------------------------------===//

/// Pow. An exponent of another type (opset >= 12) is cast to the base's
/// type. An integer base is raised in f64 and truncated back, which is
/// exact while results fit in 53 bits.
LogicalResult convertPow(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto rhs = legacyBroadcastRhs(n);
  if (failed(rhs))
    return failure();
  auto base = n.inputType(0);
  Type compute = base.getElementType();
  if (!isa<FloatType>(compute))
    compute = Float64Type::get(n.getContext());
  // `unsigned_input`/`unsigned_result` for UINT* operands and results.
  auto castTo = [&](Value v, Type element, StringRef sign) -> FailureOr<Value> {
    auto type = cast<RankedTensorType>(v.getType());
    if (type.getElementType() == element)
      return v;
    SmallVector<NamedAttribute> attrs;
    if (!sign.empty())
      attrs.push_back(n.attr(sign, UnitAttr::get(n.getContext())));
    return n.create("kiln.cast", v, attrs, type.clone(element));
  };
  auto lhs = castTo(n.input(0), compute,
                    n.isUnsigned(0) ? "unsigned_input" : "");
  rhs = castTo(*rhs, compute, n.isUnsigned(1) ? "unsigned_input" : "");
  if (failed(lhs) || failed(rhs))
    return failure();
  auto result = n.create("kiln.pow", {*lhs, *rhs});
  if (failed(result) || compute == base.getElementType())
    return single(n, result);
  return single(n, castTo(*result, base.getElementType(),
                          n.isUnsigned(0) ? "unsigned_result" : ""));
}

/// One bound of Clip: an attribute before opset 11, an optional constant
/// scalar input from 11 on. Unset when absent or infinite.
LogicalResult readClipBound(NodeImporter &n, const char *name, unsigned input,
                            std::optional<double> &bound) {
  if (n.opset() < 11) {
    if (!n.findAttr(name))
      return success();
    float value;
    if (failed(n.getFloat(name, value, 0.0f)))
      return failure();
    // Opset 6 spells "no bound" as the float limits.
    if (std::isfinite(value) &&
        std::abs(value) != std::numeric_limits<float>::max())
      bound = value;
    return success();
  }
  if (!n.hasInput(input))
    return success();
  auto values = n.constantFloats(input, name);
  if (failed(values))
    return failure();
  if (values->size() != 1)
    return n.emitError() << name << " must be a scalar, got "
                         << n.inputType(input);
  if (!std::isinf(values->front()))
    bound = values->front();
  return success();
}

/// Clip: kiln.clip for floats; max/min with scalar constants for integers.
LogicalResult convertClip(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, n.opset() < 11 ? 1 : 3)))
    return failure();
  std::optional<double> lo, hi;
  if (failed(readClipBound(n, "min", 1, lo)) ||
      failed(readClipBound(n, "max", 2, hi)))
    return failure();
  Type element = elementType(n, 0);
  if (isa<FloatType>(element)) {
    Builder b(n.getContext());
    SmallVector<NamedAttribute> attrs;
    if (lo)
      attrs.push_back(n.attr("min", b.getF32FloatAttr(*lo)));
    if (hi)
      attrs.push_back(n.attr("max", b.getF32FloatAttr(*hi)));
    return single(n, n.create("kiln.clip", n.input(0), attrs));
  }
  FailureOr<Value> acc = n.input(0);
  auto bound = [&](const char *op, double v) -> FailureOr<Value> {
    auto c = n.scalar(element, v);
    if (failed(acc) || failed(c))
      return failure();
    return n.create(op, {*acc, *c}, n.signAttrs(0));
  };
  if (lo)
    acc = bound("kiln.max", *lo);
  if (hi)
    acc = bound("kiln.min", *hi);
  if (!lo && !hi)
    acc = n.create("kiln.identity", n.input(0));
  return single(n, acc);
}

/// Mean of N inputs: their broadcast sum divided by N.
LogicalResult convertMean(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, ~0u)))
    return failure();
  FailureOr<Value> acc = n.input(0);
  for (int i = 1; i < n.node.input_size(); ++i) {
    if (!n.hasInput(i))
      return n.emitError() << "input " << i << " is empty";
    acc = binary(n, "kiln.add", acc, n.input(i));
  }
  if (n.node.input_size() == 1)
    return single(n, n.create("kiln.identity", n.input(0)));
  auto count = n.scalar(elementType(n, 0), n.node.input_size());
  if (failed(acc) || failed(count))
    return failure();
  return single(n, n.create("kiln.div", {*acc, *count}, n.signAttrs(0)));
}

//===- Cast --------------------------------------------------------------===//

/// Cast to `element` (unsigned integers when `toUnsigned`); the identity
/// when the type already matches.
/// Cast between f32 and strings: kiln.string_cast into a fresh tensor.
LogicalResult castStrings(NodeImporter &n, Type element) {
  auto type = n.inputType(0);
  Type from = type.getElementType();
  if (from == element)
    return single(n, n.create("kiln.identity", n.input(0)));
  bool toString = isa<mlir::kiln::StringType>(element);
  // StringNormalizer's length depends on the data: its NULL-padded bound
  // can only leave the graph, not feed a computation.
  Value source = n.input(0);
  while (auto id = source.getDefiningOp<mlir::kiln::IdentityOp>())
    source = id.getInput();
  if (source.getDefiningOp<mlir::kiln::StringNormalizerOp>())
    return n.emitError() << "input 0 comes from a StringNormalizer, whose "
                            "length depends on the data; kiln needs static "
                            "shapes here";
  if ((toString && !from.isF32()) || (!toString && !element.isF32()))
    return n.emitError() << "casts between strings and " << (toString ? from : element)
                         << " are not supported (only float32)";
  Value init = tensor::EmptyOp::create(n.builder(), n.loc, type.getShape(),
                                       element);
  return single(n, n.create("kiln.string_cast", {n.input(0), init}, {},
                            type.clone(element)));
}

LogicalResult castTo(NodeImporter &n, Type element, bool toUnsigned) {
  auto type = n.inputType(0);
  if (isa<mlir::kiln::StringType>(element) ||
      isa<mlir::kiln::StringType>(type.getElementType()))
    return castStrings(n, element);
  auto wideInt = [](Type t) { return isa<IntegerType>(t) && !t.isInteger(1); };
  toUnsigned &= wideInt(element);
  n.setResultUnsigned(0, toUnsigned);
  if (type.getElementType() == element)
    return single(n, n.create("kiln.identity", n.input(0)));
  MLIRContext *ctx = n.getContext();
  SmallVector<NamedAttribute> attrs;
  if (n.isUnsigned(0))
    attrs.push_back(n.attr("unsigned_input", UnitAttr::get(ctx)));
  if (toUnsigned)
    attrs.push_back(n.attr("unsigned_result", UnitAttr::get(ctx)));
  return single(n,
                n.create("kiln.cast", n.input(0), attrs, type.clone(element)));
}

/// Cast: `to` is a TensorProto data type (a type name before opset 6).
LogicalResult convertCast(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  int64_t to = 0;
  if (n.opset() < 6) {
    std::string name;
    if (failed(n.getString("to", name, "")))
      return failure();
    onnx::TensorProto::DataType parsed;
    if (!onnx::TensorProto::DataType_Parse(name, &parsed))
      return n.emitError() << "unknown data type '" << name << "'";
    to = parsed;
  } else if (failed(n.getInt("to", to))) {
    return failure();
  }
  Type element = to == onnx::TensorProto::STRING
                     ? mlir::kiln::StringType::get(n.getContext())
                     : convertElementType(n.getContext(), to);
  if (!element)
    return n.emitError() << "cast to " << elementTypeName(to)
                         << " is not supported";
  return castTo(n, element, isUnsignedElementType(to));
}

/// CastLike: Cast to the element type of the second input.
LogicalResult convertCastLike(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  return castTo(n, elementType(n, 1), n.isUnsigned(1));
}

} // namespace

void registerMathOps(OpTable &table) {
  static const std::pair<const char *, ConvertFn> entries[] = {
      {"Neg", convertNegOrAbs<false>},
      {"Abs", convertNegOrAbs<true>},
      {"Reciprocal", convertUnary<kReciprocal>},
      {"Erf", convertUnary<kErf>},
      {"Floor", convertUnary<kFloor>},
      {"Ceil", convertUnary<kCeil>},
      {"Sin", convertUnary<kSin>},
      {"Cos", convertUnary<kCos>},
      {"Softplus", convertUnary<kSoftplus>},
      {"Softsign", convertUnary<kSoftsign>},
      {"Tan", convertUnary<kTan>},
      {"Asin", convertUnary<kAsin>},
      {"Acos", convertUnary<kAcos>},
      {"Atan", convertUnary<kAtan>},
      {"Sinh", convertUnary<kSinh>},
      {"Cosh", convertUnary<kCosh>},
      {"Asinh", convertUnary<kAsinh>},
      {"Acosh", convertUnary<kAcosh>},
      {"Atanh", convertUnary<kAtanh>},
      {"Round", convertUnary<kRound>},
      {"Sign", convertSign},
      {"ThresholdedRelu", convertThresholdedRelu},
      {"Shrink", convertShrink},
      {"LeakyRelu", convertLeakyRelu},
      {"Elu", convertElu},
      {"Selu", convertSelu},
      {"HardSigmoid", convertHardSigmoid},
      {"HardSwish", convertHardSwish},
      {"Celu", convertCelu},
      {"Mish", convertMish},
      {"Gelu", convertGelu},
      {"PRelu", convertPRelu},
      {"Pow", convertPow},
      {"Clip", convertClip},
      {"Mean", convertMean},
      {"Cast", convertCast},
      {"CastLike", convertCastLike},
  };
  for (const auto &[name, fn] : entries)
    table[name] = fn;
}

} // namespace kiln::onnximport
