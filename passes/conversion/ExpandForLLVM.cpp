// kiln-conversion-expand-for-llvm: the math and bf16 ops that upstream's
// LLVM conversions cannot lower without a runtime library (math.erf, the
// bf16 <-> f32 conversions) rewritten into ops they can.
#include "passes/conversion/Passes.h"

#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_EXPANDFORLLVM
#include "passes/conversion/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

void mlir::kiln::populateExpandForLLVMPatterns(RewritePatternSet &patterns) {
  // Upstream's rational approximation of erf (f32 only; f64 erf is left for
  // convert-math-to-libm).
  populatePolynomialApproximateErfPattern(patterns);
  arith::populateExpandBFloat16Patterns(patterns);
}

namespace {
struct ExpandForLLVMPass
    : mlir::kiln::impl::ExpandForLLVMBase<ExpandForLLVMPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    mlir::kiln::populateExpandForLLVMPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
