// Large weights bypass LLVM: their bytes go from the MLIR blobs straight into
// a section kiln appends to the ELF object LLVM wrote for the code.
//
// Through LLVM, every weight would exist three times while the object is
// written (the MLIR blob, an llvm::ConstantDataArray, the MC section buffer).
// Instead the code refers to each large weight as an undefined hidden symbol;
// after code generation, writeObjectWithWeights defines those symbols in a new
// `.lrodata.kiln` section (SHF_ALLOC | SHF_X86_64_LARGE, like LLVM's own
// large-data sections in the medium code model) and streams the bytes out, so
// compilation holds one copy of the weights.
#ifndef KILN_CODEGEN_EMIT_WEIGHTSECTION_H
#define KILN_CODEGEN_EMIT_WEIGHTSECTION_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>

namespace kiln {

/// A weight detached from the LLVM module: the symbol the code refers to and
/// the bytes (owned by the MLIR context's resource blob) that define it.
struct DetachedWeight {
  std::string symbol;
  llvm::ArrayRef<char> bytes;
  uint64_t alignment = 1;
};

/// Section the detached weights are written to.
inline constexpr const char *kWeightSectionName = ".lrodata.kiln";

/// Turns every constant llvm.mlir.global larger than `threshold` bytes whose
/// value is a dense_resource blob into an external hidden declaration named
/// `<symbolPrefix>_kiln_w<N>` in the `.lrodata` (large data) section, and
/// returns the detached bytes in module order. The blobs stay alive in the
/// context until the object is written.
llvm::SmallVector<DetachedWeight> detachLargeWeights(mlir::ModuleOp module,
                                                     llvm::StringRef symbolPrefix,
                                                     uint64_t threshold);

/// Writes `buffer` (an x86-64 ELF relocatable object) to `os` with the
/// weights appended as one more section that defines their symbols (the
/// buffer's symbol table and header are patched in place). Weights
/// the object does not refer to are left out. Errors name what in the
/// object was unexpected.
llvm::Error writeObjectWithWeights(llvm::MutableArrayRef<char> buffer,
                                   llvm::ArrayRef<DetachedWeight> weights,
                                   llvm::raw_ostream &os);

} // namespace kiln

#endif // KILN_CODEGEN_EMIT_WEIGHTSECTION_H
