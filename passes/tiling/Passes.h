// Tiling and vectorization passes, and the kiln.tiling attribute contract
// between a target's strategy selection (codegen/cpu) and these passes.
#ifndef KILN_PASSES_TILING_PASSES_H
#define KILN_PASSES_TILING_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::kiln {

/// On a linalg op: ArrayAttr of levels, outermost first; the last level is
/// vectorized. A level is a DenseI64ArrayAttr of tile sizes (one per loop),
/// or a DictionaryAttr {sizes = <that>, order = <a permutation of the loops,
/// outermost first>}.
constexpr llvm::StringLiteral kTilingAttr = "kiln.tiling";

/// Marks a linalg.generic as a direct 2-D convolution (kiln-cpu-pack-weights
/// builds them): loops (n, f1, oh, ow, f0, kh, kw, c) over an NHWC input, a
/// [F1, KH, KW, C, F0] packed filter and an [N, OH, OW, F1, F0] output. The
/// value is `array<i64: stride_h, stride_w, dilation_h, dilation_w>`.
constexpr llvm::StringLiteral kConvWindowAttr = "kiln.conv_window";

#define GEN_PASS_DECL
#include "passes/tiling/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/tiling/Passes.h.inc"

} // namespace mlir::kiln

#endif // KILN_PASSES_TILING_PASSES_H
