// ONNX converters that change a tensor's shape without computing: Reshape,
// Flatten, Squeeze, Unsqueeze, Transpose, Expand, Tile, DepthToSpace and
// SpaceToDepth; and the shape computations that fold to kiln.constant at
// import because kiln shapes are static: Shape, Size, ConstantOfShape,
// Range, EyeLike.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include <cmath>

using namespace mlir;

namespace kiln::onnximport {
namespace {

//===- Reshapes ----------------------------------------------------------===//

/// Reshape's target shape: 0 copies the input dim (unless allowzero), one -1
/// takes what is left.
/// Before opset 5 the shape is an attribute.
LogicalResult convertReshape(NodeImporter &n) {
  bool fromAttr = n.opset() < 5;
  if (failed(n.checkNumInputs(fromAttr ? 1 : 2, fromAttr ? 1 : 2)))
    return failure();
  int64_t allowZero;
  if (failed(n.getInt("allowzero", allowZero, 0)))
    return failure();
  FailureOr<SmallVector<int64_t>> spec = SmallVector<int64_t>();
  if (!fromAttr)
    spec = n.constantInts(1, "shape");
  else if (!n.findAttr("shape"))
    return n.emitError() << "missing required attribute 'shape'";
  else if (failed(n.getInts("shape", *spec)))
    return failure();
  if (failed(spec))
    return failure();
  auto type = n.inputType(0);
  SmallVector<int64_t> shape;
  std::optional<size_t> inferred;
  for (auto [i, s] : llvm::enumerate(*spec)) {
    if (s == -1) {
      if (inferred)
        return n.emitError()
               << "shape [" << listStr(*spec) << "] has more than one -1";
      inferred = i;
      shape.push_back(1);
    } else if (s == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= type.getRank())
        return n.emitError()
               << "shape [" << listStr(*spec) << "] copies dim " << i
               << " (0) of " << type << ", which has no dim " << i;
      shape.push_back(type.getDimSize(i));
    } else if (s < 0) {
      return n.emitError() << "shape [" << listStr(*spec)
                           << "] has a negative size";
    } else {
      shape.push_back(s);
    }
  }
  int64_t total = type.getNumElements(), known = 1;
  for (auto [i, s] : llvm::enumerate(shape))
    if (i != inferred && llvm::MulOverflow(known, s, known))
      return n.emitError() << "shape [" << listStr(*spec) << "] is too large";
  if (inferred) {
    if (known == 0 || total % known != 0)
      return n.emitError() << "cannot reshape " << type << " to ["
                           << listStr(*spec)
                           << "]: the -1 dim has no integer size";
    shape[*inferred] = total / known;
  } else if (known != total) {
    return n.emitError() << "cannot reshape " << type << " (" << total
                         << " elements) to [" << listStr(*spec) << "]";
  }
  return single(n,
                n.create("kiln.reshape", n.input(0), {},
                         RankedTensorType::get(shape, type.getElementType())));
}

/// Flatten: [d0 * ... * d(axis-1), d(axis) * ... * d(rank-1)].
LogicalResult convertFlatten(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  int64_t axis;
  if (failed(n.getInt("axis", axis, 1)))
    return failure();
  ArrayRef<int64_t> shape = n.inputType(0).getShape();
  auto normalized =
      n.normalizeAxis(axis, shape.size(), "axis", /*inclusive=*/true);
  if (failed(normalized))
    return failure();
  return single(
      n, n.reshape(n.input(0), {product(shape.take_front(*normalized)),
                                product(shape.drop_front(*normalized))}));
}

/// The axes of Squeeze/Unsqueeze: an attribute before opset 13, a constant
/// input from 13 on. Normalized against `rank`, sorted, unique.
FailureOr<SmallVector<int64_t>> readAxes(NodeImporter &n, int64_t rank,
                                         bool required) {
  SmallVector<int64_t> axes;
  bool present;
  if (n.opset() < 13) {
    present = n.findAttr("axes") != nullptr;
    if (failed(n.getInts("axes", axes)))
      return failure();
  } else {
    present = n.hasInput(1);
    if (present) {
      auto ints = n.constantInts(1, "axes");
      if (failed(ints))
        return failure();
      axes = *ints;
    }
  }
  if (!present && required)
    return n.emitError() << "missing axes";
  for (int64_t &axis : axes) {
    auto normalized = n.normalizeAxis(axis, rank, "axis");
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return n.emitError() << "axes repeat an axis";
  return axes;
}

LogicalResult convertSqueeze(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, n.opset() < 13 ? 1 : 2)))
    return failure();
  auto type = n.inputType(0);
  auto axes = readAxes(n, type.getRank(), /*required=*/false);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(type.getShape())) {
    bool listed = llvm::is_contained(*axes, int64_t(i));
    if (listed && d != 1)
      return n.emitError() << "cannot squeeze dim " << i << " of size " << d
                           << " in " << type;
    if (!listed && !(axes->empty() && d == 1))
      shape.push_back(d);
  }
  return single(n, n.reshape(n.input(0), shape));
}

