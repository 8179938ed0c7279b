// kiln-fusion-fuse-elementwise: upstream's elementwise fusion, minus the fusions
// that make a consumer recompute its producer.
#include "passes/fusion/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "kiln-fusion-fuse-elementwise"

namespace mlir::kiln {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "passes/fusion/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// Whether `producer` only moves data: its body is just the yield of
/// block arguments.
bool onlyMovesData(Operation *producer) {
  auto generic = dyn_cast<linalg::GenericOp>(producer);
  return generic && generic.getBody()->getOperations().size() == 1;
}

/// Fuse a single-use producer where each of its elements is read once by
/// the consumer, or where recomputing it costs nothing.
bool fuseWithoutRecomputation(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
  if (!consumer)
    return true;
  AffineMap map = consumer.getMatchingIndexingMap(fused);
  llvm::SmallBitVector used(map.getNumDims());
  for (AffineExpr e : map.getResults())
    e.walk([&](AffineExpr sub) {
      if (auto d = dyn_cast<AffineDimExpr>(sub))
        used.set(d.getPosition());
    });
  return used.all() || onlyMovesData(producer);
}

/// Constants fold when used once.
bool singleUse(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  return producer && producer->hasOneUse();
}

bool hasReduction(Operation *op) {
  auto linalgOp = dyn_cast_if_present<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.getNumReductionLoops() > 0;
}

/// Reshapes move through elementwise generics (when the reshape has no
/// other use), but not into contractions: a matmul stays a 2-D matmul
/// (whose constant B kiln packs) instead of growing a second reduction
/// dimension from a [S, H, D] -> [S, H*D] reshape, which no register tile
/// handles.
bool reshapeIntoElementwise(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  return singleUse(fused) && !hasReduction(producer) &&
         !hasReduction(fused->getOwner());
}

struct FuseElementwisePass
    : mlir::kiln::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns,
                                                 fuseWithoutRecomputation);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns,
                                                    reshapeIntoElementwise);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, singleUse);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
