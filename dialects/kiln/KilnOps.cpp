// Type inference and verifiers of kiln ops. Every invariant a lowering relies
// on is checked here, so lowerings can assume well-formed ops.
#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/KilnShapes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

RankedTensorType rankedOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

LogicalResult inferBinary(std::optional<Location> loc, Value lhs, Value rhs,
                          SmallVectorImpl<Type> &results) {
  auto l = rankedOf(lhs), r = rankedOf(rhs);
  if (l.getElementType() != r.getElementType())
    return emitOptionalError(loc, "operand element types differ: ",
                             l.getElementType(), " vs ", r.getElementType());
  auto shape = broadcastShapes(l.getShape(), r.getShape());
  if (!shape)
    return emitOptionalError(loc, "operand shapes ", l, " and ", r,
                             " do not broadcast");
  results.push_back(RankedTensorType::get(*shape, l.getElementType()));
  return success();
}

bool isChannelsLast(Layout layout) { return layout == Layout::NHWC; }

/// Checks the shared window attributes of convolution and pooling.
LogicalResult verifyWindowAttrs(std::optional<Location> loc,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> dilations,
                                ArrayRef<int64_t> pads) {
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return emitOptionalError(
        loc, "expects 2 strides, 2 dilations and 4 pads [top, left, bottom, "
             "right]");
  for (int64_t s : strides)
    if (s < 1)
      return emitOptionalError(loc, "strides must be >= 1");
  for (int64_t d : dilations)
    if (d < 1)
      return emitOptionalError(loc, "dilations must be >= 1");
  for (int64_t p : pads)
    if (p < 0)
      return emitOptionalError(loc, "pads must be >= 0");
  return success();
}

/// Spatial output sizes of a window op, or failure with a diagnostic.
LogicalResult inferSpatial(std::optional<Location> loc, RankedTensorType in,
                           bool channelsLast, ArrayRef<int64_t> kernel,
                           ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads,
                           int64_t &oh, int64_t &ow) {
  ImageDims d = imageDims(channelsLast);
  auto h = windowOutputSize(in.getDimSize(d.h), kernel[0], strides[0],
                            dilations[0], pads[0], pads[2]);
  auto w = windowOutputSize(in.getDimSize(d.w), kernel[1], strides[1],
                            dilations[1], pads[1], pads[3]);
  if (!h || !w)
    return emitOptionalError(loc, "window ", kernel[0], "x", kernel[1],
                             " does not fit the padded input ", in);
  oh = *h;
  ow = *w;
  return success();
}

Type imageType(bool channelsLast, int64_t n, int64_t c, int64_t h, int64_t w,
               Type elementType) {
  if (channelsLast)
    return RankedTensorType::get({n, h, w, c}, elementType);
  return RankedTensorType::get({n, c, h, w}, elementType);
}

} // namespace

//===- Constants ---------------------------------------------------------===//

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &results) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getValue().getType());
  if (!type)
    return emitOptionalError(loc, "value must be a ranked tensor");
  results.push_back(type);
  return success();
}

//===- Elementwise -------------------------------------------------------===//

#define KILN_BINARY_INFER(OP)                                                  \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &results) {         \
    return inferBinary(loc, adaptor.getLhs(), adaptor.getRhs(), results);      \
  }
KILN_BINARY_INFER(AddOp)
KILN_BINARY_INFER(SubOp)
KILN_BINARY_INFER(MulOp)
KILN_BINARY_INFER(DivOp)
KILN_BINARY_INFER(MaxOp)
KILN_BINARY_INFER(MinOp)
KILN_BINARY_INFER(PowOp)
KILN_BINARY_INFER(RemOp)
KILN_BINARY_INFER(FloorModOp)
KILN_BINARY_INFER(ShiftLeftOp)
KILN_BINARY_INFER(ShiftRightOp)
KILN_BINARY_INFER(AndOp)
KILN_BINARY_INFER(OrOp)
KILN_BINARY_INFER(XorOp)
#undef KILN_BINARY_INFER

/// `is_unsigned` needs integer operands of more than one bit.
static LogicalResult verifyUnsigned(Operation *op, Value operand,
                                    bool isUnsigned) {
  Type element = cast<RankedTensorType>(operand.getType()).getElementType();
  if (isUnsigned && (!isa<IntegerType>(element) || element.isInteger(1)))
    return op->emitOpError("is_unsigned needs integer operands wider than "
                           "i1, got ")
           << element;
  return success();
}

#define KILN_UNSIGNED_VERIFY(OP)                                               \
  LogicalResult OP::verify() {                                                 \
    return verifyUnsigned(*this, getLhs(), getIsUnsigned());                   \
  }