LogicalResult convertUnsqueeze(NodeImporter &n) {
  if (failed(n.checkNumInputs(n.opset() < 13 ? 1 : 2, n.opset() < 13 ? 1 : 2)))
    return failure();
  auto type = n.inputType(0);
  // Axes index the output; count them first to know its rank.
  int64_t count = 0;
  if (n.opset() < 13) {
    SmallVector<int64_t> raw;
    if (failed(n.getInts("axes", raw)))
      return failure();
    count = raw.size();
  } else {
    auto raw = n.constantInts(1, "axes");
    if (failed(raw))
      return failure();
    count = raw->size();
  }
  int64_t outRank = type.getRank() + count;
  auto axes = readAxes(n, outRank, /*required=*/true);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> in = type.getShape();
  for (int64_t i = 0; i < outRank; ++i) {
    if (llvm::is_contained(*axes, i)) {
      shape.push_back(1);
    } else {
      shape.push_back(in.front());
      in = in.drop_front();
    }
  }
  return single(n, n.reshape(n.input(0), shape));
}

LogicalResult convertTranspose(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  SmallVector<int64_t> perm;
  for (int64_t i = rank - 1; i >= 0; --i)
    perm.push_back(i);
  if (failed(n.getInts("perm", perm)))
    return failure();
  Builder b(n.getContext());
  return single(n, n.create("kiln.transpose", n.input(0),
                            {n.attr("perm", b.getDenseI64ArrayAttr(perm))}));
}

/// Expand: numpy broadcast of the input and a constant shape, as a tile of
/// the input reshaped to the result's rank.
LogicalResult convertExpand(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto spec = n.constantInts(1, "shape");
  if (failed(spec))
    return failure();
  auto type = n.inputType(0);
  size_t rank = std::max<size_t>(type.getRank(), spec->size());
  SmallVector<int64_t> in(rank - type.getRank(), 1),
      target(rank - spec->size(), 1);
  llvm::append_range(in, type.getShape());
  llvm::append_range(target, *spec);
  SmallVector<int64_t> multiples;
  for (size_t i = 0; i < rank; ++i) {
    if (target[i] == in[i] || target[i] == 1) {
      multiples.push_back(1);
    } else if (in[i] == 1 && target[i] >= 0) {
      multiples.push_back(target[i]);
    } else {
      return n.emitError() << "cannot broadcast " << type << " to shape ["
                           << listStr(*spec) << "]";
    }
  }
  auto reshaped = n.reshape(n.input(0), in);
  if (failed(reshaped))
    return failure();
  if (llvm::all_of(multiples, [](int64_t m) { return m == 1; }))
    return single(n, n.create("kiln.identity", *reshaped));
  Builder b(n.getContext());
  return single(
      n, n.create("kiln.tile", *reshaped,
                  {n.attr("multiples", b.getDenseI64ArrayAttr(multiples))}));
}

/// Tile: `repeats` per dim (opset >= 6); before, `tiles` copies along one
/// `axis`.
LogicalResult convertTile(NodeImporter &n) {
  bool legacy = n.opset() < 6;
  if (failed(n.checkNumInputs(legacy ? 3 : 2, legacy ? 3 : 2)))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  SmallVector<int64_t> multiples;
  if (legacy) {
    auto tiles = n.constantInts(1, "tiles");
    auto axis = n.constantInts(2, "axis");
    if (failed(tiles) || failed(axis))
      return failure();
    if (tiles->size() != 1 || axis->size() != 1)
      return n.emitError() << "tiles and axis must be scalars";
    auto normalized = n.normalizeAxis(axis->front(), rank, "axis");
    if (failed(normalized))
      return failure();
    multiples.assign(rank, 1);
    multiples[*normalized] = tiles->front();
  } else {
    auto repeats = n.constantInts(1, "repeats");
    if (failed(repeats))
      return failure();
    multiples = *repeats;
  }
  if (static_cast<int64_t>(multiples.size()) != rank)
    return n.emitError() << "expects " << rank << " repeats, got ["
                         << listStr(multiples) << "]";
  Builder b(n.getContext());
  return single(
      n, n.create("kiln.tile", n.input(0),
                  {n.attr("multiples", b.getDenseI64ArrayAttr(multiples))}));
}

