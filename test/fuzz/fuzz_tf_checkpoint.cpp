// Fuzzes the TensorBundle checkpoint reader: arbitrary bytes as
// variables.index (with an empty data shard beside it), opened and every
// listed tensor read back.
#include "test/fuzz/FuzzCommon.h"

#include "compiler/frontends/tf/Checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string prefix = kiln::fuzz::scratchDir() + "/variables";
  static const bool shard =
      kiln::fuzz::writeFile(prefix + ".data-00000-of-00001", nullptr, 0);
  (void)shard;
  if (!kiln::fuzz::writeFile(prefix + ".index", data, size))
    return 0;
  auto ckpt = kiln::tf::Checkpoint::open(prefix);
  if (!ckpt) {
    llvm::consumeError(ckpt.takeError());
    return 0;
  }
  for (const std::string &key : ckpt->keys()) {
    auto tensor = ckpt->read(key);
    if (!tensor)
      llvm::consumeError(tensor.takeError());
  }
  return 0;
}
