// ONNX sequence ops, evaluated at import: a sequence is the list of its
// tensors' SSA values (GraphState::sequences), so every position and split
// must be a constant and only the tensors taken out of a sequence (SequenceAt,
// ConcatFromSequence, SequenceLength) become kiln ops.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace kiln::onnximport {
namespace {

/// The single integer of constant input `i` (a position), made non-negative
/// against a sequence of `size` tensors. Valid positions are [-size, size)
/// or, with `inclusive` (SequenceInsert), [-size, size].
FailureOr<int64_t> position(NodeImporter &n, unsigned i, int64_t size,
                            bool inclusive) {
  auto ints = n.constantInts(i, "position");
  if (failed(ints))
    return failure();
  if (ints->size() != 1)
    return n.emitError() << "position must hold one value, got "
                         << ints->size();
  int64_t pos = (*ints)[0];
  int64_t limit = inclusive ? size : size - 1;
  if (pos < -size || pos > limit)
    return n.emitError() << "position " << pos
                         << " is out of range for a sequence of " << size
                         << " tensor" << (size == 1 ? "" : "s");
  return pos < 0 ? pos + size : pos;
}

/// Fails unless tensor `v` (input `i`) may join a sequence of `elementType`.
LogicalResult checkElementType(NodeImporter &n, unsigned i, Type elementType) {
  Type actual = n.inputType(i).getElementType();
  if (!elementType || actual == elementType)
    return success();
  return n.emitError() << "tensor input " << i << " has element type "
                       << actual << ", but the sequence holds " << elementType;
}

LogicalResult convertSequenceEmpty(NodeImporter &n) {
  if (failed(n.checkNumInputs(0, 0)))
    return failure();
  int64_t dtype;
  if (failed(n.getInt("dtype", dtype, onnx::TensorProto::FLOAT)))
    return failure();
  Type element = convertElementType(n.getContext(), dtype);
  if (!element)
    return n.emitError() << "dtype " << elementTypeName(dtype)
                         << " is not supported";
  n.setSequenceResult(0, Sequence{{}, element});
  return success();
}

LogicalResult convertSequenceConstruct(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, ~0u)))
    return failure();
  Sequence seq;
  for (int i = 0; i < n.node.input_size(); ++i) {
    if (!n.hasInput(i))
      return n.emitError() << "input " << i << " is empty";
    if (failed(checkElementType(n, i, seq.elementType)))
      return failure();
    seq.elementType = n.inputType(i).getElementType();
    seq.elements.push_back(n.input(i));
  }
  n.setSequenceResult(0, std::move(seq));
  return success();
}

/// SequenceInsert: the tensor goes before `position` (default: at the back).
LogicalResult convertSequenceInsert(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 3)))
    return failure();
  auto seq = n.sequenceInput(0);
  if (failed(seq) || failed(checkElementType(n, 1, seq->elementType)))
    return failure();
  int64_t size = seq->elements.size();
  int64_t at = size;
  if (n.hasInput(2)) {
    auto pos = position(n, 2, size, /*inclusive=*/true);
    if (failed(pos))
      return failure();
    at = *pos;
  }
  seq->elements.insert(seq->elements.begin() + at, n.input(1));
  seq->elementType = n.inputType(1).getElementType();
  n.setSequenceResult(0, std::move(*seq));
  return success();
}

/// SequenceErase: drops the tensor at `position` (default: the last one).
LogicalResult convertSequenceErase(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 2)))
    return failure();
  auto seq = n.sequenceInput(0);
  if (failed(seq))
    return failure();
  int64_t size = seq->elements.size();
  if (size == 0)
    return n.emitError() << "cannot erase from an empty sequence";
  int64_t at = size - 1;
  if (n.hasInput(1)) {
    auto pos = position(n, 1, size, /*inclusive=*/false);
    if (failed(pos))
      return failure();
    at = *pos;
  }
  seq->elements.erase(seq->elements.begin() + at);
  n.setSequenceResult(0, std::move(*seq));
  return success();
}

/// SequenceAt: the tensor itself, behind a kiln.identity as Identity gives.
LogicalResult convertSequenceAt(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto seq = n.sequenceInput(0);
  if (failed(seq))
    return failure();
  auto pos = position(n, 1, seq->elements.size(), /*inclusive=*/false);
  if (failed(pos))
    return failure();
  Value element = seq->elements[*pos];
  n.setResultUnsigned(0, n.graph.unsignedValues.contains(element));
  return single(n, n.create("kiln.identity", element));
}

/// SequenceLength: known at import, so an int64 scalar constant.
LogicalResult convertSequenceLength(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  auto seq = n.sequenceInput(0);
  if (failed(seq))
    return failure();
  return single(n, n.scalar(IntegerType::get(n.getContext(), 64),
                            seq->elements.size()));
}