/// reshape -> transpose -> reshape, the form of DepthToSpace/SpaceToDepth.
LogicalResult shuffle(NodeImporter &n, ArrayRef<int64_t> split,
                      ArrayRef<int64_t> perm, ArrayRef<int64_t> result) {
  auto expanded = n.reshape(n.input(0), split);
  if (failed(expanded))
    return failure();
  Builder b(n.getContext());
  auto moved = n.create("kiln.transpose", *expanded,
                        {n.attr("perm", b.getDenseI64ArrayAttr(perm))});
  if (failed(moved))
    return failure();
  return single(n, n.reshape(*moved, result));
}

/// Reads the 4-D input and `blocksize` of DepthToSpace/SpaceToDepth.
LogicalResult readBlocks(NodeImporter &n, SmallVectorImpl<int64_t> &dims,
                         int64_t &block) {
  if (failed(n.checkNumInputs(1, 1)) || failed(n.getInt("blocksize", block)))
    return failure();
  auto type = n.inputType(0);
  if (type.getRank() != 4)
    return n.emitError() << "expects a 4-D input, got " << type;
  if (block < 1)
    return n.emitError() << "blocksize must be >= 1, got " << block;
  dims.assign(type.getShape().begin(), type.getShape().end());
  return success();
}

/// DepthToSpace: DCR (default) takes the block from the outer channel bits,
/// CRD from the inner ones.
LogicalResult convertDepthToSpace(NodeImporter &n) {
  SmallVector<int64_t> d;
  int64_t b;
  std::string mode;
  if (failed(readBlocks(n, d, b)) || failed(n.getString("mode", mode, "DCR")))
    return failure();
  if (d[1] % (b * b) != 0)
    return n.emitError() << "channels " << d[1]
                         << " are not divisible by blocksize^2 = " << b * b;
  int64_t c = d[1] / (b * b);
  SmallVector<int64_t> result = {d[0], c, d[2] * b, d[3] * b};
  if (mode == "DCR")
    return shuffle(n, {d[0], b, b, c, d[2], d[3]}, {0, 3, 4, 1, 5, 2}, result);
  if (mode == "CRD")
    return shuffle(n, {d[0], c, b, b, d[2], d[3]}, {0, 1, 4, 2, 5, 3}, result);
  return n.emitError() << "unsupported mode '" << mode << "'";
}

LogicalResult convertSpaceToDepth(NodeImporter &n) {
  SmallVector<int64_t> d;
  int64_t b;
  if (failed(readBlocks(n, d, b)))
    return failure();
  if (d[2] % b != 0 || d[3] % b != 0)
    return n.emitError() << "spatial dims " << d[2] << "x" << d[3]
                         << " are not divisible by blocksize " << b;
  return shuffle(n, {d[0], d[1], d[2] / b, b, d[3] / b, b}, {0, 3, 5, 1, 2, 4},
                 {d[0], d[1] * b * b, d[2] / b, d[3] / b});
}

//===- Shape computations, folded -----------------------------------------===//

LogicalResult setConstant(NodeImporter &n, ElementsAttr value) {
  return single(n, n.constant(value));
}

RankedTensorType i64Tensor(NodeImporter &n, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, IntegerType::get(n.getContext(), 64));
}

/// Shape: the input's dims [start, end) (opset 15 attributes; negative
/// values count from the end and both clamp to [0, rank]).
LogicalResult convertShape(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  ArrayRef<int64_t> dims = n.inputType(0).getShape();
  int64_t rank = dims.size(), start, end;
  if (failed(n.getInt("start", start, 0)) || failed(n.getInt("end", end, rank)))
    return failure();
  auto clamp = [&](int64_t v) {
    return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank);
  };
  start = clamp(start);
  end = std::max(start, clamp(end));
  ArrayRef<int64_t> kept = dims.slice(start, end - start);
  return setConstant(
      n, DenseElementsAttr::get(i64Tensor(n, {int64_t(kept.size())}), kept));
}

LogicalResult convertSize(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  return setConstant(n, DenseElementsAttr::get(
                            i64Tensor(n, {}), n.inputType(0).getNumElements()));
}

