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
      return signalPassFailure();
    // exp on f32 vectors (a vectorized softmax): LLVM would call expf once
    // per lane; upstream's polynomial (range reduction to [-ln2/2, ln2/2],
    // within a few ulp) computes the whole vector. Scalar exp stays a
    // libm call.
    SmallVector<Operation *> vectorExps;
    getOperation()->walk([&](math::ExpOp op) {
      auto type = dyn_cast<VectorType>(op.getType());
      if (type && type.getElementType().isF32())
        vectorExps.push_back(op);
    });
    if (vectorExps.empty())
      return;
    RewritePatternSet exps(&getContext());
    populateMathPolynomialApproximationPatterns(exps, [](StringRef name) {
      return name == math::ExpOp::getOperationName();
    });
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    if (failed(applyOpPatternsGreedily(vectorExps, std::move(exps), config)))
      signalPassFailure();
  }
};
} // namespace
