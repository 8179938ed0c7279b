// kiln-cpu-conv-to-matmul: 2-D convolutions become an im2col gather plus a
// matmul-shaped contraction, which the matmul strategy tiles and vectorizes.
#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"

#define DEBUG_TYPE "kiln-cpu-conv-to-matmul"

namespace mlir::kiln {
#define GEN_PASS_DEF_CONVTOMATMUL
#include "codegen/cpu/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// Static f32 convolutions only: the contraction is what the matmul
/// strategy handles, and a dynamic im2col buffer would not fit the arena.
bool eligible(linalg::LinalgOp op) {
  return op.hasPureTensorSemantics() && !op.hasDynamicShape() &&
         llvm::all_of(op->getOperandTypes(), [](Type t) {
           return getElementTypeOrSelf(t).isF32();
         });
}

struct ConvToMatmulPass
    : mlir::kiln::impl::ConvToMatmulBase<ConvToMatmulPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> convs;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNchwFchwOp>(op) &&
          eligible(op))
        convs.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : convs) {
      rewriter.setInsertionPoint(op);
      FailureOr<std::pair<Operation *, Operation *>> result =
          TypeSwitch<Operation *,
                     FailureOr<std::pair<Operation *, Operation *>>>(op)
              .Case([&](linalg::Conv2DNhwcHwcfOp c) {
                return linalg::rewriteInIm2Col(rewriter, c);
              })
              .Case([&](linalg::Conv2DNchwFchwOp c) {
                return linalg::rewriteInIm2Col(rewriter, c);
              })
              .Default([](Operation *) { return failure(); });
      // A convolution im2col does not take stays a convolution (slow but
      // correct loops).
      (void)result;
    }
  }
};

} // namespace
