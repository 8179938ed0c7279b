// kiln-verify-bufferized: no tensors and no heap allocations remain.
#include "passes/verify/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_VERIFYBUFFERIZED
#include "passes/verify/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {
struct VerifyBufferizedPass
    : kiln::impl::VerifyBufferizedBase<VerifyBufferizedPass> {
  void runOnOperation() override {
    bool failed = false;
    getOperation().walk([&](Operation *op) {
      auto isTensor = [](Type t) { return isa<TensorType>(t); };
      if (llvm::any_of(op->getResultTypes(), isTensor) ||
          llvm::any_of(op->getOperandTypes(), isTensor)) {
        op->emitError("tensor value survived bufferization");
        failed = true;
      } else if (isa<memref::AllocOp, memref::AllocaOp>(op)) {
        op->emitError("heap or stack allocation left on the run path");
        failed = true;
      }
    });
    if (failed)
      signalPassFailure();
  }
};
} // namespace
