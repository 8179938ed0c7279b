// How each kind of CUDA kernel kiln makes is shaped for its op (tile sizes,
// threads, lanes per output): the choices in one place, as the CPU path's
// codegen/cpu/SelectStrategy makes them for its tiles.
#ifndef KILN_CODEGEN_CUDA_SELECTSTRATEGY_H
#define KILN_CODEGEN_CUDA_SELECTSTRATEGY_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace mlir::kiln {

/// Threads of a warp; threads of a reduction kernel's block.
inline constexpr int64_t kCudaWarp = 32, kCudaReductionBlock = 256;

/// A tensor-core GEMM kernel's shape: a tileM x tileN output tile per
/// block, split among warps of warpM x warpN (each 16x8 mma tiles), the
/// reduction staged in slices of tileK.
struct CudaGemmStrategy {
  int64_t tileM, tileN, warpM, warpN, tileK = 16;
  int64_t threads() const {
    return tileM / warpM * (tileN / warpN) * kCudaWarp;
  }
};

/// The streaming multiprocessors kiln plans blocks for on `chip` (sm_XX):
/// a typical GPU of that architecture (A100: 108 for sm_80, A40: 84 for
/// sm_86, RTX 4090: 128 for sm_89, H100 SXM: 132 for sm_90 and unknown
/// chips).
int64_t cudaMultiprocessors(llvm::StringRef chip);

/// The tensor-core tile for a (batch x) m x n x k GEMM on operands of
/// `bits` (16: fp16/bf16; 32: tf32): 128x128 tiles of 8 warps (64x32
/// each: twice the operand reuse of the 64x64 tile) where they still give
/// every one of `sms` SMs two blocks, else 64x64 tiles of 4 warps (32x32
/// each), which keep more blocks busy on small GEMMs (a batch-1
/// convolution). 16-bit operands are staged in slices of 32 where the
/// reduction has at least two (half the barriers and twice the mma.sync
/// per slice: the slices of both tiles still fit in 48 KB), else 16.
/// `override` ("MxNxK", e.g. 128x128x32, from --cuda-gemm-tile; empty:
/// none) replaces the choice: 128x128 or 64x64 tiles, K 16 or 32 (32 for
/// 16-bit operands only).
CudaGemmStrategy selectGemmStrategy(int64_t batch, int64_t m, int64_t n,
                                    int64_t k, int64_t bits, int64_t sms,
                                    llvm::StringRef override = "");
/// Whether `tile` is a GEMM tile --cuda-gemm-tile takes ("MxNxK" with M x N
/// 128x128 or 64x64 and K 16 or 32).
bool isCudaGemmTile(llvm::StringRef tile);

/// How many parts the reduction of a GEMM is split into, its tiles giving
/// `blocks` blocks and its reduction `slices` slices: where the
/// tiles leave some of `sms` SMs idle (a batch-1 fully connected layer,
/// the last convolutions of a batch-1 CNN), enough parts for two blocks
/// per SM, each of at least 4 slices, at most 16 parts (a second kernel
/// adds the parts' partial sums in order); 1: no split.
int64_t selectSplitK(int64_t blocks, int64_t slices, int64_t sms);

/// Threads sharing each output of a reduction of `length` elements into
/// `outputs` outputs: a 256-thread block for at most 1024 outputs of 256
/// elements or more (every SM gets blocks), else a 32-lane warp.
int64_t selectReductionLanes(int64_t outputs, int64_t length);

} // namespace mlir::kiln

#endif // KILN_CODEGEN_CUDA_SELECTSTRATEGY_H
