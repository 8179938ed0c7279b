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
/// Alignment of the arena and of every buffer carved from it (a cache line,
/// and enough for AVX-512 loads).
inline constexpr int64_t kArenaAlignment = 64;
} // namespace mlir::kiln

#endif // KILN_DIALECTS_KILN_ABIATTRS_H
