// kiln-abi-emit-wrappers: the exported C entry points <name>_run and
// <name>_invoke around the lowered model function.
#include "codegen/common/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

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

struct EmitWrappersPass : kiln::impl::EmitWrappersBase<EmitWrappersPass> {
  using Base::Base;

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

    impl.setSymName(modelName + "_main");
    // The ABI attributes have done their job; LLVM IR has no use for them.
    impl.setArgAttrsAttr(nullptr);
    impl.setLinkage(LLVM::Linkage::Internal);
    Location loc = impl.getLoc();
    OpBuilder b(ctx);
    b.setInsertionPointAfter(impl);
    auto i32 = b.getI32Type();

    // <name>_run(in..., out..., arena): validate, then call the model.
    auto run = LLVM::LLVMFuncOp::create(
        b, loc, modelName + "_run",
        LLVM::LLVMFunctionType::get(i32, SmallVector<Type>(numArgs, ptr)));
    {
      OpBuilder::InsertionGuard g(b);
      Block *entry = run.addEntryBlock(b);
      b.setInsertionPointToStart(entry);
      ValueRange args = entry->getArguments();
      Value status = LLVM::SelectOp::create(
          b, loc, anyNull(b, loc, args), i32Const(b, loc, kStatusInvalidArgument),
          i32Const(b, loc, kStatusOk));
      returnIfError(b, loc, run, status);
      Value addr = LLVM::PtrToIntOp::create(b, loc, b.getI64Type(), args.back());
      Value mask = LLVM::ConstantOp::create(
          b, loc, b.getI64Type(), b.getI64IntegerAttr(alignment.getInt() - 1));
      Value misaligned = LLVM::ICmpOp::create(
          b, loc, LLVM::ICmpPredicate::ne, LLVM::AndOp::create(b, loc, addr, mask),
          LLVM::ConstantOp::create(b, loc, b.getI64Type(), b.getI64IntegerAttr(0)));
      returnIfError(b, loc, run,
                    LLVM::SelectOp::create(b, loc, misaligned,
                                           i32Const(b, loc, kStatusArenaMisaligned),
                                           i32Const(b, loc, kStatusOk)));
      LLVM::CallOp::create(b, loc, impl, args);
      LLVM::ReturnOp::create(b, loc, i32Const(b, loc, kStatusOk));
    }

    // <name>_invoke(inputs[], outputs[], arena): unpack the arrays.
    auto invoke = LLVM::LLVMFuncOp::create(
        b, loc, modelName + "_invoke",
        LLVM::LLVMFunctionType::get(i32, {ptr, ptr, ptr}));
    {
      OpBuilder::InsertionGuard g(b);
      Block *entry = invoke.addEntryBlock(b);
      b.setInsertionPointToStart(entry);
      Value inputs = entry->getArgument(0), outputs = entry->getArgument(1);
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
      args.push_back(entry->getArgument(2));
      auto call = LLVM::CallOp::create(b, loc, run, args);
      LLVM::ReturnOp::create(b, loc, call.getResult());
    }
  }
};

} // namespace
