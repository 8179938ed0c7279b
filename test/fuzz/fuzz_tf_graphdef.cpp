// Fuzzes the TensorFlow frontend on frozen GraphDefs: arbitrary bytes as a
// binary .pb, imported as `kiln compile model.pb --inputs=x
// --outputs=Identity --batch=2` would (the names the seed corpus uses), so
// parsing, demand-driven op conversion and shape folding all run.
#include "test/fuzz/FuzzCommon.h"

#include "compiler/frontends/tf/TfImporter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = kiln::fuzz::scratchDir() + "/model.pb";
  if (!kiln::fuzz::writeFile(path, data, size))
    return 0;
  kiln::TfImportOptions options;
  options.inputs = {"x"};
  options.outputs = {"Identity"};
  options.batch = 2;
  (void)kiln::importTensorFlowModel(kiln::fuzz::context(), path, options);
  return 0;
}
