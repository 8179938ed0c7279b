// The pass pipelines of kiln's phases, each step commented with why it is
// there.
#include "compiler/pipelines/Pipelines.h"

#include "codegen/common/Passes.h"
#include "codegen/cpu/Passes.h"
#include "codegen/cuda/Passes.h"
#include "passes/conversion/Passes.h"
#include "passes/fusion/Passes.h"
#include "passes/layout/Passes.h"
#include "passes/memory/Passes.h"
#include "passes/tiling/Passes.h"
#include "passes/verify/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"

#include <cstdlib>

using namespace mlir;

namespace kiln {

static constexpr std::pair<Phase, llvm::StringLiteral> kPhaseNames[] = {
    {Phase::Import, "import"},         {Phase::Graph, "graph"},
    {Phase::Fused, "fused"},           {Phase::Tiled, "tiled"},
    {Phase::Bufferized, "bufferized"}, {Phase::LLVM, "llvm"},
    {Phase::Artifact, "artifact"},
};

std::optional<Phase> parsePhase(llvm::StringRef name) {
  for (auto [phase, n] : kPhaseNames)
    if (n == name)
      return phase;
  return std::nullopt;
}

llvm::StringRef phaseName(Phase phase) {
  for (auto [p, n] : kPhaseNames)
    if (p == phase)
      return n;
  return "unknown";
}

static void addGraph(OpPassManager &pm) {
  // Fold identities/dropouts, compose transposes, drop neutral elementwise
  // ops; CSE merges duplicate weights and shape constants.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Image ops run channels-last; layout changes sink to the graph's edges.
  pm.addPass(mlir::kiln::createUseChannelsLast());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Batch norm (or its Mul/Add spelling) after a conv folds into the
  // conv's weights.
  pm.addPass(mlir::kiln::createFoldIntoConv());
  // A dynamic-batch model runs sample by sample: check it may.
  pm.addPass(mlir::kiln::createVerifyBatchSeparable());
}

static void addFused(OpPassManager &pm) {
  // kiln -> linalg on tensors: named ops for contractions, generics for the
  // rest.
  pm.addPass(mlir::kiln::createConvertKilnToLinalg());
  pm.addPass(createCanonicalizerPass());
  // Elementwise producers fuse into consumers (bias + activation chains,
  // batch-norm + relu, softmax stages) so they run as one loop nest.
  pm.addPass(mlir::kiln::createFuseElementwise());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(mlir::kiln::createVerifyLinalg());
}

static void addTiled(OpPassManager &pm, const PipelineOptions &options) {
  if (!options.cudaChip.empty()) {
    // GPU kernels are mapped from plain loops (codegen/cuda); GEMMs take
    // their bias and elementwise consumer into their kernels.
    pm.addPass(createLinalgFoldUnitExtentDimsPass());
    pm.addPass(createCanonicalizerPass());
    // Transposes fold into the kernels that read them.
    pm.addNestedPass<func::FuncOp>(
        mlir::kiln::createCudaGeneralizeTransposes());
    pm.addPass(mlir::kiln::createFuseElementwise());
    pm.addPass(createCanonicalizerPass());
    // With fp16/bf16 tensor cores, the tensors kernels pass each other are
    // stored in that type too: half the activation bytes moved.
    if (!options.f32Activations) {
      mlir::kiln::CudaNarrowActivationsOptions narrow;
      narrow.precision = options.precision;
      pm.addNestedPass<func::FuncOp>(
          mlir::kiln::createCudaNarrowActivations(narrow));
      pm.addPass(createCanonicalizerPass());
    }
    pm.addNestedPass<func::FuncOp>(mlir::kiln::createCudaMarkEpilogues());
    return;
  }
  // Convolutions become im2col + matmul-shaped contractions ...
  pm.addNestedPass<func::FuncOp>(mlir::kiln::createConvToMatmul());
  pm.addPass(createCanonicalizerPass());
  // ... constant matmul weights are packed into contiguous column panels at
  // compile time (the register tile then reads B sequentially) ...
  mlir::kiln::PackWeightsOptions pack;
  pack.vectorBits = options.vectorBits;
  pack.vectorRegisters = options.vectorRegisters;
  pm.addPass(mlir::kiln::createPackWeights(pack));
  // ... the bias and activation generics around each contraction take its
  // shape, so its tiles can compute them while the tile is in cache ...
  pm.addNestedPass<func::FuncOp>(mlir::kiln::createAlignEpilogues());
  // (fills reshaped to the packed shape fold into fills of that shape, so
  // they join their contraction's tiles)
  pm.addPass(createCanonicalizerPass());
  // ... the target picks tile sizes per op (cache blocks, reduction slices and
  // a register tile sized to its vector registers) ...
  mlir::kiln::SelectStrategyOptions strategy;
  strategy.vectorBits = options.vectorBits;
  strategy.vectorRegisters = options.vectorRegisters;
  pm.addNestedPass<func::FuncOp>(mlir::kiln::createSelectStrategy(strategy));
  // ... and the tiles become loop nests around vector code whose
  // accumulators stay in registers.
  pm.addNestedPass<func::FuncOp>(mlir::kiln::createTileAndVectorize());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Untiled ops: fold unit dims so their loop nests stay shallow.
  pm.addPass(createLinalgFoldUnitExtentDimsPass());
  pm.addPass(createCanonicalizerPass());
}

static void addBufferized(OpPassManager &pm, const PipelineOptions &options) {
  // The model function takes caller buffers in destination-passing style,
  // so results are computed straight into the caller's outputs.
  pm.addPass(mlir::kiln::createRewriteEntry());
  // Padded tensors are computed straight into the padded buffer ...
  pm.addNestedPass<func::FuncOp>(mlir::kiln::createPadInPlace());
  // ... and tensor.empty feeding a destination becomes a slice of it: no
  // temporary.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // String ops become runtime calls writing strings into their own storage.
  mlir::kiln::LowerStringsOptions strings;
  strings.maxStringBytes = options.maxStringBytes;
  pm.addPass(mlir::kiln::createLowerStrings(strings));
  // Every remaining allocation becomes a view of the caller's arena.
  // (GPU: a padded convolution input's source stays for the convolution
  // to read through the padding.)
  mlir::kiln::PlanArenaOptions arena;
  arena.keepPaddedSources = !options.cudaChip.empty();
  pm.addNestedPass<func::FuncOp>(mlir::kiln::createPlanArena(arena));
  pm.addPass(mlir::kiln::createVerifyBufferized());
}

/// Math and small floats on the host CPU: x86 code, and the kernels of
/// --cuda-simulate.
static void addHostMath(OpPassManager &pm) {
  // Math on f16/bf16 computes in f32, and bf16 arithmetic is emulated in
  // f32: the x86 backend would otherwise call compiler-rt for bf16.
  pm.addPass(math::createMathExtendToSupportedTypes());
  arith::ArithEmulateUnsupportedFloatsOptions bf16;
  bf16.sourceTypeStrs = {"bf16"};
  bf16.targetTypeStr = "f32";
  pm.addPass(arith::createArithEmulateUnsupportedFloats(bf16));
  // erf becomes a polynomial, bf16 <-> f32 conversions become bit
  // operations (no __truncsfbf2).
  pm.addPass(mlir::kiln::createExpandForLLVM());
  // tanh and friends expand into exp-based forms LLVM can lower.
  pm.addPass(math::createMathExpandOpsPass());
  pm.addPass(createConvertMathToLLVMPass());
  // What LLVM has no intrinsic for (f64 erf) calls libm, which the
  // intrinsics of sin, exp ... call anyway.
  pm.addPass(createConvertMathToLibmPass());
}

/// Scalar arith, memrefs, functions, branches and index math to the LLVM
/// dialect, ending the host lowering of both targets.
static void addToLLVMDialect(OpPassManager &pm) {
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  // Bare pointers at the function boundary: the C wrappers pass plain
  // buffer pointers, no memref descriptors.
  ConvertFuncToLLVMPassOptions func;
  func.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(func));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

/// The end of both targets' LLVM phase: weights as flat arrays (one LLVM
/// constant per weight, not one per row), the exported C entry points, and
/// the phase's contract check.
static void addWrappersAndVerify(OpPassManager &pm,
                                 const PipelineOptions &options) {
  pm.addPass(mlir::kiln::createFlattenConstants());
  mlir::kiln::EmitWrappersOptions wrappers;
  wrappers.modelName = options.name;
  pm.addPass(mlir::kiln::createEmitWrappers(wrappers));
  pm.addPass(mlir::kiln::createVerifyLLVM());
}

/// The CUDA toolkit at $CUDA_HOME, $CUDA_PATH or /usr/local/cuda (the first
/// that has libdevice); empty if there is none.
static std::string findCudaToolkit() {
  for (const char *root : {getenv("CUDA_HOME"), getenv("CUDA_PATH"),
                           static_cast<char *>(nullptr)}) {
    std::string dir = root ? root : "/usr/local/cuda";
    if (llvm::sys::fs::exists(dir + "/nvvm/libdevice/libdevice.10.bc"))
      return dir;
    if (!root)
      break;
  }
  return "";
}

/// The kernels' gpu.module to PTX (or a cubin) in a gpu.binary.
static void addCudaKernelsToBinary(OpPassManager &pm,
                                   const PipelineOptions &options) {
  GpuNVVMAttachTargetOptions target;
  target.chip = options.cudaChip;
  // sm_90 needs PTX ISA 8.0; the others take it too (CUDA 12+ drivers).
  target.features = "+ptx80";
  target.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(target));
  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  device.addPass(memref::createExpandStridedMetadataPass());
  device.addPass(createLowerAffinePass());
  device.addPass(createSCFToControlFlowPass());
  device.addPass(math::createMathExtendToSupportedTypes());
  // Tensor-core ops (nvgpu.mma.sync) to NVVM's mma.sync; bf16 ones by
  // kiln (upstream's lowering takes no bf16).
  device.addPass(mlir::kiln::createCudaLowerBf16Mma());
  device.addPass(createConvertNVGPUToNVVMPass());
  ConvertGpuOpsToNVVMOpsOptions nvvm;
  nvvm.useBarePtrCallConv = true; // kernel parameters are plain pointers
  nvvm.indexBitwidth = 64;
  device.addPass(createConvertGpuOpsToNVVMOps(nvvm));
  device.addPass(createCanonicalizerPass());
  device.addPass(createCSEPass());
  device.addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions binary;
  // PTX text (the driver JIT-compiles it for the GPU it finds), or a cubin
  // for exactly this GPU, assembled by the toolkit's ptxas.
  binary.compilationTarget = options.cudaCubin ? "bin" : "isa";
  // Math functions become libdevice calls (NVIDIA's bitcode math library:
  // expf, tanhf ... as __nv_*); linking it resolves them
  // (kiln-cuda-lower-launches rejects PTX that still calls one).
  if (std::string toolkit = findCudaToolkit(); !toolkit.empty()) {
    binary.toolkitPath = toolkit;
    binary.linkFiles.push_back(toolkit + "/nvvm/libdevice/libdevice.10.bc");
  }
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

/// NVIDIA: contractions become shared-memory tiled kernels and every other
/// loop nest a kernel on a 1-D grid, kernels become
/// PTX (LLVM's NVPTX backend, in process; host code with --cuda-simulate)
/// embedded in the host object, and
/// the model function launches them through libkiln_rt's CUDA layer.
static void addCudaLLVM(OpPassManager &pm, const PipelineOptions &options) {
  mlir::kiln::LowerCopiesOptions copies; // linalg.copy: kernels like the rest
  pm.addNestedPass<func::FuncOp>(mlir::kiln::createLowerCopies(copies));
  // fp16/bf16: the weights the tensor cores read, rounded once here.
  mlir::kiln::CudaNarrowWeightsOptions narrow;
  narrow.precision = options.precision;
  pm.addPass(mlir::kiln::createCudaNarrowWeights(narrow));
  // Matmuls and convolutions: kernels tiled through shared memory.
  mlir::kiln::CudaTileContractionsOptions contractions;
  contractions.precision = options.precision;
  contractions.chip = options.cudaChip;
  contractions.tile = options.cudaGemmTile;
  pm.addNestedPass<func::FuncOp>(
      mlir::kiln::createCudaTileContractions(contractions));
  // Reductions along the innermost loop (softmax, layer norm): a warp or a
  // block per output instead of a thread.
  pm.addNestedPass<func::FuncOp>(mlir::kiln::createCudaTileReductions());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(mlir::kiln::createCudaMapParallel());
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // The f32 weights narrowed copies replaced (their last readers, dead
  // memref.get_globals, went with the canonicalization).
  pm.addPass(createSymbolDCEPass());
  // Constants (and index math on them) go into the launches: kernels take
  // them as immediates, not parameters (and cannot take vector constants).
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(mlir::kiln::createCudaMergeModules());
  // Buffers a kernel only reads and nothing else writes: loaded through the
  // non-coherent cache (ld.global.nc).
  pm.addPass(mlir::kiln::createCudaMarkParameters());
  if (options.cudaSimulate) {
    // Kernels as host functions kiln-cusim calls once per GPU thread; the
    // launches and uploads stay as for PTX.
    pm.addPass(mlir::kiln::createCudaSimulateKernels());
  } else {
    addCudaKernelsToBinary(pm, options);
  }
  pm.addPass(mlir::kiln::createCudaLowerLaunches());
  // The host side: pointer arithmetic and runtime calls only (and the
  // simulated kernels).
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  if (options.cudaSimulate) {
    addHostMath(pm);
    pm.addPass(createConvertVectorToLLVMPass()); // tensor-core fragments
  }
  addToLLVMDialect(pm);
  if (options.cudaSimulate)
    pm.addPass(mlir::kiln::createCudaSimulateImages());
  pm.addPass(createCanonicalizerPass());
  addWrappersAndVerify(pm, options);
}

static void addLLVM(OpPassManager &pm, const PipelineOptions &options) {
  if (!options.cudaChip.empty())
    return addCudaLLVM(pm, options);
  // Copies bufferization inserted become vector row loops or linalg.copy
  // loops (no memrefCopy runtime call), then every linalg op becomes scf
  // loops.
  mlir::kiln::LowerCopiesOptions copies;
  copies.vectorBits = options.vectorBits;
  pm.addNestedPass<func::FuncOp>(mlir::kiln::createLowerCopies(copies));
  // The next reduction slice of the weights streams into L2 while the
  // register tiles sweep the current one.
  pm.addNestedPass<func::FuncOp>(mlir::kiln::createPrefetchWeights());
  // A tile's residual and output lines arrive while its reduction runs.
  pm.addNestedPass<func::FuncOp>(mlir::kiln::createPrefetchEpilogue());
  // Vector tiles: contractions to FMAs, transfers to 1-D loads/stores.
  pm.addNestedPass<func::FuncOp>(mlir::kiln::createLowerVectors());
  // Independent iterations (tiles of a forall, parallel dimensions of the
  // remaining linalg ops) become scf.parallel, the rest scf.for.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addPass(createForallToParallelLoopPass());
  // One function per top-level loop nest: LLVM's loop analyses do not
  // scale to hundreds of loops in one function. Large parallel nests become
  // kernels the runtime's thread pool runs in parallel.
  mlir::kiln::OutlineKernelsOptions outline;
  outline.parallel = options.threads != 1;
  outline.maxThreads = options.threads;
  pm.addPass(mlir::kiln::createOutlineKernels(outline));
  // Views and subviews -> reinterpret_cast with explicit offsets/strides.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createSCFToControlFlowPass());
  addHostMath(pm);
  addToLLVMDialect(pm);
  // Parallel kernels are called through kiln_parallel_for (libkiln_rt).
  pm.addPass(mlir::kiln::createDispatchParallel());
  pm.addPass(createCanonicalizerPass());
  addWrappersAndVerify(pm, options);
}

void buildPhasePipeline(OpPassManager &pm, Phase phase,
                        const PipelineOptions &options) {
  switch (phase) {
  case Phase::Import:
  case Phase::Artifact:
    return;
  case Phase::Graph:
    return addGraph(pm);
  case Phase::Fused:
    return addFused(pm);
  case Phase::Tiled:
    return addTiled(pm, options);
  case Phase::Bufferized:
    return addBufferized(pm, options);
  case Phase::LLVM:
    return addLLVM(pm, options);
  }
}

void buildPipelineTo(OpPassManager &pm, Phase last,
                     const PipelineOptions &options) {
  for (auto [phase, name] : kPhaseNames)
    if (phase <= last)
      buildPhasePipeline(pm, phase, options);
}

void registerPipelines() {
  mlir::kiln::registerKilnConversionPasses();
  mlir::kiln::registerKilnFusionPasses();
  mlir::kiln::registerKilnLayoutPasses();
  mlir::kiln::registerKilnMemoryPasses();
  mlir::kiln::registerKilnTilingPasses();
  mlir::kiln::registerKilnCpuPasses();
  mlir::kiln::registerKilnCudaPasses();
  mlir::kiln::registerKilnVerifyPasses();
  mlir::kiln::registerKilnAbiPasses();
  for (auto [phase, name] : kPhaseNames) {
    if (phase == Phase::Import || phase == Phase::Artifact)
      continue;
    Phase p = phase;
    PassPipelineRegistration<PipelineOptions>(
        ("kiln-" + name + "-pipeline").str(),
        ("The passes that reach kiln's '" + name + "' phase").str(),
        [p](OpPassManager &pm, const PipelineOptions &options) {
          buildPhasePipeline(pm, p, options);
        });
  }
  PassPipelineRegistration<PipelineOptions>(
      "kiln-cpu-pipeline", "All of kiln's phases from import to LLVM",
      [](OpPassManager &pm, const PipelineOptions &options) {
        buildPipelineTo(pm, Phase::LLVM, options);
      });
}

} // namespace kiln
