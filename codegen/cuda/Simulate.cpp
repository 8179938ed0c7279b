// kiln-cuda-simulate-kernels and kiln-cuda-simulate-images: with
// --cuda-simulate, the GPU kernels are compiled for the host CPU and
// embedded as an image kiln-cusim (tools/cusim, a libcuda.so.1 for tests)
// runs, one call per GPU thread. The host side (launches, uploads, the
// runtime's CUDA layer) is the same as for PTX. The contract is
// codegen/cuda/SimulatorAbi.h.
#include "codegen/cuda/Passes.h"
#include "codegen/cuda/SimulatorAbi.h"
#include "passes/common/RuntimeCalls.h"

#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDASIMULATEKERNELS
#define GEN_PASS_DEF_CUDASIMULATEIMAGES
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// On an image's placeholder global: [[name, @function, flags, parameters,
/// shared bytes], ...].
constexpr llvm::StringLiteral kKernelsAttr = "kiln.cusim_kernels";
/// On each host function made from a kernel.
constexpr llvm::StringLiteral kKernelAttr = "kiln.cusim_kernel";
/// An image's name: its gpu.module's and this.
constexpr llvm::StringLiteral kImageSuffix = "_cusim";

/// kiln-cusim's code for `mma`'s shape and types, or -1.
int64_t mmaShapeCode(nvgpu::MmaSyncOp mma) {
  auto array = mma.getMmaShapeAsArray();
  SmallVector<int64_t> shape(array.begin(), array.end());
  Type a = mma.getMatrixA().getType().getElementType();
  auto c = mma.getMatrixC().getType();
  if (c.getShape() != ArrayRef<int64_t>{2, 2} || !c.getElementType().isF32())
    return -1;
  if (shape == SmallVector<int64_t>{16, 8, 16} && (a.isF16() || a.isBF16()))
    return KILN_CUSIM_MMA_M16N8K16;
  if (shape == SmallVector<int64_t>{16, 8, 8} && a.isF32() &&
      mma.getTf32Enabled())
    return KILN_CUSIM_MMA_M16N8K8_TF32;
  return -1;
}

/// The address of element `indices` of `memref` (static strides and
/// offset: the simulator's buffers), as an LLVM pointer.
Value elementPointer(OpBuilder &b, Location loc, Value memref,
                     ValueRange indices) {
  auto type = cast<MemRefType>(memref.getType());
  auto [strides, offset] = type.getStridesAndOffset();
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value element;
  auto plus = [&](Value term) {
    element = element ? arith::AddIOp::create(b, loc, element, term) : term;
  };
  for (auto [i, stride] : llvm::zip(indices, strides))
    plus(stride == 1 ? i : arith::MulIOp::create(b, loc, i, index(stride)));
  if (offset || !element)
    plus(index(offset));
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
  Value address = arith::AddIOp::create(
      b, loc, base,
      arith::MulIOp::create(b, loc, element,
                            index(type.getElementTypeBitWidth() / 8)));
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()),
      arith::IndexCastOp::create(b, loc, b.getI64Type(), address).getResult());
}

