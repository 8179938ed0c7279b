// kiln.softmax, log_softmax, reduce_* and global_avg_pool -> reduction
// linalg.generics.
#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/KilnShapes.h"
#include "passes/conversion/KilnToLinalg/Builders.h"
#include "passes/conversion/Passes.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

using Combine = function_ref<Value(OpBuilder &, Location, Value, Value)>;

/// Reduces `input` over the sorted `axes` with `combine`, starting from
/// `init`; the result drops those axes.
Value reduceAxes(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> axes, Value init, Combine combine) {
  auto type = cast<RankedTensorType>(input.getType());
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < rank; ++i) {
    bool reduced = llvm::is_contained(axes, i);
    iterators.push_back(reduced ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
    if (!reduced) {
      shape.push_back(type.getDimSize(i));
      outExprs.push_back(getAffineDimExpr(i, ctx));
    }
  }
  auto outType = RankedTensorType::get(shape, type.getElementType());
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 AffineMap::get(rank, 0, outExprs, ctx)};
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, ValueRange{input},
      ValueRange{filledTensor(b, loc, outType, init)}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, combine(nb, nloc, args[0], args[1]));
      });
  return generic.getResult(0);
}

Value reduceAxis(OpBuilder &b, Location loc, Value input, int64_t axis,
                 Value init, Combine combine) {
  return reduceAxes(b, loc, input, {axis}, init, combine);
}

Value maxOf(OpBuilder &b, Location l, Value x, Value acc) {
  if (isa<FloatType>(x.getType()))
    return arith::MaximumFOp::create(b, l, x, acc);
  return arith::MaxSIOp::create(b, l, x, acc);
}
Value minOf(OpBuilder &b, Location l, Value x, Value acc) {
  if (isa<FloatType>(x.getType()))
    return arith::MinimumFOp::create(b, l, x, acc);
  return arith::MinSIOp::create(b, l, x, acc);
}
Value addOf(OpBuilder &b, Location l, Value x, Value acc) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, l, x, acc);
  return arith::AddIOp::create(b, l, x, acc);
}
Value mulOf(OpBuilder &b, Location l, Value x, Value acc) {
  if (isa<FloatType>(x.getType()))
    return arith::MulFOp::create(b, l, x, acc);
  return arith::MulIOp::create(b, l, x, acc);
}

/// kiln.reduce_*: one reduction generic, a division for the mean, and a
/// reshape that restores the size-1 dims when keep_dims is set.
template <typename ReduceOp>
struct ReduceToLinalg : OpRewritePattern<ReduceOp> {
  using OpRewritePattern<ReduceOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    Type elem = outType.getElementType();
    ArrayRef<int64_t> axes = op.getAxes();
    Value init;
    Combine combine = addOf;
    if constexpr (std::is_same_v<ReduceOp, ReduceMaxOp>) {
      init = lowestValue(rewriter, loc, elem);
      combine = maxOf;
    } else if constexpr (std::is_same_v<ReduceOp, ReduceMinOp>) {
      init = highestValue(rewriter, loc, elem);
      combine = minOf;
    } else if constexpr (std::is_same_v<ReduceOp, ReduceProdOp>) {
      init = scalarConstant(rewriter, loc, elem, 1.0);
      combine = mulOf;
    } else {
      init = scalarConstant(rewriter, loc, elem, 0.0);
    }
    Value result =
        reduceAxes(rewriter, loc, op.getInput(), axes, init, combine);
    if constexpr (std::is_same_v<ReduceOp, ReduceMeanOp>) {
      int64_t count = 1;
      for (int64_t a : axes)
        count *= op.getInput().getType().getDimSize(a);
      auto t = cast<RankedTensorType>(result.getType());
      result = broadcastGeneric(
          rewriter, loc, t, {result},
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            return arith::DivFOp::create(
                b, l, a[0], floatConstant(b, l, elem, double(count)));
          });
    }
    if (result.getType() != outType)
      result = reshapeTensor(rewriter, loc, result, outType);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// out = f(x, reduced) where `reduced` drops `axis` of x's shape.
Value withReduced(OpBuilder &b, Location loc, Value x, Value reduced,
                  int64_t axis, ScalarBody body) {
  auto type = cast<RankedTensorType>(x.getType());
  MLIRContext *ctx = b.getContext();
  int64_t rank = type.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      exprs.push_back(getAffineDimExpr(i, ctx));
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 AffineMap::get(rank, 0, exprs, ctx),
                                 b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{x, reduced},
      ValueRange{emptyTensor(b, loc, type)}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args.drop_back()));
      });
  return generic.getResult(0);
}

