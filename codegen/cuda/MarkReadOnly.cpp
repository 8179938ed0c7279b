// kiln-cuda-mark-read-only: llvm.readonly / llvm.noalias on kernel buffer
// parameters, from what each kernel writes and what its launches pass.
#include "codegen/cuda/Passes.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDAMARKREADONLY
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// The kernel parameters `kernel` may write, by number; none if it may
/// write memory the walk cannot attribute to a parameter.
std::optional<llvm::SmallBitVector> writtenParameters(gpu::GPUFuncOp kernel) {
  llvm::SmallBitVector written(kernel.getNumArguments());
  Block &entry = kernel.getBody().front();
  auto parameter = [&](Value v) -> std::optional<unsigned> {
    auto arg = dyn_cast<BlockArgument>(rootBuffer(v));
    if (arg && arg.getOwner() == &entry &&
        arg.getArgNumber() < kernel.getNumArguments())
      return arg.getArgNumber();
    return std::nullopt;
  };
  WalkResult walk = kernel.walk([&](Operation *op) {
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects)
      return op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
                     isa<gpu::GPUFuncOp, gpu::BarrierOp>(op)
                 ? WalkResult::advance()
                 : WalkResult::interrupt();
    SmallVector<MemoryEffects::EffectInstance> list;
    effects.getEffects(list);
    for (const MemoryEffects::EffectInstance &e : list) {
      if (!isa<MemoryEffects::Write, MemoryEffects::Free>(e.getEffect()))
        continue;
      Value target = e.getValue();
      if (!target)
        return WalkResult::interrupt(); // writes somewhere unnamed
      if (std::optional<unsigned> p = parameter(target)) {
        written.set(*p);
        continue;
      }
      // Workgroup and private buffers are the kernel's own.
      Value root = rootBuffer(target);
      auto arg = dyn_cast<BlockArgument>(root);
      if (!(arg && arg.getOwner() == &entry) &&
          !root.getDefiningOp<memref::AllocaOp>())
        return WalkResult::interrupt(); // memory from elsewhere
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return std::nullopt;
  return written;
}

struct CudaMarkReadOnlyPass
    : kiln::impl::CudaMarkReadOnlyBase<CudaMarkReadOnlyPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Every launch of each kernel: its facts must hold for all of them.
    llvm::DenseMap<Operation *, SmallVector<gpu::LaunchFuncOp>> launches;
    SymbolTableCollection symbols;
    module.walk([&](gpu::LaunchFuncOp launch) {
      if (auto kernel = symbols.lookupNearestSymbolFrom<gpu::GPUFuncOp>(
              launch, launch.getKernel()))
        launches[kernel].push_back(launch);
    });
    module.walk([&](gpu::GPUFuncOp kernel) {
      if (!kernel.isKernel())
        return;
      std::optional<llvm::SmallBitVector> written = writtenParameters(kernel);
      if (!written)
        return;
      unsigned n = kernel.getNumArguments();
      auto sites = launches.find(kernel);
      if (sites == launches.end() ||
          llvm::any_of(sites->second, [&](gpu::LaunchFuncOp l) {
            return l.getKernelOperands().size() != n;
          }))
        return;
      auto isBuffer = [&](unsigned i) {
        return isa<MemRefType>(kernel.getArgument(i).getType());
      };
      // noalias: no other buffer shares memory with it at any launch while
      // either of the two is written.
      llvm::SmallBitVector unaliased(n, true);
      for (gpu::LaunchFuncOp launch : sites->second) {
        ValueRange operands = launch.getKernelOperands();
        for (unsigned i = 0; i < n; ++i)
          for (unsigned j = i + 1; j < n; ++j)
            if (isBuffer(i) && isBuffer(j) &&
                ((*written)[i] || (*written)[j]) &&
                mayOverlap(operands[i], operands[j])) {
              unaliased.reset(i);
              unaliased.reset(j);
            }
      }
      Builder b(kernel.getContext());
      for (unsigned i = 0; i < n; ++i) {
        if (!isBuffer(i))
          continue;
        if (!(*written)[i])
          kernel.setArgAttr(i, LLVM::LLVMDialect::getReadonlyAttrName(),
                            b.getUnitAttr());
        if (unaliased[i])
          kernel.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(),
                            b.getUnitAttr());
      }
    });
  }
};

} // namespace
