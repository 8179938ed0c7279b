// Large weights bypass LLVM: their bytes go from the MLIR blobs straight into
// a section kiln appends to the ELF object LLVM wrote for the code.
//
// Through LLVM, every weight would exist three times while the object is
// written (the MLIR blob, an llvm::ConstantDataArray, the MC section buffer).
// Instead the code refers to each large weight as an undefined hidden symbol;
// the weights are written to the output before code generation (and their
// blobs freed), and after it writeObjectAfterWeights puts the code behind
// them and defines those symbols in a new `.lrodata.kiln` section
// (SHF_ALLOC | SHF_X86_64_LARGE, like LLVM's own large-data sections in the
// medium code model), so compilation holds at most one copy of the weights,
// and none while LLVM optimizes and generates code.
#ifndef KILN_CODEGEN_EMIT_WEIGHTSECTION_H
#define KILN_CODEGEN_EMIT_WEIGHTSECTION_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>

namespace kiln {

/// A weight detached from the LLVM module: the symbol the code refers to and
/// the bytes (owned by the MLIR context's resource blob, `handle`) that
/// define it.
struct DetachedWeight {
  std::string symbol;
  llvm::ArrayRef<char> bytes;
  uint64_t alignment = 1;
  mlir::DenseResourceElementsHandle handle;
};

/// Section the detached weights are written to.
inline constexpr const char *kWeightSectionName = ".lrodata.kiln";

/// Turns every constant llvm.mlir.global larger than `threshold` bytes whose
/// value is a dense_resource blob into an external hidden declaration named
/// `<symbolPrefix>_kiln_w<N>` in the `.lrodata` (large data) section, and
/// returns the detached bytes in module order. The blobs stay alive in the
/// context until the caller frees them (after writeWeightsFirst).
llvm::SmallVector<DetachedWeight> detachLargeWeights(mlir::ModuleOp module,
                                                     llvm::StringRef symbolPrefix,
                                                     uint64_t threshold);

/// Where writeWeightsFirst put the detached weights in the output.
struct WeightLayout {
  llvm::SmallVector<std::string> symbols;
  llvm::SmallVector<uint64_t> offsets, sizes; ///< within the section
  uint64_t start = 0;     ///< stream position of the object's first byte
  uint64_t sectionAt = 0; ///< of the section, from `start`
  uint64_t size = 0, alignment = 1;
};

/// Writes room for the ELF header, then every weight, to `os` and returns
/// where they went, so that their blobs can be freed before code generation
/// (the weights are no longer in memory while LLVM runs).
WeightLayout writeWeightsFirst(llvm::ArrayRef<DetachedWeight> weights,
                               llvm::raw_pwrite_stream &os);

/// Writes `buffer` (an x86-64 ELF relocatable object: the code) after the
/// weights writeWeightsFirst wrote to `os`, with its sections moved behind
/// them, defines the weight symbols the code refers to in one more section
/// that holds the weights (the buffer's symbol table is patched in place),
/// and writes the combined ELF header into the room left for it (`os` must
/// take a pwrite there). A weight the code does not refer to keeps its bytes
/// but gets no symbol. Errors name what in the object was unexpected.
llvm::Error writeObjectAfterWeights(llvm::MutableArrayRef<char> buffer,
                                    const WeightLayout &layout,
                                    llvm::raw_pwrite_stream &os);

} // namespace kiln

#endif // KILN_CODEGEN_EMIT_WEIGHTSECTION_H
