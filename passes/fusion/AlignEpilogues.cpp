// kiln-fusion-align-epilogues: moves the elementwise generics around a
// contraction (the one producing its accumulator, the one consuming its
// result) into the contraction's own iteration space, so that the tiling
// pass can compute them inside the contraction's tiles. Assumes linalg on
// tensors after kiln-cpu-conv-to-matmul and kiln-cpu-pack-weights.
#include "passes/fusion/Passes.h"
#include "passes/tiling/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "kiln-fusion-align-epilogues"

namespace mlir::kiln {
#define GEN_PASS_DEF_ALIGNEPILOGUES
#include "passes/fusion/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

bool isReshape(Operation *op) {
  return isa_and_present<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(op);
}

/// A contraction, or a direct convolution (kiln-cpu-pack-weights).
bool isContraction(Operation *op) {
  auto linalgOp = dyn_cast_if_present<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.getNumReductionLoops() > 0 &&
         (linalg::isaContractionOpInterface(linalgOp) ||
          op->hasAttr(mlir::kiln::kConvWindowAttr));
}

/// A generic with only parallel loops: reshapes move through it freely.
bool isElementwise(Operation *op) {
  auto generic = dyn_cast_if_present<linalg::GenericOp>(op);
  return generic && generic.getNumReductionLoops() == 0 &&
         generic.getNumDpsInits() == 1 && !generic.hasIndexSemantics();
}

/// `v` is, seen back through reshapes, a contraction's result; with
/// `direct`, without any reshape in between.
bool fromContraction(Value v, bool direct) {
  Operation *def = v.getDefiningOp();
  while (!direct && isReshape(def)) {
    v = def->getOperand(0);
    def = v.getDefiningOp();
  }
  return isContraction(def);
}

/// `v`'s only use, forward through single-use reshapes, is the accumulator
/// of a contraction; with `direct`, without any reshape in between.
bool intoContractionInit(Value v, bool direct) {
  while (v.hasOneUse()) {
    OpOperand &use = *v.use_begin();
    Operation *owner = use.getOwner();
    if (!direct && isReshape(owner)) {
      v = owner->getResult(0);
      continue;
    }
    auto linalgOp = dyn_cast<linalg::LinalgOp>(owner);
    return isContraction(owner) && linalgOp.isDpsInit(&use);
  }
  return false;
}

/// The control of upstream's reshape propagation: only reshapes between an
/// elementwise generic and a contraction move. Either `fused` is an operand
/// of the generic, defined by the reshape, or the source of a reshape,
/// defined by the generic.
bool nextToContraction(OpOperand *fused, bool direct) {
  Operation *owner = fused->getOwner();
  if (isElementwise(owner))
    return isReshape(fused->get().getDefiningOp()) &&
           fromContraction(fused->get().getDefiningOp()->getOperand(0), direct);
  if (isReshape(owner) && isElementwise(fused->get().getDefiningOp()))
    return intoContractionInit(owner->getResult(0), direct);
  return false;
}

} // namespace

void mlir::kiln::populateAlignEpiloguesPatterns(RewritePatternSet &patterns,
                                                bool collapse) {
  if (collapse)
    linalg::populateFoldReshapeOpsByCollapsingPatterns(
        patterns,
        [](OpOperand *fused) { return nextToContraction(fused, false); });
  else
    linalg::populateFoldReshapeOpsByExpansionPatterns(
        patterns,
        [](OpOperand *fused) { return nextToContraction(fused, true); });
}

namespace {

struct AlignEpiloguesPass
    : mlir::kiln::impl::AlignEpiloguesBase<AlignEpiloguesPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Two steps, so that they cannot undo each other: first the generics
    // collapse into the matrix the contraction computes ([N*H*W, F] for a
    // convolution), then they expand into its loops ([M, N1, N0] for packed
    // panels).
    for (bool collapse : {true, false}) {
      RewritePatternSet patterns(ctx);
      mlir::kiln::populateAlignEpiloguesPatterns(patterns, collapse);
      tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
      tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
      linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
        return signalPassFailure();
    }
  }
};

} // namespace
