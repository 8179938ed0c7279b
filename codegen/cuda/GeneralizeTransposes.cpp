// kiln-cuda-generalize-transposes: on the GPU path, transposes become
// generics, so kiln-fusion-fuse-elementwise folds each one into the
// kernels that read it (as a permuted indexing map) instead of leaving a
// kernel that only moves data.
#include "codegen/cuda/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDAGENERALIZETRANSPOSES
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

struct CudaGeneralizeTransposesPass
    : kiln::impl::CudaGeneralizeTransposesBase<CudaGeneralizeTransposesPass> {
  void runOnOperation() override {
    SmallVector<linalg::TransposeOp> transposes;
    getOperation().walk([&](linalg::TransposeOp op) {
      if (op.hasPureTensorSemantics())
        transposes.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::TransposeOp op : transposes) {
      rewriter.setInsertionPoint(op);
      if (failed(linalg::generalizeNamedOp(rewriter, op)))
        return signalPassFailure();
    }
  }
};

} // namespace
