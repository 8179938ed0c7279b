// kiln-abi-rewrite-entry: the model function becomes
// (inputs..., outputs..., arena) on memrefs, in destination-passing style.
#include "codegen/common/Passes.h"
#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_REWRITEENTRY
#include "codegen/common/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// The buffer type of an entry tensor. A tensor with no elements gets a
/// 1-D empty buffer: its pointer is never dereferenced, and the bare-pointer
/// convention cannot describe an inner 0-sized dimension's strides.
MemRefType memrefFor(Type t) {
  auto tensor = cast<RankedTensorType>(t);
  if (tensor.getNumElements() == 0)
    return MemRefType::get({0}, tensor.getElementType());
  return MemRefType::get(tensor.getShape(), tensor.getElementType());
}

bool isEmpty(Type t) { return cast<RankedTensorType>(t).getNumElements() == 0; }

LogicalResult rewriteEntry(func::FuncOp func) {
  FunctionType type = func.getFunctionType();
  for (Type t : llvm::concat<const Type>(type.getInputs(), type.getResults())) {
    auto tensor = dyn_cast<RankedTensorType>(t);
    if (!tensor || !tensor.hasStaticShape())
      return func.emitError("entry point signature must use statically "
                            "shaped tensors, got ")
             << t;
  }
  if (!func.getBody().hasOneBlock())
    return func.emitError("entry point must have a single block");

  MLIRContext *ctx = func.getContext();
  OpBuilder b(ctx);
  Block &body = func.front();
  unsigned numInputs = type.getNumInputs(), numOutputs = type.getNumResults();

  // New signature: inputs, outputs, arena.
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  for (unsigned i = 0; i < numInputs; ++i) {
    argTypes.push_back(memrefFor(type.getInput(i)));
    argAttrs.push_back(func.getArgAttrDict(i));
  }
  for (unsigned i = 0; i < numOutputs; ++i) {
    argTypes.push_back(memrefFor(type.getResult(i)));
    argAttrs.push_back(func.getResultAttrDict(i));
  }
  argTypes.push_back(
      MemRefType::get({ShapedType::kDynamic}, IntegerType::get(ctx, 8)));
  argAttrs.push_back(
      DictionaryAttr::get(ctx, {b.getNamedAttr(kArenaAttr, b.getUnitAttr())}));

  // Inputs: memref args wrapped as read-only tensors.
  b.setInsertionPointToStart(&body);
  for (unsigned i = 0; i < numInputs; ++i) {
    BlockArgument oldArg = body.getArgument(i);
    BlockArgument newArg = body.addArgument(argTypes[i], oldArg.getLoc());
    if (isEmpty(oldArg.getType())) {
      // No elements to read.
      auto empty = tensor::EmptyOp::create(
          b, oldArg.getLoc(),
          cast<RankedTensorType>(oldArg.getType()).getShape(),
          cast<RankedTensorType>(oldArg.getType()).getElementType());
      oldArg.replaceAllUsesWith(empty.getResult());
      continue;
    }
    auto toTensor = bufferization::ToTensorOp::create(
        b, oldArg.getLoc(), oldArg.getType(), newArg, /*restrict=*/true,
        /*writable=*/false);
    oldArg.replaceAllUsesWith(toTensor.getResult());
  }
  SmallVector<BlockArgument> outArgs;
  for (unsigned i = 0; i < numOutputs; ++i)
    outArgs.push_back(body.addArgument(argTypes[numInputs + i], func.getLoc()));
  body.addArgument(argTypes.back(), func.getLoc());
  body.eraseArguments(0, numInputs);

  // Results: materialized into the caller's output buffers.
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  b.setInsertionPoint(ret);
  Operation *destsEnd = nullptr; // the last op made at the body's start
  for (auto [result, out] : llvm::zip(ret.getOperands(), outArgs)) {
    if (isEmpty(result.getType()))
      continue; // no elements to write
    // A result reshaped last (a packed matmul's [M, N1, N0] tiles seen as
    // [M, N]) is computed into the output buffer reshaped the other way,
    // not into a temporary copied out.
    Value value = result, dest = out;
    while (value.hasOneUse()) {
      if (auto collapse = value.getDefiningOp<tensor::CollapseShapeOp>()) {
        dest = memref::ExpandShapeOp::create(
            b, ret.getLoc(), collapse.getSrcType().getShape(), dest,
            collapse.getReassociationIndices());
        value = collapse.getSrc();
      } else if (auto expand = value.getDefiningOp<tensor::ExpandShapeOp>()) {
        dest = memref::CollapseShapeOp::create(
            b, ret.getLoc(), dest, expand.getReassociationIndices());
        value = expand.getSrc();
      } else {
        break;
      }
    }
    // The destination as a tensor, so that the bufferization analysis
    // sees the write: a result still held in the buffer of another
    // output (two results computed from one shared fill, say) is then
    // copied out before that output is written, not after.
    // It is made where the body starts (after the reshapes of `dest`), so
    // that empty-tensor elimination can compute results straight into it.
    auto destType = cast<MemRefType>(dest.getType());
    SmallVector<Operation *> reshapes;
    for (Operation *r = dest.getDefiningOp(); r;
         r = r->getOperand(0).getDefiningOp())
      reshapes.push_back(r);
    for (Operation *r : llvm::reverse(reshapes)) {
      if (destsEnd)
        r->moveAfter(destsEnd);
      else
        r->moveBefore(&body, body.begin());
      destsEnd = r;
    }
    OpBuilder atStart(&body, body.begin());
    if (destsEnd)
      atStart.setInsertionPointAfter(destsEnd);
    Value destTensor = bufferization::ToTensorOp::create(
        atStart, ret.getLoc(),
        RankedTensorType::get(destType.getShape(), destType.getElementType()),
        dest, /*restrict=*/true, /*writable=*/true);
    destsEnd = destTensor.getDefiningOp();
    bufferization::MaterializeInDestinationOp::create(
        b, ret.getLoc(), destTensor.getType(), value, destTensor);
  }
  func::ReturnOp::create(b, ret.getLoc());
  ret.erase();

  func.setType(FunctionType::get(ctx, argTypes, {}));
  func.setAllArgAttrs(argAttrs);
  func.setAllResultAttrs(ArrayRef<DictionaryAttr>{});
  func->setAttr(kEntryAttr, b.getUnitAttr());
  func->setAttr(kNumInputsAttr, b.getI64IntegerAttr(numInputs));
  func->setAttr(kNumOutputsAttr, b.getI64IntegerAttr(numOutputs));
  // Bytes of each buffer (strings are pointers), for the wrappers.
  SmallVector<int64_t> bufferBytes;
  for (Type t : ArrayRef<Type>(argTypes).drop_back()) {
    auto m = cast<MemRefType>(t);
    int64_t bits =
        isa<StringType>(m.getElementType()) ? 64 : m.getElementTypeBitWidth();
    bufferBytes.push_back(m.getNumElements() * (bits == 1 ? 8 : bits) / 8);
  }
  func->setAttr(kBufferBytesAttr, b.getDenseI64ArrayAttr(bufferBytes));
  // A dynamic-batch function computes one sample; the wrappers step each
  // buffer by its sample size.
  ModuleOp module = func->getParentOfType<ModuleOp>();
  if (module && module->hasAttr(kDynamicBatchAttr)) {
    // The function's buffers hold one sample.
    func->setAttr(kSampleBytesAttr, b.getDenseI64ArrayAttr(bufferBytes));
    auto maxBatch = module->getAttrOfType<IntegerAttr>(kMaxBatchAttr);
    func->setAttr(kMaxBatchAttr, maxBatch ? maxBatch : b.getI64IntegerAttr(0));
  }
  return success();
}

struct RewriteEntryPass : kiln::impl::RewriteEntryBase<RewriteEntryPass> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> entries;
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal() && !func->hasAttr(kEntryAttr))
        entries.push_back(func);
    if (entries.size() != 1) {
      getOperation().emitError(
          "expected exactly one public model function, found ")
          << entries.size();
      return signalPassFailure();
    }
    if (failed(rewriteEntry(entries.front())))
      signalPassFailure();
  }
};

} // namespace
