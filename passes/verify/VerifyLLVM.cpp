// kiln-verify-llvm: only LLVM dialect ops remain before translation.
#include "passes/verify/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_VERIFYLLVM
#include "passes/verify/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {
struct VerifyLLVMPass : kiln::impl::VerifyLLVMBase<VerifyLLVMPass> {
  void runOnOperation() override {
    bool failed = false;
    getOperation().walk([&](Operation *op) {
      if (op != getOperation().getOperation() &&
          !isa_and_present<LLVM::LLVMDialect>(op->getDialect())) {
        op->emitError("'") << op->getName()
                           << "' was not lowered to the LLVM dialect";
        failed = true;
      }
    });
    if (failed)
      signalPassFailure();
  }
};
} // namespace
