// kiln elementwise ops (binary arithmetic, bitwise and comparison ops with
// broadcasting, unary and activations, cast, batch-norm) and constants ->
// linalg.generic / arith.constant.
#include "dialects/kiln/KilnDialect.h"
#include "passes/conversion/KilnToLinalg/Builders.h"
#include "passes/conversion/Passes.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// True when the op carries `is_unsigned` (integer operands are unsigned).
bool isUnsigned(Operation *op) { return op->hasAttr("is_unsigned"); }

/// An integer constant of type `t` holding `v` (truncated to the width).
Value intConstant(OpBuilder &b, Location loc, Type t, int64_t v) {
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(t, APInt(t.getIntOrFloatBitWidth(), v, true)));
}

/// Integer remainder that never traps: a divisor of 0 (and, signed, -1,
/// whose remainder is always 0 but overflows for INT_MIN) becomes 1.
Value safeRemI(OpBuilder &b, Location loc, Value x, Value y, bool u) {
  Type t = x.getType();
  using IP = arith::CmpIPredicate;
  Value bad = arith::CmpIOp::create(b, loc, IP::eq, y, intConstant(b, loc, t, 0));
  if (!u)
    bad = arith::OrIOp::create(
        b, loc, bad,
        arith::CmpIOp::create(b, loc, IP::eq, y, intConstant(b, loc, t, -1)));
  Value divisor =
      arith::SelectOp::create(b, loc, bad, intConstant(b, loc, t, 1), y);
  return u ? arith::RemUIOp::create(b, loc, x, divisor).getResult()
           : arith::RemSIOp::create(b, loc, x, divisor).getResult();
}

/// Floored remainder: the truncated one plus `y` when it is non-zero and its
/// sign differs from `y`'s.
Value floorModBody(OpBuilder &b, Location loc, Value x, Value y, bool u) {
  Type t = x.getType();
  if (!isa<FloatType>(t)) {
    Value r = safeRemI(b, loc, x, y, u);
    if (u)
      return r;
    using IP = arith::CmpIPredicate;
    Value zero = intConstant(b, loc, t, 0);
    Value nonZero = arith::CmpIOp::create(b, loc, IP::ne, r, zero);
    Value signsDiffer = arith::XOrIOp::create(
        b, loc, arith::CmpIOp::create(b, loc, IP::slt, r, zero),
        arith::CmpIOp::create(b, loc, IP::slt, y, zero));
    Value fix = arith::AndIOp::create(b, loc, nonZero, signsDiffer);
    return arith::SelectOp::create(b, loc, fix,
                                   arith::AddIOp::create(b, loc, r, y), r);
  }
  using FP = arith::CmpFPredicate;
  Value r = arith::RemFOp::create(b, loc, x, y);
  Value zero = floatConstant(b, loc, t, 0.0);
  Value nonZero = arith::CmpFOp::create(b, loc, FP::ONE, r, zero);
  Value signsDiffer = arith::XOrIOp::create(
      b, loc, arith::CmpFOp::create(b, loc, FP::OLT, r, zero),
      arith::CmpFOp::create(b, loc, FP::OLT, y, zero));
  Value fix = arith::AndIOp::create(b, loc, nonZero, signsDiffer);
  return arith::SelectOp::create(b, loc, fix,
                                 arith::AddFOp::create(b, loc, r, y), r);
}

/// Shifts with amounts of the bit width or more (or negative) defined: 0,
/// or the sign fill for an arithmetic right shift.
Value shiftBody(OpBuilder &b, Location loc, Value x, Value y, bool left,
                bool logical) {
  Type t = x.getType();
  int64_t width = t.getIntOrFloatBitWidth();
  Value w = intConstant(b, loc, t, width);
  Value tooFar =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, y, w);
  if (!left && !logical) {
    Value amount = arith::SelectOp::create(
        b, loc, tooFar, intConstant(b, loc, t, width - 1), y);
    return arith::ShRSIOp::create(b, loc, x, amount);
  }
  Value zero = intConstant(b, loc, t, 0);
  Value amount = arith::SelectOp::create(b, loc, tooFar, zero, y);
  Value shifted = left ? arith::ShLIOp::create(b, loc, x, amount).getResult()
                       : arith::ShRUIOp::create(b, loc, x, amount).getResult();
  return arith::SelectOp::create(b, loc, tooFar, zero, shifted);
}

