// kiln-fusion-align-epilogues: moves the elementwise generics around a
// contraction (the one producing its accumulator, the one consuming its
// result) into the contraction's own iteration space, so that the tiling
// pass can compute them inside the contraction's tiles. Assumes linalg on
// tensors after kiln-cpu-conv-to-matmul and kiln-cpu-pack-weights.
#include "passes/fusion/Passes.h"
#include "passes/tiling/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
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
bool isParallelGeneric(Operation *op) {
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
  if (isParallelGeneric(owner))
    return isReshape(fused->get().getDefiningOp()) &&
           fromContraction(fused->get().getDefiningOp()->getOperand(0), direct);
  if (isReshape(owner) && isParallelGeneric(fused->get().getDefiningOp()))
    return intoContractionInit(owner->getResult(0), direct);
  return false;
}

/// Whether `v` is defined before `op` in its block (or is an argument of
/// that block), moving side-effect-free producers (up to `depth` deep)
/// whose operands are so up before `op`.
bool availableBefore(Value v, Operation *op, PatternRewriter &rewriter,
                     int depth) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return cast<BlockArgument>(v).getOwner() == op->getBlock();
  if (def->getBlock() != op->getBlock())
    return false;
  if (def->isBeforeInBlock(op))
    return true;
  if (depth == 0 || !isMemoryEffectFree(def) || def->getNumRegions() != 0)
    return false;
  for (Value operand : def->getOperands())
    if (!availableBefore(operand, op, rewriter, depth - 1))
      return false;
  rewriter.moveOpBefore(def, op);
  return true;
}

/// An epilogue that adds something to a contraction's zero-initialized
/// result (a matmul's bias, a residual): the addend becomes the
/// accumulator's initial value instead, and the epilogue keeps the rest of
/// its body (nothing, for a bias add alone). The contraction then starts
/// from the bias instead of zeros, and no pass reads and rewrites its
/// result to add it. Convolutions already start from their bias.
struct AddendIntoAccumulator : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp epilogue,
                                PatternRewriter &rewriter) const override {
    if (!isParallelGeneric(epilogue) || epilogue->getNumResults() != 1 ||
        !epilogue.getIndexingMapMatchingResult(epilogue->getResult(0))
             .isIdentity())
      return failure();
    Block *body = epilogue.getBody();
    for (OpOperand *input : epilogue.getDpsInputOperands()) {
      auto contraction = input->get().getDefiningOp<linalg::LinalgOp>();
      if (!contraction || !isContraction(contraction) ||
          contraction->getNumResults() != 1 || !input->get().hasOneUse() ||
          !epilogue.getMatchingIndexingMap(input).isIdentity() ||
          input->get().getType() != epilogue->getResult(0).getType())
        continue;
      OpOperand *acc = contraction.getDpsInitOperand(0);
      auto fill = acc->get().getDefiningOp<linalg::FillOp>();
      if (!fill || !fill->hasOneUse() ||
          !matchPattern(fill.value(), m_AnyZeroFloat()))
        continue;
      // The contraction's value: used once, by an addf whose other operand
      // is another input's element.
      BlockArgument value = body->getArgument(input->getOperandNumber());
      if (!value.hasOneUse())
        continue;
      auto add = dyn_cast<arith::AddFOp>(*value.getUsers().begin());
      if (!add)
        continue;
      Value other = add.getLhs() == value ? add.getRhs() : add.getLhs();
      auto addend = dyn_cast<BlockArgument>(other);
      if (!addend || addend.getOwner() != body ||
          addend.getArgNumber() >= epilogue.getNumDpsInputs() ||
          addend.getArgNumber() == input->getOperandNumber())
        continue;
      OpOperand *addendOperand =
          epilogue.getDpsInputOperand(addend.getArgNumber());
      // The addend must exist before the contraction starts (a reshape of
      // a constant placed after it moves up).
      if (!availableBefore(addendOperand->get(), contraction, rewriter, 3))
        continue;

      // init = the addend in the contraction's result shape.
      Location loc = epilogue.getLoc();
      rewriter.setInsertionPoint(contraction);
      auto type = cast<RankedTensorType>(input->get().getType());
      MLIRContext *ctx = rewriter.getContext();
      AffineMap identity =
          AffineMap::getMultiDimIdentityMap(type.getRank(), ctx);
      auto init = linalg::GenericOp::create(
          rewriter, loc, type, ValueRange{addendOperand->get()},
          ValueRange{fill.getOutputs()[0]},
          ArrayRef<AffineMap>{epilogue.getMatchingIndexingMap(addendOperand),
                              identity},
          epilogue.getIteratorTypesArray(),
          [](OpBuilder &b, Location l, ValueRange args) {
            linalg::YieldOp::create(b, l, args[0]);
          });
      rewriter.modifyOpInPlace(contraction,
                               [&] { acc->set(init->getResult(0)); });
      rewriter.eraseOp(fill);
      // The epilogue adds nothing more: its addf is the accumulated value.
      rewriter.modifyOpInPlace(epilogue, [&] {
        rewriter.replaceAllUsesWith(add.getResult(), value);
      });
      rewriter.eraseOp(add);
      return success();
    }
    return failure();
  }
};

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
  /// A fill that several ops start from (CSE merges the zero accumulators
  /// of every layer's matmuls into one) is cloned for each: a shared init
  /// joins none of its users' tiles, and bufferization copies it once per
  /// user instead, outside any parallel loop.
  void untieFills() {
    SmallVector<linalg::FillOp> shared;
    getOperation()->walk([&](linalg::FillOp fill) {
      if (fill.hasPureTensorSemantics() && !fill->getResult(0).hasOneUse() &&
          !fill->getResult(0).use_empty())
        shared.push_back(fill);
    });
    OpBuilder b(&getContext());
    for (linalg::FillOp fill : shared) {
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : fill->getResult(0).getUses())
        uses.push_back(&use);
      for (OpOperand *use : llvm::drop_begin(uses)) {
        b.setInsertionPoint(use->getOwner());
        use->set(b.clone(*fill)->getResult(0));
      }
    }
  }

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    untieFills();
    // Two steps, so that they cannot undo each other: first the generics
    // collapse into the matrix the contraction computes ([N*H*W, F] for a
    // convolution), then they expand into its loops ([M, N1, N0] for packed
    // panels).
    for (bool collapse : {true, false}) {
      RewritePatternSet patterns(ctx);
      mlir::kiln::populateAlignEpiloguesPatterns(patterns, collapse);
      if (failed(applyWithCleanups(std::move(patterns))))
        return signalPassFailure();
    }
    // Then addends move into the accumulators; an epilogue left yielding
    // its input folds away (generic canonicalization), and a zero fill
    // reshaped into the contraction's shape folds into a fill of that
    // shape first.
    RewritePatternSet patterns(ctx);
    patterns.add<AddendIntoAccumulator>(ctx);
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    linalg::FillOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyWithCleanups(std::move(patterns))))
      return signalPassFailure();
  }

  /// Applies `patterns` with the reshape and generic canonicalizations.
  LogicalResult applyWithCleanups(RewritePatternSet &&patterns) {
    MLIRContext *ctx = &getContext();
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    return applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace
