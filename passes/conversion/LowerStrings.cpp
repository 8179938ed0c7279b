// kiln-conversion-lower-strings: string ops in buffer form become libkiln_rt
// calls and string buffers become i64 buffers (the pointers' bits).
#include "dialects/kiln/AbiAttrs.h"
#include "dialects/kiln/KilnDialect.h"
#include "passes/common/RuntimeCalls.h"
#include "passes/conversion/Passes.h"

#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_LOWERSTRINGS
#include "passes/conversion/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

// libkiln_rt's string functions (runtime/include/kiln/runtime.h).
constexpr llvm::StringLiteral kNormalizeFn = "kiln_string_normalize";
constexpr llvm::StringLiteral kFromF32Fn = "kiln_string_from_f32";
constexpr llvm::StringLiteral kToF32Fn = "kiln_string_to_f32";

/// `memref` with its string elements retyped to i64; other types unchanged.
Type retyped(Type t) {
  auto m = dyn_cast<MemRefType>(t);
  if (!m || !isa<StringType>(m.getElementType()))
    return t;
  return MemRefType::get(m.getShape(), IntegerType::get(t.getContext(), 64),
                         m.getLayout(), m.getMemorySpace());
}

/// The address of `buffer`'s first element as an !llvm.ptr.
Value firstElement(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  return bufferAddress(b, loc, buffer,
                       isa<StringType>(type.getElementType())
                           ? 8
                           : type.getElementTypeBitWidth() / 8);
}

struct LowerStringsPass : kiln::impl::LowerStringsBase<LowerStringsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable table(module);
    symbols = &table;
    bool ok = true;
    module.walk([&](func::FuncOp func) {
      if (failed(lowerIn(func)))
        ok = false;
    });
    if (!ok)
      return signalPassFailure();

    // Retype every string buffer to i64.
    module.walk([&](Operation *op) {
      for (Value r : op->getResults())
        r.setType(retyped(r.getType()));
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument a : block.getArguments())
            a.setType(retyped(a.getType()));
      if (auto func = dyn_cast<func::FuncOp>(op)) {
        FunctionType ft = func.getFunctionType();
        SmallVector<Type> ins, outs;
        for (Type t : ft.getInputs())
          ins.push_back(retyped(t));
        for (Type t : ft.getResults())
          outs.push_back(retyped(t));
        func.setType(FunctionType::get(op->getContext(), ins, outs));
      }
    });
  }

  LogicalResult lowerIn(func::FuncOp func) {
    SmallVector<Operation *> ops;
    func.walk([&](Operation *op) {
      if (isa<StringNormalizerOp, StringCastOp>(op))
        ops.push_back(op);
    });
    if (ops.empty())
      return success();
    MLIRContext *ctx = func.getContext();
    OpBuilder b(ctx);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i32 = b.getI32Type(), i64 = b.getI64Type();
    auto i32Const = [&](Location loc, int32_t v) -> Value {
      return arith::ConstantIntOp::create(b, loc, i32, v);
    };
    auto i64Const = [&](Location loc, int64_t v) -> Value {
      return arith::ConstantIntOp::create(b, loc, i64, v);
    };

    Block &entry = func.front();
    Value status;
    for (Operation *op : ops) {
      Location loc = op->getLoc();
      Value input = op->getOperand(0), init = op->getOperand(1);
      auto in = dyn_cast<MemRefType>(input.getType());
      auto out = dyn_cast<MemRefType>(init.getType());
      if (!in || !out)
        return op->emitOpError(
            "must be bufferized before kiln-conversion-lower-strings");
      if (op->getBlock() != &entry || !func.getBody().hasOneBlock())
        return op->emitOpError(
            "must be at the top level of a single-block function");
      if (!memref::isStaticShapeAndContiguousRowMajor(in) ||
          !memref::isStaticShapeAndContiguousRowMajor(out))
        return op->emitOpError("needs contiguous row-major buffers");
      // Ops that make strings write them into their own storage.
      Value storage;
      if (isa<StringType>(out.getElementType())) {
        b.setInsertionPointToStart(&entry);
        auto alloc = memref::AllocOp::create(
            b, loc, MemRefType::get({maxStringBytes}, b.getI8Type()));
        alloc->setAttr(kLiveToEndAttr, b.getUnitAttr());
        storage = alloc;
      }
      b.setInsertionPoint(op);
      Value inPtr = firstElement(b, loc, input);
      Value count = i64Const(loc, in.getNumElements());
      Value outPtr = firstElement(b, loc, init);
      func::CallOp call;
      if (auto norm = dyn_cast<StringNormalizerOp>(op)) {
        StringRef action = norm.getCaseChangeAction();
        int32_t actionCode = action == "LOWER" ? 1 : action == "UPPER" ? 2 : 0;
        call = func::CallOp::create(
            b, loc,
            declare(kNormalizeFn,
                    {ptr, i64, ptr, ptr, i64, i32, i32, ptr, i64}),
            ValueRange{inPtr, count, outPtr, firstElement(b, loc, storage),
                       i64Const(loc, maxStringBytes), i32Const(loc, actionCode),
                       i32Const(loc, norm.getCaseSensitive() ? 1 : 0),
                       stopwords(b, loc, norm.getStopwords()),
                       i64Const(loc, norm.getStopwords().size())});
      } else if (storage) {
        call = func::CallOp::create(
            b, loc, declare(kFromF32Fn, {ptr, i64, ptr, ptr, i64}),
            ValueRange{inPtr, count, outPtr, firstElement(b, loc, storage),
                       i64Const(loc, maxStringBytes)});
      } else {
        call = func::CallOp::create(b, loc, declare(kToF32Fn, {ptr, i64, ptr}),
                                    ValueRange{inPtr, count, outPtr});
      }
      // The first failure wins; later calls still run on defined (empty)
      // strings.
      status = combineStatus(b, loc, status, call.getResult(0));
      op->erase();
    }
    return returnStatus(func, status);
  }

  /// Address of a private constant global holding `words` back to back,
  /// each NUL-terminated (one NUL byte when there are none).
  Value stopwords(OpBuilder &b, Location loc, ArrayAttr words) {
    std::string bytes;
    for (Attribute w : words)
      bytes += cast<StringAttr>(w).getValue().str() + '\0';
    if (bytes.empty())
      bytes.push_back('\0');
    SmallVector<int8_t> data(bytes.begin(), bytes.end());
    auto type =
        MemRefType::get({static_cast<int64_t>(data.size())}, b.getI8Type());
    auto tensorType = RankedTensorType::get(type.getShape(), b.getI8Type());
    memref::GlobalOp global;
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(getOperation().getBody());
      global = memref::GlobalOp::create(
          b, loc, "kiln_stopwords", b.getStringAttr("private"), type,
          DenseElementsAttr::get(tensorType, ArrayRef<int8_t>(data)),
          /*constant=*/true, /*alignment=*/nullptr);
      symbols->insert(global); // renamed when the name is taken
    }
    Value buffer =
        memref::GetGlobalOp::create(b, loc, type, global.getSymName());
    return firstElement(b, loc, buffer);
  }

  func::FuncOp declare(StringRef name, ArrayRef<Type> params) {
    return declareRuntimeFunction(getOperation(), *symbols, name, params);
  }

  SymbolTable *symbols = nullptr;
};

} // namespace
