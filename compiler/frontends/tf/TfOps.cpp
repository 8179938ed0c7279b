// The TF op table, math and neural-network families: elementwise math and
// activations, matmuls, convolutions, pooling, batch-norm and reductions.
// Each converter is a direct translation to kiln ops with TF's attributes
// (data_format, padding, ksize...) resolved to kiln's explicit form.
#include "compiler/frontends/tf/TfInternal.h"

#include "dialects/kiln/KilnDialect.h"

using namespace mlir;

namespace kiln::tf {
namespace {

using mlir::kiln::Layout;
using mlir::kiln::LayoutAttr;

//===- Elementwise ---------------------------------------------------------===//

/// Integer arithmetic on constants (shape computations) folds at import;
/// returns false when the operands are not both integer constants.
bool foldIntBinary(NodeImporter &n, StringRef op, LogicalResult &result) {
  auto a = intsOf(n.input(0)), b = intsOf(n.input(1));
  if (!a || !b || (a->size() != b->size() && a->size() != 1 && b->size() != 1))
    return false;
  auto ta = n.inputType(0), tb = n.inputType(1);
  auto shapeType = a->size() >= b->size() ? ta : tb;
  SmallVector<int64_t> out;
  for (size_t i = 0, e = std::max(a->size(), b->size()); i < e; ++i) {
    int64_t x = (*a)[a->size() == 1 ? 0 : i], y = (*b)[b->size() == 1 ? 0 : i];
    if (op == "kiln.add")
      out.push_back(x + y);
    else if (op == "kiln.sub")
      out.push_back(x - y);
    else if (op == "kiln.mul")
      out.push_back(x * y);
    else if (op == "kiln.max")
      out.push_back(std::max(x, y));
    else if (op == "kiln.min")
      out.push_back(std::min(x, y));
    else
      return false;
  }
  n.results.push_back({n.constantInts(out, ta.getElementType(),
                                      shapeType.getShape()),
                       ""});
  result = success();
  return true;
}

template <const char *Op> LogicalResult binary(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  LogicalResult folded = failure();
  if (foldIntBinary(n, Op, folded))
    return folded;
  return n.single(n.create(Op, {n.input(0), n.input(1)}));
}

template <const char *Op> LogicalResult unary(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  return n.single(n.create(Op, n.input(0)));
}

constexpr char kAdd[] = "kiln.add", kSub[] = "kiln.sub", kMul[] = "kiln.mul",
               kDiv[] = "kiln.div", kMax[] = "kiln.max", kMin[] = "kiln.min",
               kPow[] = "kiln.pow";
constexpr char kEqual[] = "kiln.equal", kNotEqual[] = "kiln.not_equal",
               kLess[] = "kiln.less", kLessEqual[] = "kiln.less_equal",
               kGreater[] = "kiln.greater",
               kGreaterEqual[] = "kiln.greater_equal";
constexpr char kRelu[] = "kiln.relu", kSigmoid[] = "kiln.sigmoid",
               kTanh[] = "kiln.tanh", kExp[] = "kiln.exp", kLog[] = "kiln.log",
               kSqrt[] = "kiln.sqrt", kRsqrt[] = "kiln.rsqrt",
               kNeg[] = "kiln.neg", kAbs[] = "kiln.abs",
               kReciprocal[] = "kiln.reciprocal", kErf[] = "kiln.erf",
               kFloor[] = "kiln.floor", kCeil[] = "kiln.ceil",
               kSin[] = "kiln.sin", kCos[] = "kiln.cos",
               kSoftplus[] = "kiln.softplus", kSoftsign[] = "kiln.softsign",
               kSelu[] = "kiln.selu", kElu[] = "kiln.elu";

/// Select (same-shape or vector condition) and SelectV2 (broadcasting).
LogicalResult convertSelect(NodeImporter &n) {
  if (failed(n.checkNumInputs(3, 3)))
    return failure();
  Value cond = n.input(0);
  auto c = n.inputType(0), t = n.inputType(1);
  // TF1 Select: a rank-1 condition picks whole rows of higher-rank operands.
  if (n.node.op() == "Select" && c.getRank() == 1 && t.getRank() > 1) {
    SmallVector<int64_t> shape(t.getRank(), 1);
    shape[0] = c.getDimSize(0);
    auto r = n.reshape(cond, shape);
    if (failed(r))
      return failure();
    cond = *r;
  }
  return n.single(n.create("kiln.select", {cond, n.input(1), n.input(2)}));
}

LogicalResult convertSquare(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  return n.single(n.create("kiln.mul", {n.input(0), n.input(0)}));
}

LogicalResult convertSquaredDifference(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto d = n.create("kiln.sub", {n.input(0), n.input(1)});
  if (failed(d))
    return failure();
  return n.single(n.create("kiln.mul", {*d, *d}));
}

LogicalResult convertRelu6(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  Builder b(n.getContext());
  return n.single(n.create("kiln.clip", n.input(0),
                           {n.named("min", b.getF32FloatAttr(0.0f)),
                            n.named("max", b.getF32FloatAttr(6.0f))}));
}

LogicalResult convertLeakyRelu(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  Builder b(n.getContext());
  return n.single(n.create(
      "kiln.leaky_relu", n.input(0),
      {n.named("alpha", b.getF32FloatAttr(n.getFloat("alpha", 0.2f)))}));
}

/// TF Softmax/LogSoftmax normalize the last axis.
template <bool Log> LogicalResult convertSoftmax(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  if (rank < 1)
    return n.emitError() << "expects a logits tensor of rank >= 1";
  Builder b(n.getContext());
  return n.single(n.create(Log ? "kiln.log_softmax" : "kiln.softmax",
                           n.input(0),
                           {n.named("axis", b.getI64IntegerAttr(rank - 1))}));
}

//===- Contractions --------------------------------------------------------===//

FailureOr<Value> swapLastTwo(NodeImporter &n, Value v) {
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  SmallVector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i);
  std::swap(perm[rank - 1], perm[rank - 2]);
  return n.create("kiln.transpose", v,
                  {n.named("perm", Builder(n.getContext())
                                       .getDenseI64ArrayAttr(perm))});
}

LogicalResult convertMatMul(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  bool ta = n.getBool("transpose_a", false), tb = n.getBool("transpose_b", false);
  if (!ta && !tb)
    return n.single(n.create("kiln.matmul", {n.input(0), n.input(1)}));
  Builder b(n.getContext());
  return n.single(n.create("kiln.gemm", {n.input(0), n.input(1)},
                           {n.named("trans_a", b.getBoolAttr(ta)),
                            n.named("trans_b", b.getBoolAttr(tb))}));
}

LogicalResult convertBatchMatMul(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  Value x = n.input(0), y = n.input(1);
  if (n.inputType(0).getRank() < 2 || n.inputType(1).getRank() < 2)
    return n.emitError() << "operands must have rank >= 2";
  if (n.getBool("adj_x", false)) {
    auto t = swapLastTwo(n, x);
    if (failed(t))
      return failure();
    x = *t;
  }
  if (n.getBool("adj_y", false)) {
    auto t = swapLastTwo(n, y);
    if (failed(t))
      return failure();
    y = *t;
  }
  return n.single(n.create("kiln.matmul", {x, y}));
}

/// Channels-last unless data_format says NCHW.
FailureOr<bool> channelsFirst(NodeImporter &n) {
  std::string fmt = n.getString("data_format", "NHWC");
  if (fmt == "NHWC" || fmt == "NWC" || fmt == "NDHWC")
    return false;
  if (fmt == "NCHW" || fmt == "NCW" || fmt == "NCDHW")
    return true;
  return n.emitError() << "unsupported data_format '" << fmt << "'";
}

LogicalResult convertBiasAdd(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto first = channelsFirst(n);
  if (failed(first))
    return failure();
  Value bias = n.input(1);
  auto in = n.inputType(0);
  if (*first && in.getRank() > 2) {
    SmallVector<int64_t> shape(in.getRank() - 1, 1);
    shape[0] = n.inputType(1).getNumElements();
    auto r = n.reshape(bias, shape);
    if (failed(r))
      return failure();
    bias = *r;
  }
  return n.single(n.create("kiln.add", {n.input(0), bias}));
}

//===- Convolution and pooling ---------------------------------------------===//

/// The 2 spatial values of a 4-entry per-dimension attribute (strides,
/// dilations, ksize) in the node's data format; each must be positive.
FailureOr<SmallVector<int64_t>> spatialPair(NodeImporter &n, StringRef name,
                                            bool first, int64_t dflt) {
  SmallVector<int64_t> v = n.getInts(name);
  if (v.empty())
    return SmallVector<int64_t>{dflt, dflt};
  if (v.size() != 4)
    return n.emitError() << "attribute '" << name << "' must have 4 values";
  SmallVector<int64_t> pair = first ? SmallVector<int64_t>{v[2], v[3]}
                                    : SmallVector<int64_t>{v[1], v[2]};
  // Strides, dilations and window sizes divide or multiply extents.
  if (pair[0] < 1 || pair[1] < 1 || pair[0] > (int64_t(1) << 31) ||
      pair[1] > (int64_t(1) << 31))
    return n.emitError() << "attribute '" << name
                         << "' must have spatial values in [1, 2^31], got ["
                         << pair[0] << ", " << pair[1] << "]";
  return pair;
}

/// Pads [top, left, bottom, right] for TF padding SAME/VALID/EXPLICIT.
FailureOr<SmallVector<int64_t>> windowPads(NodeImporter &n, bool first,
                                           ArrayRef<int64_t> inSpatial,
                                           ArrayRef<int64_t> kernel,
                                           ArrayRef<int64_t> strides,
                                           ArrayRef<int64_t> dilations) {
  std::string padding = n.getString("padding", "VALID");
  SmallVector<int64_t> pads(4, 0);
  if (padding == "VALID")
    return pads;
  if (padding == "EXPLICIT") {
    SmallVector<int64_t> e = n.getInts("explicit_paddings");
    if (e.size() != 8)
      return n.emitError() << "explicit_paddings must have 8 values";
    unsigned h = first ? 2 : 1, w = first ? 3 : 2;
    return SmallVector<int64_t>{e[2 * h], e[2 * w], e[2 * h + 1], e[2 * w + 1]};
  }
  if (padding != "SAME")
    return n.emitError() << "unsupported padding '" << padding << "'";
  for (unsigned i = 0; i < 2; ++i) {
    int64_t in = inSpatial[i], s = strides[i];
    int64_t out = (in + s - 1) / s;
    int64_t extent = (kernel[i] - 1) * dilations[i] + 1;
    int64_t total = std::max<int64_t>(0, (out - 1) * s + extent - in);
    pads[i] = total / 2;
    pads[i + 2] = total - total / 2;
  }
  return pads;
}

SmallVector<int64_t> spatialOf(RankedTensorType t, bool first) {
  return first ? SmallVector<int64_t>{t.getDimSize(2), t.getDimSize(3)}
               : SmallVector<int64_t>{t.getDimSize(1), t.getDimSize(2)};
}

LogicalResult checkImage(NodeImporter &n, unsigned i, StringRef what) {
  if (n.inputType(i) && n.inputType(i).getRank() == 4)
    return success();
  return n.emitError() << what << " must be 4-D, got " << n.inputType(i);
}

/// A TF filter [KH, KW, a, b] in kiln's channels-first order [b, a, KH, KW]
/// when the node runs NCHW; unchanged for NHWC.
FailureOr<Value> filterForLayout(NodeImporter &n, Value filter, bool first) {
  if (!first)
    return filter;
  Builder b(n.getContext());
  return n.create("kiln.transpose", filter,
                  {n.named("perm", b.getDenseI64ArrayAttr({3, 2, 0, 1}))});
}

/// The layout, strides, dilations and pads attributes of a 2-D window op.
SmallVector<NamedAttribute> windowAttrs(NodeImporter &n, bool first,
                                        ArrayRef<int64_t> strides,
                                        ArrayRef<int64_t> dilations,
                                        ArrayRef<int64_t> pads) {
  Builder b(n.getContext());
  return {n.named("layout", LayoutAttr::get(n.getContext(), first
                                                                ? Layout::NCHW
                                                                : Layout::NHWC)),
          n.named("strides", b.getDenseI64ArrayAttr(strides)),
          n.named("dilations", b.getDenseI64ArrayAttr(dilations)),
          n.named("pads", b.getDenseI64ArrayAttr(pads))};
}

/// Conv2D and DepthwiseConv2dNative (filter [KH, KW, C, M] -> groups = C).
template <bool Depthwise> LogicalResult convertConv(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)) || failed(checkImage(n, 0, "input")) ||
      failed(checkImage(n, 1, "filter")))
    return failure();
  auto first = channelsFirst(n);
  if (failed(first))
    return failure();
  auto in = n.inputType(0), f = n.inputType(1);
  auto strides = spatialPair(n, "strides", *first, 1);
  auto dilations = spatialPair(n, "dilations", *first, 1);
  if (failed(strides) || failed(dilations))
    return failure();
  SmallVector<int64_t> kernel = {f.getDimSize(0), f.getDimSize(1)};
  auto pads = windowPads(n, *first, spatialOf(in, *first), kernel, *strides,
                         *dilations);
  if (failed(pads))
    return failure();
  Value filter = n.input(1);
  int64_t inC = in.getDimSize(*first ? 1 : 3);
  int64_t groups = 1;
  if (Depthwise) {
    // [KH, KW, C, M] -> [KH, KW, 1, C*M]: output channel c*M + m.
    auto r = n.reshape(filter, {f.getDimSize(0), f.getDimSize(1), 1,
                                f.getDimSize(2) * f.getDimSize(3)});
    if (failed(r))
      return failure();
    filter = *r;
    groups = inC;
  } else if (f.getDimSize(2) > 0 && inC % f.getDimSize(2) == 0) {
    groups = inC / f.getDimSize(2);
  }
  auto laidOut = filterForLayout(n, filter, *first);
  if (failed(laidOut))
    return failure();
  auto attrs = windowAttrs(n, *first, *strides, *dilations, *pads);
  attrs.push_back(n.named(
      "groups", Builder(n.getContext()).getI64IntegerAttr(groups)));
  return n.single(n.create("kiln.conv_2d", {n.input(0), *laidOut}, attrs));
}

