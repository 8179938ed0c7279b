// kiln-cpu-outline-kernels: every top-level loop nest of the model function
// becomes its own non-inlined function, so LLVM optimizes many small
// functions instead of one with hundreds of loops.
#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/RegionUtils.h"

#define DEBUG_TYPE "kiln-cpu-outline-kernels"

namespace mlir::kiln {
#define GEN_PASS_DEF_OUTLINEKERNELS
#include "codegen/cpu/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// Values a kernel may take as arguments under the bare-pointer calling
/// convention: scalars, vectors, and statically shaped identity-layout
/// memrefs.
bool passable(Value v) {
  auto memref = dyn_cast<MemRefType>(v.getType());
  if (!memref)
    return v.getType().isIntOrIndexOrFloat() || isa<VectorType>(v.getType());
  return memref.hasStaticShape() && memref.getLayout().isIdentity();
}

/// Ops worth rematerializing inside a kernel instead of passing their
/// result: constants (loop bounds stay constant) and weight globals.
bool cloneIntoKernel(Operation *op) {
  return op && (matchPattern(op, m_Constant()) || isa<memref::GetGlobalOp>(op));
}

/// Views that cannot be kernel arguments (a strided subview: a slice of a
/// buffer that a split op writes) are rebuilt inside the kernel from what
/// they view.
bool isView(Operation *op) {
  return op &&
         isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
             memref::ViewOp, memref::ReinterpretCastOp, memref::CastOp>(op);
}

/// Whether `v` can reach a kernel: passed, rematerialized, or a view
/// rebuilt from values that can.
bool reachable(Value v) {
  Operation *def = v.getDefiningOp();
  if (cloneIntoKernel(def) || passable(v))
    return true;
  return isView(def) && llvm::all_of(def->getOperands(), reachable);
}

/// Clones what `v` needs into the kernel body (at the rewriter's insertion
/// point) and returns the value to use there: constants, globals, and views
/// that are not passable themselves.
Value materialize(IRRewriter &rewriter, Value v, IRMapping &mapping) {
  if (Value mapped = mapping.lookupOrNull(v))
    return mapped;
  Operation *def = v.getDefiningOp();
  if (!cloneIntoKernel(def) && (passable(v) || !isView(def)))
    return v;
  for (Value operand : def->getOperands())
    mapping.map(operand, materialize(rewriter, operand, mapping));
  Operation *clone = rewriter.clone(*def, mapping);
  for (auto [from, to] : llvm::zip(def->getResults(), clone->getResults()))
    mapping.map(from, to);
  return mapping.lookup(v);
}

/// Trip count of a loop dimension, if static.
std::optional<int64_t> tripCount(Value lb, Value ub, Value step) {
  std::optional<int64_t> l = getConstantIntValue(lb),
                         u = getConstantIntValue(ub),
                         s = getConstantIntValue(step);
  if (!l || !u || !s || *s <= 0)
    return std::nullopt;
  return *u > *l ? llvm::divideCeil(*u - *l, *s) : 0;
}

/// Rough work of one execution of `region`: every op inside counts once per
/// iteration of the loops around it (inside `region`), vector ops once per
/// lane. Dynamic trip counts count as 16.
double work(Region &region) {
  double total = 0;
  region.walk([&](Operation *op) {
    if (isa<scf::ForOp, scf::ParallelOp, scf::YieldOp, scf::ReduceOp>(op) ||
        op->hasTrait<OpTrait::ConstantLike>())
      return;
    double weight = 1;
    for (Type t : op->getResultTypes())
      if (auto v = dyn_cast<VectorType>(t))
        weight = std::max<double>(weight, v.getNumElements());
    for (Operation *parent = op->getParentOp();
         parent && parent->getParentRegion() != region.getParentRegion() &&
         parent != region.getParentOp();
         parent = parent->getParentOp()) {
      if (auto loop = dyn_cast<scf::ForOp>(parent))
        weight *= tripCount(loop.getLowerBound(), loop.getUpperBound(),
                            loop.getStep())
                      .value_or(16);
      else if (auto par = dyn_cast<scf::ParallelOp>(parent))
        for (auto [l, u, st] :
             llvm::zip(par.getLowerBound(), par.getUpperBound(), par.getStep()))
          weight *= tripCount(l, u, st).value_or(16);
    }
    total += weight;
  });
  return total;
}

/// A parallel loop is worth the pool when it does at least this much work
/// (about 10-20 us on one core), and each task at least a third of it.
constexpr double kParallelWork = 40000;
constexpr double kTaskWork = 12000;

/// Rewrites a top-level scf.parallel as one scf.for over the linearized
/// iteration space of its outer dimensions, marked `kiln.parallel_loop`,
/// around an scf.parallel of the others; returns the loop and sets `count`
/// to its number of iterations (computed before the loop). Outer dimensions
/// join the linearized loop until it has enough iterations to share out,
/// but never so many that the index arithmetic of each iteration outweighs
/// its work: the innermost dimension of an elementwise op (the one LLVM
/// vectorizes) stays a loop of its own.
scf::ForOp linearize(IRRewriter &rewriter, scf::ParallelOp par, double bodyWork,
                     Value &count, double &iterations, double &iterationWork) {
  Location loc = par.getLoc();
  rewriter.setInsertionPoint(par);
  SmallVector<Value> trips;
  SmallVector<double> staticTrips;
  for (auto [l, u, st] :
       llvm::zip(par.getLowerBound(), par.getUpperBound(), par.getStep())) {
    std::optional<int64_t> n = tripCount(l, u, st);
    staticTrips.push_back(n ? double(*n) : 16.0);
    if (n) {
      trips.push_back(arith::ConstantIndexOp::create(rewriter, loc, *n));
      continue;
    }
    Value span = arith::SubIOp::create(rewriter, loc, u, l);
    trips.push_back(arith::CeilDivUIOp::create(rewriter, loc, span, st));
  }
  size_t rank = trips.size(), outer = 1;
  auto prefix = [&](size_t k) {
    double p = 1;
    for (size_t d = 0; d < k; ++d)
      p *= staticTrips[d];
    return p;
  };
  auto suffix = [&](size_t k) {
    double p = 1;
    for (size_t d = k; d < rank; ++d)
      p *= staticTrips[d];
    return p;
  };
  while (outer < rank && prefix(outer) < 64 &&
         bodyWork * suffix(outer + 1) >= 256)
    ++outer;
  iterations = prefix(outer);
  iterationWork = bodyWork * suffix(outer);

  count = trips.front();
  for (size_t d = 1; d < outer; ++d)
    count = rewriter.createOrFold<arith::MulIOp>(loc, count, trips[d]);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  auto loop = scf::ForOp::create(rewriter, loc, zero, count, one);
  loop->setAttr("kiln.parallel_loop", rewriter.getUnitAttr());
  rewriter.setInsertionPointToStart(loop.getBody());
  SmallVector<Value> indices;
  if (outer == 1)
    indices.push_back(loop.getInductionVar());
  else
    llvm::append_range(
        indices,
        affine::AffineDelinearizeIndexOp::create(
            rewriter, loc, loop.getInductionVar(),
            getAsOpFoldResult(ArrayRef<Value>(trips).take_front(outer)),
            /*hasOuterBound=*/true)
            .getResults());
  IRMapping mapping;
  for (size_t d = 0; d < outer; ++d) {
    Value scaled =
        arith::MulIOp::create(rewriter, loc, indices[d], par.getStep()[d]);
    mapping.map(
        par.getInductionVars()[d],
        arith::AddIOp::create(rewriter, loc, par.getLowerBound()[d], scaled));
  }
  Block *body = loop.getBody();
  if (outer < rank) {
    auto inner = scf::ParallelOp::create(
        rewriter, loc, par.getLowerBound().drop_front(outer),
        par.getUpperBound().drop_front(outer), par.getStep().drop_front(outer));
    for (size_t d = outer; d < rank; ++d)
      mapping.map(par.getInductionVars()[d],
                  inner.getInductionVars()[d - outer]);
    body = inner.getBody();
    rewriter.setInsertionPointToStart(body);
  }
  for (Operation &op : par.getBody()->without_terminator())
    rewriter.clone(op, mapping);
  rewriter.eraseOp(par);
  return loop;
}

struct OutlineKernelsPass
    : mlir::kiln::impl::OutlineKernelsBase<OutlineKernelsPass> {
  using OutlineKernelsBase::OutlineKernelsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    IRRewriter rewriter(&getContext());
    SmallVector<func::FuncOp> entries;
    for (auto f : module.getOps<func::FuncOp>())
      if (f->hasAttr("kiln.entry") && !f.isExternal())
        entries.push_back(f);
    for (func::FuncOp entry : entries) {
      unsigned index = 0;
      SmallVector<Operation *> loops;
      for (Operation &op : entry.getBody().front())
        if (isa<scf::ForOp, scf::ParallelOp>(op) && op.getNumResults() == 0)
          loops.push_back(&op);
      for (Operation *loop : loops) {
        // A large parallel nest runs as tasks over its linearized
        // iterations; a small one as a plain loop nest.
        int64_t grain = 0;
        Value count;
        if (auto par = dyn_cast<scf::ParallelOp>(loop)) {
          double perIteration = work(par.getRegion());
          double iterations = 1;
          for (auto [l, u, st] : llvm::zip(par.getLowerBound(),
                                           par.getUpperBound(), par.getStep()))
            iterations *= tripCount(l, u, st).value_or(16);
          if (parallel && iterations > 1 &&
              perIteration * iterations >= kParallelWork) {
            double linear = 0, linearWork = 0;
            loop = linearize(rewriter, par, perIteration, count, linear,
                             linearWork);
            grain = std::max<int64_t>(
                1, static_cast<int64_t>(std::ceil(kTaskWork / linearWork)));
            if (maxThreads > 0)
              grain = std::max<int64_t>(
                  grain,
                  static_cast<int64_t>(std::ceil(linear / double(maxThreads))));
          }
        }
        SetVector<Value> captured;
        getUsedValuesDefinedAbove(loop->getRegions(), captured);
        // Loop bounds are operands of the loop itself.
        for (Value v : loop->getOperands())
          captured.insert(v);
        if (!llvm::all_of(captured, reachable))
          continue;
        // Wrap the nest in a region, rematerialize constants and globals in
        // it, and outline it.
        rewriter.setInsertionPoint(loop);
        auto wrapper =
            scf::ExecuteRegionOp::create(rewriter, loop->getLoc(), TypeRange{});
        Block *block = rewriter.createBlock(&wrapper.getRegion());
        rewriter.setInsertionPointToStart(block);
        auto yield = scf::YieldOp::create(rewriter, loop->getLoc());
        loop->moveBefore(yield);
        rewriter.setInsertionPointToStart(block);
        IRMapping mapping;
        for (Value v : captured) {
          Value inside = materialize(rewriter, v, mapping);
          if (inside == v)
            continue;
          v.replaceUsesWithIf(inside, [&](OpOperand &use) {
            return wrapper->isProperAncestor(use.getOwner());
          });
        }
        std::string name =
            (entry.getSymName() + "_kernel" + Twine(index++)).str();
        func::CallOp call;
        FailureOr<func::FuncOp> kernel = outlineSingleBlockRegion(
            rewriter, loop->getLoc(), wrapper.getRegion(), name, &call);
        if (failed(kernel)) {
          wrapper.emitOpError("could not be outlined");
          return signalPassFailure();
        }
        // Internal to the object (every model has main_kernel0 ...), and
        // never inlined back into one function.
        kernel->setPrivate();
        (*kernel)->setAttr(
            "llvm.linkage",
            LLVM::LinkageAttr::get(&getContext(), LLVM::Linkage::Internal));
        (*kernel)->setAttr(
            "passthrough",
            rewriter.getArrayAttr({rewriter.getStringAttr("noinline")}));
        // The wrapper now only holds the call: put the call in its place.
        call->moveBefore(wrapper);
        rewriter.eraseOp(wrapper);
        if (grain > 0)
          addRange(rewriter, *kernel, call, count, grain);
      }
    }
  }

