// kiln-cpu-select-strategy: tile sizes per linalg op for an x86 target with
// a given vector width and register count. Only the choice lives here; the
// tiling itself is passes/tiling.
#include "codegen/cpu/Passes.h"
#include "passes/tiling/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"

#define DEBUG_TYPE "kiln-cpu-select-strategy"

namespace mlir::kiln {
#define GEN_PASS_DEF_SELECTSTRATEGY
#include "codegen/cpu/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// The largest multiple of `step` that divides `size` and is at most
/// `limit` (at least `step`, which must divide `size`).
int64_t largestDividingMultiple(int64_t size, int64_t step, int64_t limit) {
  int64_t best = step;
  for (int64_t t = step; t <= std::min(size, limit); t += step)
    if (size % t == 0)
      best = t;
  return best;
}

/// Register tile of a matmul: mr rows of the output times nr columns (a
/// multiple of the vector length), one reduction step at a time. The
/// mr * nr / lanes accumulators plus one row of B and one broadcast must
/// fit the registers; among the tiles that divide M and N, the one with the
/// most FMAs per load (mr * v / (mr + v)) wins.
struct RegisterTile {
  int64_t mr = 0, nr = 0;
};

/// With `wholeN`, the tile spans all of `n` (a packed panel). With
/// `dividingM`, mr divides `m`; otherwise mr is only at most `m` (the rows
/// left over are peeled into an op of their own).
RegisterTile chooseRegisterTile(int64_t m, int64_t n, int64_t lanes,
                                int64_t registers, bool wholeN,
                                bool dividingM) {
  RegisterTile best;
  double bestScore = 0;
  // Whole numbers of vectors per row, as powers of two: LLVM splits a
  // 3-vector row into a shuffled mess instead of three registers.
  for (int64_t v : {1, 2, 4}) {
    if (n % (v * lanes) != 0 || (wholeN && n != v * lanes))
      continue;
    for (int64_t mr = 1; mr <= std::min<int64_t>(8, m); ++mr) {
      // mr * v accumulators, v vectors of B and one broadcast of A.
      if ((dividingM && m % mr != 0) || mr * v + v + 1 > registers)
        continue;
      double score = double(mr * v) / double(mr + v);
      if (score > bestScore) {
        bestScore = score;
        best = {mr, v * lanes};
      }
    }
  }
  return best;
}

double tileScore(RegisterTile t, int64_t lanes) {
  int64_t v = t.nr / lanes;
  return t.mr ? double(t.mr * v) / double(t.mr + v) : 0.0;
}

struct SelectStrategyPass
    : mlir::kiln::impl::SelectStrategyBase<SelectStrategyPass> {
  using SelectStrategyBase::SelectStrategyBase;

  void runOnOperation() override {
    if (vectorBits < 128 || vectorBits % 128 != 0 || vectorRegisters < 8) {
      getOperation().emitError("kiln-cpu-select-strategy: unsupported "
                               "vector-bits ")
          << vectorBits << " / vector-registers " << vectorRegisters;
      return signalPassFailure();
    }
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) { ops.push_back(op); });
    // selectContraction may split an op (erasing it), so it comes last;
    // the kinds are disjoint (elementwise ops have no reduction).
    for (linalg::LinalgOp op : ops) {
      if (auto dw = dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(op.getOperation()))
        selectDepthwise(dw);
      else if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
               generic && generic.getNumReductionLoops() == 0)
        selectElementwise(generic);
      else
        selectContraction(op);
    }
  }

  /// Depthwise NHWC convolutions (f32, static): a parallel task per output
  /// row; within it, tiles of up to 8 output pixels by one or two vectors
  /// of channels, one filter row (kh) at a time and the whole filter width,
  /// which kiln-tiling-tile-and-vectorize turns into a 1-D depthwise
  /// convolution of vector FMAs (8 pixels x 2 vectors = 16 accumulators).
  void selectDepthwise(linalg::DepthwiseConv2DNhwcHwcOp op) {
    if (!op.hasPureTensorSemantics() || op.hasDynamicShape() ||
        !llvm::all_of(op->getOperandTypes(), [](Type t) {
          return getElementTypeOrSelf(t).isF32();
        }))
      return;
    // Loops: n, oh, ow, c, kh, kw.
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    int64_t lanes = vectorBits / 32, ow = bounds[2], c = bounds[3];
    if (c % lanes != 0)
      return;
    int64_t channels = c % (2 * lanes) == 0 && vectorRegisters >= 32
                           ? 2 * lanes
                           : lanes;
    int64_t pixels = largestDividingMultiple(ow, 1, 8);
    Builder b(op.getContext());
    op->setAttr(mlir::kiln::kTilingAttr,
                b.getArrayAttr({b.getDenseI64ArrayAttr({1, 1, 0, 0, 0, 0}),
                                b.getDenseI64ArrayAttr(
                                    {1, 1, pixels, channels, 1, 0})}));
  }

  /// Elementwise f32 generics (every loop parallel, every operand read in
  /// loop order, possibly broadcast, a body of arithmetic): one row of the
  /// innermost dimension per parallel task, in vectors of up to four
  /// registers. Left as loops, LLVM would version each for aliasing (an
  /// in-place arena buffer then takes the scalar copy) and unroll it.
  void selectElementwise(linalg::GenericOp op) {
    unsigned loops = op.getNumLoops();
    if (!op.hasPureTensorSemantics() || op.hasDynamicShape() || loops == 0 ||
        op.getNumReductionLoops() != 0 || op.hasIndexSemantics())
      return;
    if (!llvm::all_of(op->getOperandTypes(), [](Type t) {
          return getElementTypeOrSelf(t).isF32();
        }))
      return;
    for (OpOperand &operand : op->getOpOperands()) {
      AffineMap map = op.getMatchingIndexingMap(&operand);
      if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
        return;
      int64_t previous = -1;
      for (AffineExpr e : map.getResults()) {
        int64_t d = cast<AffineDimExpr>(e).getPosition();
        if (d <= previous)
          return; // a transposed read: gathers, not vectors
        previous = d;
      }
    }
    for (OpOperand &init : op.getDpsInitsMutable())
      if (!op.getMatchingIndexingMap(&init).isIdentity())
        return;
    for (Operation &inner : op.getBody()->without_terminator())
      if (!isa<arith::ArithDialect>(inner.getDialect()) &&
          !isa<math::SqrtOp, math::AbsFOp, math::FmaOp>(inner))
        return;
    int64_t lanes = vectorBits / 32;
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    int64_t inner = bounds.back();
    if (inner % lanes != 0)
      return;
    SmallVector<int64_t> rows(loops, 1), vectors(loops, 1);
    int64_t vector = largestDividingMultiple(inner, lanes, 4 * lanes);
    // A 1-D op is cut into chunks of 1024 values for the threads.
    rows.back() = loops == 1 ? largestDividingMultiple(inner, vector, 1024) : 0;
    vectors.back() = vector;
    Builder b(op.getContext());
    op->setAttr(mlir::kiln::kTilingAttr,
                b.getArrayAttr({b.getDenseI64ArrayAttr(rows),
                                b.getDenseI64ArrayAttr(vectors)}));
  }

  /// f32 contractions with one M and K dimension and an N dimension
  /// contiguous in B and the output (row-major matmul and its batched
  /// forms). N may also be split in two, [N1, K, N0] for B with its N0
  /// panels packed contiguously (kiln-cpu-pack-weights): the register tile
  /// then spans one whole panel.
  void selectContraction(linalg::LinalgOp op) {
    if (!linalg::isaContractionOpInterface(op) || !op.hasPureTensorSemantics() ||
        op.hasDynamicShape() || op->getNumResults() != 1)
      return;
    if (!llvm::all_of(op->getOperandTypes(), [](Type t) {
          return getElementTypeOrSelf(t).isF32();
        }))
      return;
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (failed(dims) || dims->m.empty() || dims->k.size() != 1 ||
        dims->n.empty() || dims->n.size() > 2)
      return;
    unsigned loops = op.getNumLoops();
    auto innermost = [&](OpOperand *operand) -> std::optional<unsigned> {
      AffineMap map = op.getMatchingIndexingMap(operand);
      if (map.getNumResults() == 0)
        return std::nullopt;
      auto d = dyn_cast<AffineDimExpr>(map.getResults().back());
      return d ? std::optional<unsigned>(d.getPosition()) : std::nullopt;
    };
    // The innermost N dimension must be the innermost dimension of B and
    // of the output, so rows of B and of the accumulators are contiguous.
    std::optional<unsigned> nInner = innermost(op.getDpsInputOperand(1));
    if (!nInner || innermost(op.getDpsInitOperand(0)) != nInner ||
        !llvm::is_contained(dims->n, *nInner))
      return;
    std::optional<unsigned> nOuter;
    for (unsigned d : dims->n)
      if (d != *nInner)
        nOuter = d;
    // With several M dimensions (a [B, S, K] x [K, N] matmul whose reshape
    // was folded into it), the innermost one of the output is the row of
    // the register tile; the others are tiled by 1 like batches.
    unsigned kDim = dims->k[0];
    AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    unsigned mDim = *llvm::max_element(dims->m, [&](unsigned a, unsigned b) {
      return outMap.getResultPosition(getAffineDimExpr(a, op.getContext())) <
             outMap.getResultPosition(getAffineDimExpr(b, op.getContext()));
    });
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    int64_t m = bounds[mDim], n = bounds[*nInner], k = bounds[kDim];
    int64_t lanes = vectorBits / 32;
    if (k == 0 || m == 0)
      return;
    // A second N dimension is either packed panels ([N1, K, N0] weights:
    // the register tile spans one whole N0 panel) or an outer parallel
    // dimension the output shares with B (a batch that A lacks, as im2col
    // gives): tiles of 1 along it.
    auto outputPosition = [&](unsigned dim) {
      AffineMap map = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
      return map.getResultPosition(getAffineDimExpr(dim, op.getContext()));
    };
    bool panel = nOuter && n % lanes == 0 && n <= 4 * lanes &&
                 outputPosition(*nOuter) > outputPosition(mDim);
    RegisterTile reg = chooseRegisterTile(m, n, lanes, vectorRegisters,
                                          /*wholeN=*/panel, /*dividingM=*/true);
    if (reg.mr == 0)
      return;
    // When the best register tile does not divide M (M = 49 = 7 x 7 pixels
    // allows only 1- or 7-row tiles, and 7 rows do not fit the registers),
    // the op is split: the largest multiple of the better tile's rows, and
    // the rest (fewer rows than one tile) as an op of its own.
    RegisterTile any = chooseRegisterTile(m, n, lanes, vectorRegisters, panel,
                                          /*dividingM=*/false);
    if (tileScore(any, lanes) > tileScore(reg, lanes) && m % any.mr != 0 &&
        m / any.mr >= 1) {
      IRRewriter rewriter(op.getContext());
      rewriter.setInsertionPoint(op);
      auto [head, tail] = linalg::splitOp(
          rewriter, cast<TilingInterface>(op.getOperation()), mDim,
          rewriter.getIndexAttr(m / any.mr * any.mr));
      if (head)
        selectContraction(cast<linalg::LinalgOp>(head.getOperation()));
      if (tail)
        selectContraction(cast<linalg::LinalgOp>(tail.getOperation()));
      return;
    }
    // Cache tiles: an output block of at most 64 rows and 256 columns and a
    // 256-deep slice of the reduction keep B's block in L2 and A's rows in
    // L1 while the register tiles sweep them.
    SmallVector<int64_t> cache(loops, 0), reduction(loops, 0),
        registers(loops, 0);
    for (unsigned b : dims->batch)
      cache[b] = 1;
    for (unsigned outer : dims->m)
      if (outer != mDim)
        cache[outer] = 1;
    cache[mDim] = largestDividingMultiple(m, reg.mr, 64);
    if (panel) {
      cache[*nOuter] = std::max<int64_t>(
          1, largestDividingMultiple(bounds[*nOuter], 1, 256 / n));
      registers[*nOuter] = 1;
    } else {
      if (nOuter)
        cache[*nOuter] = 1;
      cache[*nInner] = largestDividingMultiple(n, reg.nr, 256);
      registers[*nInner] = reg.nr;
    }
    reduction[kDim] = largestDividingMultiple(k, 1, 256);
    registers[mDim] = reg.mr;
    registers[kDim] = 1;
    Builder b(op.getContext());
    op->setAttr(mlir::kiln::kTilingAttr,
                b.getArrayAttr({b.getDenseI64ArrayAttr(cache),
                                b.getDenseI64ArrayAttr(reduction),
                                b.getDenseI64ArrayAttr(registers)}));
  }
};

} // namespace