/// Conv2DBackpropInput(input_sizes, filter [KH, KW, Cout, Cin], x): the
/// transposed convolution whose forward conv maps input_sizes to x.
LogicalResult convertConvBackpropInput(NodeImporter &n) {
  if (failed(n.checkNumInputs(3, 3)) || failed(checkImage(n, 1, "filter")) ||
      failed(checkImage(n, 2, "out_backprop")))
    return failure();
  auto first = channelsFirst(n);
  if (failed(first))
    return failure();
  auto sizes = n.constantInts(0, "input_sizes");
  if (failed(sizes))
    return failure();
  if (sizes->size() != 4)
    return n.emitError() << "input_sizes must have 4 values";
  auto strides = spatialPair(n, "strides", *first, 1);
  auto dilations = spatialPair(n, "dilations", *first, 1);
  if (failed(strides) || failed(dilations))
    return failure();
  auto f = n.inputType(1), x = n.inputType(2);
  SmallVector<int64_t> kernel = {f.getDimSize(0), f.getDimSize(1)};
  SmallVector<int64_t> outSpatial =
      *first ? SmallVector<int64_t>{(*sizes)[2], (*sizes)[3]}
             : SmallVector<int64_t>{(*sizes)[1], (*sizes)[2]};
  auto pads = windowPads(n, *first, outSpatial, kernel, *strides, *dilations);
  if (failed(pads))
    return failure();
  SmallVector<int64_t> inSpatial = spatialOf(x, *first);
  SmallVector<int64_t> outPad(2);
  for (unsigned i = 0; i < 2; ++i) {
    int64_t full = (inSpatial[i] - 1) * (*strides)[i] +
                   (*dilations)[i] * (kernel[i] - 1) + 1;
    outPad[i] = outSpatial[i] - (full - (*pads)[i] - (*pads)[i + 2]);
    if (outPad[i] < 0)
      return n.emitError() << "input_sizes do not match the transposed "
                              "convolution of "
                           << x;
  }
  // [KH, KW, F, C] -> [C, F, KH, KW] under NCHW.
  auto filter = filterForLayout(n, n.input(1), *first);
  if (failed(filter))
    return failure();
  auto attrs = windowAttrs(n, *first, *strides, *dilations, *pads);
  attrs.push_back(n.named(
      "output_padding", Builder(n.getContext()).getDenseI64ArrayAttr(outPad)));
  return n.single(
      n.create("kiln.conv_transpose_2d", {n.input(2), *filter}, attrs));
}

