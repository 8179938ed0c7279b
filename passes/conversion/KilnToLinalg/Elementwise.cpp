// kiln elementwise ops (binary with broadcasting, unary and activations,
// cast, batch-norm) and constants -> linalg.generic / arith.constant.
#include "dialects/kiln/KilnDialect.h"
#include "passes/conversion/KilnToLinalg/Builders.h"
#include "passes/conversion/Passes.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// Scalar body of each binary op; integers use signed arithmetic.
Value binaryBody(Operation *op, OpBuilder &b, Location loc, Value x, Value y) {
  bool f = isa<FloatType>(x.getType());
  if (isa<AddOp>(op))
    return f ? arith::AddFOp::create(b, loc, x, y).getResult()
             : arith::AddIOp::create(b, loc, x, y).getResult();
  if (isa<SubOp>(op))
    return f ? arith::SubFOp::create(b, loc, x, y).getResult()
             : arith::SubIOp::create(b, loc, x, y).getResult();
  if (isa<MulOp>(op))
    return f ? arith::MulFOp::create(b, loc, x, y).getResult()
             : arith::MulIOp::create(b, loc, x, y).getResult();
  if (isa<DivOp>(op))
    return f ? arith::DivFOp::create(b, loc, x, y).getResult()
             : arith::DivSIOp::create(b, loc, x, y).getResult();
  if (isa<MaxOp>(op))
    return f ? arith::MaximumFOp::create(b, loc, x, y).getResult()
             : arith::MaxSIOp::create(b, loc, x, y).getResult();
  if (isa<MinOp>(op))
    return f ? arith::MinimumFOp::create(b, loc, x, y).getResult()
             : arith::MinSIOp::create(b, loc, x, y).getResult();
  if (isa<PowOp>(op))
    return math::PowFOp::create(b, loc, x, y);
  // Comparisons: ordered float predicates, signed integer ones.
  using FP = arith::CmpFPredicate;
  using IP = arith::CmpIPredicate;
  std::pair<FP, IP> pred;
  if (isa<EqualOp>(op))
    pred = {FP::OEQ, IP::eq};
  else if (isa<NotEqualOp>(op))
    pred = {FP::UNE, IP::ne};
  else if (isa<LessOp>(op))
    pred = {FP::OLT, IP::slt};
  else if (isa<LessEqualOp>(op))
    pred = {FP::OLE, IP::sle};
  else if (isa<GreaterOp>(op))
    pred = {FP::OGT, IP::sgt};
  else if (isa<GreaterEqualOp>(op))
    pred = {FP::OGE, IP::sge};
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

/// Converts one scalar between kiln's element types (signed integers).
Value castScalar(OpBuilder &b, Location loc, Value x, Type to) {
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
  if (fromF && toF)
    return fromF.getWidth() < toF.getWidth()
               ? arith::ExtFOp::create(b, loc, to, x).getResult()
               : arith::TruncFOp::create(b, loc, to, x).getResult();
  if (fromF)
    return arith::FPToSIOp::create(b, loc, to, x);
  // From an integer; i1 is 0 or 1, never -1.
  bool isBool = from.isInteger(1);
  if (toF)
    return isBool ? arith::UIToFPOp::create(b, loc, to, x).getResult()
                  : arith::SIToFPOp::create(b, loc, to, x).getResult();
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw > tw)
    return arith::TruncIOp::create(b, loc, to, x);
  return isBool ? arith::ExtUIOp::create(b, loc, to, x).getResult()
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
                                                 type.getElementType());
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
               BinaryToGeneric<GreaterEqualOp>>(ctx);
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
               UnaryToGeneric<SeluOp>, UnaryToGeneric<HardSigmoidOp>>(ctx);
  patterns.add<BatchNormToGeneric, CastToGeneric, SelectToGeneric,
               ConstantToArith,
               EraseIdentity>(ctx);
}
