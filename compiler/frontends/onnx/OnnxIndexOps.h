// Helpers shared by the ONNX index, loss and einsum converters
// (OnnxIndexOps.cpp, OnnxLossOps.cpp, OnnxEinsum.cpp). Private to
// compiler/frontends/onnx.
#ifndef KILN_COMPILER_FRONTENDS_ONNX_ONNXINDEXOPS_H
#define KILN_COMPILER_FRONTENDS_ONNX_ONNXINDEXOPS_H

#include "compiler/frontends/onnx/OnnxInternal.h"

namespace kiln::onnximport {

/// `op` (a binary kiln op) of two values, passing failures on.
mlir::FailureOr<mlir::Value> binaryOp(NodeImporter &n, llvm::StringRef op,
                                      mlir::FailureOr<mlir::Value> lhs,
                                      mlir::FailureOr<mlir::Value> rhs);
/// kiln.select, passing failures on.
mlir::FailureOr<mlir::Value> selectOp(NodeImporter &n,
                                      mlir::FailureOr<mlir::Value> cond,
                                      mlir::FailureOr<mlir::Value> onTrue,
                                      mlir::FailureOr<mlir::Value> onFalse);
/// A constant [1, .., size, .., 1] (size at `axis` of `rank` dims) of the
/// integer `element` type holding 0, 1, .., size - 1.
mlir::FailureOr<mlir::Value> indexRamp(NodeImporter &n, mlir::Type element,
                                       int64_t size, int64_t rank,
                                       int64_t axis);
/// `op` (a kiln.reduce_*) over every dim of `v`, to a rank-0 tensor.
mlir::FailureOr<mlir::Value> reduceAll(NodeImporter &n, llvm::StringRef op,
                                       mlir::Value v);

void registerLossOps(OpTable &table); // OnnxLossOps.cpp
void registerEinsum(OpTable &table);  // OnnxEinsum.cpp
void registerStringOps(OpTable &table); // OnnxStringOps.cpp

} // namespace kiln::onnximport

#endif // KILN_COMPILER_FRONTENDS_ONNX_ONNXINDEXOPS_H
