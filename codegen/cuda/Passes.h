// NVIDIA code generation passes (codegen/cuda).
#ifndef KILN_CODEGEN_CUDA_PASSES_H
#define KILN_CODEGEN_CUDA_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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

#define GEN_PASS_REGISTRATION
#include "codegen/cuda/Passes.h.inc"

} // namespace mlir::kiln

#endif // KILN_CODEGEN_CUDA_PASSES_H
