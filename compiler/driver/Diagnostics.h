// Formats MLIR diagnostics for users: the model file, the source node, the
// message; one line per error.
#ifndef KILN_COMPILER_DRIVER_DIAGNOSTICS_H
#define KILN_COMPILER_DRIVER_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"

namespace kiln {

/// Prints every diagnostic of `ctx` to stderr while alive; counts errors.
class UserDiagnosticHandler {
public:
  explicit UserDiagnosticHandler(mlir::MLIRContext &ctx);
  ~UserDiagnosticHandler();
  unsigned errorCount() const { return errors; }

private:
  mlir::MLIRContext &ctx;
  mlir::DiagnosticEngine::HandlerID id;
  unsigned errors = 0;
};

/// "file: node 'name'" (or what part of it is known) for a location; the
/// node is left out when `message` already names it.
std::string describeLocation(mlir::Location loc, llvm::StringRef message = "");

} // namespace kiln

#endif // KILN_COMPILER_DRIVER_DIAGNOSTICS_H