template <bool IsMax> LogicalResult convertPool(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)) || failed(checkImage(n, 0, "input")))
    return failure();
  auto first = channelsFirst(n);
  if (failed(first))
    return failure();
  auto kernel = spatialPair(n, "ksize", *first, 1);
  auto strides = spatialPair(n, "strides", *first, 1);
  if (failed(kernel) || failed(strides))
    return failure();
  SmallVector<int64_t> dilations = {1, 1};
  auto pads = windowPads(n, *first, spatialOf(n.inputType(0), *first), *kernel,
                         *strides, dilations);
  if (failed(pads))
    return failure();
  auto attrs = windowAttrs(n, *first, *strides, dilations, *pads);
  attrs.push_back(n.named(
      "kernel", Builder(n.getContext()).getDenseI64ArrayAttr(*kernel)));
  return n.single(
      n.create(IsMax ? "kiln.max_pool" : "kiln.avg_pool", n.input(0), attrs));
}

/// FusedBatchNorm/V2/V3 in inference mode: y, and the moving statistics
/// passed through for the other outputs.
LogicalResult convertFusedBatchNorm(NodeImporter &n) {
  if (failed(n.checkNumInputs(5, 5)))
    return failure();
  if (n.getBool("is_training", true))
    return n.emitError() << "is_training = true is not supported (export the "
                            "model for inference)";
  auto first = channelsFirst(n);
  if (failed(first))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  Builder b(n.getContext());
  auto y = n.create(
      "kiln.batch_norm",
      {n.input(0), n.input(1), n.input(2), n.input(3), n.input(4)},
      {n.named("axis", b.getI64IntegerAttr(*first ? 1 : rank - 1)),
       n.named("epsilon", b.getF32FloatAttr(n.getFloat("epsilon", 1e-4f)))});
  if (failed(y))
    return failure();
  n.results = {{*y, ""}, n.inputs[3], n.inputs[4], n.inputs[3], n.inputs[4],
               n.inputs[3]};
  return success();
}

