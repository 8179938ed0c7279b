// ONNX converters that select or assemble tensor elements: Concat, Split,
// Slice, Pad and Gather. Every index is resolved at import (kiln.slice and
// kiln.pad take static, in-bounds lists); Pad's edge, reflect and wrap modes
// are concatenations of slices.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include <limits>

using namespace mlir;

namespace kiln::onnximport {
namespace {

/// kiln.slice of `v` with the given per-dim lists.
FailureOr<Value> slice(NodeImporter &n, Value v, ArrayRef<int64_t> offsets,
                       ArrayRef<int64_t> sizes, ArrayRef<int64_t> strides) {
  Builder b(n.getContext());
  return n.create("kiln.slice", v,
                  {n.attr("offsets", b.getDenseI64ArrayAttr(offsets)),
                   n.attr("sizes", b.getDenseI64ArrayAttr(sizes)),
                   n.attr("strides", b.getDenseI64ArrayAttr(strides))});
}

/// `size` elements of `v` along `axis` from `offset` on, `stride` apart.
FailureOr<Value> sliceAlong(NodeImporter &n, Value v, int64_t axis,
                            int64_t offset, int64_t size, int64_t stride = 1) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(v.getType()).getShape();
  SmallVector<int64_t> offsets(shape.size(), 0), sizes(shape),
      strides(shape.size(), 1);
  offsets[axis] = offset;
  sizes[axis] = size;
  strides[axis] = stride;
  return slice(n, v, offsets, sizes, strides);
}

//===- Concat and Split --------------------------------------------------===//

LogicalResult convertConcat(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, ~0u)))
    return failure();
  // `axis` is optional (default 1) before opset 4.
  int64_t axis;
  if (failed(n.opset() < 4 ? n.getInt("axis", axis, 1)
                           : n.getInt("axis", axis)))
    return failure();
  SmallVector<Value> operands;
  for (int i = 0; i < n.node.input_size(); ++i) {
    if (!n.hasInput(i))
      return n.emitError() << "input " << i << " is empty";
    operands.push_back(n.input(i));
  }
  auto normalized = n.normalizeAxis(axis, n.inputType(0).getRank(), "axis");
  if (failed(normalized))
    return failure();
  Builder b(n.getContext());
  return single(n,
                n.create("kiln.concat", operands,
                         {n.attr("axis", b.getI64IntegerAttr(*normalized))}));
}

/// Split along `axis` into the sizes of `split` (an attribute before opset
/// 13, a constant input from then on) or into equal parts, one per output;
/// from opset 18 `num_outputs` parts, the last one smaller if need be.
LogicalResult convertSplit(NodeImporter &n) {
  bool splitInput = n.opset() >= 13 || n.opset() < 2;
  if (failed(n.checkNumInputs(1, splitInput ? 2 : 1)))
    return failure();
  auto type = n.inputType(0);
  int64_t axis, numOutputs = n.node.output_size();
  SmallVector<int64_t> split;
  if (failed(n.getInt("axis", axis, 0)) ||
      failed(n.getInt("num_outputs", numOutputs, numOutputs)))
    return failure();
  if (splitInput && n.hasInput(1)) {
    auto ints = n.constantInts(1, "split");
    if (failed(ints))
      return failure();
    split = *ints;
  } else if (failed(n.getInts("split", split))) {
    return failure();
  }
  auto normalized = n.normalizeAxis(axis, type.getRank(), "axis");
  if (failed(normalized))
    return failure();
  int64_t dim = type.getDimSize(*normalized);
  if (split.empty()) {
    if (numOutputs < 1)
      return n.emitError() << "needs at least one output";
    int64_t chunk = (dim + numOutputs - 1) / numOutputs;
    if (n.opset() < 18 && dim % numOutputs != 0)
      return n.emitError() << "cannot split dim " << *normalized << " of "
                           << type << " into " << numOutputs << " equal parts";
    for (int64_t i = 0, left = dim; i < numOutputs; ++i, left -= chunk)
      split.push_back(std::min(chunk, left));
  }
  if (static_cast<int64_t>(split.size()) != n.node.output_size())
    return n.emitError() << "has " << n.node.output_size()
                         << " outputs but splits into " << split.size();
  int64_t offset = 0;
  for (int64_t size : split) {
    if (size < 0)
      return n.emitError() << "split [" << listStr(split)
                           << "] has a negative size";
    offset += size;
  }
  if (offset != dim)
    return n.emitError() << "split [" << listStr(split) << "] does not add "
                         << "up to dim " << *normalized << " of " << type;
  offset = 0;
  for (auto [i, size] : llvm::enumerate(split)) {
    auto part = sliceAlong(n, n.input(0), *normalized, offset, size);
    if (failed(part))
      return failure();
    n.setResult(i, *part);
    offset += size;
  }
  return success();
}

