// Public entry point of the ONNX frontend: an .onnx (binary protobuf) or
// .onnxtext (ONNX text format) model -> one func.func of kiln ops.
#ifndef KILN_COMPILER_FRONTENDS_ONNX_ONNXIMPORTER_H
#define KILN_COMPILER_FRONTENDS_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include "llvm/Support/MemoryBuffer.h"

#include <string>
#include <vector>

namespace kiln {

struct OnnxImportOptions {
  /// Symbol name of the imported function.
  std::string functionName = "main";
  /// Size for every unknown leading (batch) dimension of the graph inputs;
  /// 0 = not set.
  int64_t batch = 0;
  /// Shapes for inputs whose dimensions the model leaves open
  /// ("name=D0,D1,..."; --input-shape).
  std::vector<std::string> inputShapes;
  /// Import one sample of a batch-major model: every input's leading
  /// dimension becomes 1 and the module gets kiln.dynamic_batch. Also
  /// chosen, when `batch` is 0, for a model whose inputs leave the leading
  /// dimension symbolic.
  bool dynamicBatch = false;
  /// Size the leading dimension gets under dynamic batch: 1 for the compiled
  /// sample; the driver imports once more with another size to prove that
  /// nothing but that dimension depends on it.
  int64_t sampleBatch = 1;
  /// The model's bytes, when they are already in memory (fuzzing, tools);
  /// `path` then only names the model in diagnostics and locates external
  /// data.
  const llvm::MemoryBuffer *contents = nullptr;
};

/// Reads `path` (.onnx binary, or ONNX text format when the file ends in
/// .onnxtext) and returns a module with one public func. Reports every
/// problem through the context's diagnostic engine (mlir::emitError) and
/// returns failure; never crashes or asserts on bad input.
///
/// Output contract:
///  - `func.func @<functionName>` takes the graph inputs that are not
///    initializers (graph order) and returns the graph outputs (graph order);
///    arguments and results carry `kiln.name = "<onnx name>"`; the module
///    carries `kiln.source = "<path>"`.
///  - Shapes are static; every op has loc `NameLoc(node name or
///    "<OpType>_<index>", FileLineColLoc(path, 0, 0))`.
///  - Initializers and Constant nodes are `kiln.constant`: DenseElementsAttr
///    up to 64 elements, DenseResourceElementsAttr above.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importOnnxModel(mlir::MLIRContext &ctx, llvm::StringRef path,
                const OnnxImportOptions &options);

} // namespace kiln

#endif // KILN_COMPILER_FRONTENDS_ONNX_ONNXIMPORTER_H
