// kiln-verify-linalg: no kiln op survives convert-kiln-to-linalg.
#include "dialects/kiln/KilnDialect.h"
#include "passes/verify/Passes.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_VERIFYLINALG
#include "passes/verify/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {
struct VerifyLinalgPass : kiln::impl::VerifyLinalgBase<VerifyLinalgPass> {
  void runOnOperation() override {
    bool failed = false;
    getOperation().walk([&](Operation *op) {
      // String ops stay as they are until kiln-conversion-lower-strings.
      if (isa_and_present<kiln::KilnDialect>(op->getDialect()) &&
          !isa<kiln::StringNormalizerOp, kiln::StringCastOp>(op)) {
        op->emitError("'") << op->getName()
                           << "' could not be lowered to linalg";
        failed = true;
      }
    });
    if (failed)
      signalPassFailure();
  }
};
} // namespace
