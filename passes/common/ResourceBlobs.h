// Reading the bytes of weight constants, and giving back the memory of
// weight blobs a pass has replaced.
#ifndef KILN_PASSES_COMMON_RESOURCEBLOBS_H
#define KILN_PASSES_COMMON_RESOURCEBLOBS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/DenseMap.h"
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

/// The row-major values of a non-splat f32 constant (constantBytes viewed
/// as floats), or nullopt.
inline std::optional<llvm::ArrayRef<float>> constantFloats(ElementsAttr value) {
  int64_t width = 0;
  if (!value.getElementType().isF32())
    return std::nullopt;
  std::optional<llvm::ArrayRef<char>> bytes = constantBytes(value, width);
  if (!bytes)
    return std::nullopt;
  return llvm::ArrayRef<float>(reinterpret_cast<const float *>(bytes->data()),
                               bytes->size() / sizeof(float));
}

/// The blob an attribute names. Attributes of different types may share
/// one blob (a reshape that keeps the bytes), so liveness is per blob.
inline const void *blobOf(DenseResourceElementsAttr attr) {
  return attr.getRawHandle().getResource();
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
  llvm::DenseSet<const void *> live;
  root->walk([&](Operation *op) {
    for (NamedAttribute a : op->getAttrs())
      if (auto res = dyn_cast<DenseResourceElementsAttr>(a.getValue()))
        live.insert(blobOf(res));
  });
  for (DenseResourceElementsAttr attr : replaced)
    if (!live.contains(blobOf(attr)))
      attr.getRawHandle().getResource()->setBlob(AsmResourceBlob());
}

/// Gives a weight blob's memory back the moment the last op referring to it
/// is erased, so a pass that rewrites weights one at a time (transposes,
/// packs) holds one extra weight at its peak, not a second copy of all of
/// them. Attach it to the pass's rewriter (or greedy driver config) as the
/// listener. It counts the ops under `root` whose attributes name each blob
/// (whatever the attribute's type);
/// new ops add to the counts. A blob an op was modified to refer to is never
/// released early (the listener cannot see what the op referred to before);
/// releaseDeadBlobs at the end of the pass still catches it.
class BlobReleaser : public RewriterBase::Listener {
public:
  explicit BlobReleaser(Operation *root) {
    root->walk([&](Operation *op) { count(op, +1); });
  }
  void notifyOperationInserted(Operation *op,
                               OpBuilder::InsertPoint previous) override {
    if (!previous.isSet()) // created, not moved
      count(op, +1);
  }
  void notifyOperationModified(Operation *op) override {
    for (NamedAttribute a : op->getAttrs())
      if (auto res = dyn_cast<DenseResourceElementsAttr>(a.getValue()))
        pinned.insert(blobOf(res));
  }
  void notifyOperationErased(Operation *op) override {
    for (NamedAttribute a : op->getAttrs()) {
      auto res = dyn_cast<DenseResourceElementsAttr>(a.getValue());
      if (!res)
        continue;
      auto it = counts.find(blobOf(res));
      if (it == counts.end() || --it->second > 0 || pinned.contains(blobOf(res)))
        continue;
      if (AsmResourceBlob *blob = res.getRawHandle().getBlob())
        if (!blob->getData().empty())
          res.getRawHandle().getResource()->setBlob(AsmResourceBlob());
    }
  }

private:
  void count(Operation *op, int64_t delta) {
    for (NamedAttribute a : op->getAttrs())
      if (auto res = dyn_cast<DenseResourceElementsAttr>(a.getValue()))
        counts[blobOf(res)] += delta;
  }
  llvm::DenseMap<const void *, int64_t> counts;
  llvm::DenseSet<const void *> pinned;
};

} // namespace mlir::kiln

#endif // KILN_PASSES_COMMON_RESOURCEBLOBS_H
