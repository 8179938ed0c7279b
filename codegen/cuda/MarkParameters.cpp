// kiln-cuda-mark-parameters: llvm.readonly / llvm.noalias on kernel buffer
// parameters, from what each kernel writes and what its launches pass.
#include "codegen/cuda/Passes.h"

#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDAMARKPARAMETERS
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
      // (An async copy's group and wait order copies whose writes the
      // copies themselves name.)
      return op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
                     isa<gpu::GPUFuncOp, gpu::BarrierOp,
                         nvgpu::DeviceAsyncCreateGroupOp,
                         nvgpu::DeviceAsyncWaitOp>(op)
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

struct CudaMarkParametersPass
    : kiln::impl::CudaMarkParametersBase<CudaMarkParametersPass> {
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
      // Shared buffers start 16-byte aligned: vector accesses and ldmatrix
      // rows (16 bytes each) need it.
      for (unsigned i = 0; i < kernel.getNumWorkgroupAttributions(); ++i)
        kernel.setWorkgroupAttributionAttr(
            i, LLVM::LLVMDialect::getAlignAttrName(),
            Builder(kernel.getContext()).getI64IntegerAttr(16));
      // 256-thread tensor-core GEMM kernels (128x128 tiles): at most 128
      // registers a thread, so two blocks share an SM and one block's
      // barrier or loads overlap the other's mma.sync (ptxas would
      // otherwise take up to 138: one block per SM). The 128-thread
      // kernels stay under that unasked.
      // (.maxntid, which ptxas needs with it, comes from the kernel's
      // known block size.)
      std::optional<ArrayRef<int32_t>> block = kernel.getKnownBlockSize();
      bool mma = kernel.getBody()
                     .walk([](nvgpu::MmaSyncOp) {
                       return WalkResult::interrupt();
                     })
                     .wasInterrupted();
      if (mma && block && block->size() == 3 &&
          int64_t((*block)[0]) * (*block)[1] * (*block)[2] == 256)
        kernel->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                        Builder(kernel.getContext()).getI32IntegerAttr(2));
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
      // either of the two is written. align: what every launch passes.
      llvm::SmallBitVector unaliased(n, true);
      SmallVector<int64_t> alignment(n, 256);
      for (gpu::LaunchFuncOp launch : sites->second) {
        ValueRange operands = launch.getKernelOperands();
        for (unsigned i = 0; i < n; ++i)
          if (isBuffer(i))
            alignment[i] =
                std::min(alignment[i], pointerAlignment(operands[i]));
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
        // Only what a vector access can use: 16 bytes and more.
        if (alignment[i] >= 16)
          kernel.setArgAttr(i, LLVM::LLVMDialect::getAlignAttrName(),
                            b.getI64IntegerAttr(alignment[i]));
      }
    });
  }
};

} // namespace
