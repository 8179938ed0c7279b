// kiln-cuda-lower-launches: kernels' PTX (or cubin, or kiln-cusim image)
// becomes LLVM constants in the host object and gpu.launch_func becomes a
// libkiln_rt kiln_cuda_launch call.
#include "codegen/cuda/Passes.h"
#include "dialects/kiln/AbiAttrs.h"
#include "passes/common/RuntimeCalls.h"

#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDALOWERLAUNCHES
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

constexpr llvm::StringLiteral kLaunchFn = "kiln_cuda_launch";
constexpr llvm::StringLiteral kConstantFn = "kiln_cuda_constant";

int64_t elementBytes(MemRefType t) {
  return std::max<int64_t>(1, t.getElementTypeBitWidth() / 8);
}

struct CudaLowerLaunchesPass
    : kiln::impl::CudaLowerLaunchesBase<CudaLowerLaunchesPass> {
  ModuleOp module;
  SymbolTable *symbols = nullptr; // valid during runOnOperation
  /// Per kernel module: its image (PTX, cubin or kiln-cusim table) and
  /// module slot.
  llvm::StringMap<std::pair<LLVM::GlobalOp, LLVM::GlobalOp>> binaries;
  /// Per kernel name: its NUL-terminated name constant.
  llvm::StringMap<LLVM::GlobalOp> names;
  /// Per memref.global: the slot of its device copy.
  llvm::StringMap<LLVM::GlobalOp> constantSlots;

  void runOnOperation() override {
    module = getOperation();
    SymbolTable table(module);
    symbols = &table;
    binaries.clear();
    names.clear();
    constantSlots.clear();
    bool ok = true;
    module.walk([&](func::FuncOp func) {
      if (isSimulatedKernel(func))
        return; // a kernel (--cuda-simulate): it runs "on the device"
      if (failed(lowerIn(func)))
        ok = false;
    });
    if (!ok)
      return signalPassFailure();
    for (auto binary :
         llvm::make_early_inc_range(module.getOps<gpu::BinaryOp>()))
      binary.erase();
    // --cuda-simulate: the kernels are host functions now.
    for (auto kernels :
         llvm::make_early_inc_range(module.getOps<gpu::GPUModuleOp>()))
      kernels.erase();
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
  }

  /// An internal LLVM global: a NUL-terminated string constant, or (with
  /// no text) a zero pointer slot.
  LLVM::GlobalOp global(Location loc, StringRef name,
                        std::optional<StringRef> text) {
    MLIRContext *ctx = module.getContext();
    OpBuilder b(ctx);
    b.setInsertionPointToStart(module.getBody());
    LLVM::GlobalOp g;
    if (text) {
      std::string bytes = text->str();
      bytes.push_back('\0');
      auto type =
          LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8), bytes.size());
      g = LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                                 LLVM::Linkage::Internal, name,
                                 b.getStringAttr(bytes));
    } else {
      auto ptr = LLVM::LLVMPointerType::get(ctx);
      g = LLVM::GlobalOp::create(b, loc, ptr, /*isConstant=*/false,
                                 LLVM::Linkage::Internal, name, Attribute());
      Block *init = b.createBlock(&g.getInitializerRegion());
      b.setInsertionPointToStart(init);
      LLVM::ReturnOp::create(b, loc,
                             LLVM::ZeroOp::create(b, loc, ptr).getResult());
    }
    symbols->insert(g); // renamed if the name is taken
    return g;
  }

  LogicalResult lowerIn(func::FuncOp func) {
    // Device buffers are only touched by kernels: any access left on the
    // host is a bug in the mapping (it would fault at run time).
    WalkResult hostAccess = func.walk([&](Operation *op) {
      if (isa<memref::LoadOp, memref::StoreOp, memref::CopyOp, scf::ParallelOp>(
              op)) {
        op->emitError("internal error: this would touch device memory from "
                      "the host (it is not inside a GPU kernel)");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (hostAccess.wasInterrupted())
      return failure();
    SmallVector<gpu::LaunchFuncOp> launches;
    func.walk([&](gpu::LaunchFuncOp l) { launches.push_back(l); });
    MLIRContext *ctx = func.getContext();
    // The entry point of a CUDA model gets the device-side wrappers even
    // when it launches nothing (the header declares them).
    if (func->hasAttr(kEntryAttr))
      func->setAttr(kCudaAttr, UnitAttr::get(ctx));
    if (launches.empty())
      return success();
    OpBuilder b(ctx);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i32 = b.getI32Type(), i64 = b.getI64Type();
    func::FuncOp launchFn = declareRuntimeFunction(
        module, *symbols, kLaunchFn,
        {ptr, ptr, ptr, i64, i64, i64, i64, i64, i64, ptr});
    func::FuncOp constantFn = declareRuntimeFunction(
        module, *symbols, kConstantFn, {ptr, ptr, i64, ptr});
    Block &entry = func.front();
    // The calls run only while everything before succeeded: a kernel must
    // not run on a constant that failed to upload.
    Value status;
    auto callIfOk = [&](Location loc, func::FuncOp fn,
                        ValueRange operands) -> Value {
      if (!status)
        return func::CallOp::create(b, loc, fn, operands).getResult(0);
      Value ok =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, status,
                                arith::ConstantIntOp::create(b, loc, i32, 0));
      auto guarded = scf::IfOp::create(b, loc, TypeRange{i32}, ok,
                                       /*withElseRegion=*/true);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(guarded.thenBlock());
      scf::YieldOp::create(
          b, loc, func::CallOp::create(b, loc, fn, operands).getResult(0));
      b.setInsertionPointToStart(guarded.elseBlock());
      scf::YieldOp::create(b, loc, status);
      return guarded.getResult(0);
    };
    DenseMap<Value, Value> devicePointers; // per function call
    for (gpu::LaunchFuncOp launch : launches) {
      Location loc = launch.getLoc();
      if (launch->getBlock() != &entry)
        return launch.emitError("GPU launches must be at the top level of "
                                "the model function");
      if (!launch.getAsyncDependencies().empty() || launch.getAsyncToken() ||
          launch.hasClusterSize() || launch.getDynamicSharedMemorySize())
        return launch.emitError("asynchronous, clustered or dynamic shared "
                                "memory launches are not supported");
      // The kernels' image: PTX text or a cubin (cuModuleLoadData takes
      // either), or with --cuda-simulate kiln-cusim's table; once per
      // module.
      StringRef moduleName = launch.getKernelModuleName().getValue();
      auto &[image, slot] = binaries[moduleName];
      if (!image) {
        if (LLVM::GlobalOp simulated =
                lookupSimulatedKernelImage(*symbols, moduleName)) {
          image = simulated;
        } else {
          auto binary = symbols->lookup<gpu::BinaryOp>(moduleName);
          if (!binary || binary.getObjects().size() != 1)
            return launch.emitError("no single-object gpu.binary @")
                   << moduleName << " (run gpu-module-to-binary first)";
          auto object = cast<gpu::ObjectAttr>(binary.getObjects()[0]);
          bool cubin = object.getFormat() == gpu::CompilationTarget::Binary;
          // A math function libdevice would have defined: the driver could
          // not load the module. (ptxas refuses such PTX when making a
          // cubin.)
          StringRef text = object.getObject().getValue();
          if (size_t at = text.find(".extern .func");
              !cubin && at != StringRef::npos)
            return launch.emitError("kernel '")
                   << moduleName << "' calls an undefined device function ("
                   << text.substr(at, text.find('(', at) - at)
                   << "): NVIDIA's libdevice was not found; set CUDA_HOME to "
                      "a CUDA toolkit";
          image = global(loc, (moduleName + (cubin ? "_cubin" : "_ptx")).str(),
                         text);
        }
        slot = global(loc, (moduleName + "_module").str(), std::nullopt);
      }
      StringRef kernel = launch.getKernelName().getValue();
      LLVM::GlobalOp &name = names[kernel];
      if (!name)
        name = global(loc, ("kiln_kernel_" + kernel).str(), kernel);

      // One stack slot per kernel parameter; `args` points to them.
      b.setInsertionPointToStart(&entry);
      Value n = arith::ConstantIntOp::create(b, loc, i64,
                                             launch.getNumKernelOperands());
      Value args = LLVM::AllocaOp::create(b, loc, ptr, ptr, n);
      Value one = arith::ConstantIntOp::create(b, loc, i64, 1);
      SmallVector<std::pair<Value, Type>> slots;
      for (Value v : launch.getKernelOperands()) {
        Type t = v.getType();
        if (isa<MemRefType>(t))
          t = ptr;
        else if (isa<IndexType>(t))
          t = i64;
        else if (!t.isIntOrFloat())
          return launch.emitError("unsupported kernel argument type ") << t;
        slots.push_back({LLVM::AllocaOp::create(b, loc, ptr, t, one), t});
      }

      b.setInsertionPoint(launch);
      for (auto [k, v] : llvm::enumerate(launch.getKernelOperands())) {
        Value value = v;
        if (auto m = dyn_cast<MemRefType>(v.getType())) {
          // A host constant (weights), or a view of one (unit dimensions
          // folded, a slice): its device copy, made once, at the view's
          // byte offset.
          Value root = v;
          while (auto view = root.getDefiningOp<ViewLikeOpInterface>())
            root = view.getViewSource();
          auto get = root.getDefiningOp<memref::GetGlobalOp>();
          Value &device = devicePointers[v];
          if (!device && get) {
            LLVM::GlobalOp &cslot = constantSlots[get.getName()];
            if (!cslot)
              cslot =
                  global(loc, (get.getName() + "_device").str(), std::nullopt);
            auto rootType = cast<MemRefType>(root.getType());
            Value hostRoot =
                bufferAddress(b, loc, root, elementBytes(rootType));
            Value out = LLVM::AllocaOp::create(b, loc, ptr, ptr, one);
            LLVM::StoreOp::create(b, loc, LLVM::ZeroOp::create(b, loc, ptr),
                                  out);
            status = callIfOk(
                loc, constantFn,
                ValueRange{
                    LLVM::AddressOfOp::create(b, loc, cslot), hostRoot,
                    arith::ConstantIntOp::create(b, loc, i64,
                                                 rootType.getNumElements() *
                                                     elementBytes(rootType)),
                    out});
            device = LLVM::LoadOp::create(b, loc, ptr, out);
            if (root != v) {
              // device + (the view's aligned pointer - root's address); the
              // kernel adds the view's static offset.
              Value shift = LLVM::SubOp::create(
                  b, loc,
                  LLVM::PtrToIntOp::create(b, loc, i64,
                                           alignedAddress(b, loc, v)),
                  LLVM::PtrToIntOp::create(b, loc, i64, hostRoot));
              device = LLVM::GEPOp::create(b, loc, ptr, b.getI8Type(), device,
                                           ValueRange{shift});
            }
          } else if (!device) {
            device = alignedAddress(b, loc, v);
          }
          value = device;
        } else if (isa<IndexType>(v.getType())) {
          value = arith::IndexCastOp::create(b, loc, i64, v);
        }
        LLVM::StoreOp::create(b, loc, value, slots[k].first);
        Value at = LLVM::GEPOp::create(b, loc, ptr, ptr, args,
                                       ArrayRef<LLVM::GEPArg>{int32_t(k)});
        LLVM::StoreOp::create(b, loc, slots[k].first, at);
      }
      auto dim = [&](Value v) -> Value {
        return arith::IndexCastOp::create(b, loc, i64, v);
      };
      status = callIfOk(
          loc, launchFn,
          ValueRange{LLVM::AddressOfOp::create(b, loc, slot),
                     LLVM::AddressOfOp::create(b, loc, image),
                     LLVM::AddressOfOp::create(b, loc, name),
                     dim(launch.getGridSizeX()), dim(launch.getGridSizeY()),
                     dim(launch.getGridSizeZ()), dim(launch.getBlockSizeX()),
                     dim(launch.getBlockSizeY()), dim(launch.getBlockSizeZ()),
                     args});
      launch.erase();
    }
    return returnStatus(func, status);
  }
};

} // namespace
