// ONNX converters of the comparison and logic family: Equal, Less, Greater
// (and the -OrEqual forms), Where, the logical ops on bool (And, Or, Xor,
// Not), the bitwise ops on integers, Mod, BitShift, IsNaN and IsInf.
// Integer comparisons, Mod and right shifts of UINT* inputs are unsigned.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include <limits>

using namespace mlir;

namespace kiln::onnximport {
namespace {

/// lhs `op` rhs with the legacy (opset < 7) broadcast of the rhs and
/// `is_unsigned` when the lhs is unsigned (for ops that take it).
template <const char *OpName, bool SignAware>
LogicalResult convertBinary(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto rhs = legacyBroadcastRhs(n);
  if (failed(rhs))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (SignAware)
    attrs = n.signAttrs(0);
  return single(n, n.create(OpName, {n.input(0), *rhs}, attrs));
}

constexpr char kEqual[] = "kiln.equal", kLess[] = "kiln.less",
               kLessEqual[] = "kiln.less_equal", kGreater[] = "kiln.greater",
               kGreaterEqual[] = "kiln.greater_equal", kAnd[] = "kiln.and",
               kOr[] = "kiln.or", kXor[] = "kiln.xor";

/// Not and BitwiseNot: the complement (logical not on bool).
LogicalResult convertNot(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  return single(n, n.create("kiln.not", n.input(0)));
}

/// Where(condition, X, Y): all three broadcast.
LogicalResult convertWhere(NodeImporter &n) {
  if (failed(n.checkNumInputs(3, 3)))
    return failure();
  if (!n.inputType(0).getElementType().isInteger(1))
    return n.emitError() << "condition must be a bool tensor, got "
                         << n.inputType(0);
  return single(n,
                n.create("kiln.select", {n.input(0), n.input(1), n.input(2)}));
}

/// Mod: fmod = 0 takes the divisor's sign (integers only, as ONNX
/// requires), fmod = 1 the dividend's (C fmod).
LogicalResult convertMod(NodeImporter &n) {
  int64_t fmod;
  if (failed(n.checkNumInputs(2, 2)) || failed(n.getInt("fmod", fmod, 0)))
    return failure();
  if (fmod != 0 && fmod != 1)
    return n.emitError() << "fmod must be 0 or 1, got " << fmod;
  if (fmod == 0 && isa<FloatType>(n.inputType(0).getElementType()))
    return n.emitError() << "fmod must be 1 for floating-point inputs, got "
                         << n.inputType(0);
  return single(n, n.create(fmod ? "kiln.rem" : "kiln.floor_mod",
                            {n.input(0), n.input(1)}, n.signAttrs(0)));
}

/// BitShift: `direction` is LEFT or RIGHT; ONNX defines it on unsigned
/// integers, so a right shift is logical (arithmetic for signed inputs).
LogicalResult convertBitShift(NodeImporter &n) {
  std::string direction;
  if (failed(n.checkNumInputs(2, 2)) ||
      failed(n.getString("direction", direction, "")))
    return failure();
  if (direction != "LEFT" && direction != "RIGHT")
    return n.emitError() << "direction must be LEFT or RIGHT, got '"
                         << direction << "'";
  if (direction == "LEFT")
    return single(n, n.create("kiln.shift_left", {n.input(0), n.input(1)}));
  return single(n, n.create("kiln.shift_right", {n.input(0), n.input(1)},
                            n.signAttrs(0)));
}

/// IsNaN(x) = x != x (the only unordered self-comparison).
LogicalResult convertIsNaN(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  if (!isa<FloatType>(n.inputType(0).getElementType()))
    return n.emitError() << "input must be floating-point, got "
                         << n.inputType(0);
  return single(n, n.create("kiln.not_equal", {n.input(0), n.input(0)}));
}

/// IsInf: x == +inf and/or x == -inf as detect_positive/negative ask.
LogicalResult convertIsInf(NodeImporter &n) {
  int64_t positive, negative;
  if (failed(n.checkNumInputs(1, 1)) ||
      failed(n.getInt("detect_positive", positive, 1)) ||
      failed(n.getInt("detect_negative", negative, 1)))
    return failure();
  Type element = n.inputType(0).getElementType();
  if (!isa<FloatType>(element))
    return n.emitError() << "input must be floating-point, got "
                         << n.inputType(0);
  const double inf = std::numeric_limits<double>::infinity();
  auto compare = [&](const char *op, double bound) -> FailureOr<Value> {
    auto c = n.scalar(element, bound);
    if (failed(c))
      return failure();
    return n.create(op, {n.input(0), *c});
  };
  if (!positive && !negative) // x < -inf: false everywhere, NaN included.
    return single(n, compare("kiln.less", -inf));
  if (!negative)
    return single(n, compare("kiln.equal", inf));
  if (!positive)
    return single(n, compare("kiln.equal", -inf));
  auto pos = compare("kiln.equal", inf), neg = compare("kiln.equal", -inf);
  if (failed(pos) || failed(neg))
    return failure();
  return single(n, n.create("kiln.or", {*pos, *neg}));
}

} // namespace

void registerLogicOps(OpTable &table) {
  static const std::pair<const char *, ConvertFn> entries[] = {
      {"Equal", convertBinary<kEqual, false>},
      {"Less", convertBinary<kLess, true>},
      {"LessOrEqual", convertBinary<kLessEqual, true>},
      {"Greater", convertBinary<kGreater, true>},
      {"GreaterOrEqual", convertBinary<kGreaterEqual, true>},
      {"And", convertBinary<kAnd, false>},
      {"Or", convertBinary<kOr, false>},
      {"Xor", convertBinary<kXor, false>},
      {"Not", convertNot},
      {"BitwiseAnd", convertBinary<kAnd, false>},
      {"BitwiseOr", convertBinary<kOr, false>},
      {"BitwiseXor", convertBinary<kXor, false>},
      {"BitwiseNot", convertNot},
      {"Where", convertWhere},
      {"Mod", convertMod},
      {"BitShift", convertBitShift},
      {"IsNaN", convertIsNaN},
      {"IsInf", convertIsInf},
  };
  for (const auto &[name, fn] : entries)
    table[name] = fn;
}

} // namespace kiln::onnximport
