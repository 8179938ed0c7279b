// Public entry point of the TensorFlow frontend: a TF2 SavedModel directory
// or a frozen GraphDef (.pb / .pbtxt) -> one func.func of kiln ops.
#ifndef KILN_COMPILER_FRONTENDS_TF_TFIMPORTER_H
#define KILN_COMPILER_FRONTENDS_TF_TFIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace kiln {

struct TfImportOptions {
  /// Symbol name of the imported function.
  std::string functionName = "main";
  /// SavedModel: the SignatureDef key; empty means "serving_default".
  std::string signature;
  /// Frozen GraphDef: input and output tensors, "node" or "node:index".
  std::vector<std::string> inputs, outputs;
  /// Shapes for inputs whose shape the model leaves open: "name=2,784"
  /// (name is the signature key or the graph input name).
  std::vector<std::string> inputShapes;
  /// Size for every unknown leading (batch) dimension; 0 = not set.
  int64_t batch = 0;
  /// Import one sample of a batch-major model: every input's leading
  /// dimension becomes 1 and the module gets kiln.dynamic_batch.
  bool dynamicBatch = false;
  /// Size the leading dimension gets under dynamic batch (see
  /// OnnxImportOptions::sampleBatch).
  int64_t sampleBatch = 1;
};

/// True if `path` looks like a TensorFlow model: a directory (SavedModel),
/// or a file ending in .pb / .pbtxt.
bool isTensorFlowModel(llvm::StringRef path);

/// Imports the model. Same output contract as importOnnxModel: one public
/// func whose arguments/results carry `kiln.name` (the signature keys, sorted,
/// or the GraphDef tensor names), static shapes, a NameLoc per op naming the
/// TF node (inlined function bodies as "call/inner"), weights read from the
/// checkpoint as kiln.constant. Errors go through the context's diagnostic
/// engine; unsupported ops are all reported in one error.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importTensorFlowModel(mlir::MLIRContext &ctx, llvm::StringRef path,
                      const TfImportOptions &options);

} // namespace kiln

#endif // KILN_COMPILER_FRONTENDS_TF_TFIMPORTER_H
