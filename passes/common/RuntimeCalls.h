// Helpers of the passes that lower ops into libkiln_rt calls (string ops,
// GPU launches): raw buffer addresses, and the model function's status.
// Such calls return kiln_status_t; the passes fold the results into one i32
// and make the function return it, and EmitWrappers returns it from the C
// entry points.
#ifndef KILN_PASSES_COMMON_RUNTIMECALLS_H
#define KILN_PASSES_COMMON_RUNTIMECALLS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::kiln {

/// `buffer`'s aligned pointer as an !llvm.ptr (without its offset: what a
/// bare-pointer kernel parameter takes, adding the static offset itself).
inline Value alignedAddress(OpBuilder &b, Location loc, Value buffer) {
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
  Value address = arith::IndexCastOp::create(b, loc, b.getI64Type(), base);
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()), address);
}

/// The address of contiguous `buffer`'s first element (its aligned pointer
/// plus its offset of `elementBytes`-byte elements) as an !llvm.ptr.
inline Value bufferAddress(OpBuilder &b, Location loc, Value buffer,
                           int64_t elementBytes) {
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, buffer);
  Value offset = arith::IndexCastOp::create(
      b, loc, b.getI64Type(),
      arith::MulIOp::create(
          b, loc, meta.getOffset(),
          arith::ConstantIndexOp::create(b, loc, elementBytes)));
  return LLVM::GEPOp::create(b, loc, LLVM::LLVMPointerType::get(b.getContext()),
                             b.getI8Type(), alignedAddress(b, loc, buffer),
                             ValueRange{offset});
}

/// The private declaration of libkiln_rt function `name` in `module`
/// (created at its end on first use), returning kiln_status_t (i32).
inline func::FuncOp declareRuntimeFunction(ModuleOp module,
                                           SymbolTable &symbols, StringRef name,
                                           ArrayRef<Type> params) {
  if (auto f = symbols.lookup<func::FuncOp>(name))
    return f;
  OpBuilder b(module.getContext());
  b.setInsertionPointToEnd(module.getBody());
  auto f = func::FuncOp::create(b, module.getLoc(), name,
                                b.getFunctionType(params, {b.getI32Type()}));
  f.setPrivate();
  symbols.insert(f);
  return f;
}

/// `running` with `next` folded in: the first non-zero status wins (later
/// calls still run, on outputs the runtime left defined). A null `running`
/// is no status yet.
inline Value combineStatus(OpBuilder &b, Location loc, Value running,
                           Value next) {
  if (!running)
    return next;
  Value zero = arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0);
  Value failed =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, running, zero);
  return arith::SelectOp::create(b, loc, failed, running, next);
}

/// Makes single-block `func`, which returns nothing, return `status` (i32).
inline LogicalResult returnStatus(func::FuncOp func, Value status) {
  if (func.getNumResults() != 0 || !func.getBody().hasOneBlock())
    return func.emitError("a function whose ops return a status must have "
                          "one block and no results");
  auto ret = cast<func::ReturnOp>(func.front().getTerminator());
  ret.getOperandsMutable().assign(status);
  func.setType(FunctionType::get(func.getContext(), func.getArgumentTypes(),
                                 {status.getType()}));
  return success();
}

} // namespace mlir::kiln

#endif // KILN_PASSES_COMMON_RUNTIMECALLS_H
