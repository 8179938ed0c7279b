// kiln-tf-checkpoint-dump: lists a TensorBundle checkpoint (the variables of
// a TF2 SavedModel), reading and checksumming every tensor. For tests and for
// looking inside a checkpoint.
#include "compiler/frontends/tf/Checkpoint.h"
#include "compiler/frontends/tf/proto/types.pb.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>

using namespace llvm;
using namespace kiln;

static float halfToFloat(uint16_t h) {
  int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  float magnitude;
  if (exponent == 0)
    magnitude = std::ldexp(float(mantissa), -24);
  else if (exponent == 31)
    magnitude = mantissa ? NAN : INFINITY;
  else
    magnitude = std::ldexp(float(mantissa | 0x400), exponent - 25);
  return (h & 0x8000) ? -magnitude : magnitude;
}

static float bfloat16ToFloat(uint16_t b) {
  uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

/// Sum of a floating-point tensor's elements; false for other dtypes.
static bool floatSum(const tf::CheckpointTensor &t, double &sum) {
  const uint8_t *p = reinterpret_cast<const uint8_t *>(t.data.data());
  size_t n = t.data.size();
  sum = 0;
  switch (t.dtype) {
  case tfproto::DT_FLOAT:
    for (size_t i = 0; i + 4 <= n; i += 4) {
      uint32_t bits = support::endian::read32le(p + i);
      float f;
      std::memcpy(&f, &bits, sizeof(f));
      sum += f;
    }
    return true;
  case tfproto::DT_DOUBLE:
    for (size_t i = 0; i + 8 <= n; i += 8) {
      uint64_t bits = support::endian::read64le(p + i);
      double d;
      std::memcpy(&d, &bits, sizeof(d));
      sum += d;
    }
    return true;
  case tfproto::DT_HALF:
    for (size_t i = 0; i + 2 <= n; i += 2)
      sum += halfToFloat(support::endian::read16le(p + i));
    return true;
  case tfproto::DT_BFLOAT16:
    for (size_t i = 0; i + 2 <= n; i += 2)
      sum += bfloat16ToFloat(support::endian::read16le(p + i));
    return true;
  default:
    return false;
  }
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::opt<std::string> prefix(
      cl::Positional, cl::Required,
      cl::desc("<checkpoint prefix, e.g. saved_model/variables/variables>"));
  cl::ParseCommandLineOptions(
      argc, argv,
      "Lists every tensor of a TensorFlow TensorBundle checkpoint: key, "
      "dtype, shape, byte size, and the sum of floating-point tensors.\n");

  auto fail = [](Error e) {
    WithColor::error(errs(), "kiln-tf-checkpoint-dump")
        << toString(std::move(e)) << "\n";
    return 1;
  };
  auto ckpt = tf::Checkpoint::open(prefix);
  if (!ckpt)
    return fail(ckpt.takeError());

  outs() << "num_shards " << ckpt->numShards() << "\n";
  for (const std::string &key : ckpt->keys()) {
    const tf::CheckpointEntry *entry = ckpt->lookup(key);
    // Keys of tensor slices end in binary; escape them.
    printEscapedString(key, outs());
    outs() << ": " << tf::dtypeName(entry->dtype) << " [";
    interleave(entry->shape, outs(), ",");
    outs() << "]";
    if (entry->partitioned) {
      outs() << " partitioned\n";
      continue;
    }
    outs() << " " << entry->size << " bytes";
    if (entry->dtype == tfproto::DT_RESOURCE ||
        entry->dtype == tfproto::DT_VARIANT) {
      outs() << "\n";
      continue;
    }
    auto tensor = ckpt->read(key);
    if (!tensor) {
      outs() << "\n";
      outs().flush();
      return fail(tensor.takeError());
    }
    double sum;
    if (floatSum(*tensor, sum))
      outs() << " sum " << format("%.6g", sum);
    if (tensor->dtype == tfproto::DT_STRING)
      outs() << " " << tensor->strings.size() << " strings";
    outs() << "\n";
  }
  return 0;
}
