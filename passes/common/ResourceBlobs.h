// Giving back the memory of weight blobs a pass has replaced.
#ifndef KILN_PASSES_COMMON_RESOURCEBLOBS_H
#define KILN_PASSES_COMMON_RESOURCEBLOBS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::kiln {

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