/// Scalar body of each binary op; integers use signed arithmetic unless the
/// op is `is_unsigned`.
Value binaryBody(Operation *op, OpBuilder &b, Location loc, Value x, Value y) {
  bool f = isa<FloatType>(x.getType());
  bool u = isUnsigned(op);
  if (isa<AddOp>(op))
    return f ? arith::AddFOp::create(b, loc, x, y).getResult()
             : arith::AddIOp::create(b, loc, x, y).getResult();
  if (isa<SubOp>(op))
    return f ? arith::SubFOp::create(b, loc, x, y).getResult()
             : arith::SubIOp::create(b, loc, x, y).getResult();
  if (isa<MulOp>(op))
    return f ? arith::MulFOp::create(b, loc, x, y).getResult()
             : arith::MulIOp::create(b, loc, x, y).getResult();
  if (isa<DivOp>(op)) {
    if (f)
      return arith::DivFOp::create(b, loc, x, y);
    return u ? arith::DivUIOp::create(b, loc, x, y).getResult()
             : arith::DivSIOp::create(b, loc, x, y).getResult();
  }
  if (isa<MaxOp>(op)) {
    if (f)
      return arith::MaximumFOp::create(b, loc, x, y);
    return u ? arith::MaxUIOp::create(b, loc, x, y).getResult()
             : arith::MaxSIOp::create(b, loc, x, y).getResult();
  }
  if (isa<MinOp>(op)) {
    if (f)
      return arith::MinimumFOp::create(b, loc, x, y);
    return u ? arith::MinUIOp::create(b, loc, x, y).getResult()
             : arith::MinSIOp::create(b, loc, x, y).getResult();
  }
  if (isa<PowOp>(op))
    return math::PowFOp::create(b, loc, x, y);
  if (isa<RemOp>(op))
    return f ? arith::RemFOp::create(b, loc, x, y).getResult()
             : safeRemI(b, loc, x, y, u);
  if (isa<FloorModOp>(op))
    return floorModBody(b, loc, x, y, u);
  if (isa<ShiftLeftOp>(op))
    return shiftBody(b, loc, x, y, /*left=*/true, /*logical=*/true);
  if (isa<ShiftRightOp>(op))
    return shiftBody(b, loc, x, y, /*left=*/false, /*logical=*/u);
  if (isa<AndOp>(op))
    return arith::AndIOp::create(b, loc, x, y);
  if (isa<OrOp>(op))
    return arith::OrIOp::create(b, loc, x, y);
  if (isa<XorOp>(op))
    return arith::XOrIOp::create(b, loc, x, y);
  // Comparisons: ordered float predicates, signed or unsigned integer ones.
  using FP = arith::CmpFPredicate;
  using IP = arith::CmpIPredicate;
  std::pair<FP, IP> pred;
  if (isa<EqualOp>(op))
    pred = {FP::OEQ, IP::eq};
  else if (isa<NotEqualOp>(op))
    pred = {FP::UNE, IP::ne};
  else if (isa<LessOp>(op))
    pred = {FP::OLT, u ? IP::ult : IP::slt};
  else if (isa<LessEqualOp>(op))
    pred = {FP::OLE, u ? IP::ule : IP::sle};
  else if (isa<GreaterOp>(op))
    pred = {FP::OGT, u ? IP::ugt : IP::sgt};
  else if (isa<GreaterEqualOp>(op))
    pred = {FP::OGE, u ? IP::uge : IP::sge};
  else
    llvm_unreachable("not a kiln binary op");
  return f ? arith::CmpFOp::create(b, loc, pred.first, x, y).getResult()
           : arith::CmpIOp::create(b, loc, pred.second, x, y).getResult();
}

