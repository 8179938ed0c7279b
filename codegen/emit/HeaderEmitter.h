// Writes the C header that accompanies a compiled model object: constants,
// the typed entry point and a descriptor, against runtime/include/kiln/abi.h.
// Pure C++17 (std only) so it can be tested without LLVM.
#ifndef KILN_CODEGEN_EMIT_HEADEREMITTER_H
#define KILN_CODEGEN_EMIT_HEADEREMITTER_H

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

/// Element type of a model tensor; values match kiln_dtype_t in abi.h.
enum class DType {
  F32 = 1,
  F64,
  F16,
  BF16,
  I8,
  I16,
  I32,
  I64,
  U8,
  U16,
  U32,
  U64,
  Bool,
  String ///< const char * to NUL-terminated UTF-8
};

/// One model input or output. A negative dimension is dynamic.
struct TensorSignature {
  std::string name; ///< name in the source model; any bytes
  DType dtype;
  std::vector<int64_t> shape;
};

/// What the generated header describes.
struct ModelSignature {
  std::string name;   ///< C identifier prefix, e.g. "mnist" (sanitized anyway)
  std::string source; ///< input model path as the user gave it (for a comment)
  std::vector<TensorSignature> inputs, outputs;
  uint64_t arenaSize = 0, arenaAlignment = 64;
  /// The leading dimension of every tensor (-1 in `shape`) is the batch,
  /// given to the entry points at run time, at most maxBatch (0: no bound).
  bool dynamicBatch = false;
  int64_t maxBatch = 0;
  /// NVIDIA GPU the kernels were compiled for ("sm_90"), or empty for x86:
  /// every buffer and the arena are then CUDA device pointers.
  std::string cudaChip;
  /// CUDA models: device bytes <name>_run_host needs; with a dynamic batch,
  /// those before the first buffer (each buffer then takes its batch's bytes,
  /// rounded up to 256).
  uint64_t hostWorkspaceSize = 0, hostWorkspaceAlignment = 256;
  /// Dynamic batch: bytes of one sample of each input, then each output.
  std::vector<int64_t> sampleBytes;
};

/// Returns the complete text of `<name>.h`: deterministic for a given
/// signature and version (no timestamps, no paths other than `source`),
/// valid C99 and C++11.
std::string emitHeader(const ModelSignature &sig,
                       const std::string &kilnVersion);

/// C element type used in the typed entry point: "float", "double",
/// "uint16_t" for f16/bf16, "int8_t" ... "uint64_t", "uint8_t" for bool.
/// Returns "void" for a value outside the enum.
std::string cTypeFor(DType dtype);

/// Returns the conventional dtype name ("float32", "bfloat16", "bool" ...),
/// as kiln_dtype_name() does at run time.
std::string dtypeName(DType dtype);

/// Returns the C identifier prefix the header uses for `name`: non-alnum
/// bytes become '_'; a leading digit or '_' gets "model_" in front; an empty
/// result becomes "model".
std::string cModelName(const std::string &name);

/// Parameter names of `<name>_run`, inputs then outputs: each tensor name
/// with non-alnum bytes turned into '_' and a leading digit prefixed by '_'
/// ("in<i>"/"out<i>" if nothing alphanumeric is left). Names that are C/C++
/// keywords, standard type or macro names, a macro the header defines,
/// `arena`, or an earlier parameter get "_1", "_2" ... appended.
std::vector<std::string> cParameterNames(const ModelSignature &sig);

} // namespace kiln

#endif // KILN_CODEGEN_EMIT_HEADEREMITTER_H