struct CudaSimulateKernelsPass
    : kiln::impl::CudaSimulateKernelsBase<CudaSimulateKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    for (auto gpuModule :
         llvm::make_early_inc_range(module.getOps<gpu::GPUModuleOp>())) {
      SmallVector<Attribute> kernels;
      for (auto kernel : gpuModule.getOps<gpu::GPUFuncOp>()) {
        if (!kernel.isKernel())
          continue;
        FailureOr<Attribute> entry =
            simulate(module, symbols, gpuModule, kernel);
        if (failed(entry))
          return signalPassFailure();
        kernels.push_back(*entry);
      }
      // The image's placeholder, <module>_cusim; kiln-cuda-simulate-images
      // fills it in once the kernels are LLVM functions. The gpu.module
      // stays (launches must name a kernel with their operands' types)
      // until kiln-cuda-lower-launches replaces the launches.
      OpBuilder b(gpuModule);
      Location loc = gpuModule.getLoc();
      auto ptr = LLVM::LLVMPointerType::get(module.getContext());
      auto image = LLVM::GlobalOp::create(
          b, loc, ptr, /*isConstant=*/true, LLVM::Linkage::Internal,
          (gpuModule.getSymName() + kImageSuffix).str(), Attribute());
      Block *init = b.createBlock(&image.getInitializerRegion());
      b.setInsertionPointToStart(init);
      LLVM::ReturnOp::create(b, loc,
                             LLVM::ZeroOp::create(b, loc, ptr).getResult());
      image->setAttr(kKernelsAttr, b.getArrayAttr(kernels));
      symbols.insert(image);
    }
  }

  /// `kernel` as a host function void(void **args, kiln_cusim_thread_t *);
  /// returns its image entry [name, @function, flags, parameters, shared
  /// bytes].
  FailureOr<Attribute> simulate(ModuleOp module, SymbolTable &symbols,
                                gpu::GPUModuleOp gpuModule,
                                gpu::GPUFuncOp kernel) {
    MLIRContext *ctx = module.getContext();
    if (kernel.getNumPrivateAttributions())
      return kernel.emitError("the CUDA simulator does not support kernels "
                              "with private memory attributions");
    for (BlockArgument shared : kernel.getWorkgroupAttributions()) {
      auto type = cast<MemRefType>(shared.getType());
      if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
          type.getElementTypeBitWidth() % 8 != 0)
        return kernel.emitError("the CUDA simulator needs static shared "
                                "buffers, not ")
               << type;
      for (Operation *user : shared.getUsers())
        if (!isa<memref::LoadOp, memref::StoreOp, nvgpu::LdMatrixOp,
                 nvgpu::DeviceAsyncCopyOp>(user))
          return user->emitError("the CUDA simulator only loads and stores "
                                 "shared buffers directly");
    }
    // Everything the host cannot run, listed at once.
    bool unsupported = false;
    kernel.walk([&](Operation *op) {
      if (isa<gpu::ThreadIdOp, gpu::BlockIdOp, gpu::BlockDimOp, gpu::GridDimOp,
              gpu::BarrierOp, gpu::ReturnOp>(op) ||
          op == kernel.getOperation())
        return;
      if (auto shuffle = dyn_cast<gpu::ShuffleOp>(op)) {
        Type t = shuffle.getValue().getType();
        if (!t.isIntOrFloat() || t.getIntOrFloatBitWidth() != 32) {
          op->emitError("the CUDA simulator shuffles 32-bit values only");
          unsupported = true;
        }
        return;
      }
      if (auto ldm = dyn_cast<nvgpu::LdMatrixOp>(op)) {
        auto src = cast<MemRefType>(ldm.getSrcMemref().getType());
        if (src.getElementTypeBitWidth() != 16 || src.getRank() != 2 ||
            !src.getLayout().isIdentity() || !src.hasStaticShape()) {
          op->emitError("the CUDA simulator runs ldmatrix on static 2-D "
                        "shared buffers of 16-bit elements only");
          unsupported = true;
        }
        return;
      }
      if (isa<nvgpu::DeviceAsyncCreateGroupOp, nvgpu::DeviceAsyncWaitOp>(op))
        return;
      if (auto copy = dyn_cast<nvgpu::DeviceAsyncCopyOp>(op)) {
        int64_t bits = copy.getDstElements().getSExtValue() *
                       copy.getDst().getType().getElementTypeBitWidth();
        if (bits != 32 && bits != 64 && bits != 128) {
          op->emitError("the CUDA simulator runs cp.async of 4, 8 or 16 "
                        "bytes only");
          unsupported = true;
        }
        return;
      }
      if (auto mma = dyn_cast<nvgpu::MmaSyncOp>(op)) {
        if (mmaShapeCode(mma) < 0) {
          op->emitError("the CUDA simulator runs mma.sync m16n8k16 (f16, "
                        "bf16) and m16n8k8 (tf32) only");
          unsupported = true;
        }
        return;
      }
      StringRef dialect =
          op->getDialect() ? op->getDialect()->getNamespace() : StringRef();
      if (dialect == "gpu" || dialect == "nvgpu" || dialect == "nvvm") {
        op->emitError("the CUDA simulator cannot run '")
            << op->getName() << "' on the host";
        unsupported = true;
      }
    });
    if (unsupported)
      return failure();

    OpBuilder b(ctx);
    Location loc = kernel.getLoc();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = b.getI64Type();
    b.setInsertionPointToEnd(module.getBody());
    auto fn = func::FuncOp::create(
        b, loc,
        ("kiln_cusim_" + gpuModule.getSymName() + "_" + kernel.getName()).str(),
        b.getFunctionType({ptr, ptr}, {}));
    fn.setPrivate();
    fn->setAttr(kKernelAttr, b.getUnitAttr());
    symbols.insert(fn); // unique name

    IRMapping mapping;
    kernel.getBody().cloneInto(&fn.getBody(), mapping);
    Block *body = &fn.getBody().front();
    Block *entry = b.createBlock(&fn.getBody(), fn.getBody().begin(),
                                 {ptr, ptr}, {loc, loc});
    Value args = entry->getArgument(0), thread = entry->getArgument(1);

    // Parameters, as cuLaunchKernel passes them: args[i] points to the
    // value (buffers as plain pointers, indices as i64).
    LLVMTypeConverter converter(ctx);
    SmallVector<Value> params;
    unsigned numParams = kernel.getNumArguments();
    for (auto [i, arg] :
         llvm::enumerate(body->getArguments().take_front(numParams))) {
      Type t = arg.getType();
      Value at = LLVM::GEPOp::create(b, loc, ptr, ptr, args,
                                     ArrayRef<LLVM::GEPArg>{int32_t(i)});
      Value slot = LLVM::LoadOp::create(b, loc, ptr, at);
      if (auto memref = dyn_cast<MemRefType>(t)) {
        // What bare-pointer kernel parameters allow (the PTX path's rule).
        if (!LLVMTypeConverter::canConvertToBarePtr(memref) ||
            memref.getMemorySpace())
          return kernel.emitError("the CUDA simulator needs static, strided "
                                  "global-memory buffers, not ")
                 << t;
        Value base = LLVM::LoadOp::create(b, loc, ptr, slot);
        Value desc =
            MemRefDescriptor::fromStaticShape(b, loc, converter, memref, base);
        params.push_back(
            UnrealizedConversionCastOp::create(b, loc, t, desc).getResult(0));
      } else if (isa<IndexType>(t)) {
        params.push_back(arith::IndexCastOp::create(
            b, loc, t, LLVM::LoadOp::create(b, loc, i64, slot)));
      } else if (t.isIntOrFloat() && t.getIntOrFloatBitWidth() <= 64) {
        params.push_back(LLVM::LoadOp::create(b, loc, t, slot));
      } else {
        return kernel.emitError("the CUDA simulator cannot pass a ") << t;
      }
    }
    // Shared buffers: consecutive 16-byte aligned views of the block's
    // shared memory (the thread's word KILN_CUSIM_WORD_SHARED), in the
    // default memory space (their users are loads and stores).
    int64_t sharedBytes = 0;
    Value shared;
    for (BlockArgument arg : body->getArguments().drop_front(numParams)) {
      auto type = cast<MemRefType>(arg.getType());
      if (!shared) {
        Value p = LLVM::GEPOp::create(
            b, loc, ptr, i64, thread,
            ArrayRef<LLVM::GEPArg>{int32_t(KILN_CUSIM_WORD_SHARED)});
        shared = LLVM::LoadOp::create(b, loc, ptr, p);
      }
      Value base =
          LLVM::GEPOp::create(b, loc, ptr, b.getI8Type(), shared,
                              ArrayRef<LLVM::GEPArg>{int32_t(sharedBytes)});
      auto plain = MemRefType::get(type.getShape(), type.getElementType());
      Value desc =
          MemRefDescriptor::fromStaticShape(b, loc, converter, plain, base);
      arg.replaceAllUsesWith(
          UnrealizedConversionCastOp::create(b, loc, plain, desc).getResult(0));
      sharedBytes +=
          (type.getNumElements() * type.getElementTypeBitWidth() / 8 + 15) /
          16 * 16;
    }
    body->eraseArguments(numParams, body->getNumArguments() - numParams);
    cf::BranchOp::create(b, loc, body, params);

    // The thread's word `word` of kiln_cusim_thread_t.
    auto word = [&](OpBuilder &at, Location l, int64_t index,
                    Type type) -> Value {
      Value p = LLVM::GEPOp::create(at, l, ptr, i64, thread,
                                    ArrayRef<LLVM::GEPArg>{int32_t(index)});
      return LLVM::LoadOp::create(at, l, type, p);
    };
    auto dimWord = [](gpu::Dimension d) { return int64_t(d); };
    int64_t flags = 0;
    SmallVector<Operation *> gpuOps;
    fn.walk([&](Operation *op) {
      if (op->getDialect() && op->getDialect()->getNamespace() == "gpu")
        gpuOps.push_back(op);
    });
    // Tensor-core ops: the fragments go through four small f32 buffers at
    // the function's entry to the thread's `mma` (a warp-wide exchange).
    SmallVector<nvgpu::MmaSyncOp> mmas;
    fn.walk([&](nvgpu::MmaSyncOp op) { mmas.push_back(op); });
    if (!mmas.empty()) {
      OpBuilder at(entry->getTerminator());
      Location l = loc;
      auto buffer = [&](int64_t n) -> std::pair<Value, Value> {
        Value m = memref::AllocaOp::create(
            at, l, MemRefType::get({n}, at.getF32Type()));
        return {m, alignedAddress(at, l, m)};
      };
      auto [aBuf, aPtr] = buffer(8);
      auto [bBuf, bPtr] = buffer(4);
      auto [cBuf, cPtr] = buffer(4);
      auto [dBuf, dPtr] = buffer(4);
      for (nvgpu::MmaSyncOp mma : mmas) {
        OpBuilder mb(mma);
        Location ml = mma.getLoc();
        auto spill = [&](Value vec, Value buf) {
          auto type = cast<VectorType>(vec.getType());
          int64_t cols = type.getShape()[1];
          for (int64_t r = 0; r < type.getShape()[0]; ++r)
            for (int64_t h = 0; h < cols; ++h) {
              Value e = vector::ExtractOp::create(mb, ml, vec,
                                                  ArrayRef<int64_t>{r, h});
              if (!e.getType().isF32())
                e = arith::ExtFOp::create(mb, ml, mb.getF32Type(), e);
              memref::StoreOp::create(mb, ml, e, buf,
                                      ValueRange{arith::ConstantIndexOp::create(
                                          mb, ml, r * cols + h)});
            }
        };
        spill(mma.getMatrixA(), aBuf);
        spill(mma.getMatrixB(), bBuf);
        spill(mma.getMatrixC(), cBuf);
        Value fnPtr = word(mb, ml, KILN_CUSIM_WORD_MMA, ptr);
        auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                                {ptr, i64, ptr, ptr, ptr, ptr});
        Value code = LLVM::ConstantOp::create(mb, ml, i64, mmaShapeCode(mma));
        LLVM::CallOp::create(
            mb, ml, type,
            ValueRange{fnPtr, thread, code, aPtr, bPtr, cPtr, dPtr});
        SmallVector<Value> d;
        for (int64_t i = 0; i < 4; ++i)
          d.push_back(memref::LoadOp::create(
              mb, ml, dBuf,
              ValueRange{arith::ConstantIndexOp::create(mb, ml, i)}));
        mma.getResult().replaceAllUsesWith(vector::FromElementsOp::create(
            mb, ml, mma.getResult().getType(), d));
        mma.erase();
      }
      flags |= KILN_CUSIM_USES_BARRIER;
    }
    // ldmatrix: the lane's row address (in the shared buffer) to the
    // thread's `ldmatrix` (a warp-wide exchange); its 16-bit results come
    // back through a small buffer at the function's entry.
    SmallVector<nvgpu::LdMatrixOp> ldms;
    fn.walk([&](nvgpu::LdMatrixOp op) { ldms.push_back(op); });
    if (!ldms.empty()) {
      OpBuilder at(entry->getTerminator());
      auto i16 = at.getI16Type();
      Value out = memref::AllocaOp::create(at, loc, MemRefType::get({8}, i16));
      Value outPtr = alignedAddress(at, loc, out);
      for (nvgpu::LdMatrixOp ldm : ldms) {
        OpBuilder mb(ldm);
        Location ml = ldm.getLoc();
        Value row =
            elementPointer(mb, ml, ldm.getSrcMemref(), ldm.getIndices());
        Value fnPtr = word(mb, ml, KILN_CUSIM_WORD_LDMATRIX, ptr);
        auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                                {ptr, i64, i64, ptr, ptr});
        LLVM::CallOp::create(
            mb, ml, type,
            ValueRange{fnPtr, thread,
                       LLVM::ConstantOp::create(mb, ml, i64, ldm.getNumTiles()),
                       LLVM::ConstantOp::create(mb, ml, i64,
                                                ldm.getTranspose() ? 1 : 0),
                       row, outPtr});
        auto resultType = cast<VectorType>(ldm.getRes().getType());
        SmallVector<Value> values;
        for (int64_t i = 0; i < resultType.getNumElements(); ++i)
          values.push_back(arith::BitcastOp::create(
              mb, ml, resultType.getElementType(),
              memref::LoadOp::create(
                  mb, ml, out,
                  ValueRange{arith::ConstantIndexOp::create(mb, ml, i)})));
        ldm.getRes().replaceAllUsesWith(
            vector::FromElementsOp::create(mb, ml, resultType, values));
        ldm.erase();
      }
      flags |= KILN_CUSIM_USES_BARRIER;
    }
    // Asynchronous copies: the thread's `async_copy`, `async_commit` and
    // `async_wait` (kiln-cusim lands the bytes at the wait); the tokens
    // go once their users have (waits, then groups, then copies).
    SmallVector<Operation *> asyncOps[3]; // waits, groups, copies
    fn.walk([&](Operation *op) {
      if (isa<nvgpu::DeviceAsyncWaitOp>(op))
        asyncOps[0].push_back(op);
      else if (isa<nvgpu::DeviceAsyncCreateGroupOp>(op))
        asyncOps[1].push_back(op);
      else if (isa<nvgpu::DeviceAsyncCopyOp>(op))
        asyncOps[2].push_back(op);
    });
    auto voidType = LLVM::LLVMVoidType::get(ctx);
    for (ArrayRef<Operation *> ops : asyncOps)
      for (Operation *op : ops) {
      OpBuilder at(op);
        Location l = op->getLoc();
        auto constant = [&](int64_t v) -> Value {
          return LLVM::ConstantOp::create(at, l, i64, v);
        };
        if (auto wait = dyn_cast<nvgpu::DeviceAsyncWaitOp>(op)) {
          auto type = LLVM::LLVMFunctionType::get(voidType, {ptr, i64});
          LLVM::CallOp::create(
              at, l, type,
              ValueRange{word(at, l, KILN_CUSIM_WORD_ASYNC_WAIT, ptr), thread,
                         constant(wait.getNumGroups().value_or(0))});
        } else if (isa<nvgpu::DeviceAsyncCreateGroupOp>(op)) {
          auto type = LLVM::LLVMFunctionType::get(voidType, {ptr});
          LLVM::CallOp::create(
              at, l, type,
              ValueRange{word(at, l, KILN_CUSIM_WORD_ASYNC_COMMIT, ptr),
                         thread});
        } else {
          auto copy = cast<nvgpu::DeviceAsyncCopyOp>(op);
          int64_t bytes = copy.getDst().getType().getElementTypeBitWidth() / 8;
          int64_t elements = copy.getDstElements().getSExtValue();
          Value srcBytes = constant(elements * bytes);
          if (Value from = copy.getSrcElements())
            srcBytes = arith::MulIOp::create(
                at, l, arith::IndexCastOp::create(at, l, i64, from),
                constant(bytes));
          auto type =
              LLVM::LLVMFunctionType::get(voidType, {ptr, ptr, ptr, i64, i64});
          LLVM::CallOp::create(
              at, l, type,
              ValueRange{
                  word(at, l, KILN_CUSIM_WORD_ASYNC_COPY, ptr), thread,
                  elementPointer(at, l, copy.getDst(), copy.getDstIndices()),
                  elementPointer(at, l, copy.getSrc(), copy.getSrcIndices()),
                  constant(elements * bytes), srcBytes});
        }
        op->dropAllUses();
        op->erase();
      }
    for (Operation *op : gpuOps) {
      OpBuilder at(op);
      Location l = op->getLoc();
      auto index = [&](int64_t w) {
        Value v = word(at, l, w, i64);
        op->getResult(0).replaceAllUsesWith(
            arith::IndexCastOp::create(at, l, at.getIndexType(), v));
      };
      if (auto o = dyn_cast<gpu::ThreadIdOp>(op))
        index(KILN_CUSIM_WORD_THREAD_ID + dimWord(o.getDimension()));
      else if (auto o = dyn_cast<gpu::BlockIdOp>(op))
        index(KILN_CUSIM_WORD_BLOCK_ID + dimWord(o.getDimension()));
      else if (auto o = dyn_cast<gpu::BlockDimOp>(op))
        index(KILN_CUSIM_WORD_BLOCK_DIM + dimWord(o.getDimension()));
      else if (auto o = dyn_cast<gpu::GridDimOp>(op))
        index(KILN_CUSIM_WORD_GRID_DIM + dimWord(o.getDimension()));
      else if (isa<gpu::BarrierOp>(op)) {
        Value barrier = word(at, l, KILN_CUSIM_WORD_BARRIER, ptr);
        auto type =
            LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptr});
        LLVM::CallOp::create(at, l, type, ValueRange{barrier, thread});
        flags |= KILN_CUSIM_USES_BARRIER;
      } else if (auto shuffle = dyn_cast<gpu::ShuffleOp>(op)) {
        // (valid << 32) | bits = shuffle(thread, mode, bits, offset, width)
        auto i32 = at.getI32Type();
        Value bits = shuffle.getValue();
        if (!bits.getType().isInteger(32))
          bits = arith::BitcastOp::create(at, l, i32, bits);
        auto wide = [&](Value v, bool isSigned) -> Value {
          if (isSigned)
            return arith::ExtSIOp::create(at, l, i64, v);
          return arith::ExtUIOp::create(at, l, i64, v);
        };
        int64_t mode = 0;
        switch (shuffle.getMode()) {
        case gpu::ShuffleMode::XOR:
          mode = KILN_CUSIM_SHUFFLE_XOR;
          break;
        case gpu::ShuffleMode::DOWN:
          mode = KILN_CUSIM_SHUFFLE_DOWN;
          break;
        case gpu::ShuffleMode::UP:
          mode = KILN_CUSIM_SHUFFLE_UP;
          break;
        case gpu::ShuffleMode::IDX:
          mode = KILN_CUSIM_SHUFFLE_IDX;
          break;
        }
        Value fnPtr = word(at, l, KILN_CUSIM_WORD_SHUFFLE, ptr);
        auto type = LLVM::LLVMFunctionType::get(i64, {ptr, i64, i64, i64, i64});
        Value result =
            LLVM::CallOp::create(
                at, l, type,
                ValueRange{fnPtr, thread,
                           LLVM::ConstantOp::create(at, l, i64, mode),
                           wide(bits, false), wide(shuffle.getOffset(), true),
                           wide(shuffle.getWidth(), true)})
                .getResult();
        Value value = arith::TruncIOp::create(at, l, i32, result);
        if (value.getType() != shuffle.getValue().getType())
          value = arith::BitcastOp::create(at, l, shuffle.getValue().getType(),
                                           value);
        Value valid = arith::CmpIOp::create(
            at, l, arith::CmpIPredicate::ne,
            arith::ShRUIOp::create(at, l, result,
                                   LLVM::ConstantOp::create(at, l, i64, 32)),
            LLVM::ConstantOp::create(at, l, i64, 0));
        shuffle.getShuffleResult().replaceAllUsesWith(value);
        shuffle.getValid().replaceAllUsesWith(valid);
        flags |= KILN_CUSIM_USES_BARRIER;
      } else if (isa<gpu::ReturnOp>(op)) {
        func::ReturnOp::create(at, l);
      }
      op->erase();
    }
    // Each parameter, comma-separated: a buffer as 'p' and the bytes it
    // spans from its aligned pointer (offset and strides included), else
    // the bytes of its value.
    std::string paramBytes;
    for (BlockArgument arg : body->getArguments()) {
      Type t = arg.getType();
      if (!paramBytes.empty())
        paramBytes.push_back(',');
      if (auto m = dyn_cast<MemRefType>(t)) {
        auto [strides, offset] = m.getStridesAndOffset();
        int64_t last = offset; // the last element's position
        for (auto [size, stride] : llvm::zip(m.getShape(), strides))
          last += (size - 1) * stride;
        int64_t span = m.getNumElements() == 0 ? 0 : last + 1;
        paramBytes +=
            "p" + std::to_string(span * ((m.getElementTypeBitWidth() + 7) / 8));
      } else if (isa<IndexType>(t)) {
        paramBytes += "8";
      } else { // at most 8 bytes (checked above)
        paramBytes += std::to_string((t.getIntOrFloatBitWidth() + 7) / 8);
      }
    }
    return Attribute(
        b.getArrayAttr({kernel.getNameAttr(), FlatSymbolRefAttr::get(fn),
                        b.getI64IntegerAttr(flags), b.getStringAttr(paramBytes),
                        b.getI64IntegerAttr(sharedBytes)}));
  }
};

