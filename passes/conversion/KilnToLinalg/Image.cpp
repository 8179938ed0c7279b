// kiln image resampling -> linalg: kiln.resize becomes one linalg.generic
// over the output (plus one reduction loop per interpolated dimension) that
// reads compile-time tables of sample indices and weights and gathers the
// input with tensor.extract; tf_crop_and_resize adds an elementwise select of
// the extrapolation value.
#include "dialects/kiln/KilnImageOps.h"
#include "passes/conversion/KilnToLinalg/Builders.h"
#include "passes/conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// A dense constant tensor of `shape` from `values`.
template <typename T>
Value tableConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                    Type elementType, ArrayRef<T> values) {
  auto type = RankedTensorType::get(shape, elementType);
  DenseElementsAttr attr;
  if constexpr (std::is_same_v<T, int64_t>) {
    attr = DenseElementsAttr::get(type, values);
  } else {
    SmallVector<APFloat> floats;
    for (double v : values) {
      APFloat f(v);
      bool lost;
      f.convert(cast<FloatType>(elementType).getFloatSemantics(),
                APFloat::rmNearestTiesToEven, &lost);
      floats.push_back(f);
    }
    attr = DenseElementsAttr::get(type, floats);
  }
  return arith::ConstantOp::create(b, loc, type, attr);
}

struct ResizeToGeneric : OpRewritePattern<ResizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ResizeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType outType = op.getType();
    Type elementType = outType.getElementType();
    int64_t rank = outType.getRank();
    if (!outType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic result shape");
    bool weighted = op.getMode() != ResizeMode::Nearest;
    Type i64 = rewriter.getI64Type();

    // Loop d < rank walks the output; each interpolated dimension with more
    // than one tap adds a reduction loop over its taps.
    SmallVector<Value> tables;
    SmallVector<AffineMap> maps;
    SmallVector<int64_t> resized; // dims read through a table, in order
    SmallVector<std::pair<int64_t, Value>> validity;
    int64_t numLoops = rank;
    SmallVector<int64_t> tapLoop(rank, -1);
    for (int64_t d = 0; d < rank; ++d) {
      if (isResizePassThrough(op, d))
        continue;
      ResizeTaps taps = computeResizeTaps(op, d);
      int64_t m = outType.getDimSize(d);
      SmallVector<int64_t> shape = {m};
      if (taps.count > 1) {
        tapLoop[d] = numLoops++;
        shape.push_back(taps.count);
      }
      resized.push_back(d);
      tables.push_back(tableConstant<int64_t>(rewriter, loc, shape, i64,
                                              taps.index));
      if (weighted)
        tables.push_back(tableConstant<double>(rewriter, loc, shape,
                                               elementType, taps.weight));
      if (op.getCoordinateMode() == CoordinateMode::TfCropAndResize &&
          llvm::is_contained(taps.valid, false)) {
        SmallVector<int64_t> flags(taps.valid.begin(), taps.valid.end());
        validity.push_back(
            {d, tableConstant<int64_t>(rewriter, loc, {m}, i64, flags)});
      }
    }
    if (resized.empty()) {
      rewriter.replaceOp(op, op.getInput());
      return success();
    }
    for (int64_t d : resized) {
      SmallVector<AffineExpr> exprs = {getAffineDimExpr(d, ctx)};
      if (tapLoop[d] >= 0)
        exprs.push_back(getAffineDimExpr(tapLoop[d], ctx));
      AffineMap map = AffineMap::get(numLoops, 0, exprs, ctx);
      maps.push_back(map);
      if (weighted)
        maps.push_back(map);
    }
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < rank; ++d)
      outExprs.push_back(getAffineDimExpr(d, ctx));
    maps.push_back(AffineMap::get(numLoops, 0, outExprs, ctx));
    SmallVector<utils::IteratorType> iterators(numLoops,
                                               utils::IteratorType::parallel);
    for (int64_t l = rank; l < numLoops; ++l)
      iterators[l] = utils::IteratorType::reduction;

    bool reduces = numLoops > rank;
    Value init = reduces
                     ? filledTensor(rewriter, loc, outType,
                                    scalarConstant(rewriter, loc, elementType,
                                                   0.0))
                     : emptyTensor(rewriter, loc, outType);
    Value input = op.getInput();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType}, tables, ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> coords;
          Value weight;
          size_t next = 0;
          for (int64_t d = 0; d < rank; ++d) {
            if (next < resized.size() && resized[next] == d) {
              Value idx = args[weighted ? 2 * next : next];
              coords.push_back(arith::IndexCastOp::create(
                  b, l, b.getIndexType(), idx));
              if (weighted) {
                Value w = args[2 * next + 1];
                weight = weight ? arith::MulFOp::create(b, l, weight, w) : w;
              }
              ++next;
            } else {
              coords.push_back(linalg::IndexOp::create(b, l, d));
            }
          }
          Value v = tensor::ExtractOp::create(b, l, input, coords);
          if (weighted) {
            v = arith::MulFOp::create(b, l, v, weight);
            v = arith::AddFOp::create(b, l, args.back(), v);
          }
          linalg::YieldOp::create(b, l, v);
        });
    Value result = generic.getResult(0);

    if (!validity.empty()) {
      // tf_crop_and_resize: positions outside the input in any dimension take
      // the extrapolation value.
      SmallVector<Value> ins = {result};
      SmallVector<AffineMap> vmaps = {rewriter.getMultiDimIdentityMap(rank)};
      for (auto &[d, table] : validity) {
        ins.push_back(table);
        vmaps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(d, ctx)));
      }
      vmaps.push_back(rewriter.getMultiDimIdentityMap(rank));
      double extrapolation = op.getExtrapolationValue().convertToDouble();
      auto select = linalg::GenericOp::create(
          rewriter, loc, TypeRange{outType}, ins,
          ValueRange{emptyTensor(rewriter, loc, outType)}, vmaps,
          SmallVector<utils::IteratorType>(rank,
                                           utils::IteratorType::parallel),
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value zero = arith::ConstantIntOp::create(b, l, b.getI64Type(), 0);
            Value inside;
            for (size_t i = 1; i + 1 < args.size(); ++i) {
              Value ok = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne,
                                               args[i], zero);
              inside = inside ? arith::AndIOp::create(b, l, inside, ok) : ok;
            }
            Value fill = scalarConstant(b, l, elementType, extrapolation);
            linalg::YieldOp::create(
                b, l, arith::SelectOp::create(b, l, inside, args[0], fill)
                          .getResult());
          });
      result = select.getResult(0);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::kiln::populateKilnImageToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ResizeToGeneric>(patterns.getContext());
}
