// kiln-cuda-merge-modules: every outlined kernel into one gpu.module, so a
// model embeds and loads a single PTX module.
#include "codegen/cuda/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDAMERGEMODULES
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

struct CudaMergeModulesPass
    : kiln::impl::CudaMergeModulesBase<CudaMergeModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> modules(module.getOps<gpu::GPUModuleOp>());
    if (modules.size() < 2)
      return;
    gpu::GPUModuleOp target = modules.front();
    // Old (module, kernel) -> new kernel name in `target`.
    llvm::DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    SymbolTable targetSymbols(target);
    for (gpu::GPUModuleOp from : modules) {
      StringAttr fromName = from.getSymNameAttr();
      for (Operation &op :
           llvm::make_early_inc_range(from.getBody()->getOperations())) {
        auto fn = dyn_cast<gpu::GPUFuncOp>(op);
        if (!fn) {
          if (from != target && !op.hasTrait<OpTrait::IsTerminator>()) {
            op.emitError("cannot merge this into another gpu.module");
            return signalPassFailure();
          }
          continue;
        }
        StringAttr old = SymbolTable::getSymbolName(fn);
        // Kernels are named after their function (all "main_kernel");
        // their modules' names are unique.
        if (from != target) {
          fn->moveBefore(target.getBody()->getTerminator());
          SymbolTable::setSymbolName(fn, fromName);
          targetSymbols.insert(fn); // renames again if ever needed
        } else {
          SymbolTable::setSymbolName(fn, fromName);
        }
        renamed[{fromName, old}] = SymbolTable::getSymbolName(fn);
      }
    }
    bool ok = true;
    module.walk([&](gpu::LaunchFuncOp launch) {
      auto it =
          renamed.find({launch.getKernelModuleName(), launch.getKernelName()});
      if (it == renamed.end()) {
        launch.emitError("launch of an unknown kernel");
        ok = false;
        return;
      }
      launch.setKernelAttr(SymbolRefAttr::get(
          target.getSymNameAttr(), {FlatSymbolRefAttr::get(it->second)}));
    });
    for (gpu::GPUModuleOp from : ArrayRef(modules).drop_front())
      from.erase();
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