//===- Slice -------------------------------------------------------------===//

/// Slice: starts/ends/axes are attributes before opset 10; from 10 on they
/// and `steps` are constant inputs. Indices follow ONNX: negative ones count
/// from the end, then starts clamp to [0, dim] (to [0, dim - 1] for a
/// negative step) and ends to [0, dim] (to [-1, dim - 1]), so INT_MAX means
/// "to the end".
LogicalResult convertSlice(NodeImporter &n) {
  bool fromAttrs = n.opset() < 10;
  if (failed(n.checkNumInputs(fromAttrs ? 1 : 3, fromAttrs ? 1 : 5)))
    return failure();
  auto type = n.inputType(0);
  int64_t rank = type.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (fromAttrs) {
    if (!n.findAttr("starts") || !n.findAttr("ends"))
      return n.emitError() << "missing required attribute 'starts' or 'ends'";
    if (failed(n.getInts("starts", starts)) ||
        failed(n.getInts("ends", ends)) || failed(n.getInts("axes", axes)))
      return failure();
  } else {
    auto s = n.constantInts(1, "starts");
    auto e = n.constantInts(2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    for (auto [index, list, what] :
         {std::tuple(3u, &axes, "axes"), std::tuple(4u, &steps, "steps")}) {
      if (!n.hasInput(index))
        continue;
      auto values = n.constantInts(index, what);
      if (failed(values))
        return failure();
      *list = *values;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return n.emitError() << "starts, ends, axes and steps differ in length";

  SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()),
      strides(rank, 1);
  SmallVector<bool> seen(rank, false);
  for (size_t k = 0; k < starts.size(); ++k) {
    auto axis = n.normalizeAxis(axes[k], rank, "axis");
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return n.emitError() << "axes repeat axis " << *axis;
    seen[*axis] = true;
    int64_t dim = type.getDimSize(*axis), step = steps[k];
    if (step == 0)
      return n.emitError() << "steps must not be 0";
    int64_t start = starts[k], end = ends[k];
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
    }
    int64_t size = 0;
    if (step > 0 && end > start)
      size = (end - start + step - 1) / step;
    else if (step < 0 && start > end)
      size = (start - end - step - 1) / -step;
    offsets[*axis] = size ? start : 0;
    sizes[*axis] = size;
    strides[*axis] = step;
  }
  return single(n, slice(n, n.input(0), offsets, sizes, strides));
}

//===- Pad ---------------------------------------------------------------===//

/// The `count` elements that edge/reflect/wrap padding puts before (or
/// after) dim `axis` of `x`, as slices of `x`: the edge element tiled;
/// the elements next to the edge, mirrored; those at the other end.
FailureOr<Value> padCopies(NodeImporter &n, Value x, int64_t axis,
                           int64_t count, bool before, StringRef mode) {
  int64_t size = cast<RankedTensorType>(x.getType()).getDimSize(axis);
  if (mode == "edge") {
    if (size == 0)
      return n.emitError() << "cannot pad an empty dim in edge mode";
    auto edge = sliceAlong(n, x, axis, before ? 0 : size - 1, 1);
    if (failed(edge) || count == 1)
      return edge;
    SmallVector<int64_t> multiples(
        cast<RankedTensorType>(x.getType()).getRank(), 1);
    multiples[axis] = count;
    Builder b(n.getContext());
    return n.create("kiln.tile", *edge,
                    {n.attr("multiples", b.getDenseI64ArrayAttr(multiples))});
  }
  if (mode == "reflect") {
    if (count > size - 1)
      return n.emitError() << "reflect pads must be smaller than the dim "
                              "they pad ("
                           << count << " for dim " << axis << " of size "
                           << size << ")";
    return sliceAlong(n, x, axis, before ? count : size - 2, count, -1);
  }
  if (count > size)
    return n.emitError() << "wrap pads cannot exceed the dim they pad ("
                         << count << " for dim " << axis << " of size " << size
                         << ")";
  return sliceAlong(n, x, axis, before ? size - count : 0, count);
}

/// Pad. Pads are [begin..., end...]: the `paddings` (opset 1) or `pads`
/// (opset 2-10) attribute, then a constant input with an optional constant
/// `constant_value` input and, from opset 18, `axes`. Negative pads crop,
/// which becomes a kiln.slice first. Constant mode is a kiln.pad; edge,
/// reflect and wrap concatenate slices of the input, one dim at a time.
LogicalResult convertPad(NodeImporter &n) {
  bool fromAttrs = n.opset() < 11;
  if (failed(n.checkNumInputs(fromAttrs ? 1 : 2, fromAttrs ? 1 : 4)))
    return failure();
  auto type = n.inputType(0);
  int64_t rank = type.getRank();
  std::string mode;
  SmallVector<int64_t> pads, axes;
  double value = 0;
  if (failed(n.getString("mode", mode, "constant")))
    return failure();
  if (mode != "constant" && mode != "edge" && mode != "reflect" &&
      mode != "wrap")
    return n.emitError() << "unsupported mode '" << mode << "'";
  if (fromAttrs) {
    const char *name = n.opset() < 2 ? "paddings" : "pads";
    float v;
    if (!n.findAttr(name))
      return n.emitError() << "missing required attribute '" << name << "'";
    if (failed(n.getInts(name, pads)) || failed(n.getFloat("value", v, 0.0f)))
      return failure();
    value = v;
  } else {
    auto p = n.constantInts(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (n.hasInput(2)) {
      auto v = n.constantFloats(2, "constant_value");
      if (failed(v))
        return failure();
      if (v->size() != 1)
        return n.emitError() << "constant_value must hold one element";
      value = v->front();
    }
    if (n.hasInput(3)) {
      auto a = n.constantInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
  }
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  if (pads.size() != 2 * axes.size())
    return n.emitError() << "expects " << 2 * axes.size() << " pads, got ["
                         << listStr(pads) << "]";
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  for (auto [k, axis] : llvm::enumerate(axes)) {
    auto normalized = n.normalizeAxis(axis, rank, "axis");
    if (failed(normalized))
      return failure();
    low[*normalized] = pads[k];
    high[*normalized] = pads[k + axes.size()];
  }
  // Negative pads crop first.
  FailureOr<Value> x = n.input(0);
  if (llvm::any_of(llvm::concat<int64_t>(low, high),
                   [](int64_t p) { return p < 0; })) {
    SmallVector<int64_t> offsets, sizes, strides(rank, 1);
    for (int64_t i = 0; i < rank; ++i) {
      int64_t cropLow = std::max<int64_t>(0, -low[i]);
      int64_t size =
          type.getDimSize(i) - cropLow - std::max<int64_t>(0, -high[i]);
      if (size < 0)
        return n.emitError() << "pads [" << listStr(pads) << "] crop more "
                             << "than dim " << i << " of " << type;
      offsets.push_back(size ? cropLow : 0);
      sizes.push_back(size);
      low[i] = std::max<int64_t>(0, low[i]);
      high[i] = std::max<int64_t>(0, high[i]);
    }
    x = slice(n, *x, offsets, sizes, strides);
    if (failed(x))
      return failure();
  }
  Builder b(n.getContext());
  if (mode != "constant") {
    for (int64_t i = 0; i < rank; ++i) {
      if (!low[i] && !high[i])
        continue;
      SmallVector<Value> parts;
      if (low[i]) {
        auto part = padCopies(n, *x, i, low[i], /*before=*/true, mode);
        if (failed(part))
          return failure();
        parts.push_back(*part);
      }
      parts.push_back(*x);
      if (high[i]) {
        auto part = padCopies(n, *x, i, high[i], /*before=*/false, mode);
        if (failed(part))
          return failure();
        parts.push_back(*part);
      }
      x = n.create("kiln.concat", parts,
                   {n.attr("axis", b.getI64IntegerAttr(i))});
      if (failed(x))
        return failure();
    }
    return single(n, n.create("kiln.identity", *x));
  }
  return single(n, n.create("kiln.pad", *x,
                            {n.attr("low", b.getDenseI64ArrayAttr(low)),
                             n.attr("high", b.getDenseI64ArrayAttr(high)),
                             n.attr("value", b.getF64FloatAttr(value))}));
}

//===- Gather ------------------------------------------------------------===//

LogicalResult convertGather(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  int64_t axis;
  if (failed(n.getInt("axis", axis, 0)))
    return failure();
  auto normalized = n.normalizeAxis(axis, n.inputType(0).getRank(), "axis");
  if (failed(normalized))
    return failure();
  Builder b(n.getContext());
  return single(n,
                n.create("kiln.gather", {n.input(0), n.input(1)},
                         {n.attr("axis", b.getI64IntegerAttr(*normalized))}));
}

} // namespace

void registerTensorOps(OpTable &table) {
  static const std::pair<const char *, ConvertFn> entries[] = {
      {"Concat", convertConcat}, {"Split", convertSplit},
      {"Slice", convertSlice},   {"Pad", convertPad},
      {"Gather", convertGather},
  };
  for (const auto &[name, fn] : entries)
    table[name] = fn;
}

} // namespace kiln::onnximport
