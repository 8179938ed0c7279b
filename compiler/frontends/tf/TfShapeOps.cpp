// The TF op table, shape and data-movement family: Reshape, Squeeze,
// ExpandDims, Transpose, ConcatV2, Pack, Pad, Slice, StridedSlice, Gather,
// Cast, Tile, and the shape queries (Shape, Size, Rank, Fill, ZerosLike...)
// that fold to constants because every shape is static. Integer arithmetic
// on constants folds too, so Shape -> StridedSlice -> Pack chains end as a
// constant shape operand.
#include "compiler/frontends/tf/TfInternal.h"

#include "dialects/kiln/KilnDialect.h"
#include "llvm/Support/MathExtras.h"

#include <numeric>

using namespace mlir;

namespace kiln::tf {
namespace {

int64_t product(ArrayRef<int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

/// Element type of an integer result: the "out_type"/"T"-style attribute,
/// i32 when absent.
Type intType(NodeImporter &n, StringRef attrName) {
  const tfp::AttrValue *a = n.attr(attrName);
  if (a && a->value_case() == tfp::AttrValue::kType)
    if (Type t = convertDataType(n.getContext(), a->type()))
      return t;
  return IntegerType::get(n.getContext(), 32);
}

/// A constant of the input's element type holding `values`.
LogicalResult setInts(NodeImporter &n, ArrayRef<int64_t> values,
                      ArrayRef<int64_t> shape, Type elem) {
  if (!isa<IntegerType>(elem))
    return n.emitError() << "cannot fold to a constant of " << elem;
  n.results.push_back({n.constantInts(values, elem, shape), ""});
  return success();
}

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

//===- Shape queries -------------------------------------------------------===//

LogicalResult convertShape(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  auto t = n.inputType(0);
  return setInts(n, t.getShape(), {t.getRank()}, intType(n, "out_type"));
}

LogicalResult convertSize(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  return setInts(n, {n.inputType(0).getNumElements()}, {},
                 intType(n, "out_type"));
}

LogicalResult convertRank(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  return setInts(n, {n.inputType(0).getRank()}, {}, intType(n, "T_unused"));
}

/// A splat constant of `type` with the scalar `value` constant.
LogicalResult splat(NodeImporter &n, RankedTensorType type, Value value) {
  Type elem = type.getElementType();
  DenseElementsAttr attr;
  if (isa<FloatType>(elem)) {
    auto v = floatsOf(value);
    if (!v || v->size() != 1)
      return n.emitError() << "the fill value must be a scalar constant";
    attr = DenseElementsAttr::get(type, FloatAttr::get(elem, v->front()));
  } else {
    auto v = intsOf(value);
    if (!v || v->size() != 1)
      return n.emitError() << "the fill value must be a scalar constant";
    attr = DenseElementsAttr::get(type, IntegerAttr::get(elem, v->front()));
  }
  n.results.push_back({n.constant(cast<ElementsAttr>(attr)), ""});
  return success();
}

LogicalResult convertFill(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto dims = n.constantInts(0, "dims");
  if (failed(dims))
    return failure();
  return splat(n, RankedTensorType::get(*dims, n.inputType(1).getElementType()),
               n.input(1));
}

template <int Value> LogicalResult convertLike(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  auto t = n.inputType(0);
  Attribute v = isa<FloatType>(t.getElementType())
                    ? Attribute(FloatAttr::get(t.getElementType(), Value))
                    : Attribute(IntegerAttr::get(t.getElementType(), Value));
  n.results.push_back(
      {n.constant(cast<ElementsAttr>(DenseElementsAttr::get(t, v))), ""});
  return success();
}

//===- Reshapes ------------------------------------------------------------===//

/// Reshape to `shape` (one -1 allowed), folding constant inputs.
LogicalResult reshapeTo(NodeImporter &n, ArrayRef<int64_t> spec) {
  auto t = n.inputType(0);
  SmallVector<int64_t> shape(spec);
  int64_t known = 1, inferred = -1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == -1) {
      if (inferred >= 0)
        return n.emitError() << "shape has more than one -1";
      inferred = i;
    } else if (d < 0) {
      return n.emitError() << "shape has a negative size " << d;
    } else if (llvm::MulOverflow(known, d, known)) {
      return n.emitError() << "shape has more elements than fit in 64 bits";
    }
  }
  if (inferred >= 0) {
    if (known == 0 || t.getNumElements() % known)
      return n.emitError() << "cannot reshape " << t << ": the -1 dim has no "
                              "integer size";
    shape[inferred] = t.getNumElements() / known;
  } else if (known != t.getNumElements()) {
    return n.emitError() << "cannot reshape " << t << " (" << t.getNumElements()
                         << " elements) to " << known << " elements";
  }
  if (auto ints = intsOf(n.input(0)))
    return setInts(n, *ints, shape, t.getElementType());
  return n.single(n.reshape(n.input(0), shape));
}

LogicalResult convertReshape(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto spec = n.constantInts(1, "shape");
  if (failed(spec))
    return failure();
  return reshapeTo(n, *spec);
}

LogicalResult convertSqueeze(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  auto t = n.inputType(0);
  SmallVector<int64_t> dims = n.getInts("squeeze_dims");
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < t.getRank(); ++i) {
    bool listed = dims.empty() ? t.getDimSize(i) == 1
                               : llvm::is_contained(dims, i) ||
                                     llvm::is_contained(dims, i - t.getRank());
    if (listed && t.getDimSize(i) != 1)
      return n.emitError() << "cannot squeeze dimension " << i << " of " << t;
    if (!listed)
      shape.push_back(t.getDimSize(i));
  }
  return reshapeTo(n, shape);
}

