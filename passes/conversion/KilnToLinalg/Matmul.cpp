// kiln.matmul and kiln.gemm -> linalg.matmul (batched cases through a
// collapsed 2-D matmul or a contraction generic).
#include "dialects/kiln/KilnDialect.h"
#include "passes/conversion/KilnToLinalg/Builders.h"
#include "passes/conversion/Passes.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

Value zeroFilled(OpBuilder &b, Location loc, RankedTensorType type) {
  return filledTensor(b, loc, type,
                      floatConstant(b, loc, type.getElementType(), 0.0));
}

Value transpose2D(OpBuilder &b, Location loc, Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  auto tt = RankedTensorType::get({t.getDimSize(1), t.getDimSize(0)},
                                  t.getElementType());
  return linalg::TransposeOp::create(b, loc, v, emptyTensor(b, loc, tt),
                                     ArrayRef<int64_t>{1, 0})
      .getResult()[0];
}

/// A general batched contraction with broadcast batch dims:
/// out[b..., m, n] += lhs[b'..., m, k] * rhs[b''..., k, n].
Value contractionGeneric(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         RankedTensorType resultType) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank(); // batch dims + m + n
  int64_t loops = rank + 1;            // + k
  AffineExpr k = getAffineDimExpr(rank, ctx);
  auto operandMap = [&](RankedTensorType t, bool isLhs) {
    SmallVector<AffineExpr> exprs;
    int64_t batchRank = t.getRank() - 2, outBatch = rank - 2;
    for (int64_t i = 0; i < batchRank; ++i) {
      int64_t d = outBatch - batchRank + i;
      exprs.push_back(t.getDimSize(i) == 1 && resultType.getDimSize(d) != 1
                          ? getAffineConstantExpr(0, ctx)
                          : getAffineDimExpr(d, ctx));
    }
    if (isLhs) {
      exprs.push_back(getAffineDimExpr(rank - 2, ctx));
      exprs.push_back(k);
    } else {
      exprs.push_back(k);
      exprs.push_back(getAffineDimExpr(rank - 1, ctx));
    }
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  SmallVector<AffineExpr> outExprs;
  for (int64_t i = 0; i < rank; ++i)
    outExprs.push_back(getAffineDimExpr(i, ctx));
  SmallVector<AffineMap> maps = {
      operandMap(cast<RankedTensorType>(lhs.getType()), true),
      operandMap(cast<RankedTensorType>(rhs.getType()), false),
      AffineMap::get(loops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, ValueRange{lhs, rhs},
      ValueRange{zeroFilled(b, loc, resultType)}, maps, iterators,
      [](OpBuilder &nb, Location nloc, ValueRange args) {
        Value p = arith::MulFOp::create(nb, nloc, args[0], args[1]);
        linalg::YieldOp::create(nb, nloc,
                                arith::AddFOp::create(nb, nloc, args[2], p)
                                    .getResult());
      });
  return generic.getResult(0);
}

struct MatMulToLinalg : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
    RankedTensorType resultType = op.getType();
    Type elem = resultType.getElementType();
    if (rhsType.getRank() == 2 && lhsType.getRank() >= 2) {
      // Fold the batch dims of lhs into M: one large 2-D matmul.
      int64_t k = lhsType.getShape().back();
      int64_t m = lhsType.getNumElements() / k;
      auto lhs2 = RankedTensorType::get({m, k}, elem);
      auto out2 = RankedTensorType::get({m, rhsType.getDimSize(1)}, elem);
      Value lhs = reshapeTensor(rewriter, loc, op.getLhs(), lhs2);
      Value mm = linalg::MatmulOp::create(rewriter, loc, TypeRange{out2},
                                          ValueRange{lhs, op.getRhs()},
                                          ValueRange{zeroFilled(rewriter, loc, out2)})
                     .getResult(0);
      rewriter.replaceOp(op, reshapeTensor(rewriter, loc, mm, resultType));
      return success();
    }
    rewriter.replaceOp(op, contractionGeneric(rewriter, loc, op.getLhs(),
                                              op.getRhs(), resultType));
    return success();
  }
};

/// alpha * op(A) op(B) + beta * C. With alpha = beta = 1 the matmul
/// accumulates straight into broadcast C.
struct GemmToLinalg : OpRewritePattern<GemmOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GemmOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value a = op.getTransA() ? transpose2D(rewriter, loc, op.getA()) : op.getA();
    Value b = op.getTransB() ? transpose2D(rewriter, loc, op.getB()) : op.getB();
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value c = op.getC();
    bool accumulateIntoC = c && alpha == 1.0 && beta == 1.0;
    Value init = accumulateIntoC
                     ? broadcastGeneric(rewriter, loc, type, {c},
                                        [](OpBuilder &, Location, ValueRange v) {
                                          return v[0];
                                        })
                     : zeroFilled(rewriter, loc, type);
    Value mm = linalg::MatmulOp::create(rewriter, loc, TypeRange{type},
                                        ValueRange{a, b}, ValueRange{init})
                   .getResult(0);
    if (!accumulateIntoC && (alpha != 1.0 || (c && beta != 0.0))) {
      SmallVector<Value> operands = {mm};
      bool useC = c && beta != 0.0;
      if (useC)
        operands.push_back(c);
      Type elem = type.getElementType();
      mm = broadcastGeneric(
          rewriter, loc, type, operands,
          [&](OpBuilder &nb, Location nloc, ValueRange v) -> Value {
            Value r = arith::MulFOp::create(
                nb, nloc, v[0], floatConstant(nb, nloc, elem, alpha));
            if (!useC)
              return r;
            Value bc = arith::MulFOp::create(
                nb, nloc, v[1], floatConstant(nb, nloc, elem, beta));
            return arith::AddFOp::create(nb, nloc, r, bc);
          });
    }
    rewriter.replaceOp(op, mm);
    return success();
  }
};

} // namespace

void mlir::kiln::populateKilnMatmulToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MatMulToLinalg, GemmToLinalg>(patterns.getContext());
}
