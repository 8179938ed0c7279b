// The compile driver: import -> pipeline -> outputs, all-or-nothing.
#include "compiler/driver/Driver.h"

#include "codegen/cuda/Passes.h"
#include "codegen/cuda/SelectStrategy.h"
#include "codegen/emit/HeaderEmitter.h"
#include "codegen/emit/ObjectEmitter.h"
#include "compiler/driver/Diagnostics.h"
#include "compiler/frontends/onnx/OnnxImporter.h"
#include "compiler/frontends/tf/TfImporter.h"
#include "compiler/pipelines/Pipelines.h"
#include "dialects/kiln/AbiAttrs.h"
#include "dialects/kiln/KilnDialect.h"
#include "passes/verify/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {

/// Tensors past 2^62 bytes (or whose element count overflows 64 bits) cannot
/// be addressed by the generated code or described in the header; reject
/// them at import, naming the op (or input) that has one.
static LogicalResult checkTensorSizes(ModuleOp module) {
  constexpr uint64_t kMaxBytes = uint64_t(1) << 62;
  auto tooBig = [&](Type type) {
    auto t = dyn_cast<RankedTensorType>(type);
    if (!t)
      return false;
    uint64_t n = 1;
    for (int64_t d : t.getShape()) {
      if (d <= 0)
        return false; // dynamic, or no elements at all
      if (__builtin_mul_overflow(n, uint64_t(d), &n))
        return true;
    }
    unsigned bits = t.getElementType().isIntOrFloat()
                        ? t.getElementType().getIntOrFloatBitWidth()
                        : 64;
    uint64_t bytes;
    return __builtin_mul_overflow(n, uint64_t(std::max(bits, 8u) / 8),
                                  &bytes) ||
           bytes > kMaxBytes;
  };
  bool ok = true;
  module.walk([&](Operation *op) {
    if (auto func = dyn_cast<func::FuncOp>(op)) {
      for (BlockArgument arg : func.getArguments())
        if (tooBig(arg.getType())) {
          emitError(arg.getLoc())
              << "input " << arg.getArgNumber() << " of type " << arg.getType()
              << " has more than 2^62 bytes";
          ok = false;
        }
      return;
    }
    for (Type t : op->getResultTypes())
      if (tooBig(t)) {
        op->emitError("'") << op->getName() << "' produces " << t
                           << ", which has more than 2^62 bytes";
        ok = false;
      }
  });
  return success(ok);
}

std::string versionString() {
  return std::string("kiln ") + KILN_VERSION +
         " (LLVM " LLVM_VERSION_STRING ")";
}

