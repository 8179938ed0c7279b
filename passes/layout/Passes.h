// Graph-level layout passes.
#ifndef KILN_PASSES_LAYOUT_PASSES_H
#define KILN_PASSES_LAYOUT_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::kiln {

#define GEN_PASS_DECL
#include "passes/layout/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/layout/Passes.h.inc"

} // namespace mlir::kiln

#endif // KILN_PASSES_LAYOUT_PASSES_H
