// Shared by the fuzz targets: a context with the dialects the importers
// create, diagnostics swallowed (bad input must fail cleanly, not loudly),
// and a scratch file for readers that take paths.
#ifndef KILN_TEST_FUZZ_FUZZCOMMON_H
#define KILN_TEST_FUZZ_FUZZCOMMON_H

#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <string>
#include <unistd.h>

// libLLVM and libMLIR are not instrumented, but the LLVM allocator
// templates kiln's own code instantiates are: a BumpPtrAllocator slab that
// kiln's code starts is poisoned whole (llvm/Support/Allocator.h), and the
// pieces uninstrumented libMLIR later carves from it are never unpoisoned,
// so ASan reports use-after-poison on valid memory (first seen once inputs
// shared a context). Ignore manual poisoning; ASan's own checks remain.
// (Defined here, not inline: each fuzz target is one source file.)
extern "C" __attribute__((used)) const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}

namespace kiln::fuzz {

/// A fresh context per input, so no state leaks from one input to the next.
inline std::unique_ptr<mlir::MLIRContext> makeContext() {
  mlir::DialectRegistry registry;
  registry.insert<mlir::kiln::KilnDialect, mlir::func::FuncDialect>();
  auto ctx = std::make_unique<mlir::MLIRContext>(
      registry, mlir::MLIRContext::Threading::DISABLED);
  ctx->loadAllAvailableDialects();
  ctx->getDiagEngine().registerHandler([](mlir::Diagnostic &) {});
  return ctx;
}

/// Inputs that share one context before it is rebuilt.
constexpr unsigned kInputsPerContext = 1000;

/// The context for the next input: shared by up to kInputsPerContext
/// consecutive inputs (each imports into its own module), then dropped with
/// everything it uniqued and every weight blob it holds, and rebuilt. One
/// context per input spent nine tenths of the run registering the dialects'
/// ops (under ASan): under 1,000 inputs/s even for empty ones.
inline mlir::MLIRContext &context() {
  static std::unique_ptr<mlir::MLIRContext> ctx;
  static unsigned uses = 0;
  if (!ctx || ++uses == kInputsPerContext) {
    ctx.reset();
    ctx = makeContext();
    uses = 0;
  }
  return *ctx;
}

/// A per-process scratch directory under $TMPDIR (or /tmp).
inline const std::string &scratchDir() {
  static const std::string dir = [] {
    const char *tmp = getenv("TMPDIR");
    std::string d = std::string(tmp ? tmp : "/tmp") + "/kiln-fuzz-" +
                    std::to_string(getpid());
    llvm::sys::fs::create_directories(d);
    return d;
  }();
  return dir;
}

/// Writes `data` to `path`; false on an I/O error.
inline bool writeFile(const std::string &path, const uint8_t *data,
                      size_t size) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return false;
  os.write(reinterpret_cast<const char *>(data), size);
  return !os.has_error();
}

} // namespace kiln::fuzz

#endif // KILN_TEST_FUZZ_FUZZCOMMON_H
