// NVIDIA code generation passes (codegen/cuda).
#ifndef KILN_CODEGEN_CUDA_PASSES_H
#define KILN_CODEGEN_CUDA_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/Pass.h"

namespace mlir::kiln {

#define GEN_PASS_DECL
#include "codegen/cuda/Passes.h.inc"

/// The image placeholder kiln-cuda-simulate-kernels made for gpu.module
/// `module` (launches embed it as their kernels' image), or null.
LLVM::GlobalOp lookupSimulatedKernelImage(SymbolTable &symbols,
                                          StringRef module);
/// A host function kiln-cuda-simulate-kernels made from a kernel (it may
/// touch device buffers).
bool isSimulatedKernel(Operation *op);

/// kiln-cuda-mark-epilogues' marks: a GEMM whose kernel computes the ops
/// around it (the elementwise op after it that alone reads its result,
/// the fill or bias broadcast that initializes its output, or both), that
/// elementwise op, and that fill or broadcast.
inline constexpr llvm::StringLiteral kCudaFusedOutputAttr =
    "kiln.cuda_fused_output";
inline constexpr llvm::StringLiteral kCudaEpilogueAttr = "kiln.cuda_epilogue";
inline constexpr llvm::StringLiteral kCudaPrefillAttr = "kiln.cuda_prefill";
/// kiln-cuda-narrow-weights' mark on a GEMM: the global holding its second
/// operand (a weight) rounded to the --precision's type.
inline constexpr llvm::StringLiteral kCudaNarrowWeightsAttr =
    "kiln.cuda_narrow_weights";
/// A statically shaped f32 tensor or buffer (what the GPU GEMM kernels
/// take).
inline bool isStaticF32(Type t) {
  auto s = dyn_cast<ShapedType>(t);
  return s && s.hasStaticShape() && s.getElementType().isF32();
}
/// A statically shaped f32, f16 or bf16 tensor or buffer (an activation,
/// narrowed or not: kiln-cuda-narrow-activations).
inline bool isStaticFloat(Type t) {
  auto s = dyn_cast<ShapedType>(t);
  return s && s.hasStaticShape() &&
         (s.getElementType().isF32() || s.getElementType().isF16() ||
          s.getElementType().isBF16());
}
/// Operand types a GPU GEMM kernel takes: f32 outputs, f32 or narrowed
/// (f16, bf16) inputs, all statically shaped.
inline bool hasCudaGemmTypes(Operation *op) {
  auto linalgOp = cast<linalg::LinalgOp>(op);
  return llvm::all_of(linalgOp.getDpsInits(),
                      [](Value v) { return isStaticF32(v.getType()); }) &&
         llvm::all_of(linalgOp.getDpsInputs(),
                      [](Value v) { return isStaticFloat(v.getType()); });
}
/// A --precision kiln-cuda-tile-contractions takes.
inline bool isCudaPrecision(StringRef p) {
  return p == "fp32" || p == "tf32" || p == "fp16" || p == "bf16";
}
/// The 16-bit type tensor cores take at precision `p` (f16 for fp16, bf16
/// for bf16), which narrowed weights and activations have; null for fp32
/// and tf32.
inline Type cudaNarrowType(MLIRContext *ctx, StringRef p) {
  if (p == "fp16")
    return Float16Type::get(ctx);
  if (p == "bf16")
    return BFloat16Type::get(ctx);
  return Type();
}
/// Fails, with an error on `op`, for a precision that is not one.
inline LogicalResult verifyCudaPrecision(Operation *op, StringRef p) {
  if (isCudaPrecision(p))
    return success();
  return op->emitError("unknown precision '")
         << p << "' (expected fp32, tf32, fp16 or bf16)";
}
/// A contraction kiln-cuda-tile-contractions makes a GEMM kernel of: a
/// matmul or batch matmul with default maps, an NHWC/HWCF convolution, or
/// a generic contraction (getCudaGemmDims).
bool isCudaGemm(linalg::LinalgOp op);
/// The loop dimensions of a generic that is a (batched) GEMM: batch (-1
/// if none), rows (in the first input and the output), columns (in the
/// second input and the output) and the reduction.
struct CudaGemmDims {
  int64_t batch, m, n, k;
};
/// A generic a GEMM kernel can compute: a multiply-accumulate (mulf,
/// addf) of two inputs indexed by permutations of (batch, row, reduction)
/// and (batch, reduction, column), e.g. attention's Q K^T, into an output
/// indexed (batch, row, column) in that order; none otherwise.
std::optional<CudaGemmDims> getCudaGemmDims(linalg::GenericOp op);
/// A fill, or a broadcast of a 1-D bias over the last dimension: an
/// initial value a GEMM kernel can read instead of its output.
bool isCudaPrefill(Operation *op);
/// An elementwise op a GEMM kernel can apply in its store: identity maps,
/// all parallel, one output whose old value it does not read, pure scalar
/// body.
bool isCudaEpilogue(linalg::GenericOp op);

/// The buffer `v` views and the byte offset of its first element there,
/// through reshapes and memref.view with constant shifts, every view
/// contiguous; none if `v` is not such a view.
std::optional<std::pair<Value, int64_t>> contiguousBase(Value v);
/// Whether memrefs `a` and `b` are contiguous views of the same elements.
bool sameElements(Value a, Value b);
/// The buffer under every view of `v`.
Value rootBuffer(Value v);
/// Whether memrefs `a` and `b` (host values) may share memory: they view
/// the same buffer and are not both contiguous views of disjoint byte
/// ranges of it, or their buffers may be the same memory (two inputs of a
/// model, say).
bool mayOverlap(Value a, Value b);

/// The alignment in bytes of the pointer a launch passes for buffer `v`:
/// its aligned pointer, the start of its root buffer plus the byte shifts
/// of the memref.views on the way (subviews and reshapes keep the pointer
/// and move the offset). Weights are device allocations of their own
/// (256-byte aligned); the arena is aligned as the function says (the
/// model's entry points check it); anything else, the caller's buffers
/// among them, is taken as element-aligned (1 here).
int64_t pointerAlignment(Value v);

/// The nearest op before (after) `op` in its block that has memory
/// effects, or null.
Operation *effectfulNeighbour(Operation *op, bool after);
/// Index `v` (< the product of `sizes`) split into digits of the given
/// sizes, most significant first (row-major: the last one varies fastest).
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value v,
                               ArrayRef<int64_t> sizes);

#define GEN_PASS_REGISTRATION
#include "codegen/cuda/Passes.h.inc"

} // namespace mlir::kiln

#endif // KILN_CODEGEN_CUDA_PASSES_H
