// kiln-abi-emit-wrappers: the exported C entry points <name>_run and
// <name>_invoke around the lowered model function.
#include "codegen/common/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

#include <limits>

namespace mlir::kiln {
#define GEN_PASS_DEF_EMITWRAPPERS
#include "codegen/common/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

// Values of kiln_status_t (runtime/include/kiln/abi.h).
constexpr int32_t kStatusOk = 0;
constexpr int32_t kStatusInvalidArgument = 1;
constexpr int32_t kStatusArenaMisaligned = 2;
constexpr int32_t kStatusOutOfRange = 4;

Value i32Const(OpBuilder &b, Location loc, int32_t v) {
  return LLVM::ConstantOp::create(b, loc, b.getI32Type(),
                                  b.getI32IntegerAttr(v));
}

/// or(ptr == null for each ptr).
Value anyNull(OpBuilder &b, Location loc, ValueRange ptrs) {
  Value null = LLVM::ZeroOp::create(b, loc, LLVM::LLVMPointerType::get(b.getContext()));
  Value result = LLVM::ConstantOp::create(b, loc, b.getI1Type(),
                                          b.getBoolAttr(false));
  for (Value p : ptrs)
    result = LLVM::OrOp::create(
        b, loc, result,
        LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, p, null));
  return result;
}

/// Returns `status` from a fresh block when it is non-zero, else continues
/// in a new block where the builder is left.
void returnIfError(OpBuilder &b, Location loc, LLVM::LLVMFuncOp fn,
                   Value status) {
  Region &body = fn.getBody();
  Block *fail = new Block(), *next = new Block();
  body.push_back(fail);
  body.push_back(next);
  Value bad = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, status,
                                   i32Const(b, loc, kStatusOk));
  LLVM::CondBrOp::create(b, loc, bad, fail, next);
  b.setInsertionPointToStart(fail);
  LLVM::ReturnOp::create(b, loc, status);
  b.setInsertionPointToStart(next);
}

/// The declaration of runtime function `name`, created on first use.
LLVM::LLVMFuncOp runtimeFn(ModuleOp module, StringRef name,
                           LLVM::LLVMFunctionType type) {
  if (auto f = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return f;
  OpBuilder b(module.getContext());
  b.setInsertionPointToEnd(module.getBody());
  return LLVM::LLVMFuncOp::create(b, module.getLoc(), name, type);
}

int64_t alignTo(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

/// batch < 0, batch > maxBatch (when bounded), or a batch whose buffers'
/// bytes (and a host workspace for them) would not fit in an int64_t.
Value batchOutOfRange(OpBuilder &b, Location loc, Value batch,
                      IntegerAttr maxBatch, DenseI64ArrayAttr sampleBytes) {
  auto i64Const = [&](int64_t v) -> Value {
    return LLVM::ConstantOp::create(b, loc, b.getI64Type(),
                                    b.getI64IntegerAttr(v));
  };
  int64_t perSample = 1;
  for (int64_t n : sampleBytes.asArrayRef())
    perSample += n + kHostWorkspaceAlignment;
  int64_t largest = std::numeric_limits<int64_t>::max() / perSample;
  if (maxBatch && maxBatch.getInt() > 0)
    largest = std::min(largest, maxBatch.getInt());
  return LLVM::OrOp::create(
      b, loc,
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::slt, batch,
                           i64Const(0)),
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::sgt, batch,
                           i64Const(largest)));
}

struct EmitWrappersPass : kiln::impl::EmitWrappersBase<EmitWrappersPass> {
  using Base::Base;

