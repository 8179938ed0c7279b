// Names of the discardable attributes through which the ABI passes
// (entry rewriting, arena planning, wrapper emission, header emission)
// hand facts to each other.
#ifndef KILN_DIALECTS_KILN_ABIATTRS_H
#define KILN_DIALECTS_KILN_ABIATTRS_H

#include "llvm/ADT/StringRef.h"

namespace mlir::kiln {
inline constexpr llvm::StringLiteral kEntryAttr = "kiln.entry";
inline constexpr llvm::StringLiteral kNameAttr = "kiln.name";
/// Unit attribute on a model argument or result whose integers are unsigned
/// (kiln integers are signless; the header's dtype says uint8_t ...).
inline constexpr llvm::StringLiteral kUnsignedAttr = "kiln.unsigned";
inline constexpr llvm::StringLiteral kSourceAttr = "kiln.source";
inline constexpr llvm::StringLiteral kArenaAttr = "kiln.arena";
inline constexpr llvm::StringLiteral kArenaSizeAttr = "kiln.arena_size";
inline constexpr llvm::StringLiteral kArenaAlignmentAttr =
    "kiln.arena_alignment";
inline constexpr llvm::StringLiteral kNumInputsAttr = "kiln.num_inputs";
inline constexpr llvm::StringLiteral kNumOutputsAttr = "kiln.num_outputs";
/// Unit attribute on the module: the frontend imported one batch sample of a
/// model whose leading (batch) dimension is dynamic; every input and output
/// has leading dimension 1 and the entry point loops over the samples.
inline constexpr llvm::StringLiteral kDynamicBatchAttr = "kiln.dynamic_batch";
/// On the entry function of a dynamic-batch model: bytes of one sample of
/// each input and output, in argument order (DenseI64ArrayAttr).
inline constexpr llvm::StringLiteral kSampleBytesAttr = "kiln.sample_bytes";
/// On the entry function of a dynamic-batch model: the largest batch the
/// entry point accepts (I64Attr; 0 = no bound).
inline constexpr llvm::StringLiteral kMaxBatchAttr = "kiln.max_batch";
/// On the entry function: bytes of each input and output buffer, in
/// argument order (DenseI64ArrayAttr).
inline constexpr llvm::StringLiteral kBufferBytesAttr = "kiln.buffer_bytes";
/// Unit attribute on the entry function of a --target=cuda:* model: its
/// buffers and arena are device pointers and it launches GPU kernels.
inline constexpr llvm::StringLiteral kCudaAttr = "kiln.cuda";
/// On the lowered entry function of a CUDA model: bytes of device memory
/// <name>_run_host needs (arena, then every input and output). With a
/// dynamic batch: the bytes before the first buffer (the padded arena); each
/// buffer then takes its batch's bytes rounded up to kHostWorkspaceAlignment.
inline constexpr llvm::StringLiteral kHostWorkspaceSizeAttr =
    "kiln.host_workspace_size";
/// Alignment of each buffer in <name>_run_host's device workspace.
inline constexpr int64_t kHostWorkspaceAlignment = 256;
/// Unit attribute on a memref.alloc whose bytes must outlive every use the
/// IR shows, up to the end of the function: string storage, which string
/// elements (pointers) reference without the IR seeing an alias.
inline constexpr llvm::StringLiteral kLiveToEndAttr = "kiln.live_to_end";
/// Alignment of the arena and of every buffer carved from it (a cache line,
/// and enough for AVX-512 loads).
inline constexpr int64_t kArenaAlignment = 64;
} // namespace mlir::kiln

#endif // KILN_DIALECTS_KILN_ABIATTRS_H
