// --input-shape=name=D0,D1,... for both frontends: parsing, binding the
// unknown dimensions of one graph input, and rejecting specs that name no
// input.
#ifndef KILN_COMPILER_FRONTENDS_COMMON_INPUTSHAPES_H
#define KILN_COMPILER_FRONTENDS_COMMON_INPUTSHAPES_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <string>
#include <vector>

namespace kiln {

class InputShapes {
public:
  /// Parses every spec; a malformed one, a negative dimension or a second
  /// spec for the same input is an error at `loc`.
  mlir::LogicalResult parse(llvm::ArrayRef<std::string> specs,
                            mlir::Location loc);

  /// When a spec names `input`, checks it against the declared `shape`
  /// (-1 for an unknown dimension; ignored when `unknownRank`), replaces
  /// `shape` with it and returns true; false when no spec names `input`.
  mlir::FailureOr<bool> bind(llvm::StringRef input,
                             llvm::SmallVectorImpl<int64_t> &shape,
                             bool unknownRank, mlir::Location loc);

  /// Whether a spec names `input`.
  bool names(llvm::StringRef input) const;

  /// Errors for specs that named no input; `inputs` lists the graph's.
  mlir::LogicalResult checkAllBound(llvm::ArrayRef<std::string> inputs,
                                    mlir::Location loc) const;

private:
  struct Spec {
    std::string text, name;
    llvm::SmallVector<int64_t> dims;
    bool bound = false;
  };
  std::vector<Spec> specs;
};

} // namespace kiln

#endif // KILN_COMPILER_FRONTENDS_COMMON_INPUTSHAPES_H
