// Verifier, memory effects and bufferization of kiln's string ops
// (KilnStringOps.td).
#include "dialects/kiln/KilnDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::kiln;
using namespace mlir::bufferization;

LogicalResult StringNormalizerOp::verify() {
  auto in = cast<ShapedType>(getInput().getType());
  auto init = cast<ShapedType>(getInit().getType());
  if (isa<TensorType>(in) != isa<TensorType>(init))
    return emitOpError("input and init must both be tensors or both buffers");
  if (!in.hasRank() || !in.hasStaticShape() || in.getShape() != init.getShape())
    return emitOpError("input and init must have the same static shape, got ")
           << in << " and " << init;
  if (in.getRank() != 1 && !(in.getRank() == 2 && in.getDimSize(0) == 1))
    return emitOpError("input must have shape [C] or [1, C], got ") << in;
  if (in.getNumElements() == 0)
    return emitOpError("input must have at least one string");
  bool tensors = isa<TensorType>(in);
  if (tensors != (getNumResults() == 1) ||
      (tensors && getResult()[0].getType() != init))
    return emitOpError(tensors ? "on tensors returns one value of init's type"
                               : "on buffers returns nothing");
  StringRef action = getCaseChangeAction();
  if (action != "NONE" && action != "LOWER" && action != "UPPER")
    return emitOpError("case_change_action must be NONE, LOWER or UPPER, got '")
           << action << "'";
  return success();
}

void StringNormalizerOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (!isa<MemRefType>(getInit().getType()))
    return; // value semantics on tensors
  effects.emplace_back(MemoryEffects::Read::get(), &getInputMutable(),
                       SideEffects::DefaultResource::get());
  effects.emplace_back(MemoryEffects::Write::get(), &getInitMutable(),
                       SideEffects::DefaultResource::get());
}

bool StringNormalizerOp::bufferizesToMemoryRead(OpOperand &operand,
                                                const AnalysisState &) {
  // `init` is overwritten from its first element on, never read.
  return &operand == &getInputMutable();
}

bool StringNormalizerOp::bufferizesToMemoryWrite(OpOperand &operand,
                                                 const AnalysisState &) {
  return &operand == &getInitMutable();
}

AliasingValueList StringNormalizerOp::getAliasingValues(OpOperand &operand,
                                                        const AnalysisState &) {
  if (&operand == &getInitMutable())
    return {{getResult()[0], BufferRelation::Equivalent}};
  return {};
}

LogicalResult StringNormalizerOp::bufferize(RewriterBase &rewriter,
                                            const BufferizationOptions &options,
                                            BufferizationState &state) {
  FailureOr<Value> input = getBuffer(rewriter, getInput(), options, state);
  FailureOr<Value> init = getBuffer(rewriter, getInit(), options, state);
  if (failed(input) || failed(init))
    return failure();
  auto op = StringNormalizerOp::create(
      rewriter, getLoc(), TypeRange{}, *input, *init,
      getCaseChangeActionAttr(), getCaseSensitiveAttr(), getStopwordsAttr());
  (void)op;
  replaceOpWithBufferizedValues(rewriter, *this, *init);
  return success();
}