LogicalResult convertExpandDims(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto dim = n.constantInts(1, "dim");
  if (failed(dim))
    return failure();
  if (dim->size() != 1)
    return n.emitError() << "dim must be a scalar";
  auto t = n.inputType(0);
  int64_t rank = t.getRank(), d = dim->front();
  if (d < -rank - 1 || d > rank)
    return n.emitError() << "dim " << d << " is out of range for rank " << rank;
  if (d < 0)
    d += rank + 1;
  SmallVector<int64_t> shape(t.getShape());
  shape.insert(shape.begin() + d, 1);
  return reshapeTo(n, shape);
}

LogicalResult convertTranspose(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto perm = n.constantInts(1, "perm");
  if (failed(perm))
    return failure();
  return n.single(n.create(
      "kiln.transpose", n.input(0),
      {n.named("perm", Builder(n.getContext()).getDenseI64ArrayAttr(*perm))}));
}

//===- Joining -------------------------------------------------------------===//

/// Concatenation of `values` along `axis`, folded when all are constants.
LogicalResult concat(NodeImporter &n, ArrayRef<Value> values, int64_t axis) {
  int64_t rank = typeOf(values.front()).getRank();
  if (axis < -rank || axis >= rank)
    return n.emitError() << "axis " << axis << " is out of range for rank "
                         << rank;
  if (axis < 0)
    axis += rank;
  bool allConst = rank == 1 && llvm::all_of(values, [](Value v) {
                    return intsOf(v).has_value();
                  });
  if (allConst) {
    SmallVector<int64_t> out;
    for (Value v : values)
      llvm::append_range(out, *intsOf(v));
    return setInts(n, out, {int64_t(out.size())},
                   typeOf(values.front()).getElementType());
  }
  if (values.size() == 1)
    return n.single(values.front());
  return n.single(n.create(
      "kiln.concat", values,
      {n.named("axis", Builder(n.getContext()).getI64IntegerAttr(axis))}));
}

LogicalResult convertConcatV2(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, ~0u)))
    return failure();
  auto axis = n.constantInts(n.inputs.size() - 1, "axis");
  if (failed(axis))
    return failure();
  SmallVector<Value> values;
  for (size_t i = 0; i + 1 < n.inputs.size(); ++i)
    values.push_back(n.input(i));
  return concat(n, values, axis->front());
}