  /// CUDA models: <name>_run_stream(stream, [batch,] buffers..., arena) runs
  /// on a caller's CUstream; <name>_run_host([batch,] host buffers...,
  /// workspace) copies the inputs into a device workspace, runs, waits and
  /// copies the outputs back (the workspace holds the arena, then every
  /// input and output). With a dynamic batch (`sampleBytes` set), each
  /// buffer's bytes are the batch's and the layout is computed at run time.
  void emitCudaWrappers(OpBuilder &b, Location loc, LLVM::LLVMFuncOp impl,
                        LLVM::LLVMFuncOp run, int64_t numInputs,
                        int64_t numOutputs, DenseI64ArrayAttr sampleBytes,
                        IntegerAttr maxBatch) {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i32 = b.getI32Type(), i64 = b.getI64Type();
    auto bytes = impl->getAttrOfType<DenseI64ArrayAttr>(kBufferBytesAttr);
    auto arenaSize = impl->getAttrOfType<IntegerAttr>(kArenaSizeAttr);
    auto setStream = runtimeFn(module, "kiln_cuda_set_stream",
                               LLVM::LLVMFunctionType::get(ptr, {ptr}));
    auto toDevice = runtimeFn(module, "kiln_cuda_copy_to_device",
                              LLVM::LLVMFunctionType::get(i32, {ptr, ptr, i64}));
    auto toHost = runtimeFn(module, "kiln_cuda_copy_to_host",
                            LLVM::LLVMFunctionType::get(i32, {ptr, ptr, i64}));
    auto sync = runtimeFn(module, "kiln_cuda_synchronize",
                          LLVM::LLVMFunctionType::get(i32, {}));
    auto i64Const = [&](int64_t v) -> Value {
      return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
    };
    bool batched = sampleBytes != nullptr;
    unsigned numBuffers = numInputs + numOutputs;
    unsigned first = batched ? 1 : 0; // buffers start after the batch

    // <name>_run_stream(stream, [batch,] buffers..., arena)
    SmallVector<Type> streamParams(numBuffers + 2, ptr);
    if (batched)
      streamParams.insert(streamParams.begin() + 1, i64);
    auto onStream = LLVM::LLVMFuncOp::create(
        b, loc, modelName + "_run_stream",
        LLVM::LLVMFunctionType::get(i32, streamParams));
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(onStream.addEntryBlock(b));
      ValueRange args = onStream.getArguments();
      Value previous =
          LLVM::CallOp::create(b, loc, setStream, args.take_front()).getResult();
      Value status =
          LLVM::CallOp::create(b, loc, run, args.drop_front()).getResult();
      LLVM::CallOp::create(b, loc, setStream, ValueRange{previous});
      LLVM::ReturnOp::create(b, loc, status);
    }