/// ConstantOfShape: `value` (a one-element tensor, default float 0) filling
/// a constant shape.
LogicalResult convertConstantOfShape(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  auto shape = n.constantInts(0, "shape");
  auto value = n.getTensor("value");
  if (failed(shape) || failed(value))
    return failure();
  for (int64_t d : *shape)
    if (d < 0)
      return n.emitError() << "shape [" << listStr(*shape)
                           << "] has a negative size";
  Builder b(n.getContext());
  Attribute element = b.getZeroAttr(b.getF32Type());
  if (*value) {
    if (value->getNumElements() != 1)
      return n.emitError() << "attribute 'value' must hold one element";
    element = *value->getValues<Attribute>().begin();
    n.setResultUnsigned(
        0, isUnsignedElementType(n.findAttr("value")->t().data_type()));
  }
  auto type = RankedTensorType::get(*shape, cast<TypedAttr>(element).getType());
  return setConstant(n, DenseElementsAttr::get(type, element));
}

/// Range: start, start + delta, ... up to limit (exclusive), from constant
/// scalars; the element type is the inputs'.
LogicalResult convertRange(NodeImporter &n) {
  if (failed(n.checkNumInputs(3, 3)))
    return failure();
  auto start = n.constantFloats(0, "start");
  auto limit = n.constantFloats(1, "limit");
  auto delta = n.constantFloats(2, "delta");
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  if (start->size() != 1 || limit->size() != 1 || delta->size() != 1)
    return n.emitError() << "start, limit and delta must be scalars";
  double s = start->front(), d = delta->front();
  if (d == 0)
    return n.emitError() << "delta must not be 0";
  int64_t count = std::max<int64_t>(
      0, static_cast<int64_t>(std::ceil((limit->front() - s) / d)));
  Type element = n.inputType(0).getElementType();
  auto type = RankedTensorType::get({count}, element);
  if (auto f = dyn_cast<FloatType>(element)) {
    // output[i] = start + i * delta, as the ONNX definition states.
    SmallVector<APFloat> values;
    for (int64_t i = 0; i < count; ++i) {
      APFloat v(s + static_cast<double>(i) * d);
      bool lost;
      v.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(v);
    }
    return setConstant(n, DenseElementsAttr::get(type, values));
  }
  unsigned width = element.getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  for (int64_t i = 0; i < count; ++i)
    values.push_back(APInt(width, static_cast<int64_t>(s + i * d),
                           /*isSigned=*/true, /*implicitTrunc=*/true));
  return setConstant(n, DenseElementsAttr::get(type, values));
}

/// EyeLike: ones on diagonal `k` of a 2-D shape, in `dtype` (default the
/// input's element type).
LogicalResult convertEyeLike(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  auto type = n.inputType(0);
  if (type.getRank() != 2)
    return n.emitError() << "expects a 2-D input, got " << type;
  int64_t k;
  Type element = type.getElementType();
  if (failed(n.getInt("k", k, 0)))
    return failure();
  if (n.findAttr("dtype")) {
    int64_t dtype;
    if (failed(n.getInt("dtype", dtype)))
      return failure();
    element = convertElementType(n.getContext(), dtype);
    if (!element)
      return n.emitError() << "dtype " << elementTypeName(dtype)
                           << " is not supported";
    n.setResultUnsigned(0, isUnsignedElementType(dtype));
  }
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  Builder b(n.getContext());
  Attribute zero = b.getZeroAttr(element), one;
  if (isa<FloatType>(element))
    one = b.getFloatAttr(element, 1.0);
  else
    one = b.getIntegerAttr(element, 1);
  SmallVector<Attribute> values(rows * cols, zero);
  for (int64_t r = 0; r < rows; ++r)
    if (r + k >= 0 && r + k < cols)
      values[r * cols + r + k] = one;
  return setConstant(n, DenseElementsAttr::get(type.clone(element), values));
}

} // namespace

void registerShapeOps(OpTable &table) {
  static const std::pair<const char *, ConvertFn> entries[] = {
      {"Reshape", convertReshape},
      {"Flatten", convertFlatten},
      {"Squeeze", convertSqueeze},
      {"Unsqueeze", convertUnsqueeze},
      {"Transpose", convertTranspose},
      {"Expand", convertExpand},
      {"Tile", convertTile},
      {"DepthToSpace", convertDepthToSpace},
      {"SpaceToDepth", convertSpaceToDepth},
      {"Shape", convertShape},
      {"Size", convertSize},
      {"ConstantOfShape", convertConstantOfShape},
      {"Range", convertRange},
      {"EyeLike", convertEyeLike},
  };
  for (const auto &[name, fn] : entries)
    table[name] = fn;
}

} // namespace kiln::onnximport
