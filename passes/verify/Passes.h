// Phase contract checks.
#ifndef KILN_PASSES_VERIFY_PASSES_H
#define KILN_PASSES_VERIFY_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::kiln {

#define GEN_PASS_DECL
#include "passes/verify/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/verify/Passes.h.inc"

/// Fails, naming the op, unless the function of `module`, whose inputs lead
/// with a batch dimension of size `batch`, treats batch samples
/// independently (see kiln-verify-batch-separable).
LogicalResult verifyBatchSeparable(ModuleOp module, int64_t batch);

/// Fails unless `sample` and `probe`, the same model imported with two batch
/// sizes, have the same ops and the same constants: nothing about the graph
/// may depend on the batch size but the batch dimension itself.
LogicalResult compareBatchProbe(ModuleOp sample, ModuleOp probe);

} // namespace mlir::kiln

#endif // KILN_PASSES_VERIFY_PASSES_H