/// Pack: stack N tensors along a new axis.
LogicalResult convertPack(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, ~0u)))
    return failure();
  auto t = n.inputType(0);
  int64_t rank = t.getRank() + 1, axis = n.getInt("axis", 0);
  if (axis < -rank || axis >= rank)
    return n.emitError() << "axis " << axis << " is out of range for rank "
                         << rank;
  if (axis < 0)
    axis += rank;
  // Scalars of constants: the common shape-building case.
  if (t.getRank() == 0 &&
      llvm::all_of(n.inputs, [](const TfValue &v) { return intsOf(v.value); })) {
    SmallVector<int64_t> out;
    for (const TfValue &v : n.inputs)
      out.push_back(intsOf(v.value)->front());
    return setInts(n, out, {int64_t(out.size())}, t.getElementType());
  }
  SmallVector<int64_t> shape(t.getShape());
  shape.insert(shape.begin() + axis, 1);
  SmallVector<Value> values;
  for (const TfValue &v : n.inputs) {
    auto r = n.reshape(v.value, shape);
    if (failed(r))
      return failure();
    values.push_back(*r);
  }
  if (values.size() == 1)
    return n.single(values.front());
  return n.single(n.create(
      "kiln.concat", values,
      {n.named("axis", Builder(n.getContext()).getI64IntegerAttr(axis))}));
}

//===- Slicing -------------------------------------------------------------===//

/// Applies a static slice to a constant vector (shape arithmetic).
SmallVector<int64_t> sliceInts(ArrayRef<int64_t> data, ArrayRef<int64_t> shape,
                               ArrayRef<int64_t> offsets,
                               ArrayRef<int64_t> sizes,
                               ArrayRef<int64_t> strides) {
  SmallVector<int64_t> out;
  int64_t rank = shape.size(), total = product(sizes);
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t k = 0; k < total; ++k) {
    int64_t flat = 0;
    for (int64_t d = 0; d < rank; ++d)
      flat = flat * shape[d] + offsets[d] + idx[d] * strides[d];
    out.push_back(data[flat]);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < sizes[d])
        break;
      idx[d] = 0;
    }
  }
  return out;
}

/// kiln.slice + reshape to `finalShape`, or a folded constant.
LogicalResult emitSlice(NodeImporter &n, ArrayRef<int64_t> offsets,
                        ArrayRef<int64_t> sizes, ArrayRef<int64_t> strides,
                        ArrayRef<int64_t> finalShape) {
  auto t = n.inputType(0);
  if (product(sizes) == 0)
    return n.emitError() << "the slice of " << t
                         << " is empty; kiln does not support empty tensors";
  if (auto ints = intsOf(n.input(0)))
    return setInts(n, sliceInts(*ints, t.getShape(), offsets, sizes, strides),
                   finalShape, t.getElementType());
  Builder b(n.getContext());
  auto s = n.create("kiln.slice", n.input(0),
                    {n.named("offsets", b.getDenseI64ArrayAttr(offsets)),
                     n.named("sizes", b.getDenseI64ArrayAttr(sizes)),
                     n.named("strides", b.getDenseI64ArrayAttr(strides))});
  if (failed(s))
    return failure();
  return n.single(n.reshape(*s, finalShape));
}

LogicalResult convertSlice(NodeImporter &n) {
  if (failed(n.checkNumInputs(3, 3)))
    return failure();
  auto begin = n.constantInts(1, "begin");
  auto size = n.constantInts(2, "size");
  if (failed(begin) || failed(size))
    return failure();
  auto t = n.inputType(0);
  if (int64_t(begin->size()) != t.getRank() || size->size() != begin->size())
    return n.emitError() << "begin and size must have one value per dimension";
  SmallVector<int64_t> sizes(*size), strides(t.getRank(), 1);
  for (int64_t d = 0; d < t.getRank(); ++d) {
    if (sizes[d] == -1)
      sizes[d] = t.getDimSize(d) - (*begin)[d];
    if ((*begin)[d] < 0 || sizes[d] < 0 ||
        (*begin)[d] + sizes[d] > t.getDimSize(d))
      return n.emitError() << "slice out of bounds in dimension " << d;
  }
  return emitSlice(n, *begin, sizes, strides, sizes);
}