namespace {

int fail(const llvm::Twine &message) {
  llvm::errs() << "kiln: error: " << message << "\n";
  return 1;
}

/// An output written to a temporary file beside its destination and renamed
/// into place by commit(); removed if never committed.
class PendingOutput {
public:
  ~PendingOutput() {
    // A failed write was reported already; raw_fd_ostream would abort on an
    // unchecked error.
    if (stream) {
      stream->close();
      stream->clear_error();
    }
    stream.reset();
    if (!temp.empty()) {
      llvm::sys::fs::remove(temp);
      llvm::sys::DontRemoveFileOnSignal(temp);
    }
  }
  /// Opens the temporary; returns an error message on failure.
  std::string open(llvm::StringRef path) {
    final = path.str();
    if (path == "-") {
      stdoutStream = true;
      return "";
    }
    llvm::StringRef dir = llvm::sys::path::parent_path(path);
    if (!dir.empty() && !llvm::sys::fs::is_directory(dir))
      return ("cannot write '" + path + "': directory '" + dir +
              "' does not exist")
          .str();
    // A path that exists and is no regular file (/dev/null, a pipe) is
    // written in place: renaming a temporary over it would replace the
    // device with a file.
    llvm::sys::fs::file_status status;
    if (!llvm::sys::fs::status(path, status) && llvm::sys::fs::exists(status) &&
        !llvm::sys::fs::is_regular_file(status) &&
        !llvm::sys::fs::is_directory(status)) {
      std::error_code ec;
      stream = std::make_unique<llvm::raw_fd_ostream>(path, ec);
      if (ec)
        return ("cannot write '" + path + "': " + ec.message()).str();
      return "";
    }
    // SIGINT/SIGTERM (a Ctrl-C, a build system's timeout) removes the
    // temporary too. It is registered for removal before it is created, so
    // no signal can fall between the two and leave it behind.
    for (int attempt = 0; attempt < 64; ++attempt) {
      llvm::SmallString<256> tempPath;
      llvm::sys::fs::createUniquePath(path + ".tmp-%%%%%%%%", tempPath,
                                      /*MakeAbsolute=*/false);
      llvm::sys::RemoveFileOnSignal(tempPath);
      int fd;
      std::error_code ec = llvm::sys::fs::openFileForWrite(
          tempPath, fd, llvm::sys::fs::CD_CreateNew);
      if (!ec) {
        temp = tempPath.str().str();
        stream =
            std::make_unique<llvm::raw_fd_ostream>(fd, /*shouldClose=*/true);
        return "";
      }
      llvm::sys::DontRemoveFileOnSignal(tempPath);
      if (ec != std::errc::file_exists)
        return ("cannot write '" + path + "': " + ec.message()).str();
    }
    return ("cannot write '" + path + "': no unused temporary name").str();
  }
  llvm::raw_fd_ostream &os() {
    return stdoutStream ? llvm::outs() : *stream;
  }
  /// Flushes and renames into place; returns an error message on failure.
  std::string commit() {
    if (stdoutStream) {
      llvm::outs().flush();
      return "";
    }
    stream->close();
    if (stream->has_error()) {
      std::string message = stream->error().message();
      stream->clear_error();
      return "cannot write '" + final + "': " + message;
    }
    stream.reset();
    if (temp.empty())
      return ""; // written in place
    if (std::error_code ec = llvm::sys::fs::rename(temp, final))
      return "cannot write '" + final + "': " + ec.message();
    llvm::sys::DontRemoveFileOnSignal(temp);
    temp.clear();
    return "";
  }

private:
  std::string final, temp;
  std::unique_ptr<llvm::raw_fd_ostream> stream;
  bool stdoutStream = false;
};

/// The ABI dtype of an element type; `isUnsigned` (the kiln.unsigned
/// argument/result attribute) picks U8 ... U64 for integers.
std::optional<DType> dtypeOf(Type t, bool isUnsigned) {
  if (t.isF32())
    return DType::F32;
  if (t.isF64())
    return DType::F64;
  if (t.isF16())
    return DType::F16;
  if (t.isBF16())
    return DType::BF16;
  if (t.isInteger(1))
    return DType::Bool;
  if (isa<mlir::kiln::StringType>(t))
    return DType::String;
  if (auto i = dyn_cast<IntegerType>(t)) {
    bool u = isUnsigned || i.isUnsigned();
    switch (i.getWidth()) {
    case 8:
      return u ? DType::U8 : DType::I8;
    case 16:
      return u ? DType::U16 : DType::I16;
    case 32:
      return u ? DType::U32 : DType::I32;
    case 64:
      return u ? DType::U64 : DType::I64;
    default:
      break;
    }
  }
  return std::nullopt;
}

/// Reads names, shapes and dtypes off the imported model function.
FailureOr<ModelSignature> signatureOf(ModuleOp module) {
  func::FuncOp entry;
  for (auto f : module.getOps<func::FuncOp>())
    if (f.isPublic())
      entry = f;
  if (!entry)
    return module.emitError("the model has no public function");
  ModelSignature sig;
  auto add = [&](std::vector<TensorSignature> &list, Type type,
                 DictionaryAttr attrs, unsigned i) -> LogicalResult {
    auto t = dyn_cast<RankedTensorType>(type);
    bool isUnsigned = attrs && attrs.get(mlir::kiln::kUnsignedAttr);
    std::optional<DType> dt =
        t ? dtypeOf(t.getElementType(), isUnsigned) : std::nullopt;
    if (!dt)
      return entry.emitError("unsupported signature type ") << type;
    std::string name = "t" + std::to_string(i);
    if (attrs)
      if (auto n = attrs.getAs<StringAttr>(mlir::kiln::kNameAttr))
        name = n.str();
    list.push_back(
        {name, *dt,
         std::vector<int64_t>(t.getShape().begin(), t.getShape().end())});
    return success();
  };
  FunctionType ft = entry.getFunctionType();
  for (unsigned i = 0; i < ft.getNumInputs(); ++i)
    if (failed(add(sig.inputs, ft.getInput(i), entry.getArgAttrDict(i), i)))
      return failure();
  for (unsigned i = 0; i < ft.getNumResults(); ++i)
    if (failed(
            add(sig.outputs, ft.getResult(i), entry.getResultAttrDict(i), i)))
      return failure();
  return sig;
}

} // namespace

