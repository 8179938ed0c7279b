// What kiln-cuda-tile-contractions' kernels compute: a contraction
// (matmul, batch matmul, generic contraction, NHWC convolution) as a
// (batched) GEMM of static sizes with how to read its operands, the ops
// around it it absorbs (bias or fill, elementwise epilogue), and how its
// result is stored. The kernels themselves are in TileContractions.cpp.
#ifndef KILN_CODEGEN_CUDA_GEMM_H
#define KILN_CODEGEN_CUDA_GEMM_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <functional>

namespace mlir::kiln::cuda {

using Loader = std::function<Value(OpBuilder &, Location, Value batch,
                                   Value row, Value col)>;

Value idx(OpBuilder &b, Location loc, int64_t v);
/// Element `indices` of `buffer`, as f32 (a narrowed weight's or
/// activation's f16/bf16 extended: staging rounds it back exactly).
Value loadF32(OpBuilder &b, Location loc, Value buffer, ValueRange indices);

/// One contraction as a (batched) GEMM C[b] += A[b] x B[b] of static sizes,
/// its operands read element by element (a convolution gathers A from its
/// input: an implicit im2col).
struct Gemm {
  int64_t batch = 1, m = 0, n = 0, k = 0;
  Loader loadA; // (b, m, k), in bounds
  Loader loadB; // (b, k, n), in bounds
  Value c;      // the output buffer
  std::function<SmallVector<Value>(OpBuilder &, Location, Value, Value,
                                   Value)>
      cIndices; // (b, m, n) -> indices into c
  // Fused with the ops around it (kiln-cuda-mark-epilogues): the output's
  // initial value from a bias over n or a scalar instead of from c, and an
  // elementwise op applied to the result (its operand `epilogueInput`)
  // whose output is stored instead of c.
  Value bias, fill;
  linalg::GenericOp epilogue;
  unsigned epilogueInput = 0;
  // B's buffer and the indices of its element (b, k, n) where n is its
  // innermost index (B's rows lie along the buffer's rows): what
  // asynchronous copies can stage; null otherwise.
  Value bBuffer;
  std::function<SmallVector<Value>(OpBuilder &, Location, Value, Value, Value)>
      bIndices;
  // Split-K: the reduction's parts, and the workspace (parts x batch, m,
  // n) of f32 their kernels leave partial sums in.
  int64_t splits = 1, slicesPerSplit = 0;
  Value partials;
  // A's buffer and the indices of its element (b, m, k) where k runs along
  // the buffer's innermost dimension in runs of 4 (a row-major A; an NHWC
  // convolution input, its channels a multiple of 4): what asynchronous
  // copies can stage; null otherwise.
  Value aBuffer;
  std::function<SmallVector<Value>(OpBuilder &, Location, Value, Value, Value)>
      aIndices;
  // Optional: `count` consecutive elements (b, m, k + j) of A at once,
  // in bounds, for runs of 4 starting at multiples of 4 (a convolution's
  // gather computes the input position once per run instead of once per
  // element).
  std::function<SmallVector<Value>(OpBuilder &, Location, Value, Value, Value,
                                   int64_t)>
      loadARun;
  // A convolution reading through a zero padding (its input was a zero
  // fill with the real input copied inside: the convolution reads that
  // input instead): whether element (b, m, k) of A lies in the real input
  // (else A is 0 there; aIndices then give an element that exists); null
  // when every element does. loadA and loadARun give 0 outside by
  // themselves.
  std::function<Value(OpBuilder &, Location, Value, Value, Value)> aValid;
  // A depthwise convolution (not a GEMM: no operands staged): the whole
  // f32 sum of output (m, n) before its initial value is added; null for
  // GEMMs.
  std::function<Value(OpBuilder &, Location, Value, Value)> sum;
  // The ops that built the padded input, which no one reads once the
  // kernel reads through it: erased with the contraction.
  SmallVector<Operation *> padOps;

  /// B is element bIndices(b, k, n) of `buffer` (n its innermost index).
  void setB(Value buffer,
            std::function<SmallVector<Value>(OpBuilder &, Location, Value,
                                             Value, Value)>
                indices) {
    bBuffer = buffer;
    bIndices = indices;
    loadB = [buffer, indices](OpBuilder &b, Location loc, Value bb, Value k,
                              Value n) {
      return loadF32(b, loc, buffer, indices(b, loc, bb, k, n));
    };
  }
};

/// A (batch x) m x n x k GEMM into `c`, nothing else known yet.
Gemm makeGemm(int64_t batch, int64_t m, int64_t n, int64_t k, Value c);

/// `op` as a GEMM whose second operand the kernels stage as `staged` (a
/// narrowed weight's type; null: f32), or a depthwise convolution (`sum`
/// set), if the kernels take it.
std::optional<Gemm> asGemm(linalg::LinalgOp op, Type staged);

/// Stores the GEMM's result `acc` at (batch, m, n), inside the output:
/// acc + the initial value (c's element, the bias or the fill), then, when
/// fused, the epilogue's body on it and the epilogue's other operands at
/// the same element, into the epilogue's output.
void storeResult(OpBuilder &b, Location loc, const Gemm &g, Value batch,
                 Value m, Value n, Value acc);

/// Fills in `g`'s bias/fill and epilogue from the ops kiln-cuda-mark-
/// epilogues marked around `op`, if they are still right there and about
/// the same elements; returns the ops the kernel then replaces.
SmallVector<Operation *> fuseNeighbours(linalg::LinalgOp op, Gemm &g);

} // namespace mlir::kiln::cuda

#endif // KILN_CODEGEN_CUDA_GEMM_H
