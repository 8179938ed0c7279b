// Building kiln ops from importer code: generic creation with type
// inference and verification that turns every failure into one error, and
// reading the contents of small constants (shape operands).
#ifndef KILN_COMPILER_FRONTENDS_COMMON_OPCREATE_H
#define KILN_COMPILER_FRONTENDS_COMMON_OPCREATE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace kiln {

/// Creates `opName` with `operands` and `attrs`. Without `resultType`, the
/// op's InferTypeOpInterface computes it. The op is verified alone; on
/// failure it is erased and the collected messages go to one error made by
/// `emitError` (which prefixes the node).
mlir::FailureOr<mlir::Value>
createKilnOp(mlir::OpBuilder &builder, mlir::Location loc,
             llvm::StringRef opName, mlir::ValueRange operands,
             llvm::ArrayRef<mlir::NamedAttribute> attrs, mlir::Type resultType,
             llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// Integer / float contents of a kiln.constant (through kiln.identity), or
/// nullopt when `v` is not a constant of that kind.
std::optional<llvm::SmallVector<int64_t>> constantIntsOf(mlir::Value v);
std::optional<llvm::SmallVector<double>> constantFloatsOf(mlir::Value v);

} // namespace kiln

#endif // KILN_COMPILER_FRONTENDS_COMMON_OPCREATE_H
