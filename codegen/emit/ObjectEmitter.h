// Translates an LLVM-dialect module to LLVM IR and emits x86-64 assembly or
// an object file in-process through llvm::TargetMachine.
#ifndef KILN_CODEGEN_EMIT_OBJECTEMITTER_H
#define KILN_CODEGEN_EMIT_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/Timing.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>

namespace kiln {

/// A resolved CPU target: `--target=x86-64|x86-64-v2|x86-64-v3|x86-64-v4|native`.
struct CpuTarget {
  std::string triple = "x86_64-unknown-linux-gnu";
  std::string cpu = "x86-64";
  std::string features;
  /// Vector registers the code generator may assume: their width in bits
  /// and how many there are (SSE/AVX2: 16, AVX-512: 32).
  int64_t vectorBits = 128;
  int64_t vectorRegisters = 16;
  /// The widest vectors the target has (vectorBits may choose less).
  int64_t widestVectorBits = 128;
};

/// Resolves a --target value; nullopt for an unknown target.
std::optional<CpuTarget> resolveCpuTarget(llvm::StringRef name);

/// The --target values resolveCpuTarget accepts, for messages.
llvm::StringRef knownCpuTargets();

enum class ObjectKind { LLVMIR, Assembly, Object };

/// Translates `module` (LLVM dialect only) to optimized LLVM IR for `target`
/// (O3 with the target's cost model) and writes it in `kind` form to `os`.
/// Errors go to the module's diagnostic engine. Consumes the module: once
/// translated, its operations are erased and its weight blobs' data is
/// released. In an object file, weights over 4 KB skip LLVM and are written
/// into their own section (WeightSection.h) under symbols
/// `<symbolPrefix>_kiln_w<N>`, first: where `os` cannot seek (a pipe), the
/// object is put together in memory. Steps
/// are timed under `timing` (a no-op scope unless --time-report).
mlir::LogicalResult emitObject(mlir::ModuleOp module, const CpuTarget &target,
                               ObjectKind kind, llvm::StringRef symbolPrefix,
                               llvm::raw_fd_ostream &os,
                               mlir::TimingScope &timing);

} // namespace kiln

#endif // KILN_CODEGEN_EMIT_OBJECTEMITTER_H
