// kiln-cuda-sink-constants: constants used in a gpu.launch are copied into
// it, so the outlined kernel has them as immediates instead of parameters
// (and never takes a vector constant, which kernels cannot be passed).
#include "codegen/cuda/Passes.h"

#include "mlir/Dialect/GPU/Utils/GPUUtils.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDASINKCONSTANTS
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

struct CudaSinkConstantsPass
    : kiln::impl::CudaSinkConstantsBase<CudaSinkConstantsPass> {
  void runOnOperation() override {
    bool ok = true;
    getOperation().walk([&](gpu::LaunchOp launch) {
      if (failed(sinkOperationsIntoLaunchOp(launch, [](Operation *op) {
            return op->hasTrait<OpTrait::ConstantLike>();
          })))
        ok = false;
    });
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
