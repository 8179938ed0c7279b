// kiln-cuda-map-parallel: every top-level scf.parallel nest becomes a 1-D
// grid of fixed-size blocks over its linearized iteration space.
#include "codegen/cuda/Passes.h"

#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDAMAPPARALLEL
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

gpu::ParallelLoopDimMappingAttr dimMap(MLIRContext *ctx, gpu::Processor p) {
  AffineMap id = AffineMap::getMultiDimIdentityMap(1, ctx);
  return gpu::ParallelLoopDimMappingAttr::get(ctx, p, id, id);
}

struct CudaMapParallelPass
    : kiln::impl::CudaMapParallelBase<CudaMapParallelPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (threadsPerBlock < 1 || threadsPerBlock > 1024) {
      func.emitError("threads-per-block must lie in [1, 1024], got ")
          << threadsPerBlock.getValue();
      return signalPassFailure();
    }
    bool ok = true;
    // Runs of top-level ops that touch buffers outside any parallel loop
    // (loops without parallel dimensions, scalar loads and stores) become
    // single-iteration parallel loops: one GPU thread runs them.
    auto isDeviceWork = [](Operation &op) {
      return isa<memref::LoadOp, memref::StoreOp, memref::CopyOp, scf::ForOp,
                 scf::IfOp, scf::WhileOp, linalg::LinalgOp>(op);
    };
    for (;;) {
      auto it = llvm::find_if(func.getBody().front(), isDeviceWork);
      if (it == func.getBody().front().end())
        break;
      SmallVector<Operation *> run;
      for (; it != func.getBody().front().end() && isDeviceWork(*it); ++it)
        run.push_back(&*it);
      wrapInParallel(run);
    }
    SmallVector<scf::ParallelOp> nests;
    for (Operation &op : func.getBody().getOps())
      if (auto p = dyn_cast<scf::ParallelOp>(op))
        nests.push_back(p);
    for (scf::ParallelOp p : nests)
      if (failed(map(p)))
        ok = false;
    if (!ok)
      signalPassFailure();
  }

  /// Moves `run` (consecutive top-level ops) into a one-iteration
  /// scf.parallel, which map() then gives a one-thread grid. A run whose
  /// results the host would read later (a scalar loaded from a buffer) grows
  /// up to that reader, and again for what it adds, so the host never
  /// touches device memory.
  void wrapInParallel(SmallVector<Operation *> &run) {
    Block *body = run.front()->getBlock();
    for (bool grown = true; grown;) {
      grown = false;
      Operation *last = run.back();
      for (size_t k = 0; k < run.size(); ++k)
        for (Value r : run[k]->getResults())
          for (Operation *user : r.getUsers()) {
            Operation *top = body->findAncestorOpInBlock(*user);
            if (top && last->isBeforeInBlock(top) &&
                !top->hasTrait<OpTrait::IsTerminator>())
              last = top;
          }
      while (run.back() != last) {
        run.push_back(run.back()->getNextNode());
        grown = true;
      }
    }
    Operation *first = run.front();
    OpBuilder b(first);
    Location loc = first->getLoc();
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto single = scf::ParallelOp::create(b, loc, ValueRange{zero},
                                          ValueRange{one}, ValueRange{one});
    Operation *terminator = single.getBody()->getTerminator();
    for (Operation *op : run)
      op->moveBefore(terminator);
  }

  /// `p` (without results) as a nest of scf.for.
  LogicalResult sequentialize(IRRewriter &b, scf::ParallelOp p) {
    if (p.getNumResults() != 0)
      return p.emitError("parallel reductions are not mapped to the GPU yet");
    b.setInsertionPoint(p);
    IRMapping mapping;
    scf::buildLoopNest(b, p.getLoc(), p.getLowerBound(), p.getUpperBound(),
                       p.getStep(),
                       [&](OpBuilder &nb, Location, ValueRange ivs) {
                         mapping.map(p.getInductionVars(), ivs);
                         for (Operation &op : p.getBody()->without_terminator())
                           nb.clone(op, mapping);
                       });
    b.eraseOp(p);
    return success();
  }

  /// How many consecutive iterations of the innermost loop each thread of
  /// `p` runs: kVector where every buffer access of the body indexes its
  /// innermost dimension with that loop's induction variable itself (or not
  /// at all) and its other dimensions without it, so the thread's accesses
  /// are neighbours that NVPTX loads and stores as one vector where the
  /// buffer's alignment allows; else 1.
  static constexpr int64_t kVector = 4;
  int64_t vectorWidth(scf::ParallelOp p, ArrayRef<int64_t> lbs,
                      ArrayRef<int64_t> steps, ArrayRef<int64_t> trips) {
    if (lbs.back() != 0 || steps.back() != 1 || trips.back() % kVector != 0)
      return 1;
    Value iv = p.getInductionVars().back();
    // Values computed from the innermost induction variable.
    llvm::SmallPtrSet<Value, 8> derived{iv};
    for (Operation &op : p.getBody()->without_terminator()) {
      if (op.getNumRegions() != 0)
        return 1;
      Value buffer;
      OperandRange indices = op.getOperands();
      if (auto load = dyn_cast<memref::LoadOp>(op)) {
        buffer = load.getMemRef();
        indices = load.getIndices();
      } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
        buffer = store.getMemRef();
        indices = store.getIndices();
      } else if (!isPure(&op)) {
        return 1;
      }
      if (buffer) {
        for (auto [k, index] : llvm::enumerate(indices)) {
          bool last = k + 1 == indices.size();
          if (derived.contains(index) && (!last || index != iv))
            return 1;
        }
      }
      if (llvm::any_of(op.getOperands(),
                       [&](Value v) { return derived.contains(v); }))
        derived.insert(op.getResults().begin(), op.getResults().end());
    }
    return kVector;
  }

  LogicalResult map(scf::ParallelOp p) {
    if (p.getNumResults() != 0)
      return p.emitError("parallel reductions are not mapped to the GPU yet");
    SmallVector<int64_t> lbs, ubs, steps, trips;
    int64_t total = 1;
    for (auto [lb, ub, step] :
         llvm::zip(p.getLowerBound(), p.getUpperBound(), p.getStep())) {
      std::optional<int64_t> l = getConstantIntValue(lb),
                             u = getConstantIntValue(ub),
                             s = getConstantIntValue(step);
      if (!l || !u || !s || *s <= 0)
        return p.emitError("GPU loops need static bounds and steps");
      lbs.push_back(*l);
      steps.push_back(*s);
      trips.push_back(*u > *l ? (*u - *l + *s - 1) / *s : 0);
      total *= trips.back();
    }
    IRRewriter b(p.getContext());
    if (total == 0) {
      b.eraseOp(p);
      return success();
    }
    int64_t width = vectorWidth(p, lbs, steps, trips);
    trips.back() /= width;
    total /= width;
    Location loc = p.getLoc();
    MLIRContext *ctx = p.getContext();
    int64_t threads = std::min(threadsPerBlock.getValue(), total);
    int64_t blocks = (total + threads - 1) / threads;
    b.setInsertionPoint(p);
    auto c = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value zero = c(0), one = c(1);
    auto grid = scf::ParallelOp::create(b, loc, ValueRange{zero},
                                        ValueRange{c(blocks)}, ValueRange{one});
    b.setInsertionPointToStart(grid.getBody());
    auto block = scf::ParallelOp::create(
        b, loc, ValueRange{zero}, ValueRange{c(threads)}, ValueRange{one});
    b.setInsertionPointToStart(block.getBody());
    // i = block * threads + thread, guarded by i < total.
    Value linear = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, grid.getInductionVars()[0], c(threads)),
        block.getInductionVars()[0]);
    Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         linear, c(total));
    auto guard = scf::IfOp::create(b, loc, inside, /*withElse=*/false);
    b.setInsertionPointToStart(guard.thenBlock());
    // Delinearize, innermost dimension fastest (coalesced accesses).
    IRMapping mapping;
    SmallVector<Value> digits = delinearize(b, loc, linear, trips);
    for (auto [d, digit] : llvm::enumerate(digits)) {
      Value iv = arith::AddIOp::create(
          b, loc, c(lbs[d]), arith::MulIOp::create(b, loc, digit, c(steps[d])));
      mapping.map(p.getInductionVars()[d], iv);
    }
    // A thread's `width` innermost iterations, one body each.
    Value first =
        width > 1
            ? arith::MulIOp::create(b, loc, digits.back(), c(width)).getResult()
            : Value();
    for (int64_t j = 0; j < width; ++j) {
      if (width > 1)
        mapping.map(
            p.getInductionVars().back(),
            j == 0 ? first
                   : arith::AddIOp::create(b, loc, first, c(j)).getResult());
      for (Operation &op : p.getBody()->without_terminator())
        b.clone(op, mapping);
    }
    // Parallel loops inside the body run sequentially in each thread:
    // convert-parallel-loops-to-gpu maps only directly nested ones.
    SmallVector<scf::ParallelOp> inner;
    guard.thenBlock()->walk([&](scf::ParallelOp q) { inner.push_back(q); });
    for (scf::ParallelOp q : llvm::reverse(inner))
      if (failed(sequentialize(b, q)))
        return failure();
    if (failed(
            gpu::setMappingAttr(grid, {dimMap(ctx, gpu::Processor::BlockX)})) ||
        failed(
            gpu::setMappingAttr(block, {dimMap(ctx, gpu::Processor::ThreadX)})))
      return p.emitError("internal error: invalid GPU mapping");
    b.eraseOp(p);
    return success();
  }
};

} // namespace