struct CudaSimulateImagesPass
    : kiln::impl::CudaSimulateImagesBase<CudaSimulateImagesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    SymbolTable symbols(module);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    auto string = [&](Location loc, StringRef name, StringRef text) {
      OpBuilder b(ctx);
      b.setInsertionPointToStart(module.getBody());
      std::string bytes = text.str();
      bytes.push_back('\0');
      auto g = LLVM::GlobalOp::create(
          b, loc,
          LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8), bytes.size()),
          /*isConstant=*/true, LLVM::Linkage::Internal, name,
          b.getStringAttr(bytes));
      symbols.insert(g);
      return g;
    };
    for (auto image :
         llvm::make_early_inc_range(module.getOps<LLVM::GlobalOp>())) {
      auto kernels = image->getAttrOfType<ArrayAttr>(kKernelsAttr);
      if (!kernels)
        continue;
      Location loc = image.getLoc();
      // { magic bytes, (name, kernel, flags, params, shared)..., null entry }
      auto magicType = LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8),
                                                KILN_CUSIM_MAGIC_BYTES);
      SmallVector<Type> fields{magicType};
      for (size_t i = 0; i <= kernels.size(); ++i)
        fields.append({ptr, ptr, i64, ptr, i64});
      auto type = LLVM::LLVMStructType::getLiteral(ctx, fields);
      struct Entry {
        LLVM::GlobalOp name, params;
        ArrayAttr attr;
      };
      SmallVector<Entry> entries;
      for (Attribute k : kernels) {
        auto entry = cast<ArrayAttr>(k);
        StringRef name = cast<StringAttr>(entry[0]).getValue();
        std::string prefix = (image.getSymName() + "_" + name).str();
        entries.push_back({string(loc, prefix + "_name", name),
                           string(loc, prefix + "_params",
                                  cast<StringAttr>(entry[3]).getValue()),
                           entry});
      }
      image.getInitializerRegion().front().erase();
      OpBuilder b(ctx);
      Block *init = b.createBlock(&image.getInitializerRegion());
      b.setInsertionPointToStart(init);
      Value value = LLVM::UndefOp::create(b, loc, type);
      int64_t field = 0;
      auto insert = [&](Value v) {
        value = LLVM::InsertValueOp::create(b, loc, value, v, field++);
      };
      std::string magic(KILN_CUSIM_MAGIC);
      magic.resize(KILN_CUSIM_MAGIC_BYTES, '\0');
      insert(
          LLVM::ConstantOp::create(b, loc, magicType, b.getStringAttr(magic)));
      for (const Entry &e : entries) {
        ArrayAttr entry = e.attr;
        auto fn = cast<FlatSymbolRefAttr>(entry[1]);
        if (!symbols.lookup<LLVM::LLVMFuncOp>(fn.getValue())) {
          image.emitError("simulated kernel ") << fn
                                               << " is not an LLVM "
                                                  "function yet";
          return signalPassFailure();
        }
        insert(LLVM::AddressOfOp::create(b, loc, e.name));
        insert(LLVM::AddressOfOp::create(b, loc, ptr, fn));
        insert(LLVM::ConstantOp::create(b, loc, i64,
                                        cast<IntegerAttr>(entry[2]).getInt()));
        insert(LLVM::AddressOfOp::create(b, loc, e.params));
        insert(LLVM::ConstantOp::create(b, loc, i64,
                                        cast<IntegerAttr>(entry[4]).getInt()));
      }
      Value null = LLVM::ZeroOp::create(b, loc, ptr);
      insert(null);
      insert(null);
      insert(LLVM::ConstantOp::create(b, loc, i64, 0));
      insert(null);
      insert(LLVM::ConstantOp::create(b, loc, i64, 0));
      LLVM::ReturnOp::create(b, loc, value);
      image.setGlobalType(type);
      image->removeAttr(kKernelsAttr);
    }
  }
};

} // namespace

namespace mlir::kiln {
LLVM::GlobalOp lookupSimulatedKernelImage(SymbolTable &symbols,
                                          StringRef module) {
  auto image = symbols.lookup<LLVM::GlobalOp>((module + kImageSuffix).str());
  return image && image->hasAttr(kKernelsAttr) ? image : LLVM::GlobalOp();
}
bool isSimulatedKernel(Operation *op) { return op && op->hasAttr(kKernelAttr); }
} // namespace mlir::kiln