KILN_UNSIGNED_VERIFY(DivOp)
KILN_UNSIGNED_VERIFY(MaxOp)
KILN_UNSIGNED_VERIFY(MinOp)
KILN_UNSIGNED_VERIFY(RemOp)
KILN_UNSIGNED_VERIFY(FloorModOp)
KILN_UNSIGNED_VERIFY(ShiftRightOp)
KILN_UNSIGNED_VERIFY(EqualOp)
KILN_UNSIGNED_VERIFY(NotEqualOp)
KILN_UNSIGNED_VERIFY(LessOp)
KILN_UNSIGNED_VERIFY(LessEqualOp)
KILN_UNSIGNED_VERIFY(GreaterOp)
KILN_UNSIGNED_VERIFY(GreaterEqualOp)
#undef KILN_UNSIGNED_VERIFY

LogicalResult CastOp::verify() {
  auto wideInt = [](Value v) {
    Type t = cast<RankedTensorType>(v.getType()).getElementType();
    return isa<IntegerType>(t) && !t.isInteger(1);
  };
  if (getUnsignedInput() && !wideInt(getInput()))
    return emitOpError("unsigned_input needs an integer input wider than i1, "
                       "got ")
           << getInput().getType();
  if (getUnsignedResult() && !wideInt(getResult()))
    return emitOpError("unsigned_result needs an integer result wider than "
                       "i1, got ")
           << getType();
  return success();
}

#define KILN_COMPARE_INFER(OP)                                                 \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx,                         \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &results) {         \
    if (failed(inferBinary(loc, adaptor.getLhs(), adaptor.getRhs(), results))) \
      return failure();                                                        \
    results[0] = cast<RankedTensorType>(results[0]).clone(                     \
        IntegerType::get(ctx, 1));                                             \
    return success();                                                          \
  }
KILN_COMPARE_INFER(EqualOp)
KILN_COMPARE_INFER(NotEqualOp)
KILN_COMPARE_INFER(LessOp)
KILN_COMPARE_INFER(LessEqualOp)
KILN_COMPARE_INFER(GreaterOp)
KILN_COMPARE_INFER(GreaterEqualOp)
#undef KILN_COMPARE_INFER

LogicalResult SelectOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  auto c = rankedOf(adaptor.getCondition()), t = rankedOf(adaptor.getOnTrue()),
       f = rankedOf(adaptor.getOnFalse());
  if (t.getElementType() != f.getElementType())
    return emitOptionalError(loc, "on_true and on_false element types differ: ",
                             t.getElementType(), " vs ", f.getElementType());
  auto shape = broadcastShapes(t.getShape(), f.getShape());
  if (shape)
    shape = broadcastShapes(*shape, c.getShape());
  if (!shape)
    return emitOptionalError(loc, "operand shapes ", c, ", ", t, " and ", f,
                             " do not broadcast");
  results.push_back(RankedTensorType::get(*shape, t.getElementType()));
  return success();
}

//===- Normalization -----------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getType().getRank();
  auto axis = static_cast<int64_t>(getAxis());
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank "
                                << rank;
  return success();
}

