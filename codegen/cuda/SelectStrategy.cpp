// The CUDA kernels' shapes (codegen/cuda/SelectStrategy.h).
#include "codegen/cuda/SelectStrategy.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <array>
#include <optional>

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

/// An "MxNxK" tile, or none.
static std::optional<std::array<int64_t, 3>> parseTile(llvm::StringRef tile) {
  llvm::SmallVector<llvm::StringRef> parts;
  tile.split(parts, 'x');
  std::array<int64_t, 3> v;
  if (parts.size() != 3)
    return std::nullopt;
  for (int i = 0; i < 3; ++i)
    if (parts[i].getAsInteger(10, v[i]))
      return std::nullopt;
  bool shape = (v[0] == 128 && v[1] == 128) || (v[0] == 64 && v[1] == 64);
  if (!shape || (v[2] != 16 && v[2] != 32))
    return std::nullopt;
  return v;
}

bool isCudaGemmTile(llvm::StringRef tile) {
  return parseTile(tile).has_value();
}

CudaGemmStrategy selectGemmStrategy(int64_t batch, int64_t m, int64_t n,
                                    int64_t k, int64_t bits, int64_t sms,
                                    llvm::StringRef override) {
  CudaGemmStrategy large{128, 128, 64, 32}, small{64, 64, 32, 32};
  CudaGemmStrategy tiles = small;
  if (batch * ceilDiv(m, large.tileM) * ceilDiv(n, large.tileN) >= 2 * sms)
    tiles = large;
  if (bits == 16 && k >= 64)
    tiles.tileK = 32;
  if (auto v = parseTile(override)) {
    tiles = (*v)[0] == 128 ? large : small;
    tiles.tileK = bits == 16 ? (*v)[2] : 16;
  }
  return tiles;
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