template <typename KilnOp>
struct BinaryToGeneric : OpRewritePattern<KilnOp> {
  using OpRewritePattern<KilnOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(KilnOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Value result = broadcastGeneric(
        rewriter, op.getLoc(), op.getType(), {op.getLhs(), op.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return binaryBody(op, b, loc, args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// alpha * (exp(x) - 1) for x <= 0, x otherwise.
Value eluBody(OpBuilder &b, Location loc, Value x, double alpha) {
  Type t = x.getType();
  Value zero = floatConstant(b, loc, t, 0.0);
  Value em1 = math::ExpM1Op::create(b, loc, x);
  Value neg = arith::MulFOp::create(b, loc, floatConstant(b, loc, t, alpha), em1);
  Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
  return arith::SelectOp::create(b, loc, pos, x, neg);
}

/// Scalar body of each unary and activation op.
Value unaryBody(Operation *op, OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  auto c = [&](double v) { return floatConstant(b, loc, t, v); };
  if (isa<ReluOp>(op))
    return arith::MaximumFOp::create(b, loc, x, c(0.0));
  if (isa<SigmoidOp>(op)) {
    // 1 / (1 + exp(-x))
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    Value one = c(1.0);
    return arith::DivFOp::create(b, loc, one,
                                 arith::AddFOp::create(b, loc, one, e));
  }
  if (isa<TanhOp>(op))
    return math::TanhOp::create(b, loc, x);
  if (isa<ExpOp>(op))
    return math::ExpOp::create(b, loc, x);
  if (isa<LogOp>(op))
    return math::LogOp::create(b, loc, x);
  if (isa<SqrtOp>(op))
    return math::SqrtOp::create(b, loc, x);
  if (isa<NegOp>(op))
    return arith::NegFOp::create(b, loc, x);
  if (isa<AbsOp>(op))
    return math::AbsFOp::create(b, loc, x);
  if (isa<RsqrtOp>(op))
    return math::RsqrtOp::create(b, loc, x);
  if (isa<ReciprocalOp>(op))
    return arith::DivFOp::create(b, loc, c(1.0), x);
  if (isa<ErfOp>(op))
    return math::ErfOp::create(b, loc, x);
  if (isa<FloorOp>(op))
    return math::FloorOp::create(b, loc, x);
  if (isa<CeilOp>(op))
    return math::CeilOp::create(b, loc, x);
  if (isa<SinOp>(op))
    return math::SinOp::create(b, loc, x);
  if (isa<CosOp>(op))
    return math::CosOp::create(b, loc, x);
  if (isa<SoftplusOp>(op)) {
    // log1p(exp(-|x|)) + max(x, 0): no overflow for large x.
    Value e = math::ExpOp::create(
        b, loc, arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x)));
    return arith::AddFOp::create(b, loc, math::Log1pOp::create(b, loc, e),
                                 arith::MaximumFOp::create(b, loc, x, c(0.0)));
  }
  if (isa<TanOp>(op))
    return math::TanOp::create(b, loc, x);
  if (isa<AsinOp>(op))
    return math::AsinOp::create(b, loc, x);
  if (isa<AcosOp>(op))
    return math::AcosOp::create(b, loc, x);
  if (isa<AtanOp>(op))
    return math::AtanOp::create(b, loc, x);
  if (isa<SinhOp>(op))
    return math::SinhOp::create(b, loc, x);
  if (isa<CoshOp>(op))
    return math::CoshOp::create(b, loc, x);
  if (isa<AsinhOp>(op))
    return math::AsinhOp::create(b, loc, x);
  if (isa<AcoshOp>(op))
    return math::AcoshOp::create(b, loc, x);
  if (isa<AtanhOp>(op))
    return math::AtanhOp::create(b, loc, x);
  if (isa<RoundOp>(op))
    return math::RoundEvenOp::create(b, loc, x);
  if (isa<NotOp>(op))
    return arith::XOrIOp::create(b, loc, x, intConstant(b, loc, t, -1));
  if (isa<SignOp>(op)) {
    // x > 0 ? 1 : (x < 0 ? -1 : x); x is 0 or NaN in the last case.
    bool f = isa<FloatType>(t);
    Value zero = scalarConstant(b, loc, t, 0.0);
    Value pos = f ? arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                          zero)
                        .getResult()
                  : arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                          x, zero)
                        .getResult();
    Value neg = f ? arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                          zero)
                        .getResult()
                  : arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                          x, zero)
                        .getResult();
    Value inner = arith::SelectOp::create(
        b, loc, neg, scalarConstant(b, loc, t, -1.0), x);
    return arith::SelectOp::create(b, loc, pos, scalarConstant(b, loc, t, 1.0),
                                   inner);
  }
  if (isa<SoftsignOp>(op))
    return arith::DivFOp::create(
        b, loc, x,
        arith::AddFOp::create(b, loc, c(1.0), math::AbsFOp::create(b, loc, x)));
  if (auto clip = dyn_cast<ClipOp>(op)) {
    Value y = x;
    if (auto lo = clip.getMin())
      y = arith::MaximumFOp::create(b, loc, y, c(lo->convertToDouble()));
    if (auto hi = clip.getMax())
      y = arith::MinimumFOp::create(b, loc, y, c(hi->convertToDouble()));
    return y;
  }
  if (auto leaky = dyn_cast<LeakyReluOp>(op)) {
    Value neg = arith::MulFOp::create(
        b, loc, c(leaky.getAlpha().convertToDouble()), x);
    Value pos =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x, c(0.0));
    return arith::SelectOp::create(b, loc, pos, x, neg);
  }
  if (auto elu = dyn_cast<EluOp>(op))
    return eluBody(b, loc, x, elu.getAlpha().convertToDouble());
  if (auto selu = dyn_cast<SeluOp>(op))
    return arith::MulFOp::create(
        b, loc, c(selu.getGamma().convertToDouble()),
        eluBody(b, loc, x, selu.getAlpha().convertToDouble()));
  if (auto hs = dyn_cast<HardSigmoidOp>(op)) {
    Value y = arith::AddFOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, c(hs.getAlpha().convertToDouble()), x),
        c(hs.getBeta().convertToDouble()));
    return arith::MinimumFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, y, c(0.0)), c(1.0));
  }
  llvm_unreachable("not a kiln unary op");
}