/// StridedSlice with begin/end/ellipsis/new_axis/shrink_axis masks, resolved
/// to static offsets/sizes/strides (TF's ValidateStridedSliceOp rules).
LogicalResult convertStridedSlice(NodeImporter &n) {
  if (failed(n.checkNumInputs(4, 4)))
    return failure();
  auto begin = n.constantInts(1, "begin");
  auto end = n.constantInts(2, "end");
  auto stride = n.constantInts(3, "strides");
  if (failed(begin) || failed(end) || failed(stride))
    return failure();
  int64_t spec = begin->size();
  if (int64_t(end->size()) != spec || int64_t(stride->size()) != spec)
    return n.emitError() << "begin, end and strides differ in length";
  int64_t beginMask = n.getInt("begin_mask", 0), endMask = n.getInt("end_mask", 0);
  int64_t ellipsis = n.getInt("ellipsis_mask", 0);
  int64_t newAxis = n.getInt("new_axis_mask", 0);
  int64_t shrink = n.getInt("shrink_axis_mask", 0);
  auto t = n.inputType(0);
  int64_t rank = t.getRank();
  // Dims the spec names explicitly (not new axes, not the ellipsis).
  int64_t named = 0;
  for (int64_t i = 0; i < spec; ++i)
    if (!((ellipsis >> i) & 1) && !((newAxis >> i) & 1))
      ++named;
  SmallVector<int64_t> offsets, sizes, strides, finalShape;
  int64_t dim = 0;
  bool sawEllipsis = false;
  auto fullDim = [&](int64_t d) {
    offsets.push_back(0);
    sizes.push_back(t.getDimSize(d));
    strides.push_back(1);
    finalShape.push_back(t.getDimSize(d));
  };
  for (int64_t i = 0; i < spec; ++i) {
    if ((ellipsis >> i) & 1) {
      if (sawEllipsis)
        return n.emitError() << "more than one ellipsis";
      sawEllipsis = true;
      for (int64_t k = 0; k < rank - named; ++k)
        fullDim(dim++);
      continue;
    }
    if ((newAxis >> i) & 1) {
      finalShape.push_back(1);
      continue;
    }
    if (dim >= rank)
      return n.emitError() << "slice spec has more dims than " << t;
    int64_t size = t.getDimSize(dim), s = (*stride)[i];
    if (s == 0)
      return n.emitError() << "stride " << i << " is 0";
    int64_t b = (*begin)[i], e = (*end)[i];
    if ((shrink >> i) & 1) {
      if (b < 0)
        b += size;
      if (b < 0 || b >= size)
        return n.emitError() << "index " << (*begin)[i]
                             << " is out of range for dimension " << dim
                             << " of size " << size;
      offsets.push_back(b);
      sizes.push_back(1);
      strides.push_back(1);
      ++dim;
      continue;
    }
    auto clampIndex = [&](int64_t x, bool masked, bool isBegin) {
      if (masked)
        return s > 0 ? (isBegin ? 0 : size) : (isBegin ? size - 1 : -1);
      if (x < 0)
        x += size;
      return s > 0 ? std::clamp<int64_t>(x, 0, size)
                   : std::clamp<int64_t>(x, -1, size - 1);
    };
    b = clampIndex(b, (beginMask >> i) & 1, true);
    e = clampIndex(e, (endMask >> i) & 1, false);
    int64_t count = s > 0 ? std::max<int64_t>(0, (e - b + s - 1) / s)
                          : std::max<int64_t>(0, (b - e + (-s) - 1) / (-s));
    offsets.push_back(count ? b : 0);
    sizes.push_back(count);
    strides.push_back(s);
    finalShape.push_back(count);
    ++dim;
  }
  while (dim < rank)
    fullDim(dim++);
  return emitSlice(n, offsets, sizes, strides, finalShape);
}

//===- Padding, gathering, tiling, casting ---------------------------------===//

LogicalResult convertPad(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 3)))
    return failure();
  auto pads = n.constantInts(1, "paddings");
  if (failed(pads))
    return failure();
  auto t = n.inputType(0);
  auto padsType = n.inputType(1);
  if (padsType.getRank() != 2 || padsType.getDimSize(0) != t.getRank() ||
      padsType.getDimSize(1) != 2) {
    InFlightDiagnostic diag = n.emitError();
    diag << "paddings must have shape [" << t.getRank() << ",2] for a rank-"
         << t.getRank() << " input, not [";
    llvm::interleave(padsType.getShape(), diag, ",");
    return diag << "]";
  }
  double value = 0.0;
  if (n.inputs.size() == 3) {
    auto v = n.constantFloats(2, "constant_values");
    if (failed(v))
      return failure();
    if (n.inputType(2).getRank() != 0)
      return n.emitError() << "constant_values must be a scalar, not rank "
                           << n.inputType(2).getRank();
    value = v->front();
  }
  SmallVector<int64_t> low, high;
  for (int64_t d = 0; d < t.getRank(); ++d) {
    low.push_back((*pads)[2 * d]);
    high.push_back((*pads)[2 * d + 1]);
  }
  Builder b(n.getContext());
  return n.single(n.create("kiln.pad", n.input(0),
                           {n.named("low", b.getDenseI64ArrayAttr(low)),
                            n.named("high", b.getDenseI64ArrayAttr(high)),
                            n.named("value", b.getF64FloatAttr(value))}));
}

