// Applies kiln.tiling: one scf.for nest per tiling level, then vectorizes
// the innermost (statically shaped) tiles and keeps accumulators in
// registers across reduction loops.
#include "passes/tiling/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

#include <numeric>

#define DEBUG_TYPE "kiln-tiling-tile-and-vectorize"

namespace mlir::kiln {
#define GEN_PASS_DEF_TILEANDVECTORIZE
#include "passes/tiling/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// Marks the innermost tile of a kiln.tiling op for vectorization.
constexpr llvm::StringLiteral kVectorizeAttr = "kiln.vectorize";

/// Loops of a windowed op's register tile: its input is indexed
/// (n, oh * s + kh * d, ow * s + kw * d, c) and every loop but ow, c and
/// those the input does not read has size 1.
struct WindowLoops {
  unsigned n, oh, ow, c, kh, kw;
  int64_t strideW;
};

/// The loops of a direct convolution (kiln.conv_window; loops n, f1, oh,
/// ow, f0, kh, kw, c) or an NHWC pooling op (n, oh, ow, c, kh, kw).
std::optional<WindowLoops> windowLoops(linalg::LinalgOp op) {
  if (auto window =
          op->getAttrOfType<DenseI64ArrayAttr>(mlir::kiln::kConvWindowAttr))
    return window.size() == 4
               ? std::optional(WindowLoops{0, 2, 3, 7, 5, 6, window[1]})
               : std::nullopt;
  DenseIntElementsAttr strides;
  if (auto pool = dyn_cast<linalg::PoolingNhwcMaxOp>(op.getOperation()))
    strides = pool.getStrides();
  else if (auto pool = dyn_cast<linalg::PoolingNhwcSumOp>(op.getOperation()))
    strides = pool.getStrides();
  if (!strides)
    return std::nullopt;
  return WindowLoops{
      0, 1, 2, 3, 4, 5, *(strides.getValues<int64_t>().begin() + 1)};
}

/// The register tile `op` of a windowed op (one window position: kh and kw
/// of size 1; one output row) rewritten as a generic over the same loops
/// whose input is a slice of the row's pixels with the stride as its step,
/// indexed (n, oh, ow, c): every indexing map is then a projected
/// permutation, and the tile vectorizes: a direct convolution's as a
/// [pixels, 1] x [1, nr] contraction, a pooling tile as a max (or sum) of
/// vectors.
FailureOr<linalg::LinalgOp> windowTileAsProjected(PatternRewriter &rewriter,
                                                  linalg::LinalgOp op,
                                                  WindowLoops loops) {
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  if (op->getNumResults() != 1 || op.getNumDpsInputs() != 2)
    return failure();
  for (unsigned d : {loops.n, loops.oh, loops.kh, loops.kw})
    if (bounds[d] != 1)
      return failure();
  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  auto index = [&](int64_t v) { return rewriter.getIndexAttr(v); };
  int64_t pixels = bounds[loops.ow], channels = bounds[loops.c];
  SmallVector<OpFoldResult> offsets(4, index(0)),
      sizes = {index(1), index(1), index(pixels), index(channels)},
      strides = {index(1), index(1), index(loops.strideW), index(1)};
  Value row = tensor::ExtractSliceOp::create(
      rewriter, loc,
      RankedTensorType::get({1, 1, pixels, channels}, rewriter.getF32Type()),
      op.getDpsInputOperand(0)->get(), offsets, sizes, strides);
  unsigned numLoops = op.getNumLoops();
  SmallVector<AffineMap> maps = {
      AffineMap::get(
          numLoops, 0,
          {getAffineDimExpr(loops.n, ctx), getAffineDimExpr(loops.oh, ctx),
           getAffineDimExpr(loops.ow, ctx), getAffineDimExpr(loops.c, ctx)},
          ctx),
      op.getMatchingIndexingMap(op.getDpsInputOperand(1)),
      op.getMatchingIndexingMap(op.getDpsInitOperand(0))};
  auto generic = linalg::GenericOp::create(
      rewriter, loc, op->getResultTypes(),
      ValueRange{row, op.getDpsInputOperand(1)->get()},
      ValueRange{op.getDpsInitOperand(0)->get()}, maps,
      op.getIteratorTypesArray());
  IRMapping mapping;
  rewriter.cloneRegionBefore(op->getRegion(0), generic.getRegion(),
                             generic.getRegion().end(), mapping);
  rewriter.replaceOp(op, generic->getResults());
  return cast<linalg::LinalgOp>(generic.getOperation());
}

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
    if (auto dw =
            dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(op.getOperation())) {
      FailureOr<linalg::DepthwiseConv1DNwcWcOp> conv1d =
          linalg::DownscaleDepthwiseConv2DNhwcHwcOp(getContext())
              .returningMatchAndRewrite(dw, rewriter);
      if (failed(conv1d))
        return rewriter.notifyMatchFailure(op, "depthwise tile is not 1 row");
      op = cast<linalg::LinalgOp>(conv1d->getOperation());
    }
    // A direct convolution's or pooling op's register tile (pixels of a
    // row, one window position) reads its pixels through a strided view,
    // so that it vectorizes (as a contraction, or a max or sum of vectors).
    if (std::optional<WindowLoops> loops = windowLoops(op)) {
      FailureOr<linalg::LinalgOp> projected =
          windowTileAsProjected(rewriter, op, *loops);
      if (failed(projected))
        return rewriter.notifyMatchFailure(op, "not a register tile");
      op = *projected;
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

/// One level of a kiln.tiling plan: a tile size per loop and, optionally,
/// the order of that level's loops (outermost first; null: the op's).
struct Level {
  DenseI64ArrayAttr sizes;
  DenseI64ArrayAttr order;
};

/// One op to tile and the levels still to apply to it. `forall`: its first
/// level may become an scf.forall (false inside another op's forall).
struct Work {
  TilingInterface op;
  SmallVector<Level> levels;
  bool forall = true;
};

/// Marks the ops of one fusion group while it is tiled; the tiled clones
/// keep the mark, which tells them apart afterwards.
constexpr llvm::StringLiteral kRoleAttr = "kiln.fusion_role";
enum Role : int64_t { kConsumer, kRoot, kInit };

/// An elementwise generic: every loop parallel, one init.
bool isElementwiseGeneric(Operation *op) {
  auto generic = dyn_cast_if_present<linalg::GenericOp>(op);
  return generic && generic.getNumReductionLoops() == 0 &&
         generic.getNumDpsInits() == 1 && generic->getNumResults() == 1;
}

/// The vector level of an elementwise tile of `shape` given the vector
/// level `planned` for the whole op (1 everywhere but a whole number of
/// vectors innermost): the largest part of that vector that divides the
/// tile. Empty when the plan is not of that form.
SmallVector<int64_t> vectorLevel(ArrayRef<int64_t> shape,
                                 DenseI64ArrayAttr planned) {
  ArrayRef<int64_t> sizes = planned.asArrayRef();
  if (shape.empty() || sizes.size() != shape.size() || sizes.back() <= 0 ||
      llvm::any_of(sizes.drop_back(), [](int64_t s) { return s != 1; }))
    return {};
  SmallVector<int64_t> level(shape.size(), 1);
  level.back() = std::gcd(sizes.back(), shape.back());
  return level;
}

struct TileAndVectorizePass
    : mlir::kiln::impl::TileAndVectorizeBase<TileAndVectorizePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<Work> work;
    WalkResult parsed = func.walk([&](TilingInterface op) {
      if (!op->hasAttr(mlir::kiln::kTilingAttr))
        return WalkResult::advance();
      auto levels = dyn_cast<ArrayAttr>(op->getAttr(mlir::kiln::kTilingAttr));
      Work item{op, {}, true};
      size_t numLoops = op.getLoopIteratorTypes().size();
      for (Attribute level : levels ? levels : ArrayAttr()) {
        // A level is its sizes, or {sizes = ..., order = ...}.
        auto sizes = dyn_cast<DenseI64ArrayAttr>(level);
        DenseI64ArrayAttr order;
        if (auto dict = dyn_cast<DictionaryAttr>(level)) {
          sizes = dict.getAs<DenseI64ArrayAttr>("sizes");
          order = dict.getAs<DenseI64ArrayAttr>("order");
          if (!order || !isPermutationVector(order.asArrayRef()) ||
              static_cast<size_t>(order.size()) != numLoops) {
            op->emitOpError("has a tiling level whose order is not a "
                            "permutation of its loops");
            return WalkResult::interrupt();
          }
        }
        if (!sizes || static_cast<size_t>(sizes.size()) != numLoops) {
          op->emitOpError("has a tiling level that does not give one size "
                          "per loop");
          return WalkResult::interrupt();
        }
        item.levels.push_back({sizes, order});
      }
      if (!levels) {
        op->emitOpError("has a malformed ") << mlir::kiln::kTilingAttr;
        return WalkResult::interrupt();
      }
      op->removeAttr(mlir::kiln::kTilingAttr);
      work.push_back(std::move(item));
      return WalkResult::advance();
    });
    if (parsed.wasInterrupted())
      return signalPassFailure();
    if (work.empty())
      return;

    IRRewriter rewriter(ctx);
    // Epilogues first: a root whose only user is an elementwise generic
    // (bias, activation, residual add) is computed tile by tile inside that
    // generic's loop, so the generic reads the tile while it is in cache.
    SmallVector<Work> fused;
    for (Work &item : work)
      if (item.op && failed(fuseGroup(rewriter, item, work, fused)))
        return signalPassFailure();
    llvm::append_range(work, fused);

    for (Work &item : work) {
      if (!item.op)
        continue;
      Operation *current = item.op;
      for (auto [index, level] : llvm::enumerate(item.levels)) {
        DenseI64ArrayAttr sizes = level.sizes;
        if (llvm::all_of(sizes.asArrayRef(), [](int64_t s) { return s == 0; }))
          continue;
        scf::SCFTilingOptions options;
        options.setTileSizes(getAsIndexOpFoldResult(ctx, sizes.asArrayRef()));
        if (level.order)
          options.setInterchange(level.order.asArrayRef());
        // The outermost level, when it splits only parallel dimensions,
        // becomes an scf.forall: its tiles are independent, and the
        // thread pool may run them at once.
        if (index == 0 && item.forall && onlyParallel(item.op, sizes))
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

    // A register tile's init written and read back as the accumulators,
    // and its epilogue reading them back after the reduction, fold into
    // the values themselves.
    RewritePatternSet folds(ctx);
    vector::TransferReadOp::getCanonicalizationPatterns(folds, ctx);
    vector::TransferWriteOp::getCanonicalizationPatterns(folds, ctx);
    scf::ForOp::getCanonicalizationPatterns(folds, ctx);
    if (failed(applyPatternsGreedily(func, std::move(folds))))
      return signalPassFailure();
  }

  static bool onlyParallel(TilingInterface op, DenseI64ArrayAttr sizes) {
    return llvm::all_of(
        llvm::zip(sizes.asArrayRef(), op.getLoopIteratorTypes()),
        [](auto pair) {
          return std::get<0>(pair) == 0 ||
                 std::get<1>(pair) == utils::IteratorType::parallel;
        });
  }

  /// The tiled root, its consumer and its accumulator's producer, found by
  /// their role marks (which are removed).
  static Operation *takeRole(ArrayRef<Operation *> ops, Role role) {
    for (Operation *op : ops) {
      auto mark = op->getAttrOfType<IntegerAttr>(kRoleAttr);
      if (mark && mark.getInt() == role) {
        op->removeAttr(kRoleAttr);
        return op;
      }
    }
    return nullptr;
  }

  /// Fuses the ops around `root` into the scf.forall of its first level:
  /// the elementwise generic consuming its result (which then writes in
  /// place into root's result and is the op tiled, root fused into it) and
  /// the elementwise or fill op producing its accumulator. The tiled ops go
  /// to `fused` with the levels left. Returns false, changing nothing,
  /// where there is nothing to fuse; failure on an error (reported).
  FailureOr<bool> fuseGroup(IRRewriter &rewriter, Work &root,
                            MutableArrayRef<Work> all,
                            SmallVector<Work> &fused) {
    auto rootOp = dyn_cast<linalg::LinalgOp>(root.op.getOperation());
    if (!rootOp || root.levels.size() < 2 || rootOp->getNumResults() != 1 ||
        !onlyParallel(root.op, root.levels.front().sizes))
      return false;
    auto planOf = [&](Operation *op) -> Work * {
      for (Work &w : all)
        if (op && w.op == op && !w.levels.empty())
          return &w;
      return nullptr;
    };
    // The consumer: an elementwise generic with a plan of its own that
    // reads root's result element for element.
    OpResult result = rootOp->getResult(0);
    OpOperand *use = result.hasOneUse() ? &*result.use_begin() : nullptr;
    auto consumer =
        use ? dyn_cast<linalg::GenericOp>(use->getOwner()) : nullptr;
    Work *consumerPlan = planOf(consumer);
    if (!isElementwiseGeneric(consumer) || !consumerPlan ||
        !consumer.getMatchingIndexingMap(use).isIdentity() ||
        !consumer.getIndexingMapMatchingResult(consumer->getResult(0))
             .isIdentity() ||
        consumer->getResult(0).getType() != result.getType())
      consumer = nullptr;
    // The accumulator's producer: elementwise (a bias broadcast) or a fill,
    // feeding nothing else.
    Operation *init = rootOp.getDpsInitOperand(0)->get().getDefiningOp();
    if (!init || !init->hasOneUse() ||
        !(isElementwiseGeneric(init) || isa<linalg::FillOp>(init)))
      init = nullptr;
    Work *initPlan = planOf(init);
    if (!consumer && !init)
      return false;

    // The tile of the output: root's first level, per output dimension.
    AffineMap outMap = rootOp.getIndexingMapMatchingResult(result);
    auto outType = cast<RankedTensorType>(result.getType());
    if (!outMap.isProjectedPermutation() || !outType.hasStaticShape())
      return false;
    SmallVector<int64_t> outTile, tileShape;
    for (auto [i, e] : llvm::enumerate(outMap.getResults())) {
      int64_t size =
          root.levels.front().sizes[cast<AffineDimExpr>(e).getPosition()];
      outTile.push_back(size);
      tileShape.push_back(size ? size : outType.getDimSize(i));
    }
    // The elementwise ops' vectors: their own plan, cut to the tile; a fill
    // without one writes the tile's rows in vectors of up to 64 values.
    Work *plan = consumer ? consumerPlan : initPlan;
    SmallVector<int64_t> vectors;
    if (plan) {
      vectors = vectorLevel(tileShape, plan->levels.back().sizes);
    } else {
      vectors.assign(tileShape.size(), 1);
      vectors.back() = std::gcd(tileShape.back(), int64_t(64));
    }
    if (vectors.empty())
      return false;

    // The op tiled: the consumer, written in place into root's result so
    // that the whole group needs one buffer, or else root itself.
    Operation *tiledOp = rootOp;
    ArrayRef<int64_t> sizes = root.levels.front().sizes.asArrayRef();
    // The first level's loop order, for the consumer's loops (the output's
    // dimensions) where it is the op tiled.
    SmallVector<int64_t> order;
    if (DenseI64ArrayAttr rootOrder = root.levels.front().order) {
      order.assign(rootOrder.asArrayRef().begin(),
                   rootOrder.asArrayRef().end());
      if (consumer) {
        order.clear();
        for (int64_t d : rootOrder.asArrayRef())
          if (std::optional<unsigned> pos = outMap.getResultPosition(
                  getAffineDimExpr(d, rewriter.getContext())))
            order.push_back(*pos);
      }
    }
    if (consumer) {
      rewriter.setInsertionPoint(consumer);
      tiledOp = writeInPlace(rewriter, consumer, *use);
      sizes = outTile;
    }
    FailureOr<Group> tiled =
        tileGroup(rewriter, tiledOp, rootOp, consumer ? tiledOp : nullptr, init,
                  sizes, order, scf::SCFTilingOptions::LoopType::ForallOp, "");
    if (failed(tiled))
      return failure();
    Operation *tiledRoot = tiled->root, *tiledConsumer = tiled->consumer,
              *tiledInit = tiled->init;

    // Where the root's later levels leave its reduction whole, the group
    // is fused once more at the register level: the init and the epilogue
    // then work on the accumulators in registers.
    FailureOr<bool> inRegisters =
        fuseRegisters(rewriter, tiledRoot, tiledConsumer, tiledInit,
                      ArrayRef<Level>(root.levels).drop_front(), fused);
    if (failed(inRegisters))
      return failure();
    // Where they split it into slices, the first slice is fused with the
    // init at the register level and the last with the epilogue.
    if (!*inRegisters) {
      inRegisters =
          fuseSlices(rewriter, tiledRoot, tiledConsumer, tiledInit,
                     ArrayRef<Level>(root.levels).drop_front(), fused);
      if (failed(inRegisters))
        return failure();
    }
    if (*inRegisters) {
      root.op = nullptr;
      for (Work *done : {consumerPlan, initPlan})
        if (done)
          done->op = nullptr;
      return true;
    }

    auto vectorAttr = rewriter.getDenseI64ArrayAttr(vectors);
    fused.push_back({cast<TilingInterface>(tiledRoot),
                     SmallVector<Level>(llvm::drop_begin(root.levels)),
                     /*forall=*/false});
    for (Operation *op : {tiledConsumer, tiledInit})
      if (op)
        fused.push_back({cast<TilingInterface>(op),
                         {Level{vectorAttr, {}}},
                         /*forall=*/false});
    // The standalone plans of the fused ops are done.
    root.op = nullptr;
    for (Work *done : {consumerPlan, initPlan})
      if (done)
        done->op = nullptr;
    return true;
  }

  /// A fusion group's ops after a tiling: root, and its consumer and init
  /// where it has them.
  struct Group {
    Operation *root = nullptr, *consumer = nullptr, *init = nullptr;
  };

  /// Tiles `target` (`consumer`, or `root` where there is none) by `sizes`
  /// in `order` with loops of `loopType`, `root` and `init` fused into
  /// them as producers; the tiled ops are told apart by role marks and the
  /// originals left unused are erased (sizes of all zeros: no loops, the
  /// ops as they are). A group that did not fuse is an error (`where`
  /// completes its message).
  FailureOr<Group> tileGroup(IRRewriter &rewriter, Operation *target,
                             Operation *root, Operation *consumer,
                             Operation *init, ArrayRef<int64_t> sizes,
                             ArrayRef<int64_t> order,
                             scf::SCFTilingOptions::LoopType loopType,
                             StringRef where) {
    // A level that tiles nothing makes no loop to fuse into: the group's
    // ops stay whole, as they are.
    if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
      return Group{root, consumer, init};
    root->setAttr(kRoleAttr, rewriter.getI64IntegerAttr(kRoot));
    if (consumer)
      consumer->setAttr(kRoleAttr, rewriter.getI64IntegerAttr(kConsumer));
    if (init)
      init->setAttr(kRoleAttr, rewriter.getI64IntegerAttr(kInit));
    scf::SCFTileAndFuseOptions options;
    options.tilingOptions.setTileSizes(
        getAsIndexOpFoldResult(rewriter.getContext(), sizes));
    if (!order.empty())
      options.tilingOptions.setInterchange(order);
    options.tilingOptions.setLoopType(loopType);
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp, OpResult producer, bool)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          if (producer.getOwner() == root || producer.getOwner() == init)
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          return std::nullopt;
        });
    FailureOr<scf::SCFTileAndFuseResult> tiled =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(target), options);
    if (failed(tiled))
      return target->emitOpError("could not be tiled")
             << where << " with its producers";
    for (OpResult r : target->getResults())
      if (Value replacement = tiled->replacements.lookup(r))
        rewriter.replaceAllUsesWith(r, replacement);
    SmallVector<Operation *> ops(tiled->tiledAndFusedOps.begin(),
                                 tiled->tiledAndFusedOps.end());
    Group group{takeRole(ops, kRoot), takeRole(ops, kConsumer),
                takeRole(ops, kInit)};
    for (Operation *op : {consumer, root, init}) {
      if (op && op->use_empty())
        rewriter.eraseOp(op);
      else if (op)
        op->removeAttr(kRoleAttr);
    }
    if (!group.root || (consumer && !group.consumer) || (init && !group.init))
      return getOperation()->emitError(
                 "kiln-tiling-tile-and-vectorize: an op of a fusion group "
                 "was not fused")
             << where;
    return group;
  }

  /// Fuses a group already fused at its first level (`root`, with
  /// `consumer` and `init` where present, all inside that level's loop) at
  /// its register level too, where `levels` (root's levels after the first)
  /// tile nothing but at the last one: a loop nest over the register tiles
  /// of the output, each computing its slice of the init, the root's whole
  /// reduction (one scf.for per reduction loop, at the register level's
  /// steps) and the epilogue. Vectorized, the init's vectors become the
  /// accumulators' first values and the epilogue reads them back from
  /// registers (the transfers between them fold away): no pass over the
  /// output before or after the contraction. The tiled ops go to `fused`
  /// with nothing left to tile. False, changing nothing, where the levels
  /// split the reduction (a slice of it kept in L1: the accumulators then
  /// go through memory between slices anyway) or are not static.
  /// Whether fuseRegisters can fuse a group of `root` (and `consumer`,
  /// where present) with these levels: static loops, levels before the
  /// last that tile nothing, a register level that tiles a parallel loop,
  /// and an output the epilogue's loops can follow.
  static bool registerFusible(Operation *root, Operation *consumer,
                              ArrayRef<Level> levels) {
    auto rootOp = dyn_cast<linalg::LinalgOp>(root);
    if (!rootOp || levels.empty() || rootOp->getNumResults() != 1 ||
        !isa<DestinationStyleOpInterface>(root))
      return false;
    SmallVector<int64_t> bounds = rootOp.getStaticLoopRanges();
    if (ShapedType::isDynamicShape(bounds))
      return false;
    for (const Level &level : levels.drop_back())
      for (auto [size, bound] : llvm::zip(level.sizes.asArrayRef(), bounds))
        if (size != 0 && size != bound)
          return false;
    bool tilesParallel = false;
    for (auto [size, kind] : llvm::zip(levels.back().sizes.asArrayRef(),
                                       rootOp.getIteratorTypesArray()))
      tilesParallel |= size != 0 && kind == utils::IteratorType::parallel;
    return tilesParallel &&
           (!consumer || rootOp.getIndexingMapMatchingResult(root->getResult(0))
                             .isProjectedPermutation());
  }

  FailureOr<bool> fuseRegisters(IRRewriter &rewriter, Operation *root,
                                Operation *consumer, Operation *init,
                                ArrayRef<Level> levels,
                                SmallVector<Work> &fused) {
    if (!registerFusible(root, consumer, levels))
      return false;
    auto rootOp = cast<linalg::LinalgOp>(root);
    const Level &registers = levels.back();
    SmallVector<utils::IteratorType> iterators = rootOp.getIteratorTypesArray();
    SmallVector<int64_t> parallel(registers.sizes.asArrayRef()),
        reduction(registers.sizes.asArrayRef());
    for (auto [d, kind] : llvm::enumerate(iterators))
      (kind == utils::IteratorType::parallel ? reduction : parallel)[d] = 0;

    // The op tiled: the epilogue, in the output's dimensions, or else root.
    MLIRContext *ctx = rewriter.getContext();
    AffineMap outMap = rootOp.getIndexingMapMatchingResult(root->getResult(0));
    SmallVector<int64_t> sizes, order;
    Operation *target = consumer ? consumer : root;
    if (consumer) {
      for (AffineExpr e : outMap.getResults())
        sizes.push_back(parallel[cast<AffineDimExpr>(e).getPosition()]);
      if (registers.order)
        for (int64_t d : registers.order.asArrayRef())
          if (std::optional<unsigned> pos =
                  outMap.getResultPosition(getAffineDimExpr(d, ctx)))
            order.push_back(*pos);
    } else {
      sizes = parallel;
      if (registers.order)
        order.assign(registers.order.asArrayRef().begin(),
                     registers.order.asArrayRef().end());
    }

    rewriter.setInsertionPoint(target);
    FailureOr<Group> tiled = tileGroup(
        rewriter, target, root, consumer, init, sizes, order,
        scf::SCFTilingOptions::LoopType::ForOp, " into its register tiles");
    if (failed(tiled))
      return failure();
    Operation *tileRoot = tiled->root, *tileConsumer = tiled->consumer,
              *tileInit = tiled->init;

    // The root's reduction, one step at a time, inside its register tile.
    Operation *inner = tileRoot;
    if (llvm::any_of(reduction, [](int64_t s) { return s != 0; })) {
      scf::SCFTilingOptions steps;
      steps.setTileSizes(getAsIndexOpFoldResult(ctx, reduction));
      rewriter.setInsertionPoint(tileRoot);
      FailureOr<scf::SCFTilingResult> stepped =
          scf::tileUsingSCF(rewriter, cast<TilingInterface>(tileRoot), steps);
      if (failed(stepped))
        return tileRoot->emitOpError("could not be tiled by ")
               << registers.sizes;
      rewriter.replaceOp(tileRoot, stepped->replacements);
      inner = stepped->tiledOps.back();
    }
    for (Operation *op : {inner, tileConsumer, tileInit})
      if (op)
        fused.push_back({cast<TilingInterface>(op), {}, /*forall=*/false});
    return true;
  }

  /// Fuses a group already fused at its first level whose `levels` (root's
  /// levels after the first) are a slice level that splits one reduction
  /// loop into two or more slices, then the register level: root is tiled
  /// into its slices (an scf.for carrying the output block), and the first
  /// and last slices are peeled off that loop. The first slice is fused
  /// with `init` at the register level (the accumulators start from the
  /// bias in registers instead of a pass writing it to the block first),
  /// the last with `consumer` (the epilogue runs on the accumulators before
  /// the tile is stored, instead of a pass over the block after the
  /// reduction); the slices between keep loading and storing the block's
  /// tiles. The tiled ops go to `fused`. False, changing nothing, where
  /// the levels are not of that form.
  FailureOr<bool> fuseSlices(IRRewriter &rewriter, Operation *root,
                             Operation *consumer, Operation *init,
                             ArrayRef<Level> levels, SmallVector<Work> &fused) {
    auto rootOp = dyn_cast<linalg::LinalgOp>(root);
    if (!rootOp || levels.size() != 2 || (!consumer && !init) ||
        !registerFusible(root, consumer, levels.drop_front()))
      return false;
    SmallVector<int64_t> bounds = rootOp.getStaticLoopRanges();
    if (ShapedType::isDynamicShape(bounds))
      return false;
    // The slice level: one reduction loop cut into whole slices, every
    // other loop whole.
    ArrayRef<int64_t> slice = levels.front().sizes.asArrayRef();
    SmallVector<utils::IteratorType> iterators = rootOp.getIteratorTypesArray();
    std::optional<unsigned> sliced;
    for (auto [d, size] : llvm::enumerate(slice)) {
      if (size == 0 || size == bounds[d])
        continue;
      if (sliced || iterators[d] != utils::IteratorType::reduction ||
          size < 0 || bounds[d] % size != 0 || bounds[d] / size < 2)
        return false;
      sliced = d;
    }
    if (!sliced)
      return false;
    int64_t step = slice[*sliced], trips = bounds[*sliced] / step;

    // The slices: an scf.for carrying the output block.
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<int64_t> sliceSizes(bounds.size(), 0);
    sliceSizes[*sliced] = step;
    scf::SCFTilingOptions options;
    options.setTileSizes(getAsIndexOpFoldResult(ctx, sliceSizes));
    rewriter.setInsertionPoint(root);
    FailureOr<scf::SCFTilingResult> tiled =
        scf::tileUsingSCF(rewriter, cast<TilingInterface>(root), options);
    if (failed(tiled) || tiled->loops.size() != 1)
      return root->emitOpError("could not be tiled into slices by ")
             << levels.front().sizes;
    rewriter.replaceOp(root, tiled->replacements);
    auto loop = cast<scf::ForOp>(tiled->loops.front().getOperation());
    Operation *middle = tiled->tiledOps.back();
    if (loop.getNumResults() != 1)
      return loop->emitOpError("carries more than the output block");

    // Peel the first slice (before the loop) and the last (after it): one
    // copy of the body each, at the slice's offset.
    Block *body = loop.getBody();
    auto peel = [&](int64_t offset, Value block, IRMapping &mapping) {
      mapping.map(loop.getInductionVar(), arith::ConstantIndexOp::create(
                                              rewriter, loop.getLoc(), offset));
      mapping.map(loop.getRegionIterArgs().front(), block);
      for (Operation &op : body->without_terminator()) {
        // The slice's whole-block extract/insert_slice are the block
        // itself: the slice op then reads (and the init or epilogue fuses
        // with) the block's producer directly.
        if (Value whole = identitySliceSource(&op)) {
          mapping.map(op.getResult(0), mapping.lookupOrDefault(whole));
          continue;
        }
        rewriter.clone(op, mapping);
      }
      return mapping.lookup(body->getTerminator()->getOperand(0));
    };
    IRMapping firstMap, lastMap;
    Operation *first = nullptr, *last = nullptr;
    Value result = loop.getInitArgs().front();
    if (init) {
      rewriter.setInsertionPoint(loop);
      result = peel(0, result, firstMap);
      first = firstMap.lookup(middle);
      rewriter.modifyOpInPlace(loop, [&] {
        loop.setLowerBound(
            arith::ConstantIndexOp::create(rewriter, loop.getLoc(), step));
        loop.getInitArgsMutable().assign(result);
      });
      --trips;
    }
    if (consumer) {
      rewriter.setInsertionPoint(loop);
      rewriter.modifyOpInPlace(loop, [&] {
        loop.setUpperBound(arith::ConstantIndexOp::create(
            rewriter, loop.getLoc(), bounds[*sliced] - step));
      });
      rewriter.setInsertionPointAfter(loop);
      Value before = loop.getResult(0);
      SmallVector<OpOperand *> uses = llvm::map_to_vector(
          before.getUses(), [](OpOperand &use) { return &use; });
      Value after = peel(bounds[*sliced] - step, before, lastMap);
      last = lastMap.lookup(middle);
      for (OpOperand *use : uses)
        rewriter.modifyOpInPlace(use->getOwner(), [&] { use->set(after); });
      --trips;
    }
    // Slices left between them: tiled at the register level.
    if (trips > 0) {
      fused.push_back({cast<TilingInterface>(middle),
                       {levels.back()},
                       /*forall=*/false});
    } else {
      rewriter.replaceAllUsesWith(loop.getResult(0),
                                  loop.getInitArgs().front());
      rewriter.eraseOp(loop);
    }
    // The first slice with the init, the last with the epilogue, in
    // registers; a slice with neither stays a register tile of its own.
    for (auto [slice, producer, user] :
         {std::tuple{first, init, (Operation *)nullptr},
          std::tuple{last, (Operation *)nullptr, consumer}}) {
      if (!slice)
        continue;
      FailureOr<bool> done = fuseRegisters(rewriter, slice, user, producer,
                                           levels.drop_front(), fused);
      if (failed(done))
        return failure();
      if (!*done)
        return slice->emitOpError(
            "kiln-tiling-tile-and-vectorize: a peeled reduction slice did "
            "not fuse at the register level");
    }
    return true;
  }

  /// The tensor an extract_slice or insert_slice that takes (or puts) all
  /// of a tensor passes through unchanged (offsets 0, strides 1, the same
  /// static type): its source. Null for any other op.
  static Value identitySliceSource(Operation *op) {
    RankedTensorType whole, part;
    Value source;
    if (auto extract = dyn_cast<tensor::ExtractSliceOp>(op)) {
      whole = extract.getSourceType();
      part = extract.getResultType();
      source = extract.getSource();
    } else if (auto insert = dyn_cast<tensor::InsertSliceOp>(op)) {
      whole = insert.getDestType();
      part = insert.getSourceType();
      source = insert.getSource();
    } else {
      return Value();
    }
    auto slice = cast<OffsetSizeAndStrideOpInterface>(op);
    bool identity =
        whole == part && whole.hasStaticShape() &&
        llvm::all_of(slice.getMixedOffsets(),
                     [](OpFoldResult o) { return isZeroInteger(o); }) &&
        llvm::all_of(slice.getMixedStrides(),
                     [](OpFoldResult s) { return isOneInteger(s); });
    return identity ? source : Value();
  }

  /// `consumer` rewritten to take the value of `use` as its init: the input
  /// is dropped and its block argument becomes the init's.
  static linalg::GenericOp writeInPlace(IRRewriter &rewriter,
                                        linalg::GenericOp consumer,
                                        OpOperand &use) {
    unsigned dropped = use.getOperandNumber();
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (OpOperand *in : consumer.getDpsInputOperands())
      if (in->getOperandNumber() != dropped) {
        inputs.push_back(in->get());
        maps.push_back(consumer.getMatchingIndexingMap(in));
      }
    maps.push_back(
        consumer.getMatchingIndexingMap(consumer.getDpsInitOperand(0)));
    auto generic = linalg::GenericOp::create(
        rewriter, consumer.getLoc(), consumer->getResultTypes(), inputs,
        ValueRange{use.get()}, maps, consumer.getIteratorTypesArray());
    Block *oldBody = consumer.getBody();
    Block *body = rewriter.createBlock(&generic.getRegion());
    IRMapping mapping;
    for (BlockArgument arg : oldBody->getArguments()) {
      if (arg.getArgNumber() == dropped)
        continue;
      if (arg.getArgNumber() < consumer.getNumDpsInputs())
        mapping.map(arg, body->addArgument(arg.getType(), arg.getLoc()));
    }
    BlockArgument out = body->addArgument(
        oldBody->getArgument(consumer.getNumDpsInputs()).getType(),
        consumer.getLoc());
    mapping.map(oldBody->getArgument(dropped), out);
    mapping.map(oldBody->getArgument(consumer.getNumDpsInputs()), out);
    rewriter.setInsertionPointToStart(body);
    for (Operation &op : *oldBody)
      rewriter.clone(op, mapping);
    rewriter.replaceOp(consumer, generic->getResults());
    return generic;
  }
};

} // namespace
