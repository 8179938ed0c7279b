// kiln: the user-facing compiler CLI. `kiln compile MODEL -o OUT.o`.
#include "compiler/driver/Driver.h"

#include <csignal>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
#if defined(__GLIBC__)
  // Weights pass through buffers of megabytes (protobuf strings, blobs,
  // packed copies). A fixed mmap threshold gives each back to the system
  // when freed; glibc's adaptive threshold would serve them from the heap
  // and keep the peak resident for the rest of the compile.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
  // Past a file-size limit, writes must fail with EFBIG and be reported like
  // a full disk, not kill the compiler (LLVM's handlers treat SIGXFSZ as a
  // crash).
  signal(SIGXFSZ, SIG_IGN);
  cl::SubCommand compileCmd(
      "compile", "Compile a model into an object file and a C header");
  cl::OptionCategory category("kiln compile options");
  cl::opt<std::string> input(
      cl::Positional, cl::desc("<model.onnx | saved_model_dir | graph.pb>"),
      cl::sub(compileCmd), cl::cat(category));
  cl::opt<std::string> output(
      "o", cl::desc("Output file (default <name>.o; '-' = stdout for text)"),
      cl::value_desc("file"), cl::sub(compileCmd), cl::cat(category));
  cl::opt<std::string> header(
      "header", cl::desc("Header path (default: the output with .h)"),
      cl::value_desc("file"), cl::sub(compileCmd), cl::cat(category));
  cl::opt<std::string> name(
      "name",
      cl::desc("Prefix of every exported symbol (default: the model "
               "file's stem)"),
      cl::value_desc("identifier"), cl::sub(compileCmd), cl::cat(category));
  cl::opt<std::string> target(
      "target",
      cl::desc("x86-64 | x86-64-v2 | x86-64-v3 | x86-64-v4 | native | "
               "cuda:sm_80 | cuda:sm_86 | cuda:sm_89 | cuda:sm_90 "
               "(default x86-64)"),
      cl::init("x86-64"), cl::sub(compileCmd), cl::cat(category));
  cl::opt<std::string> emit(
      "emit",
      cl::desc("mlir | llvm | asm | ptx (cuda targets) | obj (default obj)"),
      cl::init("obj"), cl::sub(compileCmd), cl::cat(category));
  cl::opt<std::string> compileTo(
      "compile-to",
      cl::desc("Stop after a phase: import | graph | fused | tiled | "
               "bufferized | llvm | artifact (default); use with --emit=mlir"),
      cl::init("artifact"), cl::sub(compileCmd), cl::cat(category));
  cl::opt<std::string> signature(
      "signature",
      cl::desc("SavedModel signature to compile (default serving_default)"),
      cl::value_desc("name"), cl::sub(compileCmd), cl::cat(category));
  cl::list<std::string> inputs(
      "inputs", cl::desc("GraphDef input tensors (default: all Placeholders)"),
      cl::value_desc("node,..."), cl::CommaSeparated, cl::sub(compileCmd),
      cl::cat(category));
  cl::list<std::string> outputs("outputs", cl::desc("GraphDef output tensors"),
                                cl::value_desc("node[:index],..."),
                                cl::CommaSeparated, cl::sub(compileCmd),
                                cl::cat(category));
  cl::list<std::string> inputShapes(
      "input-shape",
      cl::desc("Shape for an input the model leaves open (repeatable)"),
      cl::value_desc("name=D0,D1,..."), cl::sub(compileCmd), cl::cat(category));
  cl::opt<int64_t> batch(
      "batch", cl::desc("Size of every unknown leading (batch) dimension"),
      cl::value_desc("N"), cl::init(0), cl::sub(compileCmd), cl::cat(category));
  cl::opt<bool> dynamicBatch(
      "dynamic-batch",
      cl::desc("Compile one object for any batch size: the entry point takes "
               "the leading (batch) dimension at run time"),
      cl::init(false), cl::sub(compileCmd), cl::cat(category));
  cl::opt<int64_t> maxBatch(
      "max-batch",
      cl::desc("Largest batch a --dynamic-batch entry point accepts "
               "(0: no bound)"),
      cl::value_desc("N"), cl::init(0), cl::sub(compileCmd), cl::cat(category));

  cl::opt<int64_t> threads(
      "threads",
      cl::desc("Threads one model call may use: 0 (default) = as many as "
               "libkiln_rt allows at run time (kiln_set_num_threads, "
               "KILN_NUM_THREADS); 1 = single-threaded code that never calls "
               "the pool; N = at most N per parallel loop"),
      cl::value_desc("N"), cl::init(0), cl::sub(compileCmd), cl::cat(category));

  cl::opt<int64_t> vectorBits(
      "vector-bits",
      cl::desc("Widest vectors the CPU code may use: 128, 256 or 512 (at most "
               "what --target has); 0 (default) = the target's choice (512 "
               "for x86-64-v4, 256 for x86-64-v3 and for native on AMD Zen 4, "
               "which splits 512-bit operations into two 256-bit halves)"),
      cl::value_desc("bits"), cl::init(0), cl::sub(compileCmd),
      cl::cat(category));

  cl::opt<bool> cudaCubin(
      "cuda-cubin",
      cl::desc("With --target=cuda:sm_XX: embed the kernels as a cubin for "
               "exactly that GPU, assembled by the CUDA toolkit's ptxas, "
               "instead of PTX the driver compiles at load time"),
      cl::init(false), cl::sub(compileCmd), cl::cat(category));

  cl::opt<bool> cudaSimulate(
      "cuda-simulate",
      cl::desc("With --target=cuda:sm_XX: compile the kernels for this CPU "
               "instead of PTX; the object then runs only with kiln-cusim "
               "(build/lib/cusim/libcuda.so.1 on LD_LIBRARY_PATH), which "
               "executes each GPU thread on the host: for testing the GPU "
               "path without a GPU"),
      cl::init(false), cl::sub(compileCmd), cl::cat(category));

  cl::opt<std::string> precision(
      "precision",
      cl::desc("Multiplication type of matmuls and convolutions: fp32 "
               "(default, exact), or with --target=cuda:sm_XX tf32, fp16 or "
               "bf16 on tensor cores (operands rounded, f32 accumulation)"),
      cl::value_desc("fp32|tf32|fp16|bf16"), cl::init("fp32"),
      cl::sub(compileCmd), cl::cat(category));

  cl::opt<bool> f32Activations(
      "f32-activations",
      cl::desc("With --precision=fp16|bf16: keep the tensors GPU kernels "
               "pass each other in f32 (default: stored in fp16/bf16, half "
               "the memory traffic; the model's inputs and outputs are f32 "
               "either way)"),
      cl::init(false), cl::sub(compileCmd), cl::cat(category));

  cl::opt<std::string> cudaGemmTile(
      "cuda-gemm-tile",
      cl::desc("Tuning: the tensor-core tile MxNxK of every GPU GEMM "
               "(128x128x16, 128x128x32, 64x64x16 or 64x64x32) instead of "
               "the per-GEMM choice"),
      cl::value_desc("MxNxK"), cl::init(""), cl::Hidden, cl::sub(compileCmd),
      cl::cat(category));

  cl::opt<int64_t> maxStringBytes(
      "max-string-bytes",
      cl::desc("Bytes of the arena each string-producing op (StringNormalizer) "
               "may fill with its output strings; a call whose strings need "
               "more returns KILN_STATUS_OUT_OF_RANGE"),
      cl::value_desc("N"), cl::init(65536), cl::sub(compileCmd),
      cl::cat(category));

  cl::opt<bool> timeReport(
      "time-report",
      cl::desc("Print the wall time of each compile phase and pass to stderr"),
      cl::init(false), cl::sub(compileCmd), cl::cat(category));

  cl::SetVersionPrinter(
      [](raw_ostream &os) { os << kiln::versionString() << "\n"; });
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "kiln: ahead-of-time compiler for ONNX and TensorFlow models\n\n"
      "  kiln compile model.onnx --target=x86-64-v3 --name=mnist -o mnist.o\n\n"
      "writes mnist.o and mnist.h; link mnist.o and libkiln_rt.a into your C\n"
      "or C++ program and call mnist_run() as declared in mnist.h.\n"
      "`kiln compile --help` lists the options.\n");

  if (!compileCmd) {
    errs() << "kiln: error: expected a command; try `kiln compile --help`\n";
    return 1;
  }
  kiln::CompileOptions options;
  options.input = input;
  options.output = output;
  options.header = header;
  options.name = name;
  options.target = target;
  options.emit = emit;
  options.compileTo = compileTo;
  options.signature = signature;
  options.inputs.assign(inputs.begin(), inputs.end());
  options.outputs.assign(outputs.begin(), outputs.end());
  options.inputShapes.assign(inputShapes.begin(), inputShapes.end());
  options.batch = batch;
  options.dynamicBatch = dynamicBatch;
  options.maxBatch = maxBatch;
  options.threads = threads;
  options.vectorBits = vectorBits;
  options.maxStringBytes = maxStringBytes;
  options.precision = precision;
  options.f32Activations = f32Activations;
  options.cudaGemmTile = cudaGemmTile;
  options.cudaCubin = cudaCubin;
  options.cudaSimulate = cudaSimulate;
  options.timeReport = timeReport;
  return kiln::compile(options);
}
