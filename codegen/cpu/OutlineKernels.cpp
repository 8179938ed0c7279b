// kiln-cpu-outline-kernels: every top-level loop nest of the model function
// becomes its own non-inlined function, so LLVM optimizes many small
// functions instead of one with hundreds of loops.
#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
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

struct OutlineKernelsPass
    : mlir::kiln::impl::OutlineKernelsBase<OutlineKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    IRRewriter rewriter(&getContext());
    SmallVector<func::FuncOp> entries;
    for (auto f : module.getOps<func::FuncOp>())
      if (f->hasAttr("kiln.entry") && !f.isExternal())
        entries.push_back(f);
    for (func::FuncOp entry : entries) {
      unsigned index = 0;
      SmallVector<scf::ForOp> loops;
      for (Operation &op : entry.getBody().front())
        if (auto loop = dyn_cast<scf::ForOp>(op); loop && loop->getNumResults() == 0)
          loops.push_back(loop);
      for (scf::ForOp loop : loops) {
        SetVector<Value> captured;
        getUsedValuesDefinedAbove(loop->getRegions(), captured);
        // Loop bounds are operands of the loop itself.
        for (Value v : loop->getOperands())
          captured.insert(v);
        if (!llvm::all_of(captured, [](Value v) {
              return passable(v) || cloneIntoKernel(v.getDefiningOp());
            }))
          continue;
        // Wrap the nest in a region, rematerialize constants and globals in
        // it, and outline it.
        rewriter.setInsertionPoint(loop);
        auto wrapper = scf::ExecuteRegionOp::create(rewriter, loop.getLoc(),
                                                    TypeRange{});
        Block *block = rewriter.createBlock(&wrapper.getRegion());
        rewriter.setInsertionPointToStart(block);
        auto yield = scf::YieldOp::create(rewriter, loop.getLoc());
        loop->moveBefore(yield);
        rewriter.setInsertionPointToStart(block);
        for (Value v : captured) {
          Operation *def = v.getDefiningOp();
          if (!cloneIntoKernel(def))
            continue;
          Operation *clone = rewriter.clone(*def);
          v.replaceUsesWithIf(clone->getResult(0), [&](OpOperand &use) {
            return wrapper->isProperAncestor(use.getOwner());
          });
        }
        std::string name =
            (entry.getSymName() + "_kernel" + Twine(index++)).str();
        func::CallOp call;
        FailureOr<func::FuncOp> kernel = outlineSingleBlockRegion(
            rewriter, loop.getLoc(), wrapper.getRegion(), name, &call);
        if (failed(kernel)) {
          wrapper.emitOpError("could not be outlined");
          return signalPassFailure();
        }
        // Internal to the object (every model has main_kernel0 ...), and
        // never inlined back into one function.
        kernel->setPrivate();
        (*kernel)->setAttr("llvm.linkage",
                           LLVM::LinkageAttr::get(&getContext(),
                                                  LLVM::Linkage::Internal));
        (*kernel)->setAttr("passthrough",
                           rewriter.getArrayAttr(
                               {rewriter.getStringAttr("noinline")}));
        // The wrapper now only holds the call: put the call in its place.
        call->moveBefore(wrapper);
        rewriter.eraseOp(wrapper);
      }
    }
  }
};

} // namespace
