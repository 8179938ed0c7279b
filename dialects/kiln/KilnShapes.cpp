// Shape arithmetic shared by kiln's type inference, verifiers and lowerings.
#include "dialects/kiln/KilnShapes.h"

using namespace mlir;

std::optional<SmallVector<int64_t>>
kiln::broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x == 1) {
      out[i] = y;
    } else if (y == 1) {
      out[i] = x;
    } else if (ShapedType::isDynamic(x) || ShapedType::isDynamic(y)) {
      out[i] = ShapedType::isDynamic(x) ? y : x;
    } else if (x == y) {
      out[i] = x;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<int64_t> kiln::windowOutputSize(int64_t in, int64_t kernel,
                                              int64_t stride, int64_t dilation,
                                              int64_t padBefore,
                                              int64_t padAfter) {
  if (ShapedType::isDynamic(in))
    return ShapedType::kDynamic;
  int64_t effective = dilation * (kernel - 1) + 1;
  int64_t padded = in + padBefore + padAfter;
  if (stride <= 0 || kernel <= 0 || dilation <= 0 || padded < effective)
    return std::nullopt;
  return (padded - effective) / stride + 1;
}

kiln::ImageDims kiln::imageDims(bool channelsLast) {
  if (channelsLast)
    return {0, 3, 1, 2};
  return {0, 1, 2, 3};
}
