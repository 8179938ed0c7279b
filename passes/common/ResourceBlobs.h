// Reading the bytes of weight constants, and giving back the memory of
// weight blobs a pass has replaced.
#ifndef KILN_PASSES_COMMON_RESOURCEBLOBS_H
#define KILN_PASSES_COMMON_RESOURCEBLOBS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

#include <optional>

namespace mlir::kiln {

/// The row-major bytes of a non-splat constant whose elements take a whole
/// number of bytes (`width` is set to that number), from a dense resource
/// blob or an inline dense attribute; nullopt for a splat, a released blob,
/// or element types kiln does not read as bytes (i1, complex).
inline std::optional<llvm::ArrayRef<char>> constantBytes(ElementsAttr value,
                                                        int64_t &width) {
  Type elem = value.getElementType();
  if (!elem.isIntOrFloat() || elem.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  width = elem.getIntOrFloatBitWidth() / 8;
  int64_t size = value.getNumElements() * width;
  llvm::ArrayRef<char> bytes;
  if (auto res = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    bytes = blob->getData();
  } else if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (dense.isSplat())
      return std::nullopt;
    bytes = dense.getRawData();
  } else {
    return std::nullopt;
  }
  if (static_cast<int64_t>(bytes.size()) != size)
    return std::nullopt;
  return bytes;
}

/// Releases the blob of each of `replaced` (weights a pass has rewritten
/// into new constants) that no attribute under `root` refers to any more,
/// so compile memory stays one copy of the weights, not two. `root` must
/// hold every op that could refer to them (the module).
inline void releaseDeadBlobs(
    Operation *root,
    const llvm::SetVector<DenseResourceElementsAttr> &replaced) {
  if (replaced.empty())
    return;
  llvm::DenseSet<Attribute> live;
  root->walk([&](Operation *op) {
    for (NamedAttribute a : op->getAttrs())
      if (auto res = dyn_cast<DenseResourceElementsAttr>(a.getValue()))
        if (replaced.contains(res))
          live.insert(res);
  });
  for (DenseResourceElementsAttr attr : replaced)
    if (!live.contains(attr))
      attr.getRawHandle().getResource()->setBlob(AsmResourceBlob());
}

} // namespace mlir::kiln

#endif // KILN_PASSES_COMMON_RESOURCEBLOBS_H
