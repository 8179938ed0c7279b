// Weight and constant tensors for the frontends: raw little-endian bytes ->
// ElementsAttr, inline when small (so folders see them), a dense resource
// blob when large (so megabytes stay out of the printed IR).
#ifndef KILN_COMPILER_FRONTENDS_COMMON_ELEMENTS_H
#define KILN_COMPILER_FRONTENDS_COMMON_ELEMENTS_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringSet.h"

#include <string>

namespace kiln {

/// Tensors with more elements than this become dense resources.
constexpr int64_t kMaxInlineElements = 64;

class ElementsBuilder {
public:
  /// `bytes` holds the row-major elements of `type` (one byte per i1).
  /// `what` names the tensor in errors; `blobHint` seeds the blob name.
  mlir::FailureOr<mlir::ElementsAttr> fromBytes(mlir::RankedTensorType type,
                                                llvm::ArrayRef<char> bytes,
                                                llvm::StringRef what,
                                                llvm::StringRef blobHint,
                                                mlir::Location loc);

  /// A blob name derived from `hint` ([A-Za-z0-9_]) not used before.
  std::string uniqueBlobName(llvm::StringRef hint);

private:
  llvm::StringSet<> blobNames;
};

} // namespace kiln

#endif // KILN_COMPILER_FRONTENDS_COMMON_ELEMENTS_H
