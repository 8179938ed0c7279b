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

} // namespace mlir::kiln

#endif // KILN_PASSES_VERIFY_PASSES_H