LogicalResult gather(NodeImporter &n, Value params, Value indices,
                     int64_t axis) {
  int64_t rank = typeOf(params).getRank();
  if (axis < -rank || axis >= rank)
    return n.emitError() << "axis " << axis << " is out of range for rank "
                         << rank;
  if (axis < 0)
    axis += rank;
  if (n.getInt("batch_dims", 0) != 0)
    return n.emitError() << "batch_dims != 0 is not supported";
  return n.single(n.create(
      "kiln.gather", {params, indices},
      {n.named("axis", Builder(n.getContext()).getI64IntegerAttr(axis))}));
}

LogicalResult convertGatherV2(NodeImporter &n) {
  if (failed(n.checkNumInputs(3, 3)))
    return failure();
  auto axis = n.constantInts(2, "axis");
  if (failed(axis))
    return failure();
  return gather(n, n.input(0), n.input(1), axis->front());
}

LogicalResult convertResourceGather(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  if (!n.inputs[0].isResource())
    return n.emitError() << "does not read a captured variable";
  auto table = readVariableValue(n.scope.state, n.inputs[0].resourceKey, n.loc,
                                 n.node.name());
  if (failed(table))
    return failure();
  return gather(n, *table, n.input(1), 0);
}

LogicalResult convertCast(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  Type to = n.getType("DstT");
  if (!to)
    return failure();
  auto t = n.inputType(0);
  auto result = RankedTensorType::get(t.getShape(), to);
  if (isa<IntegerType>(to) && t.getElementType() != to)
    if (auto ints = intsOf(n.input(0)))
      return setInts(n, *ints, t.getShape(), to);
  // SrcT/DstT say whether either side is unsigned (uint8 images -> float).
  SmallVector<NamedAttribute> attrs;
  auto unsignedSide = [&](StringRef attrName) {
    const tfp::AttrValue *a = n.attr(attrName);
    return a && isUnsignedDataType(a->type());
  };
  Builder b(n.getContext());
  if (unsignedSide("SrcT") && isa<IntegerType>(t.getElementType()))
    attrs.push_back(n.named("unsigned_input", b.getUnitAttr()));
  if (unsignedSide("DstT") && isa<IntegerType>(to))
    attrs.push_back(n.named("unsigned_result", b.getUnitAttr()));
  return n.single(n.create("kiln.cast", n.input(0), attrs, result));
}

LogicalResult convertTile(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto multiples = n.constantInts(1, "multiples");
  if (failed(multiples))
    return failure();
  return n.single(n.create(
      "kiln.tile", n.input(0),
      {n.named("multiples",
               Builder(n.getContext()).getDenseI64ArrayAttr(*multiples))}));
}

} // namespace

void addShapeConverters(llvm::StringMap<ConvertFn> &t) {
  t["Shape"] = convertShape;
  t["Size"] = convertSize;
  t["Rank"] = convertRank;
  t["Fill"] = convertFill;
  t["ZerosLike"] = convertLike<0>;
  t["OnesLike"] = convertLike<1>;
  t["Reshape"] = convertReshape;
  t["Squeeze"] = convertSqueeze;
  t["ExpandDims"] = convertExpandDims;
  t["Transpose"] = convertTranspose;
  t["ConcatV2"] = convertConcatV2;
  t["Pack"] = convertPack;
  t["Slice"] = convertSlice;
  t["StridedSlice"] = convertStridedSlice;
  t["Pad"] = convertPad;
  t["PadV2"] = convertPad;
  t["GatherV2"] = convertGatherV2;
  t["ResourceGather"] = convertResourceGather;
  t["Cast"] = convertCast;
  t["Tile"] = convertTile;
}

} // namespace kiln::tf
