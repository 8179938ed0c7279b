// Verifier, memory effects and bufferization of kiln's string ops
// (KilnStringOps.td).
#include "dialects/kiln/KilnDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::kiln;
using namespace mlir::bufferization;

namespace {

/// The checks every string op shares: operands both tensors or both
/// buffers, static and equal shapes, one result on tensors, none on buffers.
LogicalResult verifyStringDps(Operation *op, Value input, Value init) {
  auto in = cast<ShapedType>(input.getType());
  auto out = cast<ShapedType>(init.getType());
  if (isa<TensorType>(in) != isa<TensorType>(out))
    return op->emitOpError(
        "input and init must both be tensors or both buffers");
  if (!in.hasRank() || !in.hasStaticShape() || in.getShape() != out.getShape())
    return op->emitOpError(
               "input and init must have the same static shape, got ")
           << in << " and " << out;
  bool tensors = isa<TensorType>(in);
  if (tensors != (op->getNumResults() == 1) ||
      (tensors && op->getResult(0).getType() != out))
    return op->emitOpError(tensors
                               ? "on tensors returns one value of init's type"
                               : "on buffers returns nothing");
  return success();
}

/// Memory effects of a string op in buffer form (none on tensors).
void stringDpsEffects(
    OpOperand &input, OpOperand &init,
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (!isa<MemRefType>(init.get().getType()))
    return;
  effects.emplace_back(MemoryEffects::Read::get(), &input,
                       SideEffects::DefaultResource::get());
  effects.emplace_back(MemoryEffects::Write::get(), &init,
                       SideEffects::DefaultResource::get());
}

/// In place into `init`'s buffer: the same op on buffers.
LogicalResult bufferizeStringDps(Operation *op, OpOperand &input,
                                 OpOperand &init, RewriterBase &rewriter,
                                 const BufferizationOptions &options,
                                 BufferizationState &state) {
  FailureOr<Value> in = getBuffer(rewriter, input.get(), options, state);
  FailureOr<Value> out = getBuffer(rewriter, init.get(), options, state);
  if (failed(in) || failed(out))
    return failure();
  OperationState buffers(op->getLoc(), op->getName());
  buffers.addOperands({*in, *out});
  buffers.addAttributes(op->getAttrs());
  rewriter.create(buffers);
  replaceOpWithBufferizedValues(rewriter, op, *out);
  return success();
}

} // namespace

// Both string ops share their effects and bufferization: `init` is written
// from its first element on, never read, and is the result's buffer.
#define KILN_STRING_DPS_INTERFACES(Op)                                         \
  void Op::getEffects(                                                         \
      SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>      \
          &effects) {                                                          \
    stringDpsEffects(getInputMutable(), getInitMutable(), effects);            \
  }                                                                            \
  bool Op::bufferizesToMemoryRead(OpOperand &operand, const AnalysisState &) { \
    return &operand == &getInputMutable();                                     \
  }                                                                            \
  bool Op::bufferizesToMemoryWrite(OpOperand &operand,                         \
                                   const AnalysisState &) {                    \
    return &operand == &getInitMutable();                                      \
  }                                                                            \
  AliasingValueList Op::getAliasingValues(OpOperand &operand,                  \
                                          const AnalysisState &) {             \
    if (&operand == &getInitMutable())                                         \
      return {{getResult()[0], BufferRelation::Equivalent}};                   \
    return {};                                                                 \
  }                                                                            \
  LogicalResult Op::bufferize(RewriterBase &rewriter,                          \
                              const BufferizationOptions &options,             \
                              BufferizationState &state) {                     \
    return bufferizeStringDps(*this, getInputMutable(), getInitMutable(),      \
                              rewriter, options, state);                       \
  }

KILN_STRING_DPS_INTERFACES(StringNormalizerOp)
KILN_STRING_DPS_INTERFACES(StringCastOp)

LogicalResult StringCastOp::verify() {
  if (failed(verifyStringDps(*this, getInput(), getInit())))
    return failure();
  Type from = getElementTypeOrSelf(getInput().getType());
  Type to = getElementTypeOrSelf(getInit().getType());
  if (!(from.isF32() && isa<StringType>(to)) &&
      !(isa<StringType>(from) && to.isF32()))
    return emitOpError("casts between f32 and strings, got ")
           << from << " to " << to;
  return success();
}

LogicalResult StringNormalizerOp::verify() {
  if (failed(verifyStringDps(*this, getInput(), getInit())))
    return failure();
  auto in = cast<ShapedType>(getInput().getType());
  if (in.getRank() != 1 && !(in.getRank() == 2 && in.getDimSize(0) == 1))
    return emitOpError("input must have shape [C] or [1, C], got ") << in;
  if (in.getNumElements() == 0)
    return emitOpError("input must have at least one string");
  StringRef action = getCaseChangeAction();
  if (action != "NONE" && action != "LOWER" && action != "UPPER")
    return emitOpError("case_change_action must be NONE, LOWER or UPPER, got '")
           << action << "'";
  return success();
}