int compile(const CompileOptions &o) {
  std::optional<Phase> phase = parsePhase(o.compileTo);
  if (!phase)
    return fail("unknown --compile-to '" + o.compileTo +
                "' (expected import, graph, fused, tiled, bufferized, llvm "
                "or artifact)");
  if (o.emit != "mlir" && o.emit != "llvm" && o.emit != "asm" &&
      o.emit != "ptx" && o.emit != "obj")
    return fail("unknown --emit '" + o.emit +
                "' (expected mlir, llvm, asm, ptx or obj)");
  if (o.emit == "ptx" && !llvm::StringRef(o.target).starts_with("cuda:"))
    return fail("--emit=ptx needs --target=cuda:sm_XX");
  if (o.cudaCubin && !llvm::StringRef(o.target).starts_with("cuda:"))
    return fail("--cuda-cubin needs --target=cuda:sm_XX");
  if (o.cudaCubin && o.emit == "ptx")
    return fail("--emit=ptx writes PTX; drop --cuda-cubin");
  if (!mlir::kiln::isCudaPrecision(o.precision))
    return fail("unknown --precision '" + o.precision +
                "' (expected fp32, tf32, fp16 or bf16)");
  if (o.precision != "fp32" && !llvm::StringRef(o.target).starts_with("cuda:"))
    return fail("--precision=" + o.precision +
                " needs --target=cuda:sm_XX (the CPU path computes in fp32)");
  if (!o.cudaGemmTile.empty() &&
      (o.precision == "fp32" || !mlir::kiln::isCudaGemmTile(o.cudaGemmTile)))
    return fail("--cuda-gemm-tile=" + o.cudaGemmTile +
                ": expected 128x128x16, 128x128x32, 64x64x16 or 64x64x32 "
                "with --precision=tf32, fp16 or bf16");
  if (o.f32Activations && o.precision != "fp16" && o.precision != "bf16")
    return fail("--f32-activations needs --precision=fp16 or bf16 (other "
                "precisions keep every tensor in f32)");
  if (o.cudaSimulate && !llvm::StringRef(o.target).starts_with("cuda:"))
    return fail("--cuda-simulate needs --target=cuda:sm_XX");
  if (o.cudaSimulate && (o.cudaCubin || o.emit == "ptx"))
    return fail("--cuda-simulate compiles the kernels for the host: no PTX "
                "or cubin (drop --cuda-cubin and --emit=ptx)");
  if (o.emit != "mlir" && *phase != Phase::Artifact)
    return fail("--emit=" + o.emit + " needs --compile-to=artifact");
  // cuda:sm_XX: kernels for that GPU, host code for baseline x86-64.
  std::string cudaChip;
  if (llvm::StringRef(o.target).starts_with("cuda:")) {
    cudaChip = o.target.substr(5);
    if (cudaChip != "sm_80" && cudaChip != "sm_86" && cudaChip != "sm_89" &&
        cudaChip != "sm_90")
      return fail("unknown CUDA target '" + o.target +
                  "' (expected cuda:sm_80, cuda:sm_86, cuda:sm_89 or "
                  "cuda:sm_90)");
  }
  std::optional<CpuTarget> target =
      resolveCpuTarget(cudaChip.empty() ? o.target : "x86-64");
  if (!target)
    return fail("unknown target '" + o.target + "' (expected " +
                knownCpuTargets() + " or cuda:sm_XX)");
  if (o.input.empty())
    return fail("no input model given");
  if (!llvm::sys::fs::exists(o.input))
    return fail("cannot open '" + o.input + "': no such file or directory");

  llvm::StringRef ext = llvm::sys::path::extension(o.input);
  bool tensorflow = isTensorFlowModel(o.input);
  if (!tensorflow && ext != ".onnx" && ext != ".onnxtext")
    return fail("'" + o.input +
                "': unrecognized model format (expected .onnx, .onnxtext, a "
                "SavedModel directory, .pb or .pbtxt)");
  if (!tensorflow &&
      (!o.signature.empty() || !o.inputs.empty() || !o.outputs.empty()))
    return fail("--signature, --inputs and --outputs apply to TensorFlow "
                "models only");
  if (o.batch < 0)
    return fail("--batch must be positive");
  if (o.maxBatch < 0)
    return fail("--max-batch must be positive");
  if (o.threads < 0)
    return fail("--threads must be 0 (the run-time setting) or positive");
  if (o.vectorBits != 0) {
    if (o.vectorBits != 128 && o.vectorBits != 256 && o.vectorBits != 512)
      return fail("--vector-bits must be 0 (the target's choice), 128, 256 "
                  "or 512");
    if (!cudaChip.empty())
      return fail("--vector-bits applies to CPU targets only");
    if (o.vectorBits > target->widestVectorBits)
      return fail("--vector-bits=" + std::to_string(o.vectorBits) +
                  " is wider than target '" + o.target + "' allows (" +
                  std::to_string(target->widestVectorBits) + ")");
    target->vectorBits = o.vectorBits;
  }
  if (o.maxStringBytes < 1 || o.maxStringBytes > (int64_t(1) << 40))
    return fail("--max-string-bytes must lie in [1, 2^40]");
  if (o.maxBatch > 0 && !o.dynamicBatch)
    return fail("--max-batch needs --dynamic-batch");
  if (o.batch > 0 && o.dynamicBatch)
    return fail("--batch and --dynamic-batch exclude each other");

  std::string name = cModelName(
      o.name.empty()
          ? llvm::sys::path::stem(llvm::StringRef(o.input).rtrim('/')).str()
          : o.name);
  std::string output = o.output;
  if (output.empty())
    output = o.emit == "obj" ? name + ".o" : "-";
  if (output == "-" && o.emit == "obj")
    return fail("refusing to write an object file to stdout; pass -o FILE");
  bool writeHeader = o.emit == "obj";
  std::string headerPath = o.header;
  if (writeHeader && headerPath.empty()) {
    llvm::SmallString<256> p(output);
    llvm::sys::path::replace_extension(p, ".h");
    headerPath = p.str().str();
  }

  if (writeHeader && headerPath == output)
    return fail("the header and the object would both be written to '" +
                output + "'; pass a different -o or --header");

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // gpu-module-to-binary translates kernels (gpu, nvvm) to LLVM IR.
  mlir::registerAllToLLVMIRTranslations(registry);
  registry.insert<mlir::kiln::KilnDialect>();
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  UserDiagnosticHandler diagnostics(ctx);
  // --time-report: a tree of wall times (import, each pass, LLVM steps),
  // printed to stderr when compile() returns.
  DefaultTimingManager timingManager;
  timingManager.setEnabled(o.timeReport);
  timingManager.setDisplayMode(DefaultTimingManager::DisplayMode::Tree);
  TimingScope rootTimer = timingManager.getRootScope();

  // sampleBatch 0: the compiled import; else a dynamic-batch probe.
  auto import = [&](int64_t sampleBatch) -> FailureOr<OwningOpRef<ModuleOp>> {
    bool probe = sampleBatch > 0;
    if (tensorflow) {
      TfImportOptions tfOptions;
      tfOptions.signature = o.signature;
      tfOptions.inputs = o.inputs;
      tfOptions.outputs = o.outputs;
      tfOptions.inputShapes = o.inputShapes;
      tfOptions.batch = o.batch;
      tfOptions.dynamicBatch = o.dynamicBatch || probe;
      if (probe)
        tfOptions.sampleBatch = sampleBatch;
      return importTensorFlowModel(ctx, o.input, tfOptions);
    }
    OnnxImportOptions importOptions;
    importOptions.batch = o.batch;
    importOptions.inputShapes = o.inputShapes;
    importOptions.dynamicBatch = o.dynamicBatch || probe;
    if (probe)
      importOptions.sampleBatch = sampleBatch;
    return importOnnxModel(ctx, o.input, importOptions);
  };
  TimingScope importTimer = rootTimer.nest("import");
  FailureOr<OwningOpRef<ModuleOp>> module = import(0);
  if (failed(module) || failed(checkTensorSizes(**module)))
    return 1;
  importTimer.stop();
  // String storage is per call and the wrappers step buffers by bytes per
  // sample: string models take a static batch.
  if ((**module)->hasAttr(mlir::kiln::kDynamicBatchAttr)) {
    FailureOr<ModelSignature> imported = signatureOf(**module);
    if (failed(imported))
      return 1;
    for (const TensorSignature &t :
         llvm::concat<TensorSignature>(imported->inputs, imported->outputs))
      if (t.dtype == DType::String)
        return fail("'" + t.name +
                    "' is a string tensor: string models "
                    "need a static batch (drop --dynamic-batch or bind the "
                    "batch with --batch)");
  }
  // A dynamic-batch model is compiled for one sample and run once per
  // sample. Prove that this is exact: import it again with a batch of
  // kProbeBatch, and require the same graph and constants (nothing computed
  // from the batch size) and ops that never combine samples.
  if ((**module)->hasAttr(mlir::kiln::kDynamicBatchAttr) &&
      *phase != Phase::Import) {
    TimingScope probeTimer = rootTimer.nest("dynamic-batch probe");
    constexpr int64_t kProbeBatch = 37;
    FailureOr<OwningOpRef<ModuleOp>> probe = import(kProbeBatch);
    if (failed(probe)) {
      emitError(UnknownLoc::get(&ctx))
          << "--dynamic-batch: the model does not import with a batch of "
          << kProbeBatch << " (above), so its graph depends on the batch size";
      return 1;
    }
    // The probe gets the graph passes but not the one-sample check.
    (**probe)->removeAttr(mlir::kiln::kDynamicBatchAttr);
    PassManager graphOne(&ctx), graphProbe(&ctx);
    buildPhasePipeline(graphOne, Phase::Graph, PipelineOptions());
    buildPhasePipeline(graphProbe, Phase::Graph, PipelineOptions());
    if (failed(graphOne.run(**module)) || failed(graphProbe.run(**probe)) ||
        failed(mlir::kiln::compareBatchProbe(**module, **probe)) ||
        failed(mlir::kiln::verifyBatchSeparable(**probe, kProbeBatch)) ||
        diagnostics.errorCount())
      return 1;
  }
  if ((**module)->hasAttr(mlir::kiln::kDynamicBatchAttr))
    (**module)->setAttr(mlir::kiln::kMaxBatchAttr,
                        Builder(&ctx).getI64IntegerAttr(o.maxBatch));
  else if (o.maxBatch > 0)
    return fail("--max-batch applies to dynamic-batch models only");
  FailureOr<ModelSignature> sig = signatureOf(**module);
  if (failed(sig))
    return 1;
  sig->name = name;
  sig->source = o.input;
  if ((**module)->hasAttr(mlir::kiln::kDynamicBatchAttr)) {
    sig->dynamicBatch = true;
    sig->maxBatch = o.maxBatch;
    for (TensorSignature &t :
         llvm::concat<TensorSignature>(sig->inputs, sig->outputs))
      if (!t.shape.empty())
        t.shape[0] = -1;
  }

  PassManager pm(&ctx);
  PipelineOptions pipelineOptions;
  pipelineOptions.name = name;
  pipelineOptions.vectorBits = target->vectorBits;
  pipelineOptions.vectorRegisters = target->vectorRegisters;
  pipelineOptions.threads = o.threads;
  pipelineOptions.maxStringBytes = o.maxStringBytes;
  pipelineOptions.precision = o.precision;
  pipelineOptions.f32Activations = o.f32Activations;
  pipelineOptions.cudaGemmTile = o.cudaGemmTile;
  pipelineOptions.cudaChip = cudaChip;
  pipelineOptions.cudaCubin = o.cudaCubin;
  pipelineOptions.cudaSimulate = o.cudaSimulate;
  sig->cudaChip = cudaChip;
  if (!cudaChip.empty()) {
    // String ops call the host runtime on their buffers.
    bool strings = false;
    (*module)->walk([&](Operation *op) {
      strings |=
          isa<mlir::kiln::StringNormalizerOp, mlir::kiln::StringCastOp>(op);
    });
    for (const TensorSignature &t :
         llvm::concat<TensorSignature>(sig->inputs, sig->outputs))
      strings |= t.dtype == DType::String;
    if (strings)
      return fail("the model uses string tensors: string models run on the "
                  "CPU only");
  }
  buildPipelineTo(pm, *phase == Phase::Artifact ? Phase::LLVM : *phase,
                  pipelineOptions);
  TimingScope passTimer = rootTimer.nest("passes");
  if (o.timeReport)
    pm.enableTiming(passTimer);
  if (failed(pm.run(**module)) || diagnostics.errorCount())
    return 1;
  passTimer.stop();

  // The header's workspace sizes, read before emitObject consumes the module.
  if (writeHeader) {
    for (auto fn : (*module)->getOps<LLVM::LLVMFuncOp>()) {
      if (auto size = fn->getAttrOfType<IntegerAttr>(
              mlir::kiln::kHostWorkspaceSizeAttr)) {
        sig->hostWorkspaceSize = size.getInt();
        sig->hostWorkspaceAlignment = mlir::kiln::kHostWorkspaceAlignment;
      }
      if (auto bytes = fn->getAttrOfType<DenseI64ArrayAttr>(
              mlir::kiln::kSampleBytesAttr))
        sig->sampleBytes.assign(bytes.asArrayRef().begin(),
                                bytes.asArrayRef().end());
      if (auto size =
              fn->getAttrOfType<IntegerAttr>(mlir::kiln::kArenaSizeAttr)) {
        sig->arenaSize = size.getInt();
        sig->arenaAlignment = mlir::kiln::kArenaAlignment;
      }
    }
  }

  PendingOutput out;
  if (std::string err = out.open(output); !err.empty())
    return fail(err);
  if (o.emit == "mlir") {
    (*module)->print(out.os());
  } else if (o.emit == "ptx") {
    // The kernels' PTX module, as embedded in the object.
    bool found = false;
    for (auto g : (*module)->getOps<LLVM::GlobalOp>())
      if (g.getSymName().ends_with("_ptx"))
        if (auto text = dyn_cast_or_null<StringAttr>(g.getValueOrNull())) {
          out.os() << text.getValue().drop_back(); // the NUL terminator
          found = true;
        }
    if (!found)
      return fail("the model has no GPU kernels to emit as PTX");
  } else {
    ObjectKind kind = o.emit == "llvm"  ? ObjectKind::LLVMIR
                      : o.emit == "asm" ? ObjectKind::Assembly
                                        : ObjectKind::Object;
    TimingScope emitTimer = rootTimer.nest("emit " + o.emit);
    if (failed(emitObject(**module, *target, kind, name, out.os(), emitTimer)))
      return 1;
  }
  PendingOutput header;
  if (writeHeader) {
    if (std::string err = header.open(headerPath); !err.empty())
      return fail(err);
    header.os() << emitHeader(*sig, KILN_VERSION);
  }
  if (std::string err = out.commit(); !err.empty())
    return fail(err);
  if (writeHeader)
    if (std::string err = header.commit(); !err.empty())
      return fail(err);
  return 0;
}

} // namespace kiln
