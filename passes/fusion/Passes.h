// Fusion passes: on the kiln graph (fold into conv) and on linalg.
#ifndef KILN_PASSES_FUSION_PASSES_H
#define KILN_PASSES_FUSION_PASSES_H

#include "dialects/kiln/KilnDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::kiln {

#define GEN_PASS_DECL
#include "passes/fusion/Passes.h.inc"

/// The reshape propagation of kiln-fusion-align-epilogues: with `collapse`,
/// its first step (generics collapse to the contraction's matrix), otherwise
/// its second (generics expand to the contraction's loops).
void populateAlignEpiloguesPatterns(RewritePatternSet &patterns,
                                    bool collapse);

#define GEN_PASS_REGISTRATION
#include "passes/fusion/Passes.h.inc"

} // namespace mlir::kiln

#endif // KILN_PASSES_FUSION_PASSES_H