    // <name>_run_host([batch,] host buffers..., workspace)
    int64_t arenaBytes =
        alignTo(arenaSize ? arenaSize.getInt() : 0, kHostWorkspaceAlignment);
    SmallVector<Type> hostParams(numBuffers + 1, ptr);
    if (batched)
      hostParams.insert(hostParams.begin(), i64);
    auto onHost = LLVM::LLVMFuncOp::create(
        b, loc, modelName + "_run_host",
        LLVM::LLVMFunctionType::get(i32, hostParams));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(onHost.addEntryBlock(b));
    ValueRange args = onHost.getArguments();
    ValueRange pointers = args.drop_front(first);
    returnIfError(b, loc, onHost,
                  LLVM::SelectOp::create(
                      b, loc, anyNull(b, loc, pointers),
                      i32Const(b, loc, kStatusInvalidArgument),
                      i32Const(b, loc, kStatusOk)));
    // Nothing is copied for a batch the model refuses.
    if (batched)
      returnIfError(b, loc, onHost,
                    LLVM::SelectOp::create(
                        b, loc, batchOutOfRange(b, loc, args.front(), maxBatch,
                                        sampleBytes),
                        i32Const(b, loc, kStatusOutOfRange),
                        i32Const(b, loc, kStatusOk)));
    Value workspace = pointers.back();
    // Buffer k: bufferBytes[k] at device[k]. Static: each takes at least one
    // aligned block (distinct pointers even when empty); batched: its bytes
    // rounded up.
    SmallVector<Value> device, bufferBytes;
    int64_t staticOffset = arenaBytes;
    Value offset = i64Const(arenaBytes);
    for (auto [k, n] : llvm::enumerate(bytes.asArrayRef())) {
      device.push_back(LLVM::GEPOp::create(b, loc, ptr, b.getI8Type(),
                                           workspace, ValueRange{offset}));
      Value size;
      if (batched) {
        size = LLVM::MulOp::create(b, loc, args.front(),
                                   i64Const(sampleBytes[k]));
        Value padded = LLVM::AndOp::create(
            b, loc,
            LLVM::AddOp::create(b, loc, size,
                                i64Const(kHostWorkspaceAlignment - 1)),
            i64Const(-kHostWorkspaceAlignment));
        offset = LLVM::AddOp::create(b, loc, offset, padded);
      } else {
        size = i64Const(n);
        staticOffset += alignTo(std::max<int64_t>(n, 1), kHostWorkspaceAlignment);
        offset = i64Const(staticOffset);
      }
      bufferBytes.push_back(size);
    }
    // The header's workspace size: all of it, or (batched) the arena's part.
    impl->setAttr(kHostWorkspaceSizeAttr, b.getI64IntegerAttr(staticOffset));
    for (int64_t k = 0; k < numInputs; ++k)
      returnIfError(b, loc, onHost,
                    LLVM::CallOp::create(
                        b, loc, toDevice,
                        ValueRange{device[k], pointers[k], bufferBytes[k]})
                        .getResult());
    SmallVector<Value> runArgs;
    if (batched)
      runArgs.push_back(args.front());
    llvm::append_range(runArgs, device);
    runArgs.push_back(workspace); // the arena comes first in the workspace
    returnIfError(b, loc, onHost,
                  LLVM::CallOp::create(b, loc, run, runArgs).getResult());
    returnIfError(b, loc, onHost,
                  LLVM::CallOp::create(b, loc, sync, ValueRange{}).getResult());
    for (int64_t k = numInputs; k < numBuffers; ++k)
      returnIfError(b, loc, onHost,
                    LLVM::CallOp::create(
                        b, loc, toHost,
                        ValueRange{pointers[k], device[k], bufferBytes[k]})
                        .getResult());
    LLVM::ReturnOp::create(b, loc, i32Const(b, loc, kStatusOk));
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    LLVM::LLVMFuncOp impl;
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>())
      if (fn->hasAttr(kEntryAttr))
        impl = fn;
    if (!impl) {
      module.emitError("no lowered kiln.entry function to wrap");
      return signalPassFailure();
    }
    auto numInputs = impl->getAttrOfType<IntegerAttr>(kNumInputsAttr);
    auto numOutputs = impl->getAttrOfType<IntegerAttr>(kNumOutputsAttr);
    auto alignment = impl->getAttrOfType<IntegerAttr>(kArenaAlignmentAttr);
    unsigned numArgs = impl.getNumArguments();
    if (!numInputs || !numOutputs || !alignment ||
        numArgs != numInputs.getInt() + numOutputs.getInt() + 1) {
      impl.emitError("entry function does not follow the kiln ABI "
                     "(inputs, outputs, arena as bare pointers)");
      return signalPassFailure();
    }
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    for (Type t : impl.getFunctionType().getParams())
      if (t != ptr) {
        impl.emitError("entry argument is not a bare pointer: ") << t;
        return signalPassFailure();
      }

    // A model function with fallible ops (string ops) returns a status.
    Type implResult = impl.getFunctionType().getReturnType();
    bool returnsStatus = !isa<LLVM::LLVMVoidType>(implResult);
    if (returnsStatus && implResult != IntegerType::get(ctx, 32)) {
      impl.emitError("entry function must return nothing or an i32 status");
      return signalPassFailure();
    }

    impl.setSymName(modelName + "_main");
    // The ABI attributes have done their job; LLVM IR has no use for them.
    impl.setArgAttrsAttr(nullptr);
    impl.setLinkage(LLVM::Linkage::Internal);
    Location loc = impl.getLoc();
    OpBuilder b(ctx);
    b.setInsertionPointAfter(impl);
    auto i32 = b.getI32Type();

    // Dynamic batch: the model function computes one sample; the wrappers
    // take the batch first and step every buffer by its sample size.
    auto sampleBytes = impl->getAttrOfType<DenseI64ArrayAttr>(kSampleBytesAttr);
    auto maxBatch = impl->getAttrOfType<IntegerAttr>(kMaxBatchAttr);
    bool batched = sampleBytes != nullptr;
    auto i64 = b.getI64Type();
    auto i64Const = [&](int64_t v) -> Value {
      return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
    };

    // <name>_run([batch,] in..., out..., arena): validate, then call the
    // model (once per sample with a batch).
    SmallVector<Type> runParams(numArgs, ptr);
    if (batched)
      runParams.insert(runParams.begin(), i64);
    auto run = LLVM::LLVMFuncOp::create(
        b, loc, modelName + "_run", LLVM::LLVMFunctionType::get(i32, runParams));
    {
      OpBuilder::InsertionGuard g(b);
      Block *entry = run.addEntryBlock(b);
      b.setInsertionPointToStart(entry);
      ValueRange args = entry->getArguments();
      Value batch;
      if (batched) {
        batch = args.front();
        args = args.drop_front();
      }
      Value status = LLVM::SelectOp::create(
          b, loc, anyNull(b, loc, args), i32Const(b, loc, kStatusInvalidArgument),
          i32Const(b, loc, kStatusOk));
      returnIfError(b, loc, run, status);
      Value addr = LLVM::PtrToIntOp::create(b, loc, i64, args.back());
      Value misaligned = LLVM::ICmpOp::create(
          b, loc, LLVM::ICmpPredicate::ne,
          LLVM::AndOp::create(b, loc, addr, i64Const(alignment.getInt() - 1)),
          i64Const(0));
      returnIfError(b, loc, run,
                    LLVM::SelectOp::create(b, loc, misaligned,
                                           i32Const(b, loc, kStatusArenaMisaligned),
                                           i32Const(b, loc, kStatusOk)));
      if (!batched) {
        auto call = LLVM::CallOp::create(b, loc, impl, args);
        LLVM::ReturnOp::create(b, loc,
                               returnsStatus ? call.getResult()
                                             : i32Const(b, loc, kStatusOk));
      } else {
        // 0 <= batch <= max_batch (when bounded).
        returnIfError(b, loc, run,
                      LLVM::SelectOp::create(b, loc,
                                             batchOutOfRange(b, loc, batch,
                                                             maxBatch,
                                                             sampleBytes),
                                             i32Const(b, loc, kStatusOutOfRange),
                                             i32Const(b, loc, kStatusOk)));
        // for (i = 0; i < batch; ++i) main(in + i * bytes..., arena)
        Region &body = run.getBody();
        Block *header = new Block(), *loop = new Block(), *done = new Block();
        body.push_back(header);
        body.push_back(loop);
        body.push_back(done);
        header->addArgument(i64, loc);
        LLVM::BrOp::create(b, loc, ValueRange{i64Const(0)}, header);
        b.setInsertionPointToStart(header);
        Value i = header->getArgument(0);
        LLVM::CondBrOp::create(
            b, loc,
            LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::slt, i, batch),
            loop, done);
        b.setInsertionPointToStart(loop);
        SmallVector<Value> callArgs;
        for (auto [k, bytes] : llvm::enumerate(sampleBytes.asArrayRef())) {
          Value offset = LLVM::MulOp::create(b, loc, i, i64Const(bytes));
          callArgs.push_back(LLVM::GEPOp::create(b, loc, ptr, b.getI8Type(),
                                                 args[k], ValueRange{offset}));
        }
        callArgs.push_back(args.back());
        auto call = LLVM::CallOp::create(b, loc, impl, callArgs);
        if (returnsStatus)
          returnIfError(b, loc, run, call.getResult());
        Value next = LLVM::AddOp::create(b, loc, i, i64Const(1));
        LLVM::BrOp::create(b, loc, ValueRange{next}, header);
        b.setInsertionPointToStart(done);
        LLVM::ReturnOp::create(b, loc, i32Const(b, loc, kStatusOk));
      }
    }

    if (impl->hasAttr(kCudaAttr))
      emitCudaWrappers(b, loc, impl, run, numInputs.getInt(),
                       numOutputs.getInt(), sampleBytes, maxBatch);

    // <name>_invoke(inputs[], outputs[], arena): unpack the arrays.
    SmallVector<Type> invokeParams = {ptr, ptr, ptr};
    if (batched)
      invokeParams.insert(invokeParams.begin(), i64);
    auto invoke = LLVM::LLVMFuncOp::create(
        b, loc, modelName + "_invoke",
        LLVM::LLVMFunctionType::get(i32, invokeParams));
    {
      OpBuilder::InsertionGuard g(b);
      Block *entry = invoke.addEntryBlock(b);
      b.setInsertionPointToStart(entry);
      unsigned first = batched ? 1 : 0;
      Value inputs = entry->getArgument(first),
            outputs = entry->getArgument(first + 1);
      SmallVector<Value> arrays;
      if (numInputs.getInt() > 0)
        arrays.push_back(inputs);
      if (numOutputs.getInt() > 0)
        arrays.push_back(outputs);
      returnIfError(b, loc, invoke,
                    LLVM::SelectOp::create(
                        b, loc, anyNull(b, loc, arrays),
                        i32Const(b, loc, kStatusInvalidArgument),
                        i32Const(b, loc, kStatusOk)));
      SmallVector<Value> args;
      auto load = [&](Value array, int32_t i) {
        Value addr = LLVM::GEPOp::create(b, loc, ptr, ptr, array,
                                         ArrayRef<LLVM::GEPArg>{i});
        args.push_back(LLVM::LoadOp::create(b, loc, ptr, addr));
      };
      for (int32_t i = 0; i < numInputs.getInt(); ++i)
        load(inputs, i);
      for (int32_t i = 0; i < numOutputs.getInt(); ++i)
        load(outputs, i);
      args.push_back(entry->getArgument(first + 2));
      if (batched)
        args.insert(args.begin(), entry->getArgument(0));
      auto call = LLVM::CallOp::create(b, loc, run, args);
      LLVM::ReturnOp::create(b, loc, call.getResult());
    }
  }
};

} // namespace
