// Conversion passes out of the kiln dialect and their pattern populators.
#ifndef KILN_PASSES_CONVERSION_PASSES_H
#define KILN_PASSES_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::kiln {

#define GEN_PASS_DECL
#include "passes/conversion/Passes.h.inc"

/// Patterns lowering kiln ops to linalg on tensors, by op family.
void populateKilnElementwiseToLinalgPatterns(RewritePatternSet &patterns);
void populateKilnMatmulToLinalgPatterns(RewritePatternSet &patterns);
void populateKilnConvToLinalgPatterns(RewritePatternSet &patterns);
void populateKilnReductionToLinalgPatterns(RewritePatternSet &patterns);
void populateKilnDataMovementToLinalgPatterns(RewritePatternSet &patterns);
void populateKilnImageToLinalgPatterns(RewritePatternSet &patterns);
void populateKilnIndexingToLinalgPatterns(RewritePatternSet &patterns);
/// All of the above.
void populateKilnToLinalgPatterns(RewritePatternSet &patterns);

/// Patterns of kiln-conversion-expand-for-llvm: f32 erf approximation and
/// bf16 <-> f32 conversions as integer bit operations.
void populateExpandForLLVMPatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "passes/conversion/Passes.h.inc"

} // namespace mlir::kiln

#endif // KILN_PASSES_CONVERSION_PASSES_H
