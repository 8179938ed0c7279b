// The CUDA kernels' shapes (codegen/cuda/SelectStrategy.h).
#include "codegen/cuda/SelectStrategy.h"

#include <algorithm>

namespace mlir::kiln {

namespace {
/// Streaming multiprocessors of the largest GPU kiln targets (an H100
/// SXM): the block count below which big tiles leave SMs idle.
constexpr int64_t kMultiprocessors = 132;
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
} // namespace

CudaGemmStrategy selectGemmStrategy(int64_t batch, int64_t m, int64_t n) {
  CudaGemmStrategy large{128, 128, 64, 32}, small{64, 64, 32, 32};
  if (batch * ceilDiv(m, large.tileM) * ceilDiv(n, large.tileN) >=
      2 * kMultiprocessors)
    return large;
  return small;
}

int64_t selectSplitK(int64_t blocks, int64_t slices) {
  if (blocks <= 0 || blocks >= kMultiprocessors)
    return 1;
  int64_t parts = std::min<int64_t>(
      {ceilDiv(2 * kMultiprocessors, blocks), slices / 4, 16});
  return std::max<int64_t>(parts, 1);
}

int64_t selectReductionLanes(int64_t outputs, int64_t length) {
  return length >= kCudaReductionBlock && outputs <= 1024 ? kCudaReductionBlock
                                                          : kCudaWarp;
}

} // namespace mlir::kiln