//===- Reductions ----------------------------------------------------------===//

template <const char *Op> LogicalResult convertReduce(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto axes = n.constantInts(1, "reduction_indices");
  if (failed(axes))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  SmallVector<int64_t> sorted;
  for (int64_t a : *axes) {
    if (a < -rank || a >= rank)
      return n.emitError() << "axis " << a << " is out of range for rank "
                           << rank;
    sorted.push_back(a < 0 ? a + rank : a);
  }
  llvm::sort(sorted);
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  Builder b(n.getContext());
  return n.single(
      n.create(Op, n.input(0),
               {n.named("axes", b.getDenseI64ArrayAttr(sorted)),
                n.named("keep_dims", b.getBoolAttr(n.getBool("keep_dims",
                                                             false)))}));
}

constexpr char kSum[] = "kiln.reduce_sum", kMean[] = "kiln.reduce_mean",
               kRMax[] = "kiln.reduce_max", kRMin[] = "kiln.reduce_min",
               kProd[] = "kiln.reduce_prod";

//===- Resizing ------------------------------------------------------------===//

/// ResizeNearestNeighbor / ResizeBilinear(images NHWC, size [h, w]): TF's
/// align_corners and half_pixel_centers variants are kiln.resize coordinate
/// modes. Bilinear always computes in f32, as TF's kernel does.
template <bool Bilinear> LogicalResult convertResize(NodeImporter &n) {
  using mlir::kiln::CoordinateMode;
  using mlir::kiln::NearestMode;
  using mlir::kiln::ResizeMode;
  if (failed(n.checkNumInputs(2, 2)) || failed(checkImage(n, 0, "images")))
    return failure();
  auto in = n.inputType(0);
  if (in.isDynamicDim(1) || in.isDynamicDim(2))
    return n.emitError() << "images must have static height and width, got "
                         << in;
  auto size = n.constantInts(1, "size");
  if (failed(size))
    return failure();
  if (size->size() != 2 || (*size)[0] <= 0 || (*size)[1] <= 0)
    return n.emitError() << "size must hold 2 positive values";
  bool alignCorners = n.getBool("align_corners", false);
  bool halfPixel = n.getBool("half_pixel_centers", false);
  if (alignCorners && halfPixel)
    return n.emitError()
           << "align_corners and half_pixel_centers cannot both be set";
  CoordinateMode coord = CoordinateMode::Asymmetric;
  NearestMode nearest = NearestMode::Floor;
  if (alignCorners) {
    coord = CoordinateMode::AlignCorners;
    nearest = NearestMode::RoundPreferCeil; // roundf on coordinates >= 0
  } else if (halfPixel) {
    coord = Bilinear ? CoordinateMode::HalfPixel
                     : CoordinateMode::TfHalfPixelForNN;
  }
  Value images = n.input(0);
  Type elementType = in.getElementType();
  MLIRContext *ctx = n.getContext();
  Builder b(ctx);
  if (Bilinear && !elementType.isF32()) {
    elementType = b.getF32Type();
    auto cast = n.create("kiln.cast", images, {},
                         RankedTensorType::get(in.getShape(), elementType));
    if (failed(cast))
      return failure();
    images = *cast;
  }
  SmallVector<int64_t> shape = {in.getDimSize(0), (*size)[0], (*size)[1],
                                in.getDimSize(3)};
  SmallVector<double> scales = {1.0, double((*size)[0]) / in.getDimSize(1),
                                double((*size)[1]) / in.getDimSize(2), 1.0};
  return n.single(n.create(
      "kiln.resize", images,
      {n.named("mode", mlir::kiln::ResizeModeAttr::get(
                           ctx, Bilinear ? ResizeMode::Linear
                                         : ResizeMode::Nearest)),
       n.named("coordinate_mode",
               mlir::kiln::CoordinateModeAttr::get(ctx, coord)),
       n.named("nearest_mode", mlir::kiln::NearestModeAttr::get(ctx, nearest)),
       n.named("scales", b.getDenseF64ArrayAttr(scales))},
      RankedTensorType::get(shape, elementType)));
}

} // namespace