LogicalResult LogSoftmaxOp::verify() {
  int64_t rank = getType().getRank();
  auto axis = static_cast<int64_t>(getAxis());
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank "
                                << rank;
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location>,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  results.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult BatchNormOp::verify() {
  auto in = getInput().getType();
  auto axis = static_cast<int64_t>(getAxis());
  if (axis < 0 || axis >= in.getRank())
    return emitOpError("axis ") << axis << " is out of range for rank "
                                << in.getRank();
  int64_t channels = in.getDimSize(axis);
  for (Value param : {getScale(), getBias(), getMean(), getVariance()}) {
    auto t = rankedOf(param);
    if (t.getRank() != 1)
      return emitOpError("expects 1-D scale, bias, mean and variance, got ")
             << t;
    if (!ShapedType::isDynamic(channels) && !t.isDynamicDim(0) &&
        t.getDimSize(0) != channels)
      return emitOpError("parameter size ")
             << t.getDimSize(0) << " does not match " << channels
             << " channels";
  }
  if (getEpsilon().convertToFloat() < 0)
    return emitOpError("epsilon must be >= 0");
  return success();
}

//===- Contractions ------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  auto l = rankedOf(adaptor.getLhs()), r = rankedOf(adaptor.getRhs());
  if (l.getRank() < 2 || r.getRank() < 2)
    return emitOptionalError(loc, "expects operands of rank >= 2, got ", l,
                             " and ", r);
  if (l.getElementType() != r.getElementType())
    return emitOptionalError(loc, "operand element types differ");
  int64_t k1 = l.getShape().back(), k2 = r.getShape()[r.getRank() - 2];
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return emitOptionalError(loc, "contraction sizes differ: ", k1, " vs ",
                             k2);
  auto batch = broadcastShapes(l.getShape().drop_back(2),
                               r.getShape().drop_back(2));
  if (!batch)
    return emitOptionalError(loc, "batch dims of ", l, " and ", r,
                             " do not broadcast");
  SmallVector<int64_t> shape = *batch;
  shape.push_back(l.getShape()[l.getRank() - 2]);
  shape.push_back(r.getShape().back());
  results.push_back(RankedTensorType::get(shape, l.getElementType()));
  return success();
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  auto a = rankedOf(adaptor.getA()), b = rankedOf(adaptor.getB());
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOptionalError(loc, "expects rank-2 A and B, got ", a, " and ",
                             b);
  bool ta = adaptor.getTransA(), tb = adaptor.getTransB();
  int64_t m = a.getDimSize(ta ? 1 : 0), ka = a.getDimSize(ta ? 0 : 1);
  int64_t kb = b.getDimSize(tb ? 1 : 0), n = b.getDimSize(tb ? 0 : 1);
  if (!ShapedType::isDynamic(ka) && !ShapedType::isDynamic(kb) && ka != kb)
    return emitOptionalError(loc, "contraction sizes differ: ", ka, " vs ",
                             kb);
  results.push_back(RankedTensorType::get({m, n}, a.getElementType()));
  return success();
}

LogicalResult GemmOp::verify() {
  if (!getC())
    return success();
  auto c = rankedOf(getC());
  auto bcast = broadcastShapes(c.getShape(), getType().getShape());
  if (c.getRank() > 2 || !bcast || ArrayRef<int64_t>(*bcast) != getType().getShape())
    return emitOpError("C ") << c << " does not broadcast to the result "
                             << getType();
  return success();
}

//===- Convolution and pooling -------------------------------------------===//

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  if (failed(verifyWindowAttrs(loc, adaptor.getStrides(),
                               adaptor.getDilations(), adaptor.getPads())))
    return failure();
  auto in = rankedOf(adaptor.getInput()), f = rankedOf(adaptor.getFilter());
  bool last = isChannelsLast(adaptor.getLayout());
  ImageDims d = imageDims(last);
  // Filter: FCHW for nchw, HWCF for nhwc.
  int64_t kh = f.getDimSize(last ? 0 : 2), kw = f.getDimSize(last ? 1 : 3);
  int64_t outC = f.getDimSize(last ? 3 : 0);
  if (ShapedType::isDynamic(kh) || ShapedType::isDynamic(kw))
    return emitOptionalError(loc, "filter spatial sizes must be static");
  int64_t oh, ow;
  if (failed(inferSpatial(loc, in, last, {kh, kw}, adaptor.getStrides(),
                          adaptor.getDilations(), adaptor.getPads(), oh, ow)))
    return failure();
  results.push_back(imageType(last, in.getDimSize(d.n), outC, oh, ow,
                              in.getElementType()));
  return success();
}

LogicalResult Conv2DOp::verify() {
  auto in = getInput().getType(), f = getFilter().getType();
  bool last = isChannelsLast(getLayout());
  int64_t groups = getGroups();
  if (groups < 1)
    return emitOpError("groups must be >= 1");
  int64_t inC = in.getDimSize(imageDims(last).c);
  int64_t fC = f.getDimSize(last ? 2 : 1), outC = f.getDimSize(last ? 3 : 0);
  if (!ShapedType::isDynamic(inC) && !ShapedType::isDynamic(fC) &&
      inC != fC * groups)
    return emitOpError("input has ")
           << inC << " channels but the filter expects " << fC << " x "
           << groups << " groups";
  if (!ShapedType::isDynamic(outC) && outC % groups != 0)
    return emitOpError("output channels ")
           << outC << " are not divisible by groups " << groups;
  if (getBias()) {
    auto b = rankedOf(getBias());
    if (b.getRank() != 1 ||
        (!b.isDynamicDim(0) && !ShapedType::isDynamic(outC) &&
         b.getDimSize(0) != outC))
      return emitOpError("bias must be 1-D of size ") << outC << ", got " << b;
  }
  if (in.getElementType() != f.getElementType())
    return emitOpError("input and filter element types differ");
  return success();
}