/// SplitToSequence: `split` absent cuts size-1 pieces (without the axis
/// unless `keepdims`); a scalar cuts pieces of that size, the last one
/// smaller if need be; a 1-D list gives the sizes.
LogicalResult convertSplitToSequence(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 2)))
    return failure();
  RankedTensorType type = n.inputType(0);
  int64_t axis, keepdims;
  if (failed(n.getInt("axis", axis, 0)) ||
      failed(n.getInt("keepdims", keepdims, 1)))
    return failure();
  auto normalized = n.normalizeAxis(axis, type.getRank(), "axis");
  if (failed(normalized))
    return failure();
  int64_t dim = type.getDimSize(*normalized);
  SmallVector<int64_t> sizes;
  bool dropAxis = false;
  if (!n.hasInput(1)) {
    sizes.assign(dim, 1);
    dropAxis = keepdims == 0;
  } else {
    auto split = n.constantInts(1, "split");
    if (failed(split))
      return failure();
    if (n.inputType(1).getRank() == 0) {
      int64_t chunk = (*split)[0];
      if (chunk <= 0)
        return n.emitError() << "split " << chunk << " must be positive";
      for (int64_t left = dim; left > 0; left -= chunk)
        sizes.push_back(std::min(chunk, left));
    } else {
      if (n.inputType(1).getRank() != 1)
        return n.emitError() << "split must be a scalar or 1-D, got rank "
                             << n.inputType(1).getRank();
      sizes = *split;
      int64_t total = 0;
      for (int64_t size : sizes) {
        if (size < 0)
          return n.emitError() << "split [" << listStr(sizes)
                               << "] has a negative size";
        total += size;
      }
      if (total != dim)
        return n.emitError() << "split [" << listStr(sizes)
                             << "] does not add up to dim " << *normalized
                             << " of " << type;
    }
  }

  Builder b(n.getContext());
  Sequence seq{{}, type.getElementType()};
  bool isUnsigned = n.isUnsigned(0);
  SmallVector<int64_t> offsets(type.getRank(), 0), strides(type.getRank(), 1);
  for (int64_t size : sizes) {
    SmallVector<int64_t> shape(type.getShape());
    shape[*normalized] = size;
    auto part = n.create("kiln.slice", n.input(0),
                         {n.attr("offsets", b.getDenseI64ArrayAttr(offsets)),
                          n.attr("sizes", b.getDenseI64ArrayAttr(shape)),
                          n.attr("strides", b.getDenseI64ArrayAttr(strides))});
    if (failed(part))
      return failure();
    if (dropAxis) {
      shape.erase(shape.begin() + *normalized);
      part = n.reshape(*part, shape);
      if (failed(part))
        return failure();
    }
    if (isUnsigned)
      n.graph.unsignedValues.insert(*part);
    seq.elements.push_back(*part);
    offsets[*normalized] += size;
  }
  n.setSequenceResult(0, std::move(seq));
  return success();
}

/// ConcatFromSequence: kiln.concat along `axis`; with `new_axis` each tensor
/// first gets a size-1 dim at `axis` (so the result stacks them).
LogicalResult convertConcatFromSequence(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  auto seq = n.sequenceInput(0);
  if (failed(seq))
    return failure();
  int64_t axis, newAxis;
  if (failed(n.getInt("axis", axis)) || failed(n.getInt("new_axis", newAxis, 0)))
    return failure();
  if (newAxis != 0 && newAxis != 1)
    return n.emitError() << "new_axis must be 0 or 1, got " << newAxis;
  if (seq->elements.empty())
    return n.emitError() << "cannot concatenate an empty sequence";
  auto first = cast<RankedTensorType>(seq->elements[0].getType());
  int64_t rank = first.getRank() + newAxis;
  auto normalized = n.normalizeAxis(axis, rank, "axis");
  if (failed(normalized))
    return failure();
  SmallVector<Value> operands;
  bool isUnsigned = false;
  for (Value v : seq->elements) {
    isUnsigned |= n.graph.unsignedValues.contains(v);
    if (newAxis) {
      SmallVector<int64_t> shape(cast<RankedTensorType>(v.getType()).getShape());
      shape.insert(shape.begin() + *normalized, 1);
      auto reshaped = n.reshape(v, shape);
      if (failed(reshaped))
        return failure();
      v = *reshaped;
    }
    operands.push_back(v);
  }
  n.setResultUnsigned(0, isUnsigned);
  Builder b(n.getContext());
  return single(n,
                n.create("kiln.concat", operands,
                         {n.attr("axis", b.getI64IntegerAttr(*normalized))}));
}

} // namespace

bool takesSequenceInputs(StringRef opType) {
  return llvm::StringSwitch<bool>(opType)
      .Cases({"SequenceInsert", "SequenceErase", "SequenceAt"}, true)
      .Cases({"SequenceLength", "ConcatFromSequence"}, true)
      .Default(false);
}

void registerSequenceOps(OpTable &table) {
  static const std::pair<const char *, ConvertFn> entries[] = {
      {"SequenceEmpty", convertSequenceEmpty},
      {"SequenceConstruct", convertSequenceConstruct},
      {"SequenceInsert", convertSequenceInsert},
      {"SequenceErase", convertSequenceErase},
      {"SequenceAt", convertSequenceAt},
      {"SequenceLength", convertSequenceLength},
      {"SplitToSequence", convertSplitToSequence},
      {"ConcatFromSequence", convertConcatFromSequence},
  };
  for (const auto &[name, fn] : entries)
    table[name] = fn;
}

} // namespace kiln::onnximport