void addMathConverters(llvm::StringMap<ConvertFn> &t) {
  t["Add"] = binary<kAdd>;
  t["AddV2"] = binary<kAdd>;
  t["Sub"] = binary<kSub>;
  t["Mul"] = binary<kMul>;
  t["RealDiv"] = binary<kDiv>;
  t["Maximum"] = binary<kMax>;
  t["Minimum"] = binary<kMin>;
  t["Pow"] = binary<kPow>;
  t["Equal"] = binary<kEqual>;
  t["NotEqual"] = binary<kNotEqual>;
  t["Less"] = binary<kLess>;
  t["LessEqual"] = binary<kLessEqual>;
  t["Greater"] = binary<kGreater>;
  t["GreaterEqual"] = binary<kGreaterEqual>;
  t["Select"] = convertSelect;
  t["SelectV2"] = convertSelect;
  t["SquaredDifference"] = convertSquaredDifference;
  t["Square"] = convertSquare;
  t["Relu"] = unary<kRelu>;
  t["Relu6"] = convertRelu6;
  t["Elu"] = unary<kElu>;
  t["Selu"] = unary<kSelu>;
  t["LeakyRelu"] = convertLeakyRelu;
  t["Sigmoid"] = unary<kSigmoid>;
  t["Tanh"] = unary<kTanh>;
  t["Exp"] = unary<kExp>;
  t["Log"] = unary<kLog>;
  t["Sqrt"] = unary<kSqrt>;
  t["Rsqrt"] = unary<kRsqrt>;
  t["Neg"] = unary<kNeg>;
  t["Abs"] = unary<kAbs>;
  t["Reciprocal"] = unary<kReciprocal>;
  t["Inv"] = unary<kReciprocal>;
  t["Erf"] = unary<kErf>;
  t["Floor"] = unary<kFloor>;
  t["Ceil"] = unary<kCeil>;
  t["Sin"] = unary<kSin>;
  t["Cos"] = unary<kCos>;
  t["Softplus"] = unary<kSoftplus>;
  t["Softsign"] = unary<kSoftsign>;
  t["Softmax"] = convertSoftmax<false>;
  t["LogSoftmax"] = convertSoftmax<true>;
  t["Sum"] = convertReduce<kSum>;
  t["Mean"] = convertReduce<kMean>;
  t["Max"] = convertReduce<kRMax>;
  t["Min"] = convertReduce<kRMin>;
  t["Prod"] = convertReduce<kProd>;
}