/// softmax = exp(x - max(x)) / sum(exp(x - max(x))), numerically stable.
struct SoftmaxToLinalg : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    int64_t axis = op.getAxis();
    Type elem = op.getType().getElementType();
    Value max = reduceAxis(rewriter, loc, op.getInput(), axis,
                           lowestFloat(rewriter, loc, elem),
                           [](OpBuilder &b, Location l, Value x, Value acc) {
                             return arith::MaximumFOp::create(b, l, x, acc)
                                 .getResult();
                           });
    Value exps = withReduced(
        rewriter, loc, op.getInput(), max, axis,
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return math::ExpOp::create(b, l,
                                     arith::SubFOp::create(b, l, a[0], a[1]));
        });
    Value sum = reduceAxis(rewriter, loc, exps, axis,
                           floatConstant(rewriter, loc, elem, 0.0),
                           [](OpBuilder &b, Location l, Value x, Value acc) {
                             return arith::AddFOp::create(b, l, x, acc)
                                 .getResult();
                           });
    rewriter.replaceOp(
        op, withReduced(rewriter, loc, exps, sum, axis,
                        [](OpBuilder &b, Location l, ValueRange a) -> Value {
                          return arith::DivFOp::create(b, l, a[0], a[1]);
                        }));
    return success();
  }
};

/// log_softmax = (x - max) - log(sum(exp(x - max))).
struct LogSoftmaxToLinalg : OpRewritePattern<LogSoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LogSoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    int64_t axis = op.getAxis();
    Type elem = op.getType().getElementType();
    Value max = reduceAxis(rewriter, loc, op.getInput(), axis,
                           lowestFloat(rewriter, loc, elem), maxOf);
    Value shifted = withReduced(
        rewriter, loc, op.getInput(), max, axis,
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::SubFOp::create(b, l, a[0], a[1]);
        });
    Value exps = broadcastGeneric(
        rewriter, loc, op.getType(), {shifted},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return math::ExpOp::create(b, l, a[0]);
        });
    Value sum = reduceAxis(rewriter, loc, exps, axis,
                           floatConstant(rewriter, loc, elem, 0.0), addOf);
    rewriter.replaceOp(
        op, withReduced(rewriter, loc, shifted, sum, axis,
                        [](OpBuilder &b, Location l, ValueRange a) -> Value {
                          return arith::SubFOp::create(
                              b, l, a[0], math::LogOp::create(b, l, a[1]));
                        }));
    return success();
  }
};

/// Sum over H and W into a [N, C, 1, 1] (or [N, 1, 1, C]) tensor, then
/// divide by H * W.
struct GlobalAvgPoolToLinalg : OpRewritePattern<GlobalAvgPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GlobalAvgPoolOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    ImageDims d = imageDims(op.getLayout() == Layout::NHWC);
    RankedTensorType inType = op.getInput().getType(), outType = op.getType();
    Type elem = outType.getElementType();
    SmallVector<AffineExpr> outExprs(4);
    for (unsigned i = 0; i < 4; ++i)
      outExprs[i] = (i == d.h || i == d.w) ? getAffineConstantExpr(0, ctx)
                                           : getAffineDimExpr(i, ctx);
    SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
    iterators[d.h] = iterators[d.w] = utils::IteratorType::reduction;
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(4),
                                   AffineMap::get(4, 0, outExprs, ctx)};
    Value zero = floatConstant(rewriter, loc, elem, 0.0);
    auto sum = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType}, ValueRange{op.getInput()},
        ValueRange{filledTensor(rewriter, loc, outType, zero)}, maps, iterators,
        [](OpBuilder &b, Location l, ValueRange a) {
          linalg::YieldOp::create(b, l,
                                  arith::AddFOp::create(b, l, a[0], a[1]).getResult());
        });
    double count = static_cast<double>(inType.getDimSize(d.h) *
                                       inType.getDimSize(d.w));
    rewriter.replaceOp(
        op, broadcastGeneric(rewriter, loc, outType, {sum.getResult(0)},
                             [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                               return arith::DivFOp::create(
                                   b, l, a[0], floatConstant(b, l, elem, count));
                             }));
    return success();
  }
};

} // namespace

void mlir::kiln::populateKilnReductionToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<SoftmaxToLinalg, LogSoftmaxToLinalg, GlobalAvgPoolToLinalg,
               ReduceToLinalg<ReduceSumOp>, ReduceToLinalg<ReduceMeanOp>,
               ReduceToLinalg<ReduceMaxOp>, ReduceToLinalg<ReduceMinOp>,
               ReduceToLinalg<ReduceProdOp>>(patterns.getContext());
}
