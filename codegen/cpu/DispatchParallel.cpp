// kiln-cpu-dispatch-parallel: calls of parallel kernels become calls of the
// runtime's kiln_parallel_for with a task trampoline and a stack context.
#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/StringMap.h"

#define DEBUG_TYPE "kiln-cpu-dispatch-parallel"

namespace mlir::kiln {
#define GEN_PASS_DEF_DISPATCHPARALLEL
#include "codegen/cpu/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kRuntimeParallelFor = "kiln_parallel_for";

struct DispatchParallelPass
    : mlir::kiln::impl::DispatchParallelBase<DispatchParallelPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<LLVM::LLVMFuncOp> kernels;
    for (auto f : module.getOps<LLVM::LLVMFuncOp>())
      if (f->hasAttr("kiln.parallel_grain"))
        kernels.push_back(f);
    if (kernels.empty())
      return;
    OpBuilder b(ctx);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    auto voidType = LLVM::LLVMVoidType::get(ctx);

    // void kiln_parallel_for(task, context, count, grain)
    auto runtime = module.lookupSymbol<LLVM::LLVMFuncOp>(kRuntimeParallelFor);
    if (!runtime) {
      b.setInsertionPointToEnd(module.getBody());
      runtime = LLVM::LLVMFuncOp::create(
          b, module.getLoc(), kRuntimeParallelFor,
          LLVM::LLVMFunctionType::get(voidType, {ptr, ptr, i64, i64}));
    }

    // Every call of a parallel kernel, found in one walk (a model has
    // hundreds of kernels).
    llvm::StringMap<SmallVector<LLVM::CallOp>> callsOf;
    for (LLVM::LLVMFuncOp kernel : kernels)
      callsOf[kernel.getName()];
    module.walk([&](LLVM::CallOp call) {
      if (std::optional<StringRef> callee = call.getCallee())
        if (auto it = callsOf.find(*callee); it != callsOf.end())
          it->second.push_back(call);
    });

    for (LLVM::LLVMFuncOp kernel : kernels) {
      auto grain = kernel->getAttrOfType<IntegerAttr>("kiln.parallel_grain");
      kernel->removeAttr("kiln.parallel_grain");
      ArrayRef<Type> params = kernel.getFunctionType().getParams();
      if (params.size() < 2 || params.back() != i64 ||
          params[params.size() - 2] != i64) {
        kernel.emitError(
            "parallel kernel does not end in (i64 begin, i64 end)");
        return signalPassFailure();
      }
      ArrayRef<Type> fields = params.drop_back(2);
      auto contextType = LLVM::LLVMStructType::getLiteral(ctx, fields);

      // <kernel>_task(context, begin, end): unpack and run the range.
      b.setInsertionPointAfter(kernel);
      Location loc = kernel.getLoc();
      auto task = LLVM::LLVMFuncOp::create(
          b, loc, (kernel.getName() + "_task").str(),
          LLVM::LLVMFunctionType::get(voidType, {ptr, i64, i64}),
          LLVM::Linkage::Internal);
      Block *body = task.addEntryBlock(b);
      b.setInsertionPointToStart(body);
      SmallVector<Value> args;
      for (auto [i, field] : llvm::enumerate(fields)) {
        Value slot = LLVM::GEPOp::create(
            b, loc, ptr, contextType, body->getArgument(0),
            ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
        args.push_back(LLVM::LoadOp::create(b, loc, field, slot));
      }
      args.push_back(body->getArgument(1));
      args.push_back(body->getArgument(2));
      LLVM::CallOp::create(b, loc, kernel, args);
      LLVM::ReturnOp::create(b, loc, ValueRange{});

      // Each call: context on the stack, then the runtime. (The task's own
      // call of the kernel, made above, stays direct.)
      for (LLVM::CallOp call : callsOf[kernel.getName()]) {
        auto caller = call->getParentOfType<LLVM::LLVMFuncOp>();
        Location cloc = call.getLoc();
        b.setInsertionPointToStart(&caller.getBody().front());
        Value one =
            LLVM::ConstantOp::create(b, cloc, i64, b.getI64IntegerAttr(1));
        Value context = LLVM::AllocaOp::create(b, cloc, ptr, contextType, one);
        b.setInsertionPoint(call);
        ValueRange operands = call.getArgOperands();
        for (auto [i, v] : llvm::enumerate(operands.drop_back(2))) {
          Value slot = LLVM::GEPOp::create(
              b, cloc, ptr, contextType, context,
              ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
          LLVM::StoreOp::create(b, cloc, v, slot);
        }
        // The range is [0, count) by construction.
        Value count = operands.back();
        Value fn = LLVM::AddressOfOp::create(b, cloc, ptr, task.getName());
        Value g = LLVM::ConstantOp::create(b, cloc, i64, grain);
        LLVM::CallOp::create(b, cloc, runtime,
                             ValueRange{fn, context, count, g});
        call.erase();
      }
    }
  }
};

} // namespace
