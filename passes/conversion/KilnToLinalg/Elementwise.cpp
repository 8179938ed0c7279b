// kiln elementwise ops (binary with broadcasting, unary, batch-norm) and
// constants -> linalg.generic / arith.constant.
#include "dialects/kiln/KilnDialect.h"
#include "passes/conversion/KilnToLinalg/Builders.h"
#include "passes/conversion/Passes.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

template <typename KilnOp, typename ArithOp>
struct BinaryToGeneric : OpRewritePattern<KilnOp> {
  using OpRewritePattern<KilnOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(KilnOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Value result = broadcastGeneric(
        rewriter, op.getLoc(), op.getType(), {op.getLhs(), op.getRhs()},
        [](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return ArithOp::create(b, loc, args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Scalar body of each unary op.
Value unaryBody(Operation *op, OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  if (isa<ReluOp>(op))
    return arith::MaximumFOp::create(b, loc, x, floatConstant(b, loc, t, 0.0));
  if (isa<SigmoidOp>(op)) {
    // 1 / (1 + exp(-x))
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    Value one = floatConstant(b, loc, t, 1.0);
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
  llvm_unreachable("not a kiln unary op");
}

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
  patterns.add<BinaryToGeneric<AddOp, arith::AddFOp>,
               BinaryToGeneric<SubOp, arith::SubFOp>,
               BinaryToGeneric<MulOp, arith::MulFOp>,
               BinaryToGeneric<DivOp, arith::DivFOp>,
               BinaryToGeneric<MaxOp, arith::MaximumFOp>,
               BinaryToGeneric<MinOp, arith::MinimumFOp>>(ctx);
  patterns.add<UnaryToGeneric<ReluOp>, UnaryToGeneric<SigmoidOp>,
               UnaryToGeneric<TanhOp>, UnaryToGeneric<ExpOp>,
               UnaryToGeneric<LogOp>, UnaryToGeneric<SqrtOp>,
               UnaryToGeneric<NegOp>>(ctx);
  patterns.add<BatchNormToGeneric, ConstantToArith, EraseIdentity>(ctx);
}
