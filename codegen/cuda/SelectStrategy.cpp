// The CUDA kernels' shapes (codegen/cuda/SelectStrategy.h).
#include "codegen/cuda/SelectStrategy.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>

namespace mlir::kiln {

namespace {
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
} // namespace

int64_t cudaMultiprocessors(llvm::StringRef chip) {
  return llvm::StringSwitch<int64_t>(chip)
      .Case("sm_80", 108)
      .Case("sm_86", 84)
      .Case("sm_89", 128)
      .Default(132);
}

CudaGemmStrategy selectGemmStrategy(int64_t batch, int64_t m, int64_t n,
                                    int64_t sms) {
  CudaGemmStrategy large{128, 128, 64, 32}, small{64, 64, 32, 32};
  if (batch * ceilDiv(m, large.tileM) * ceilDiv(n, large.tileN) >= 2 * sms)
    return large;
  return small;
}

int64_t selectSplitK(int64_t blocks, int64_t slices, int64_t sms) {
  if (blocks <= 0 || blocks >= sms)
    return 1;
  int64_t parts =
      std::min<int64_t>({ceilDiv(2 * sms, blocks), slices / 4, 16});
  return std::max<int64_t>(parts, 1);
}

int64_t selectReductionLanes(int64_t outputs, int64_t length) {
  return length >= kCudaReductionBlock && outputs <= 1024 ? kCudaReductionBlock
                                                          : kCudaWarp;
}

} // namespace mlir::kiln