LogicalResult ConvTranspose2DOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  if (failed(verifyWindowAttrs(loc, adaptor.getStrides(),
                               adaptor.getDilations(), adaptor.getPads())))
    return failure();
  ArrayRef<int64_t> outPad = adaptor.getOutputPadding();
  if (outPad.size() != 2 || outPad[0] < 0 || outPad[1] < 0)
    return emitOptionalError(loc, "expects 2 non-negative output_padding");
  auto in = rankedOf(adaptor.getInput()), f = rankedOf(adaptor.getFilter());
  bool last = isChannelsLast(adaptor.getLayout());
  ImageDims d = imageDims(last);
  // Filter: C (F/groups) KH KW for nchw, KH KW (F/groups) C for nhwc.
  int64_t kh = f.getDimSize(last ? 0 : 2), kw = f.getDimSize(last ? 1 : 3);
  int64_t perGroup = f.getDimSize(last ? 2 : 1);
  int64_t groups = static_cast<int64_t>(adaptor.getGroups());
  if (ShapedType::isDynamic(kh) || ShapedType::isDynamic(kw) ||
      ShapedType::isDynamic(perGroup))
    return emitOptionalError(loc, "filter sizes must be static");
  auto size = [&](int64_t inSize, int64_t k, int64_t s, int64_t dil,
                  int64_t p0, int64_t p1, int64_t op) -> int64_t {
    if (ShapedType::isDynamic(inSize))
      return ShapedType::kDynamic;
    return (inSize - 1) * s + dil * (k - 1) + 1 + op - p0 - p1;
  };
  ArrayRef<int64_t> s = adaptor.getStrides(), dl = adaptor.getDilations(),
                    p = adaptor.getPads();
  int64_t oh = size(in.getDimSize(d.h), kh, s[0], dl[0], p[0], p[2], outPad[0]);
  int64_t ow = size(in.getDimSize(d.w), kw, s[1], dl[1], p[1], p[3], outPad[1]);
  if ((!ShapedType::isDynamic(oh) && oh < 1) ||
      (!ShapedType::isDynamic(ow) && ow < 1))
    return emitOptionalError(loc, "pads crop the whole output");
  results.push_back(imageType(last, in.getDimSize(d.n), perGroup * groups, oh,
                              ow, in.getElementType()));
  return success();
}

LogicalResult ConvTranspose2DOp::verify() {
  auto in = getInput().getType(), f = getFilter().getType();
  bool last = isChannelsLast(getLayout());
  int64_t groups = getGroups();
  if (groups < 1)
    return emitOpError("groups must be >= 1");
  int64_t inC = in.getDimSize(imageDims(last).c);
  int64_t fC = f.getDimSize(last ? 3 : 0);
  if (!ShapedType::isDynamic(inC) && !ShapedType::isDynamic(fC) && inC != fC)
    return emitOpError("input has ")
           << inC << " channels but the filter expects " << fC;
  if (!ShapedType::isDynamic(inC) && inC % groups != 0)
    return emitOpError("input channels ")
           << inC << " are not divisible by groups " << groups;
  ArrayRef<int64_t> s = getStrides(), dl = getDilations(),
                    op = getOutputPadding();
  if (op[0] >= std::max(s[0], dl[0]) || op[1] >= std::max(s[1], dl[1]))
    return emitOpError("output_padding must be smaller than stride or dilation");
  int64_t outC = cast<RankedTensorType>(getType()).getDimSize(
      imageDims(last).c);
  if (getBias()) {
    auto b = rankedOf(getBias());
    if (b.getRank() != 1 || (!b.isDynamicDim(0) && b.getDimSize(0) != outC))
      return emitOpError("bias must be 1-D of size ") << outC << ", got " << b;
  }
  if (in.getElementType() != f.getElementType())
    return emitOpError("input and filter element types differ");
  return success();
}

template <typename PoolOp>
static LogicalResult inferPool(std::optional<Location> loc,
                               typename PoolOp::Adaptor adaptor,
                               SmallVectorImpl<Type> &results) {
  if (adaptor.getKernel().size() != 2)
    return emitOptionalError(loc, "expects a 2-D kernel");
  if (failed(verifyWindowAttrs(loc, adaptor.getStrides(),
                               adaptor.getDilations(), adaptor.getPads())))
    return failure();
  auto in = rankedOf(adaptor.getInput());
  bool last = isChannelsLast(adaptor.getLayout());
  ImageDims d = imageDims(last);
  int64_t oh, ow;
  if (failed(inferSpatial(loc, in, last, adaptor.getKernel(),
                          adaptor.getStrides(), adaptor.getDilations(),
                          adaptor.getPads(), oh, ow)))
    return failure();
  results.push_back(imageType(last, in.getDimSize(d.n), in.getDimSize(d.c), oh,
                              ow, in.getElementType()));
  return success();
}

