// Compilation phases and the pass pipeline that reaches each of them.
// Every pipeline is registered so `kiln-opt --kiln-<phase>-pipeline`
// reproduces a step of `kiln compile` in lit.
#ifndef KILN_COMPILER_PIPELINES_PIPELINES_H
#define KILN_COMPILER_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <optional>

namespace kiln {

/// Phases in order. Each names the IR that exists when it is reached.
enum class Phase {
  Import,     // kiln ops as the frontend produced them
  Graph,      // kiln ops, canonicalized
  Fused,      // linalg on tensors, elementwise chains fused
  Tiled,      // linalg on tensors, with the target's tiling applied
  Bufferized, // memrefs in destination-passing style, intermediates in the arena
  LLVM,       // LLVM dialect with the exported C wrappers
  Artifact,   // object file and header (not an IR phase)
};

std::optional<Phase> parsePhase(llvm::StringRef name);
llvm::StringRef phaseName(Phase phase);

struct PipelineOptions : mlir::PassPipelineOptions<PipelineOptions> {
  Option<std::string> name{*this, "name",
                           llvm::cl::desc("C symbol prefix of the model"),
                           llvm::cl::init("model")};
  Option<int64_t> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Width of the target's vector registers"),
      llvm::cl::init(128)};
  Option<int64_t> vectorRegisters{
      *this, "vector-registers",
      llvm::cl::desc("Number of vector registers of the target"),
      llvm::cl::init(16)};
  Option<int64_t> threads{
      *this, "threads",
      llvm::cl::desc("Threads a model call may use: 0 = as many as the "
                     "runtime allows, 1 = single-threaded code, N = at most "
                     "N tasks per parallel loop"),
      llvm::cl::init(0)};
  Option<std::string> cudaChip{
      *this, "cuda-chip",
      llvm::cl::desc("NVIDIA GPU to generate kernels for (sm_80, sm_86, "
                     "sm_89, sm_90); empty: x86 code"),
      llvm::cl::init("")};
  Option<bool> cudaCubin{
      *this, "cuda-cubin",
      llvm::cl::desc("Embed kernels as a cubin assembled by the CUDA "
                     "toolkit's ptxas instead of PTX"),
      llvm::cl::init(false)};
  Option<bool> cudaSimulate{
      *this, "cuda-simulate",
      llvm::cl::desc("Compile the kernels for the host CPU, for the "
                     "kiln-cusim test driver, instead of PTX"),
      llvm::cl::init(false)};
  Option<std::string> precision{
      *this, "precision",
      llvm::cl::desc("Multiplication type of GPU matmuls and convolutions: "
                     "fp32, tf32, fp16 or bf16"),
      llvm::cl::init("fp32")};
  Option<std::string> cudaGemmTile{
      *this, "cuda-gemm-tile",
      llvm::cl::desc("Tensor-core tile MxNxK for every GPU GEMM instead of "
                     "the per-GEMM choice (for tuning); empty: choose"),
      llvm::cl::init("")};
  Option<bool> f32Activations{
      *this, "f32-activations",
      llvm::cl::desc("With precision fp16 or bf16: keep the tensors between "
                     "GPU kernels in f32 instead of the precision's type"),
      llvm::cl::init(false)};
  Option<int64_t> maxStringBytes{
      *this, "max-string-bytes",
      llvm::cl::desc("Arena bytes per string-producing op for its output "
                     "strings"),
      llvm::cl::init(65536)};
};

/// Appends the passes that take IR from phase `phase - 1` to `phase`.
void buildPhasePipeline(mlir::OpPassManager &pm, Phase phase,
                        const PipelineOptions &options);

/// Appends every phase after Import up to and including `last`.
void buildPipelineTo(mlir::OpPassManager &pm, Phase last,
                     const PipelineOptions &options);

/// Registers kiln-<phase>-pipeline for each phase and kiln-cpu-pipeline
/// (import to LLVM).
void registerPipelines();

} // namespace kiln

#endif // KILN_COMPILER_PIPELINES_PIPELINES_H
