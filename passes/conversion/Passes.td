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

def ExpandForLLVM : Pass<"kiln-conversion-expand-for-llvm"> {
  let summary = "Rewrite math and bf16 ops that have no LLVM lowering";
  let description = [{
    Input: loops over scalar `arith`/`math` ops, just before the conversion
    to the LLVM dialect, with math ops on f16/bf16 already extended to f32
    (`math-extend-to-supported-types`) and bf16 arithmetic emulated in f32
    (`arith-emulate-unsupported-floats`).
    Output: `math.erf` on f32 is a polynomial approximation (relative error
    below 3e-7 over all f32 inputs) instead of an op `convert-math-to-llvm`
    cannot lower; `arith.extf`/`arith.truncf` between bf16 and f32 are
    integer bit operations (round to nearest even, NaN kept quiet), so the
    object needs no compiler-rt `__truncsfbf2`; `math.exp` on f32 vectors
    (vectorized softmax) is upstream's polynomial approximation instead of
    one libm call per lane (scalar exp stays for libm).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def LowerStrings : Pass<"kiln-conversion-lower-strings", "::mlir::ModuleOp"> {
  let summary = "String ops become libkiln_rt calls, string buffers i64 buffers";
  let description = [{
    Input: bufferized IR (memrefs), where string ops (`kiln.string_normalizer`,
    `kiln.string_cast`) are in their buffer form at the top level of their
    function.
    Output: each string op is a call to its libkiln_rt function
    (`kiln_string_normalize`, `kiln_string_from_f32`, `kiln_string_to_f32`)
    on raw pointers; one that makes strings writes them into a
    fresh `--max-string-bytes` buffer marked `kiln.live_to_end` (the arena
    planner keeps it to the end of the call: the string elements point into
    it). A function that makes such calls returns the first non-OK status
    (i32) of its calls, 0 otherwise. Every memref of `!kiln.string` becomes a
    memref of i64 (the pointers' bits), so no kiln type is left for the LLVM
    conversions.
  }];
  let options = [
    Option<"maxStringBytes", "max-string-bytes", "int64_t", "65536",
           "Bytes of output string storage per string op">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect", "::mlir::LLVM::LLVMDialect"
  ];
}

#endif // KILN_PASSES_CONVERSION_PASSES_TD