/// True if every output position along one spatial dim sees at least one
/// input element (not only padding).
static bool everyWindowTouchesInput(int64_t in, int64_t out, int64_t kernel,
                                    int64_t stride, int64_t dilation,
                                    int64_t padBefore) {
  for (int64_t o = 0; o < out; ++o) {
    bool touches = false;
    for (int64_t k = 0; k < kernel && !touches; ++k) {
      int64_t i = o * stride + k * dilation - padBefore;
      touches = i >= 0 && i < in;
    }
    if (!touches)
      return false;
  }
  return true;
}

template <typename PoolOp>
static LogicalResult verifyPool(PoolOp op) {
  ArrayRef<int64_t> k = op.getKernel(), p = op.getPads(),
                    s = op.getStrides(), d = op.getDilations();
  // A window made only of padding has no defined max or average.
  if (p[0] >= k[0] || p[2] >= k[0] || p[1] >= k[1] || p[3] >= k[1])
    return op.emitOpError("pads must be smaller than the kernel");
  ImageDims dims = imageDims(op.getLayout() == Layout::NHWC);
  auto in = op.getInput().getType();
  auto out = cast<RankedTensorType>(op.getType());
  int64_t inH = in.getDimSize(dims.h), inW = in.getDimSize(dims.w);
  int64_t outH = out.getDimSize(dims.h), outW = out.getDimSize(dims.w);
  if (!ShapedType::isDynamic(inH) && !ShapedType::isDynamic(outH) &&
      !everyWindowTouchesInput(inH, outH, k[0], s[0], d[0], p[0]))
    return op.emitOpError("a pooling window covers only padding");
  if (!ShapedType::isDynamic(inW) && !ShapedType::isDynamic(outW) &&
      !everyWindowTouchesInput(inW, outW, k[1], s[1], d[1], p[1]))
    return op.emitOpError("a pooling window covers only padding");
  return success();
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  return inferPool<MaxPoolOp>(loc, adaptor, results);
}
LogicalResult MaxPoolOp::verify() { return verifyPool(*this); }

LogicalResult AvgPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  return inferPool<AvgPoolOp>(loc, adaptor, results);
}
LogicalResult AvgPoolOp::verify() { return verifyPool(*this); }

LogicalResult GlobalAvgPoolOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location>,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &results) {
  auto in = rankedOf(adaptor.getInput());
  bool last = isChannelsLast(adaptor.getLayout());
  ImageDims d = imageDims(last);
  results.push_back(imageType(last, in.getDimSize(d.n), in.getDimSize(d.c), 1,
                              1, in.getElementType()));
  return success();
}

//===- Data movement -----------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("element types differ");
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << in.getNumElements() << " elements into " << out;
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  auto in = rankedOf(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (static_cast<int64_t>(perm.size()) != in.getRank())
    return emitOptionalError(loc, "perm has ", perm.size(),
                             " entries for rank ", in.getRank());
  SmallVector<int64_t> shape;
  SmallVector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= in.getRank() || seen[p])
      return emitOptionalError(loc, "perm is not a permutation");
    seen[p] = true;
    shape.push_back(in.getDimSize(p));
  }
  results.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "expects at least one input");
  auto first = rankedOf(adaptor.getInputs().front());
  auto axis = static_cast<int64_t>(adaptor.getAxis());
  if (axis < 0 || axis >= first.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ",
                             first.getRank());
  SmallVector<int64_t> shape(first.getShape());
  for (Value v : adaptor.getInputs().drop_front()) {
    auto t = rankedOf(v);
    if (t.getRank() != first.getRank() ||
        t.getElementType() != first.getElementType())
      return emitOptionalError(loc, "inputs differ in rank or element type");
    for (int64_t i = 0; i < t.getRank(); ++i) {
      if (i == axis) {
        shape[i] = ShapedType::isDynamic(shape[i]) || t.isDynamicDim(i)
                       ? ShapedType::kDynamic
                       : shape[i] + t.getDimSize(i);
      } else if (!ShapedType::isDynamic(shape[i]) && !t.isDynamicDim(i) &&
                 shape[i] != t.getDimSize(i)) {
        return emitOptionalError(loc, "inputs differ in dim ", i, ": ",
                                 shape[i], " vs ", t.getDimSize(i));
      }
    }
  }
  results.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

#define GET_OP_CLASSES
#include "dialects/kiln/KilnOps.cpp.inc"
