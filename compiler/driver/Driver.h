// The compile driver: load a model, run the pipeline to the requested phase,
// write the outputs. Every tool main is a few lines over this.
#ifndef KILN_COMPILER_DRIVER_DRIVER_H
#define KILN_COMPILER_DRIVER_DRIVER_H

#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

struct CompileOptions {
  std::string input;          // .onnx, .onnxtext, SavedModel dir, .pb, .pbtxt
  std::string output;         // "-" for stdout (text emits only)
  std::string header;         // header path; empty: output with .h
  std::string name;           // C symbol prefix; empty: from the input name
  std::string target = "x86-64";
  std::string emit = "obj";   // mlir | llvm | asm | obj
  std::string compileTo = "artifact";
  // TensorFlow: SavedModel signature; GraphDef input/output tensors.
  std::string signature;
  std::vector<std::string> inputs, outputs;
  // Shapes for inputs the model leaves open ("name=2,784") and the size of
  // every unknown leading dimension (0 = unset).
  std::vector<std::string> inputShapes;
  int64_t batch = 0;
  // One object for any batch size: the leading dimension of every input and
  // output is the batch, given at run time (at most maxBatch; 0 = no bound).
  bool dynamicBatch = false;
  int64_t maxBatch = 0;
  // Threads one call may use: 0 = the runtime's setting, 1 = serial code,
  // N = at most N tasks per parallel loop.
  int64_t threads = 0;
  // Widest vectors the CPU code uses: 0 = the target's choice, else 128,
  // 256 or 512 (at most what the target has).
  int64_t vectorBits = 0;
  // CUDA targets: embed a cubin assembled by ptxas instead of PTX.
  bool cudaCubin = false;
  // CUDA targets: kernels compiled for the host CPU, run by kiln-cusim
  // (tools/cusim) in place of the driver; for tests without a GPU.
  bool cudaSimulate = false;
  // Arena bytes per string-producing op for its output strings.
  int64_t maxStringBytes = 65536;
  // Multiplication type of matmuls and convolutions: fp32 (exact), or on
  // CUDA targets tf32, fp16 or bf16 (tensor cores, f32 accumulation).
  std::string precision = "fp32";
  bool f32Activations = false;
  std::string cudaGemmTile;
  // Print wall time per phase and per pass to stderr (--time-report).
  bool timeReport = false;
};

/// Runs one compilation. Prints diagnostics to stderr as
/// `kiln: error: <file>: node '<name>': <message>` and returns the process
/// exit code (0 on success). Outputs are written to temporary files and
/// renamed into place only when everything succeeded.
int compile(const CompileOptions &options);

/// "kiln 0.1.0 (LLVM 22.1.8)"
std::string versionString();

} // namespace kiln

#endif // KILN_COMPILER_DRIVER_DRIVER_H