  /// Gives a parallel kernel two trailing index arguments, the range of its
  /// linearized loop to run, and calls it on [0, count).
  void addRange(IRRewriter &rewriter, func::FuncOp kernel, func::CallOp call,
                Value count, int64_t grain) {
    Location loc = kernel.getLoc();
    Type index = rewriter.getIndexType();
    unsigned n = kernel.getNumArguments();
    (void)kernel.insertArgument(n, index, {}, loc);
    (void)kernel.insertArgument(n + 1, index, {}, loc);
    scf::ForOp loop;
    kernel.walk([&](scf::ForOp f) {
      if (f->hasAttr("kiln.parallel_loop"))
        loop = f;
    });
    loop->removeAttr("kiln.parallel_loop");
    loop.getLowerBoundMutable().assign(kernel.getArgument(n));
    loop.getUpperBoundMutable().assign(kernel.getArgument(n + 1));
    kernel->setAttr("kiln.parallel_grain", rewriter.getI64IntegerAttr(grain));
    rewriter.setInsertionPoint(call);
    SmallVector<Value> operands(call.getOperands());
    operands.push_back(arith::ConstantIndexOp::create(rewriter, loc, 0));
    operands.push_back(count);
    func::CallOp::create(rewriter, call.getLoc(), kernel, operands);
    rewriter.eraseOp(call);
  }
};

} // namespace
