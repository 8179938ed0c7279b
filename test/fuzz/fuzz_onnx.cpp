// Fuzzes the ONNX importer: arbitrary bytes as a binary .onnx model, parsed
// from memory and imported into the kiln dialect. Any outcome but a clean
// success or failure (a crash, a sanitizer report, a hang) is a bug.
#include "test/fuzz/FuzzCommon.h"

#include "compiler/frontends/onnx/OnnxImporter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto buffer = llvm::MemoryBuffer::getMemBuffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.onnx",
      /*RequiresNullTerminator=*/false);
  kiln::OnnxImportOptions options;
  options.contents = buffer.get();
  // External data resolves next to the model: an empty scratch directory.
  std::string path = kiln::fuzz::scratchDir() + "/fuzz.onnx";
  (void)kiln::importOnnxModel(kiln::fuzz::context(), path, options);
  return 0;
}
