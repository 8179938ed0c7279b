// Applies kiln.tiling: one scf.for nest per tiling level, then vectorizes
// the innermost (statically shaped) tiles and keeps accumulators in
// registers across reduction loops.
#include "passes/tiling/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

#define DEBUG_TYPE "kiln-tiling-tile-and-vectorize"

namespace mlir::kiln {
#define GEN_PASS_DEF_TILEANDVECTORIZE
#include "passes/tiling/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// Marks the innermost tile of a kiln.tiling op for vectorization.
constexpr llvm::StringLiteral kVectorizeAttr = "kiln.vectorize";

/// Vectorizes the marked tiles (static shapes by construction);
/// contractions become vector.contract directly.
struct VectorizeMarked : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op->hasAttr(kVectorizeAttr))
      return failure();
    // A depthwise tile one filter row high is a 1-D depthwise convolution,
    // which the vectorizer turns into FMAs over (pixels x channels).
    if (auto dw = dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(op.getOperation())) {
      FailureOr<linalg::DepthwiseConv1DNwcWcOp> conv1d =
          linalg::DownscaleDepthwiseConv2DNhwcHwcOp(getContext())
              .returningMatchAndRewrite(dw, rewriter);
      if (failed(conv1d))
        return rewriter.notifyMatchFailure(op, "depthwise tile is not 1 row");
      op = cast<linalg::LinalgOp>(conv1d->getOperation());
    }
    FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
        rewriter, op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
        /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
        /*assumeDynamicDimsMatchVecSizes=*/false,
        /*createNamedContraction=*/true);
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "cannot vectorize");
    if (op->getNumResults() == 0)
      rewriter.eraseOp(op);
    else
      rewriter.replaceOp(op, result->replacements);
    return success();
  }
};

struct TileAndVectorizePass
    : mlir::kiln::impl::TileAndVectorizeBase<TileAndVectorizePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<TilingInterface> roots;
    func.walk([&](TilingInterface op) {
      if (op->hasAttr(mlir::kiln::kTilingAttr))
        roots.push_back(op);
    });
    if (roots.empty())
      return;

    IRRewriter rewriter(ctx);
    for (TilingInterface root : roots) {
      auto levels = dyn_cast<ArrayAttr>(root->getAttr(mlir::kiln::kTilingAttr));
      if (!levels) {
        root->emitOpError("has a malformed ") << mlir::kiln::kTilingAttr;
        return signalPassFailure();
      }
      root->removeAttr(mlir::kiln::kTilingAttr);
      size_t numLoops = root.getLoopIteratorTypes().size();
      Operation *current = root;
      for (Attribute level : levels) {
        auto sizes = dyn_cast<DenseI64ArrayAttr>(level);
        if (!sizes || static_cast<size_t>(sizes.size()) != numLoops) {
          current->emitOpError("has a tiling level that does not give one "
                               "size per loop");
          return signalPassFailure();
        }
        if (llvm::all_of(sizes.asArrayRef(), [](int64_t s) { return s == 0; }))
          continue;
        scf::SCFTilingOptions options;
        options.setTileSizes(getAsIndexOpFoldResult(ctx, sizes.asArrayRef()));
        // The outermost level, when it splits only parallel dimensions,
        // becomes an scf.forall: its tiles are independent, and the
        // thread pool may run them at once.
        if (level == levels[0] &&
            llvm::all_of(llvm::zip(sizes.asArrayRef(),
                                   root.getLoopIteratorTypes()),
                         [](auto pair) {
                           return std::get<0>(pair) == 0 ||
                                  std::get<1>(pair) ==
                                      utils::IteratorType::parallel;
                         }))
          options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
        rewriter.setInsertionPoint(current);
        FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
            rewriter, cast<TilingInterface>(current), options);
        if (failed(tiled)) {
          current->emitOpError("could not be tiled by ") << sizes;
          return signalPassFailure();
        }
        rewriter.replaceOp(current, tiled->replacements);
        current = tiled->tiledOps.back();
      }
      current->setAttr(kVectorizeAttr, UnitAttr::get(ctx));
    }

    // Vectorize, and fold the slices around the tiles into the transfers;
    // mul + reduction chains become vector.contract.
    RewritePatternSet patterns(ctx);
    patterns.add<VectorizeMarked>(ctx);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorReductionToContractPatterns(patterns);
    vector::populateSinkVectorOpsPatterns(patterns);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns, ctx);
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();
    WalkResult leftover = func.walk([&](Operation *op) {
      if (!op->hasAttr(kVectorizeAttr))
        return WalkResult::advance();
      op->emitOpError("tile could not be vectorized");
      return WalkResult::interrupt();
    });
    if (leftover.wasInterrupted())
      return signalPassFailure();

    // The output tile of a reduction loop is read and written at the same
    // place every iteration: carry it in the loop as a vector instead.
    // Post-order visits inner loops first, so accumulators climb as far as
    // they can.
    SmallVector<scf::ForOp> loops;
    func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      (void)hoistLoopInvariantSubsets(rewriter, loop);
  }
};

} // namespace
