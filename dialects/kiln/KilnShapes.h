// Shape arithmetic shared by kiln's type inference, verifiers and lowerings.
// Dynamic sizes are ShapedType::kDynamic and propagate.
#ifndef KILN_DIALECTS_KILN_KILNSHAPES_H
#define KILN_DIALECTS_KILN_KILNSHAPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace mlir::kiln {

/// numpy broadcast of two shapes; nullopt when they are incompatible.
std::optional<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                    ArrayRef<int64_t> b);

/// Output size of a strided, dilated window sliding over `in` padded by
/// `padBefore` + `padAfter`; nullopt when the window does not fit.
std::optional<int64_t> windowOutputSize(int64_t in, int64_t kernel,
                                        int64_t stride, int64_t dilation,
                                        int64_t padBefore, int64_t padAfter);

/// Positions of N, C, H, W in a 4-D activation of the given layout
/// (0 = nchw, 1 = nhwc).
struct ImageDims {
  unsigned n, c, h, w;
};
ImageDims imageDims(bool channelsLast);

} // namespace mlir::kiln

#endif // KILN_DIALECTS_KILN_KILNSHAPES_H
