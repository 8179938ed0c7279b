// Conversions out of the kiln dialect.
#ifndef KILN_PASSES_CONVERSION_PASSES_TD
#define KILN_PASSES_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertKilnToLinalg : Pass<"convert-kiln-to-linalg"> {
  let summary = "Lower kiln graph ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Input: kiln ops on statically shaped ranked tensors, as the frontends and
    graph passes leave them.
    Output: no kiln ops.  Contractions become linalg named ops
    (`linalg.matmul`, `linalg.conv_2d_*`, `linalg.pooling_*`), elementwise ops
    and normalizations become `linalg.generic` with broadcasting indexing
    maps, data movement becomes `tensor` reshapes/slices and
    `linalg.transpose`, scatters become `scf.for` nests over tensors, and
    `kiln.constant` becomes `arith.constant` with the same (possibly
    resource-backed) value.  Padding is explicit `tensor.pad`.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect"
  ];
}

#endif // KILN_PASSES_CONVERSION_PASSES_TD
