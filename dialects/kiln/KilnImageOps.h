// Helpers over kiln's image ops that lowerings share with the dialect.
#ifndef KILN_DIALECTS_KILN_KILNIMAGEOPS_H
#define KILN_DIALECTS_KILN_KILNIMAGEOPS_H

#include "dialects/kiln/KilnDialect.h"

#include "llvm/ADT/SmallVector.h"

namespace mlir::kiln {

/// The input samples each output position of one dimension of a resize reads:
/// `count` taps per position, row-major [output position][tap], indices
/// already clamped to the input, and whether the position lies inside the
/// input (tf_crop_and_resize writes the extrapolation value where not).
struct ResizeTaps {
  int64_t count = 1;
  llvm::SmallVector<int64_t> index;
  llvm::SmallVector<double> weight;
  llvm::SmallVector<bool> valid;
};

/// True when dimension `dim` of `op` copies the input unchanged.
bool isResizePassThrough(ResizeOp op, int64_t dim);

/// Taps of a static, resized dimension `dim` of `op` (the ONNX reference
/// semantics: nearest-neighbour rounding, linear and Keys cubic kernels,
/// antialiasing, exclude_outside renormalization, edge clamping).
ResizeTaps computeResizeTaps(ResizeOp op, int64_t dim);

} // namespace mlir::kiln

#endif // KILN_DIALECTS_KILN_KILNIMAGEOPS_H
