// kiln-memory-lower-copies: memref.copy -> vector row loops or linalg.copy,
// so no copy needs MLIR's C runner library at link time.
#include "passes/memory/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_LOWERCOPIES
#include "passes/memory/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {
struct CopyToLinalg : OpRewritePattern<memref::CopyOp> {
  LogicalResult matchAndRewrite(memref::CopyOp op,
                                PatternRewriter &rewriter) const override {
    // Bufferizing an insert_slice of a tile computed in place copies the
    // tile onto itself: nothing to do.
    if (op.getSource() == op.getTarget()) {
      rewriter.eraseOp(op);
      return success();
    }
    if (vectorBits > 0 && succeeded(copyRows(op, rewriter)))
      return success();
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(op, op.getSource(),
                                                op.getTarget());
    return success();
  }

  CopyToLinalg(MLIRContext *ctx, int64_t vectorBits)
      : OpRewritePattern(ctx), vectorBits(vectorBits) {}

private:
  /// scf.parallel over the rows, vector transfers along each row.
  LogicalResult copyRows(memref::CopyOp op, PatternRewriter &rewriter) const {
    auto source = cast<MemRefType>(op.getSource().getType());
    auto target = cast<MemRefType>(op.getTarget().getType());
    if (!source.hasStaticShape() || !source.getElementType().isF32() ||
        source.getRank() == 0)
      return failure();
    for (MemRefType t : {source, target}) {
      SmallVector<int64_t> strides;
      int64_t offset;
      if (failed(t.getStridesAndOffset(strides, offset)) || strides.back() != 1)
        return failure();
    }
    int64_t lanes = vectorBits / 32, row = source.getShape().back();
    if (lanes == 0 || row % lanes != 0)
      return failure();
    int64_t width = lanes;
    for (int64_t w = 2 * lanes; w <= 4 * lanes; w += lanes)
      if (row % w == 0)
        width = w;
    Location loc = op.getLoc();
    auto vectorType = VectorType::get({width}, source.getElementType());
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value step = arith::ConstantIndexOp::create(rewriter, loc, width);
    Value rowEnd = arith::ConstantIndexOp::create(rewriter, loc, row);
    auto copyRow = [&](OpBuilder &b, Location l, ValueRange outer) {
      scf::ForOp::create(
          b, l, zero, rowEnd, step, ValueRange{},
          [&](OpBuilder &ib, Location il, Value j, ValueRange) {
            SmallVector<Value> index(outer.begin(), outer.end());
            index.push_back(j);
            Value v = vector::TransferReadOp::create(
                ib, il, vectorType, op.getSource(), index,
                /*padding=*/std::nullopt, ArrayRef<bool>{true});
            vector::TransferWriteOp::create(ib, il, v, op.getTarget(), index,
                                            ArrayRef<bool>{true});
            scf::YieldOp::create(ib, il);
          });
    };
    if (source.getRank() == 1) {
      copyRow(rewriter, loc, ValueRange{});
    } else {
      SmallVector<Value> lbs, ubs, steps;
      for (int64_t d : source.getShape().drop_back()) {
        lbs.push_back(zero);
        ubs.push_back(arith::ConstantIndexOp::create(rewriter, loc, d));
        steps.push_back(one);
      }
      scf::ParallelOp::create(rewriter, loc, lbs, ubs, steps,
                              [&](OpBuilder &b, Location l, ValueRange ivs) {
                                copyRow(b, l, ivs);
                              });
    }
    rewriter.eraseOp(op);
    return success();
  }

  int64_t vectorBits;
};

struct LowerCopiesPass
    : mlir::kiln::impl::LowerCopiesBase<LowerCopiesPass> {
  using LowerCopiesBase::LowerCopiesBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<CopyToLinalg>(&getContext(), vectorBits);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
