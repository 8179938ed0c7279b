// Phase contract checks: each fails loudly, naming the op, when something
// the next phase cannot take survived the previous one.
#ifndef KILN_PASSES_VERIFY_PASSES_TD
#define KILN_PASSES_VERIFY_PASSES_TD

include "mlir/Pass/PassBase.td"

def VerifyLinalg : Pass<"kiln-verify-linalg", "::mlir::ModuleOp"> {
  let summary = "Check that no kiln op is left after lowering to linalg";
  let description = [{
    Ends the `fused` phase.  Every kiln op but the string ops (which
    bufferize as they are and become runtime calls) must have been converted; a
    survivor means a pattern refused it (e.g. a dynamic shape), and is
    reported with its location, which names the source node.
  }];
}

def VerifyBufferized : Pass<"kiln-verify-bufferized", "::mlir::ModuleOp"> {
  let summary = "Check that no tensor and no heap allocation is left";
  let description = [{
    Ends the `bufferized` phase: no op may produce or take a tensor, and no
    `memref.alloc` may remain in the entry function (the run path allocates
    nothing; intermediates live in the arena).
  }];
}

def VerifyLLVM : Pass<"kiln-verify-llvm", "::mlir::ModuleOp"> {
  let summary = "Check that only LLVM dialect ops are left";
  let description = [{
    Ends the `llvm` phase, right before translation to LLVM IR.
  }];
}

def VerifyBatchSeparable : Pass<"kiln-verify-batch-separable", "::mlir::ModuleOp"> {
  let summary = "Check that a dynamic-batch model treats samples independently";
  let description = [{
    Ends the `graph` phase of a module marked `kiln.dynamic_batch`, whose
    function computes one batch sample (every input's leading dimension is
    1); the entry point later runs it once per sample.  That is exact only
    when the batched model never combines elements of different samples, so
    this pass follows the batch dimension from the inputs through every op
    (elementwise ops with broadcasting, transposes that move it, reductions,
    windows, contractions and data movement that leave it alone) and fails,
    naming the op, on any op that would reduce, reshape, slice, pad or index
    across it, and on any result that does not keep it leading.  Ops it has
    no rule for are refused.  Does nothing on other modules.
  }];
}

#endif // KILN_PASSES_VERIFY_PASSES_TD
