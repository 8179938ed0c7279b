// In-process LLVM IR translation, O3 optimization and x86-64 code emission.
#include "codegen/emit/ObjectEmitter.h"
#include "codegen/emit/WeightSection.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

#include <optional>

using namespace mlir;

namespace kiln {

/// CPUs whose 512-bit vector operations run as two 256-bit halves.
static bool splitsWideVectors(llvm::StringRef cpu) { return cpu == "znver4"; }

std::optional<CpuTarget> resolveCpuTarget(llvm::StringRef name) {
  CpuTarget t;
  if (name == "native") {
    t.cpu = llvm::sys::getHostCPUName().str();
    std::string features;
    for (auto &f : llvm::sys::getHostCPUFeatures())
      features += (f.second ? "+" : "-") + f.first().str() + ",";
    if (!features.empty())
      features.pop_back();
    t.features = features;
    llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
    if (host.lookup("avx512f")) {
      t.widestVectorBits = 512;
      t.vectorRegisters = 32;
      // AMD Zen 4 executes a 512-bit FMA as two 256-bit halves: zmm code has
      // the same peak as ymm code with twice the register pressure, and on the
      // development machine (EPYC, Zen 4) two threads reach 230 GFLOP/s with
      // ymm FMAs but 170 with zmm (bench/peak.c). There, 256-bit vectors in all
      // 32 registers.
      t.vectorBits = splitsWideVectors(t.cpu) ? 256 : 512;
    } else if (host.lookup("avx2") && host.lookup("fma")) {
      t.vectorBits = t.widestVectorBits = 256;
    }
    return t;
  }
  if (name == "x86-64" || name == "x86-64-v2" || name == "x86-64-v3" ||
      name == "x86-64-v4") {
    t.cpu = name.str();
    if (name == "x86-64-v3") {
      t.vectorBits = t.widestVectorBits = 256;
    } else if (name == "x86-64-v4") {
      t.vectorBits = t.widestVectorBits = 512;
      t.vectorRegisters = 32;
    }
    return t;
  }
  return std::nullopt;
}

llvm::StringRef knownCpuTargets() {
  return "x86-64, x86-64-v2, x86-64-v3, x86-64-v4, native";
}

LogicalResult emitObject(ModuleOp module, const CpuTarget &target,
                         ObjectKind kind, llvm::StringRef symbolPrefix,
                         llvm::raw_fd_ostream &os, TimingScope &timing) {
  static const bool initialized = [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    return true;
  }();
  (void)initialized;

  MLIRContext *ctx = module.getContext();
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  ctx->appendDialectRegistry(registry);

  llvm::Triple triple(target.triple);
  std::string error;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return module.emitError("no LLVM target for ")
           << target.triple << ": " << error;
  llvm::TargetOptions options;
  // The medium code model: code stays within +-2 GB, but constants larger
  // than 64 KB (the weights) go to .lrodata and are addressed with 64-bit
  // offsets, so an object may carry more than 2 GB of weights and still
  // link into a position-independent executable.
  std::unique_ptr<llvm::TargetMachine> tm(llvmTarget->createTargetMachine(
      triple, target.cpu, target.features, options, llvm::Reloc::PIC_,
      llvm::CodeModel::Medium, llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    return module.emitError("cannot create a target machine for CPU ")
           << target.cpu;
  constexpr uint64_t kLargeDataThreshold = 1 << 16;
  tm->setLargeDataThreshold(kLargeDataThreshold);
  // Weights above 4 KB are written beside the code (WeightSection.h), not
  // through LLVM, which would hold two more copies of each while the object
  // is built: for MobileNetV2 those between 4 and 64 KB are 0.5 MB, and the
  // copies 0.8 MiB of the compile's peak. Detached weights are large data
  // (64-bit addresses, taken once per kernel call).
  constexpr uint64_t kDetachThreshold = 1 << 12;

  llvm::SmallVector<DetachedWeight> weights;
  if (kind == ObjectKind::Object && triple.isOSBinFormatELF())
    weights = detachLargeWeights(module, symbolPrefix, kDetachThreshold);
  // The detached weights go out first, so that LLVM runs without them in
  // memory (for MobileNetV2 they were 14 of the 34 MB allocated at the
  // compile's peak, in code generation); the code follows them. Where the
  // output cannot seek back to its header (a pipe), the object is put
  // together in memory first.
  llvm::SmallVector<char, 0> wholeObject;
  std::optional<llvm::raw_svector_ostream> wholeStream;
  llvm::raw_pwrite_stream *out = &os;
  WeightLayout layout;
  if (!weights.empty()) {
    if (!os.supportsSeeking())
      out = &wholeStream.emplace(wholeObject);
    TimingScope writeTimer = timing.nest("write weights");
    layout = writeWeightsFirst(weights, *out);
  }

  // Loop annotations (kiln-memory-pad-in-place's loops LLVM must not
  // unroll) travel from scf.for through the SCF, CF and LLVM conversions as
  // the discardable `llvm.loop_annotation`; translation reads the branch's
  // own attribute.
  module.walk([](LLVM::BrOp br) {
    if (auto annotation =
            br->getAttrOfType<LLVM::LoopAnnotationAttr>("llvm.loop_annotation")) {
      br.setLoopAnnotationAttr(annotation);
      br->removeAttr("llvm.loop_annotation");
    }
  });

  // The context owns the constants (the small weights), the module the
  // code: both go before the large weights are written.
  auto llvmContext = std::make_unique<llvm::LLVMContext>();
  TimingScope translateTimer = timing.nest("translate to LLVM IR");
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, *llvmContext, "kiln_model");
  if (!llvmModule)
    return module.emitError("translation to LLVM IR failed");
  // The LLVM module now holds its own copy of every weight it kept, and the
  // detached ones are in the output: give every blob's memory back.
  module.walk([&](Operation *op) {
    for (NamedAttribute a : op->getAttrs())
      if (auto res = dyn_cast<DenseResourceElementsAttr>(a.getValue()))
        if (res.getRawHandle().getBlob())
          res.getRawHandle().getResource()->setBlob(AsmResourceBlob());
  });
  for (DetachedWeight &w : weights)
    if (w.handle.getBlob())
      w.handle.getResource()->setBlob(AsmResourceBlob());
  weights.clear();
  // Nor is the MLIR module needed any more: its operations (several MB for
  // a model with hundreds of kernels) go before LLVM's O3 and code
  // generation add their own.
  for (Operation &op : module.getBody()->getOperations())
    op.dropAllReferences();
  module.getBody()->clear();
  llvmModule->setTargetTriple(triple);
  llvmModule->setDataLayout(tm->createDataLayout());
  // No memcpy from loop idioms: the fused bias initialization of every
  // output tile copies the same bias row per pixel, which LLVM's loop-idiom
  // pass would turn into one memcpy call per pixel (5% of MobileNetV2).
  // Vector stores of the row are cheaper; memset for fills stays.
  for (llvm::Function &f : *llvmModule)
    if (!f.isDeclaration())
      f.addFnAttr("no-builtin-memcpy");
  // Narrower vectors than the target has (--vector-bits, native on Zen 4):
  // the tiles' wide vector values are split into registers of that width
  // instead of the widest ones, as clang's -mprefer-vector-width does.
  if (target.vectorBits < target.widestVectorBits)
    for (llvm::Function &f : *llvmModule) {
      std::string bits = std::to_string(target.vectorBits);
      f.addFnAttr("prefer-vector-width", bits);
      f.addFnAttr("min-legal-vector-width", bits);
    }

  translateTimer.stop();

  // O3 with the target's cost model: vectorizes and unrolls the loop nests.
  TimingScope optTimer = timing.nest("LLVM O3");
  if (llvm::Error err =
          makeOptimizingTransformer(3, 0, tm.get())(llvmModule.get()))
    return module.emitError("LLVM optimization failed: ")
           << llvm::toString(std::move(err));

  optTimer.stop();

  if (kind == ObjectKind::LLVMIR) {
    llvmModule->print(os, nullptr);
    return success();
  }
  auto pm = std::make_unique<llvm::legacy::PassManager>();
  auto fileType = kind == ObjectKind::Object
                      ? llvm::CodeGenFileType::ObjectFile
                      : llvm::CodeGenFileType::AssemblyFile;
  // With detached weights the code goes to memory first (it is small
  // without them), then out behind the weights.
  bool detached = !layout.symbols.empty();
  llvm::SmallVector<char, 0> codeBuffer;
  llvm::raw_svector_ostream codeStream(codeBuffer);
  llvm::raw_pwrite_stream &codeOut =
      detached ? static_cast<llvm::raw_pwrite_stream &>(codeStream) : os;
  if (tm->addPassesToEmitFile(*pm, codeOut, nullptr, fileType))
    return module.emitError("the target cannot emit this file type");
  TimingScope codegenTimer = timing.nest("LLVM code generation");
  pm->run(*llvmModule);
  codegenTimer.stop();
  if (!detached)
    return success();
  pm.reset();
  llvmModule.reset();
  llvmContext.reset();
  if (llvm::Error err = writeObjectAfterWeights(codeBuffer, layout, *out))
    return module.emitError("writing the object failed: ")
           << llvm::toString(std::move(err));
  if (wholeStream)
    os << wholeObject;
  return success();
}

} // namespace kiln