/// Converts one scalar between kiln's element types; integers are signed
/// unless `unsignedIn` (the input) or `unsignedOut` (the result) says so.
Value castScalar(OpBuilder &b, Location loc, Value x, Type to, bool unsignedIn,
                 bool unsignedOut) {
  Type from = x.getType();
  if (from == to)
    return x;
  auto fromF = dyn_cast<FloatType>(from), toF = dyn_cast<FloatType>(to);
  if (to.isInteger(1)) {
    Value zero = scalarConstant(b, loc, from, 0.0);
    if (fromF)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
  }
  if (fromF && toF && to.isBF16() && fromF.getWidth() > 32) {
    // Through f32: the bf16 expansion before LLVM handles f32 only.
    x = arith::TruncFOp::create(b, loc, b.getF32Type(), x);
    fromF = b.getF32Type();
  }
  if (fromF && toF)
    return fromF.getWidth() < toF.getWidth()
               ? arith::ExtFOp::create(b, loc, to, x).getResult()
               : arith::TruncFOp::create(b, loc, to, x).getResult();
  if (fromF)
    return unsignedOut ? arith::FPToUIOp::create(b, loc, to, x).getResult()
                       : arith::FPToSIOp::create(b, loc, to, x).getResult();
  // From an integer; i1 is 0 or 1, never -1.
  bool zeroExtend = unsignedIn || from.isInteger(1);
  if (toF)
    return zeroExtend ? arith::UIToFPOp::create(b, loc, to, x).getResult()
                      : arith::SIToFPOp::create(b, loc, to, x).getResult();
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw > tw)
    return arith::TruncIOp::create(b, loc, to, x);
  return zeroExtend ? arith::ExtUIOp::create(b, loc, to, x).getResult()
                    : arith::ExtSIOp::create(b, loc, to, x).getResult();
}

struct SelectToGeneric : OpRewritePattern<SelectOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SelectOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    rewriter.replaceOp(
        op, broadcastGeneric(
                rewriter, op.getLoc(), cast<RankedTensorType>(op.getType()),
                {op.getCondition(), op.getOnTrue(), op.getOnFalse()},
                [](OpBuilder &b, Location loc, ValueRange a) -> Value {
                  return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
                }));
    return success();
  }
};

struct CastToGeneric : OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto type = cast<RankedTensorType>(op.getType());
    rewriter.replaceOp(
        op, broadcastGeneric(rewriter, op.getLoc(), type, {op.getInput()},
                             [&](OpBuilder &b, Location loc, ValueRange a) {
                               return castScalar(b, loc, a[0],
                                                 type.getElementType(),
                                                 op.getUnsignedInput(),
                                                 op.getUnsignedResult());
                             }));
    return success();
  }
};

