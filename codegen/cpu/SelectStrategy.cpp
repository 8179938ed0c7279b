// kiln-cpu-select-strategy: tile sizes per linalg op for an x86 target with
// a given vector width and register count. Only the choice lives here; the
// tiling itself is passes/tiling.
#include "codegen/cpu/Passes.h"
#include "codegen/cpu/RegisterTile.h"
#include "passes/tiling/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"

#define DEBUG_TYPE "kiln-cpu-select-strategy"

namespace mlir::kiln {
#define GEN_PASS_DEF_SELECTSTRATEGY
#include "codegen/cpu/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using mlir::kiln::chooseRegisterTile;
using mlir::kiln::RegisterTile;
using mlir::kiln::tileScore;

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

/// Whether a register tile that does not divide the rows is worth
/// splitting the op for: clearly more FMAs per load than the best tile
/// that divides them. A split op's parts cannot take their epilogues into
/// their tiles, which costs more than a slightly smaller tile.
bool worthSplitting(RegisterTile any, RegisterTile dividing, int64_t rows,
                    int64_t lanes) {
  return rows % any.mr != 0 && rows / any.mr >= 1 &&
         tileScore(any, lanes) > 1.25 * tileScore(dividing, lanes);
}

/// The innermost of `bounds` that is not 1 (0 if all are).
unsigned innermostNonUnit(ArrayRef<int64_t> bounds) {
  unsigned last = bounds.size() - 1;
  while (last > 0 && bounds[last] == 1)
    --last;
  return last;
}

int64_t product(ArrayRef<int64_t> sizes) {
  int64_t p = 1;
  for (int64_t s : sizes)
    p *= s;
  return p;
}

/// Bytes of B (a weight panel's slice: its reduction slice times the
/// register tile's columns) that the register tiles sweeping the rows of a
/// cache tile reuse from L1: about two thirds of a 48 KiB L1 (Intel since
/// Ice Lake), all of a 32 KiB one (Zen 4), where the rows' broadcasts come
/// from L2 at one load per several FMAs anyway.
constexpr int64_t kL1PanelBytes = 32 * 1024;

/// Weights larger than this do not stay in one core's L2 between tasks.
constexpr int64_t kL2Bytes = 1024 * 1024;

/// Parallel tasks an op's first level should give at least: with fewer,
/// two or four threads idle at the end of each op (7 tasks on 2 threads
/// leave one idle an eighth of the time)...
constexpr int64_t kMinTasks = 16;
/// ... unless the tasks would get fewer multiply-adds than this (a few
/// microseconds: less would not pay for handing them to another thread).
constexpr int64_t kMinTaskWork = 1 << 17;

/// What one element of a memory-bound op (a transpose) weighs against
/// kMinTaskWork's multiply-adds: moving a value through the caches takes
/// about as long as 16 of the FMAs a register tile issues in its place.
constexpr int64_t kMemoryBoundWeight = 16;

/// Shrinks the tiles of `tile` (a first level over the loops `bounds` of
/// an op, 0 = whole), one dimension after the other as `order` lists them
/// ({dimension, the step its tile must stay a multiple of}), halving each
/// while it stays above its step, until the level gives kMinTasks tasks or
/// the tasks would get less than kMinTaskWork of the op's `work`
/// (multiply-adds or elements).
void spreadTasks(ArrayRef<int64_t> bounds, SmallVectorImpl<int64_t> &tile,
                 ArrayRef<std::pair<unsigned, int64_t>> order, int64_t work) {
  auto tasks = [&] {
    int64_t count = 1;
    for (auto [bound, size] : llvm::zip(bounds, tile))
      count *= size ? bound / size : 1;
    return count;
  };
  auto worthSpreading = [&] {
    return tasks() < kMinTasks && work / (2 * tasks()) >= kMinTaskWork;
  };
  for (auto [dim, step] : order) {
    while (worthSpreading() && tile[dim] > step) {
      int64_t smaller =
          largestDividingMultiple(bounds[dim], step, tile[dim] / 2);
      if (smaller >= tile[dim] || bounds[dim] % smaller != 0)
        break;
      tile[dim] = smaller;
    }
  }
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
      if (auto dw =
              dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(op.getOperation()))
        selectDepthwise(dw);
      else if (op->hasAttr(mlir::kiln::kConvWindowAttr))
        selectDirectConv(op);
      else if (isa<linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcSumOp>(
                   op.getOperation()))
        selectPooling(op);
      else if (auto transpose =
                   dyn_cast<linalg::TransposeOp>(op.getOperation()))
        selectTranspose(transpose);
      else if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
               generic && generic.getNumReductionLoops() == 0)
        selectElementwise(generic);
      else if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
               generic && !linalg::isaContractionOpInterface(op))
        selectReduction(generic);
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
        !llvm::all_of(op->getOperandTypes(),
                      [](Type t) { return getElementTypeOrSelf(t).isF32(); }))
      return;
    // Loops: n, oh, ow, c, kh, kw.
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    int64_t lanes = vectorBits / 32, c = bounds[3];
    if (c % lanes != 0)
      return;
    int64_t channels =
        c % (2 * lanes) == 0 && vectorRegisters >= 32 ? 2 * lanes : lanes;
    setRowTiling(op, bounds, channels, /*windowColumns=*/0);
  }

  /// The tiling of an NHWC windowed op with loops (n, oh, ow, c, kh, kw):
  /// a parallel task per output row (the channels split too where there
  /// are few rows: 7 x 7 maps at batch 1), then register tiles of up to 8
  /// pixels by `channels`, one filter row at a time and `windowColumns`
  /// filter columns (0: all of them).
  void setRowTiling(linalg::LinalgOp op, ArrayRef<int64_t> bounds,
                    int64_t channels, int64_t windowColumns) {
    int64_t ow = bounds[2], c = bounds[3];
    int64_t pixels = largestDividingMultiple(ow, 1, 8);
    SmallVector<int64_t> tasks = {1, 1, 0, c, 0, 0};
    spreadTasks(bounds, tasks, {{3, channels}}, product(bounds));
    if (tasks[3] == c)
      tasks[3] = 0;
    Builder b(op.getContext());
    op->setAttr(mlir::kiln::kTilingAttr,
                b.getArrayAttr({b.getDenseI64ArrayAttr(tasks),
                                b.getDenseI64ArrayAttr({1, 1, pixels, channels,
                                                        1, windowColumns})}));
  }

  /// Direct convolutions (kiln-cpu-pack-weights; loops n, f1, oh, ow, f0,
  /// kh, kw, c): a parallel task per block of panels and of output rows
  /// (about 64 pixels, so that each slice of a panel serves many); a slice
  /// of the input channels small enough that its filter panel (KH * KW *
  /// slice rows of nr) stays in L1; and a register tile of mr pixels of a
  /// row by one whole panel, stepping one (kh, kw, c) at a time, so the
  /// accumulators stay in registers across the window. A row that no good
  /// tile divides is split like a matmul's M.
  void selectDirectConv(linalg::LinalgOp op) {
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    if (bounds.size() != 8 || ShapedType::isDynamicShape(bounds))
      return;
    int64_t lanes = vectorBits / 32;
    int64_t panels = bounds[1], oh = bounds[2], ow = bounds[3], nr = bounds[4];
    int64_t window = bounds[5] * bounds[6];
    RegisterTile reg = chooseRegisterTile(ow, nr, lanes, vectorRegisters,
                                          /*wholeN=*/true, /*dividingM=*/true);
    RegisterTile any = chooseRegisterTile(ow, nr, lanes, vectorRegisters,
                                          /*wholeN=*/true, /*dividingM=*/false);
    if (any.mr == 0)
      return;
    if (worthSplitting(any, reg, ow, lanes)) {
      IRRewriter rewriter(op.getContext());
      rewriter.setInsertionPoint(op);
      Attribute window = op->getAttr(mlir::kiln::kConvWindowAttr);
      auto [head, tail] = linalg::splitOp(
          rewriter, cast<TilingInterface>(op.getOperation()), /*dimension=*/3,
          rewriter.getIndexAttr(ow / any.mr * any.mr));
      for (TilingInterface part : {head, tail})
        if (part) {
          part->setAttr(mlir::kiln::kConvWindowAttr, window);
          selectDirectConv(cast<linalg::LinalgOp>(part.getOperation()));
        }
      return;
    }
    int64_t rows =
        largestDividingMultiple(oh, 1, std::max<int64_t>(1, 64 / ow));
    int64_t slice = largestDividingMultiple(
        bounds[7], 1, std::max<int64_t>(1, kL1PanelBytes / (4 * window * nr)));
    int64_t panelBlock =
        largestDividingMultiple(panels, 1, std::max<int64_t>(1, 256 / nr));
    SmallVector<int64_t> tasks = {1, panelBlock, rows, 0, 0, 0, 0, 0};
    spreadTasks(bounds, tasks, {{1, 1}, {2, 1}}, product(bounds));
    Builder b(op.getContext());
    op->setAttr(mlir::kiln::kTilingAttr,
                b.getArrayAttr(
                    {b.getDenseI64ArrayAttr(tasks),
                     b.getDenseI64ArrayAttr({0, 0, 0, 0, 0, 0, 0, slice}),
                     b.getDenseI64ArrayAttr({1, 1, 1, reg.mr, 0, 1, 1, 1})}));
  }

  /// NHWC max and sum pooling (f32, static; loops n, oh, ow, c, kh, kw): a
  /// parallel task per output row (channels split too when there are few
  /// rows), then register tiles of up to 8 pixels by up to 2 vectors of
  /// channels, one window position at a time: kiln-tiling-tile-and-
  /// vectorize reads the pixels through a strided slice and takes the max
  /// (or sum) of whole vectors, the accumulators carried across the window.
  void selectPooling(linalg::LinalgOp op) {
    if (!op.hasPureTensorSemantics() || op.hasDynamicShape() ||
        !getElementTypeOrSelf(op->getResult(0).getType()).isF32() ||
        !getElementTypeOrSelf(op.getDpsInputOperand(0)->get().getType())
             .isF32())
      return;
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    int64_t lanes = vectorBits / 32;
    if (bounds.size() != 6 || bounds[3] % lanes != 0)
      return;
    setRowTiling(op, bounds,
                 largestDividingMultiple(bounds[3], lanes, 2 * lanes),
                 /*windowColumns=*/1);
  }

  /// Transposes of 32-bit values that move the innermost (non-unit)
  /// dimension (NCHW <-> NHWC at a model's boundary, a matrix's rows and
  /// columns): register tiles of up to 8 x 8 (the output's innermost
  /// dimension by the one the input has innermost), read as whole input
  /// rows and written as whole output rows, with the transpose between
  /// them in registers (shuffles). Left as loops, every element is a
  /// scalar load or store with a large stride. 16 x 16 tiles (AVX-512) ran
  /// a little faster but cost LLVM about 0.2 s each to compile (BERT's 60
  /// transposes: 25 s instead of 16). A parallel task per row of the other
  /// dimensions, the two transposed ones split further while there are
  /// too few tasks.
  void selectTranspose(linalg::TransposeOp op) {
    auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    ArrayRef<int64_t> perm = op.getPermutation();
    if (!op.hasPureTensorSemantics() || !type || !type.hasStaticShape() ||
        type.getElementTypeBitWidth() != 32 || perm.empty())
      return;
    // Unit dimensions do not count: [1, 128, 768, 1] -> [1, 768, 1, 128]
    // transposes a 128 x 768 matrix.
    ArrayRef<int64_t> shape = type.getShape();
    auto inputShape = cast<ShapedType>(op.getInput().getType()).getShape();
    auto lastNonUnit = [](ArrayRef<int64_t> dims) -> std::optional<unsigned> {
      for (unsigned d = dims.size(); d-- > 0;)
        if (dims[d] != 1)
          return d;
      return std::nullopt;
    };
    std::optional<unsigned> outerDim = lastNonUnit(shape),
                            inputInner = lastNonUnit(inputShape);
    if (!outerDim || !inputInner)
      return;
    unsigned rank = perm.size();
    unsigned outer = *outerDim;
    unsigned inner = llvm::find(perm, *inputInner) - perm.begin();
    int64_t lanes = vectorBits / 32;
    Builder b(op.getContext());
    if (inner == outer) {
      // Rows move whole ([S, H, D] -> [H, S, D]): a copy of each row, in
      // vectors, a parallel task per row.
      if (shape[outer] % lanes != 0)
        return;
      SmallVector<int64_t> rows(rank, 1), vectors(rank, 1);
      rows[outer] = 0;
      for (unsigned d = outer + 1; d < rank; ++d)
        rows[d] = 0;
      vectors[outer] = largestDividingMultiple(shape[outer], lanes, 4 * lanes);
      op->setAttr(mlir::kiln::kTilingAttr,
                  b.getArrayAttr({b.getDenseI64ArrayAttr(rows),
                                  b.getDenseI64ArrayAttr(vectors)}));
      return;
    }
    auto side = [&](int64_t size) -> int64_t {
      for (int64_t t = std::min<int64_t>(lanes, 8); t >= 4; t /= 2)
        if (size % t == 0)
          return t;
      return 0;
    };
    int64_t tOuter = side(shape[outer]), tInner = side(shape[inner]);
    if (!tOuter || !tInner)
      return;
    SmallVector<int64_t> tasks(rank, 1), registers(rank, 1);
    tasks[outer] = shape[outer];
    tasks[inner] = shape[inner];
    spreadTasks(shape, tasks, {{inner, tInner}, {outer, tOuter}},
                kMemoryBoundWeight * product(shape));
    registers[outer] = tOuter;
    registers[inner] = tInner;
    op->setAttr(mlir::kiln::kTilingAttr,
                b.getArrayAttr({b.getDenseI64ArrayAttr(tasks),
                                b.getDenseI64ArrayAttr(registers)}));
  }

  /// Elementwise f32 generics (every loop parallel, every operand read in
  /// loop order, possibly broadcast, a body of arithmetic, sqrt, abs, fma
  /// or erf, which math-expand-ops turns into a polynomial that works on
  /// vectors as well: GELU vectorizes, and joins its matmul's tiles): one row
  /// of the innermost dimension per parallel task, in vectors of up to four
  /// registers. Left as loops, LLVM would version each for aliasing (an
  /// in-place arena buffer then takes the scalar copy) and unroll it.
  void selectElementwise(linalg::GenericOp op) {
    unsigned loops = op.getNumLoops();
    if (loops == 0 || op.getNumReductionLoops() != 0 || !vectorizableBody(op))
      return;
    for (OpOperand &init : op.getDpsInitsMutable())
      if (!op.getMatchingIndexingMap(&init).isIdentity())
        return;
    int64_t lanes = vectorBits / 32;
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    // The vectors run along the innermost dimension that is not a unit one
    // (tf2onnx's layer norms compute on [1, S, H, 1]).
    unsigned last = innermostNonUnit(bounds);
    int64_t inner = bounds[last];
    if (inner % lanes != 0)
      return;
    SmallVector<int64_t> rows(loops, 1), vectors(loops, 1);
    int64_t vector = largestDividingMultiple(inner, lanes, 4 * lanes);
    // An op of one dimension (but unit ones) is cut into chunks of 1024
    // values for the threads.
    bool single = llvm::all_of(llvm::seq<unsigned>(0, last),
                               [&](unsigned d) { return bounds[d] == 1; });
    rows[last] = single ? largestDividingMultiple(inner, vector, 1024) : 0;
    vectors[last] = vector;
    Builder b(op.getContext());
    op->setAttr(mlir::kiln::kTilingAttr,
                b.getArrayAttr({b.getDenseI64ArrayAttr(rows),
                                b.getDenseI64ArrayAttr(vectors)}));
  }

  /// Whether `op` is f32, static and computes with arithmetic only (and
  /// the math ops that expand to polynomials), every operand read through a
  /// projected permutation (constant 0s: broadcasts) in loop order.
  static bool vectorizableBody(linalg::GenericOp op) {
    if (!op.hasPureTensorSemantics() || op.hasDynamicShape() ||
        op.hasIndexSemantics())
      return false;
    if (!llvm::all_of(op->getOperandTypes(),
                      [](Type t) { return getElementTypeOrSelf(t).isF32(); }))
      return false;
    for (OpOperand &operand : op->getOpOperands()) {
      AffineMap map = op.getMatchingIndexingMap(&operand);
      if (!map.isProjectedPermutation(/*allowZeroInResults=*/true))
        return false;
      int64_t previous = -1;
      for (AffineExpr e : map.getResults()) {
        auto dim = dyn_cast<AffineDimExpr>(e);
        if (!dim)
          continue;
        if (int64_t(dim.getPosition()) <= previous)
          return false; // a transposed read: gathers, not vectors
        previous = dim.getPosition();
      }
    }
    for (Operation &inner : op.getBody()->without_terminator())
      if (!isa<arith::ArithDialect>(inner.getDialect()) &&
          !isa<math::SqrtOp, math::AbsFOp, math::FmaOp, math::ErfOp,
               math::ExpOp>(inner))
        return false;
    return true;
  }

  /// Reductions that are not contractions (softmax's row max and sum, a
  /// layer norm's mean, global pooling): where the innermost loop is a
  /// parallel one (a column reduction), a parallel task per block of
  /// columns, and vectors of up to four registers along it, one reduced
  /// row at a time: the accumulators are vectors carried in registers
  /// across the reduction, combined element by element. A reduction of the
  /// innermost loop (a row's) is first split (linalg's split reduction) into
  /// such a column reduction into one vector per row, [R] -> [R / lanes,
  /// lanes], and the reduction of that vector to one value, which stays a
  /// small loop. Left as loops, each row is one serial chain of scalar
  /// adds or maxes (floating point: LLVM may not reassociate them).
  void selectReduction(linalg::GenericOp op) {
    if (op.getNumDpsInits() != 1 || op->getNumResults() != 1 ||
        !vectorizableBody(op))
      return;
    int64_t lanes = vectorBits / 32;
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    unsigned loops = bounds.size();
    unsigned last = innermostNonUnit(bounds);
    if (iterators[last] == utils::IteratorType::reduction) {
      if (op.getNumReductionLoops() != 1 || bounds[last] % lanes != 0 ||
          bounds[last] < 2 * lanes || last != loops - 1)
        return;
      auto outType = cast<RankedTensorType>(op->getResult(0).getType());
      IRRewriter rewriter(op.getContext());
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::SplitReductionResult> split = linalg::splitReduction(
          rewriter, cast<linalg::LinalgOp>(op.getOperation()),
          [&](linalg::LinalgOp) {
            return linalg::SplitReductionOptions{
                lanes, static_cast<unsigned>(outType.getRank()),
                /*innerParallel=*/true};
          });
      if (failed(split))
        return;
      if (auto columns =
              dyn_cast<linalg::GenericOp>(split->splitLinalgOp.getOperation()))
        selectReduction(columns);
      return;
    }
    if (bounds[last] % lanes != 0)
      return;
    int64_t vector = largestDividingMultiple(bounds[last], lanes, 4 * lanes);
    SmallVector<int64_t> tasks(loops, 0), vectors(loops, 1);
    for (unsigned d = 0; d < loops; ++d)
      if (iterators[d] == utils::IteratorType::parallel && d != last)
        tasks[d] = 1;
    tasks[last] = 0;
    vectors[last] = vector;
    // Rows of tasks first; the columns split (in whole vectors) only where
    // there are too few.
    SmallVector<std::pair<unsigned, int64_t>> order = {{last, vector}};
    tasks[last] = bounds[last];
    spreadTasks(bounds, tasks, order, kMemoryBoundWeight * product(bounds));
    if (tasks[last] == bounds[last])
      tasks[last] = 0;
    Builder b(op.getContext());
    op->setAttr(mlir::kiln::kTilingAttr,
                b.getArrayAttr({b.getDenseI64ArrayAttr(tasks),
                                b.getDenseI64ArrayAttr(vectors)}));
  }

  /// f32 contractions with one M and K dimension and an N dimension
  /// contiguous in B and the output (row-major matmul and its batched
  /// forms). N may also be split in two, [N1, K, N0] for B with its N0
  /// panels packed contiguously (kiln-cpu-pack-weights): the register tile
  /// then spans one whole panel.
  void selectContraction(linalg::LinalgOp op) {
    if (!linalg::isaContractionOpInterface(op) ||
        !op.hasPureTensorSemantics() || op.hasDynamicShape() ||
        op->getNumResults() != 1)
      return;
    if (!llvm::all_of(op->getOperandTypes(),
                      [](Type t) { return getElementTypeOrSelf(t).isF32(); }))
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
    if (worthSplitting(any, reg, m, lanes)) {
      IRRewriter rewriter(op.getContext());
      rewriter.setInsertionPoint(op);
      auto [head, tail] =
          linalg::splitOp(rewriter, cast<TilingInterface>(op.getOperation()),
                          mDim, rewriter.getIndexAttr(m / any.mr * any.mr));
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
    // Enough tasks for the threads: shrink the column block, then the row
    // block, while there are fewer than kMinTasks.
    unsigned columns = panel ? *nOuter : *nInner;
    int64_t columnStep = panel ? 1 : reg.nr;
    spreadTasks(bounds, cache, {{columns, columnStep}, {mDim, reg.mr}},
                product(bounds));
    // The reduction slice: B's slice for one register tile's columns
    // (slice x nr) stays in L1 while the register tiles sweep the rows,
    // which the register level's order puts innermost: columns, then rows,
    // then the reduction.
    reduction[kDim] = largestDividingMultiple(
        k, 1, std::clamp<int64_t>(kL1PanelBytes / (4 * reg.nr), 1, 256));
    registers[mDim] = reg.mr;
    registers[kDim] = 1;
    SmallVector<int64_t> order;
    for (unsigned d = 0; d < loops; ++d)
      if (d != mDim && d != kDim)
        order.push_back(d);
    order.append({mDim, kDim});
    Builder b(op.getContext());
    auto ordered = [&](ArrayRef<int64_t> sizes) -> Attribute {
      return b.getDictionaryAttr(
          {b.getNamedAttr("sizes", b.getDenseI64ArrayAttr(sizes)),
           b.getNamedAttr("order", b.getDenseI64ArrayAttr(order))});
    };
    // The parallel level runs in the same order (tasks one after another
    // share B's column block, in L2, while A's rows stream) only where B
    // does not fit L2 anyway and its block is at least as large (square
    // 64 x 64 blocks of BERT's FFN: its row blocks then share B from L2
    // instead of streaming it from L3 twice, 6% at batch 1): otherwise row
    // blocks first, so each thread's tasks read the rows its own tasks of
    // the previous op wrote (MobileNetV2 at batch 1 on 2 threads: 7%).
    int64_t columnsPerTask = panel ? cache[*nOuter] * n : cache[*nInner];
    int64_t bBytes = 4 * k * n * (nOuter ? bounds[*nOuter] : 1);
    // (Both blocks span the whole reduction: B's is at least as large when
    // a task has at least as many columns as rows.)
    bool columnsFirst = bBytes > kL2Bytes && columnsPerTask >= cache[mDim];
    op->setAttr(mlir::kiln::kTilingAttr,
                b.getArrayAttr(
                    {columnsFirst ? ordered(cache)
                                  : Attribute(b.getDenseI64ArrayAttr(cache)),
                     b.getDenseI64ArrayAttr(reduction), ordered(registers)}));
  }
};

} // namespace
