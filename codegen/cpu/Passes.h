// x86 code generation passes: strategy selection and vector lowering.
#ifndef KILN_CODEGEN_CPU_PASSES_H
#define KILN_CODEGEN_CPU_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::kiln {

#define GEN_PASS_DECL
#include "codegen/cpu/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "codegen/cpu/Passes.h.inc"

/// The row-major f32 values of the non-splat constant `v` is, seen through
/// reshapes (which keep the order), or nullopt: the weights
/// kiln-cpu-pack-weights can repack at compile time.
std::optional<ArrayRef<float>> packableWeights(Value v);

/// Bytes of a cache line: the unit kiln's prefetch passes fetch.
constexpr int64_t kCacheLineBytes = 64;

/// Whether `loop` has no loop nested in it (a register tile's reduction
/// step, where the prefetch passes put their prefetches).
inline bool isInnermostLoop(scf::ForOp loop) {
  bool nested = false;
  loop.getBody()->walk([&](LoopLikeOpInterface) { nested = true; });
  return !nested;
}

} // namespace mlir::kiln

#endif // KILN_CODEGEN_CPU_PASSES_H