template <typename KilnOp>
struct UnaryToGeneric : OpRewritePattern<KilnOp> {
  using OpRewritePattern<KilnOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(KilnOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Value result = broadcastGeneric(
        rewriter, op.getLoc(), op.getType(), {op.getInput()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return unaryBody(op, b, loc, args[0]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// y = (x - mean) * (scale / sqrt(var + eps)) + bias, per channel.
struct BatchNormToGeneric : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    double eps = op.getEpsilon().convertToDouble();
    Value result = channelGeneric(
        rewriter, op.getLoc(), op.getType(), op.getInput(),
        {op.getScale(), op.getBias(), op.getMean(), op.getVariance()},
        op.getAxis(), [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          Value x = a[0], scale = a[1], bias = a[2], mean = a[3], var = a[4];
          Value e = floatConstant(b, loc, x.getType(), eps);
          Value inv = arith::DivFOp::create(
              b, loc, scale,
              math::SqrtOp::create(b, loc, arith::AddFOp::create(b, loc, var, e)));
          Value centered = arith::SubFOp::create(b, loc, x, mean);
          return arith::AddFOp::create(
              b, loc, arith::MulFOp::create(b, loc, centered, inv), bias);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConstantToArith : OpRewritePattern<ConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConstantOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, cast<TypedAttr>(op.getValue()));
    return success();
  }
};

struct EraseIdentity : OpRewritePattern<IdentityOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(IdentityOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, op.getInput());
    return success();
  }
};

} // namespace

void mlir::kiln::populateKilnElementwiseToLinalgPatterns(
    RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<BinaryToGeneric<AddOp>, BinaryToGeneric<SubOp>,
               BinaryToGeneric<MulOp>, BinaryToGeneric<DivOp>,
               BinaryToGeneric<MaxOp>, BinaryToGeneric<MinOp>,
               BinaryToGeneric<PowOp>, BinaryToGeneric<EqualOp>,
               BinaryToGeneric<NotEqualOp>, BinaryToGeneric<LessOp>,
               BinaryToGeneric<LessEqualOp>, BinaryToGeneric<GreaterOp>,
               BinaryToGeneric<GreaterEqualOp>, BinaryToGeneric<RemOp>,
               BinaryToGeneric<FloorModOp>, BinaryToGeneric<ShiftLeftOp>,
               BinaryToGeneric<ShiftRightOp>, BinaryToGeneric<AndOp>,
               BinaryToGeneric<OrOp>, BinaryToGeneric<XorOp>>(ctx);
  patterns.add<UnaryToGeneric<ReluOp>, UnaryToGeneric<SigmoidOp>,
               UnaryToGeneric<TanhOp>, UnaryToGeneric<ExpOp>,
               UnaryToGeneric<LogOp>, UnaryToGeneric<SqrtOp>,
               UnaryToGeneric<NegOp>, UnaryToGeneric<AbsOp>,
               UnaryToGeneric<RsqrtOp>, UnaryToGeneric<ReciprocalOp>,
               UnaryToGeneric<ErfOp>, UnaryToGeneric<FloorOp>,
               UnaryToGeneric<CeilOp>, UnaryToGeneric<SinOp>,
               UnaryToGeneric<CosOp>, UnaryToGeneric<SoftplusOp>,
               UnaryToGeneric<SoftsignOp>, UnaryToGeneric<ClipOp>,
               UnaryToGeneric<LeakyReluOp>, UnaryToGeneric<EluOp>,
               UnaryToGeneric<SeluOp>, UnaryToGeneric<HardSigmoidOp>,
               UnaryToGeneric<TanOp>, UnaryToGeneric<AsinOp>,
               UnaryToGeneric<AcosOp>, UnaryToGeneric<AtanOp>,
               UnaryToGeneric<SinhOp>, UnaryToGeneric<CoshOp>,
               UnaryToGeneric<AsinhOp>, UnaryToGeneric<AcoshOp>,
               UnaryToGeneric<AtanhOp>, UnaryToGeneric<RoundOp>,
               UnaryToGeneric<SignOp>, UnaryToGeneric<NotOp>>(ctx);
  patterns.add<BatchNormToGeneric, CastToGeneric, SelectToGeneric,
               ConstantToArith,
               EraseIdentity>(ctx);
}