void addNNConverters(llvm::StringMap<ConvertFn> &t) {
  t["MatMul"] = convertMatMul;
  t["BatchMatMul"] = convertBatchMatMul;
  t["BatchMatMulV2"] = convertBatchMatMul;
  t["BatchMatMulV3"] = convertBatchMatMul;
  t["BiasAdd"] = convertBiasAdd;
  t["Conv2D"] = convertConv<false>;
  t["DepthwiseConv2dNative"] = convertConv<true>;
  t["Conv2DBackpropInput"] = convertConvBackpropInput;
  t["MaxPool"] = convertPool<true>;
  t["AvgPool"] = convertPool<false>;
  t["ResizeNearestNeighbor"] = convertResize<false>;
  t["ResizeBilinear"] = convertResize<true>;
  t["FusedBatchNorm"] = convertFusedBatchNorm;
  t["FusedBatchNormV2"] = convertFusedBatchNorm;
  t["FusedBatchNormV3"] = convertFusedBatchNorm;
}

ConvertFn lookupConverter(StringRef op) {
  static const llvm::StringMap<ConvertFn> table = [] {
    llvm::StringMap<ConvertFn> t;
    addMathConverters(t);
    addNNConverters(t);
    addShapeConverters(t);
    return t;
  }();
  return table.lookup(op);
}

} // namespace kiln::tf
