// The ONNX op table (default domain, opsets 1-21) and the core converters:
// constants, binary elementwise ops, contractions, normalization,
// convolution and pooling. One converter per op type, each a direct
// translation to kiln ops with attributes normalized (non-negative axes,
// explicit pads); the other families live in OnnxMathOps.cpp,
// OnnxReduceOps.cpp, OnnxShapeOps.cpp and OnnxTensorOps.cpp.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

#include <numeric>

using namespace mlir;

namespace kiln::onnximport {

int64_t product(ArrayRef<int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

std::string listStr(ArrayRef<int64_t> values) {
  std::string out;
  llvm::raw_string_ostream os(out);
  llvm::interleaveComma(values, os);
  return out;
}

LogicalResult single(NodeImporter &n, FailureOr<Value> value) {
  if (failed(value))
    return failure();
  n.setResult(0, *value);
  return success();
}

FailureOr<Value> legacyBroadcastRhs(NodeImporter &n) {
  Value rhs = n.input(1);
  if (n.opset() >= 7)
    return rhs;
  int64_t broadcast;
  if (failed(n.getInt("broadcast", broadcast, 0)))
    return failure();
  auto lt = n.inputType(0), rt = n.inputType(1);
  if (!broadcast) {
    if (lt.getShape() != rt.getShape())
      return n.emitError() << "operands " << lt << " and " << rt
                           << " differ in shape and broadcast = 0";
    return rhs;
  }
  if (!n.findAttr("axis"))
    return rhs;
  int64_t axis;
  if (failed(n.getInt("axis", axis)))
    return failure();
  auto normalized = n.normalizeAxis(axis, lt.getRank(), "axis");
  if (failed(normalized))
    return failure();
  if (*normalized + rt.getRank() > lt.getRank())
    return n.emitError() << "cannot broadcast " << rt << " to " << lt
                         << " from axis " << axis;
  SmallVector<int64_t> shape(*normalized, 1);
  llvm::append_range(shape, rt.getShape());
  shape.resize(lt.getRank(), 1);
  return n.reshape(rhs, shape);
}

namespace {

//===- Constants and identity --------------------------------------------===//

LogicalResult convertConstant(NodeImporter &n) {
  if (failed(n.checkNumInputs(0, 0)))
    return failure();
  MLIRContext *ctx = n.getContext();
  Builder b(ctx);
  std::string hint =
      n.node.output_size() ? n.node.output(0) : std::string(n.name);
  for (const onnx::AttributeProto &a : n.node.attribute()) {
    StringRef key = a.name();
    FailureOr<ElementsAttr> value = failure();
    if (key == "value") {
      if (!a.has_t())
        return n.emitError() << "attribute 'value' must be a tensor";
      value = n.graph.tensors.import(
          a.t(), "node '" + n.name + "' (Constant) attribute 'value'", hint,
          n.loc);
      n.setResultUnsigned(0, isUnsignedElementType(a.t().data_type()));
    } else if (key == "value_float") {
      value = cast<ElementsAttr>(DenseElementsAttr::get(
          RankedTensorType::get({}, b.getF32Type()), a.f()));
    } else if (key == "value_floats") {
      SmallVector<float> v(a.floats().begin(), a.floats().end());
      value = cast<ElementsAttr>(DenseElementsAttr::get(
          RankedTensorType::get({int64_t(v.size())}, b.getF32Type()),
          ArrayRef<float>(v)));
    } else if (key == "value_int") {
      value = cast<ElementsAttr>(DenseElementsAttr::get(
          RankedTensorType::get({}, b.getI64Type()), int64_t(a.i())));
    } else if (key == "value_ints") {
      SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
      value = cast<ElementsAttr>(DenseElementsAttr::get(
          RankedTensorType::get({int64_t(v.size())}, b.getI64Type()),
          ArrayRef<int64_t>(v)));
    } else {
      return n.emitError() << "unsupported attribute '" << key << "'";
    }
    if (failed(value))
      return failure();
    return single(n, n.create("kiln.constant", {}, {n.attr("value", *value)}));
  }
  return n.emitError() << "has no 'value' attribute";
}

LogicalResult convertIdentity(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  return single(n, n.create("kiln.identity", n.input(0)));
}

/// Before opset 7 Dropout and BatchNormalization run in training mode
/// unless `is_test` is set.
LogicalResult requireIsTest(NodeImporter &n) {
  int64_t isTest;
  if (failed(n.getInt("is_test", isTest, 0)))
    return failure();
  if (isTest == 0)
    return n.emitError() << "is_test = 0 (training mode) is not supported";
  return success();
}

/// Inference-mode Dropout is the identity of its first input; its mask
/// keeps everything (true, or ones of the input type before opset 10).
LogicalResult convertDropout(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 3)) || failed(n.checkUnusedOutputsFrom(2)))
    return failure();
  if (n.opset() < 7 && failed(requireIsTest(n)))
    return failure();
  if (n.hasInput(2)) {
    auto training = n.constantInts(2, "training_mode");
    if (failed(training))
      return failure();
    if (llvm::any_of(*training, [](int64_t v) { return v != 0; }))
      return n.emitError() << "training_mode = true is not supported";
  }
  if (n.node.output_size() > 1 && !n.node.output(1).empty()) {
    auto type = n.inputType(0);
    Type element = n.opset() < 10 ? type.getElementType()
                                  : IntegerType::get(n.getContext(), 1);
    Builder b(n.getContext());
    Attribute one = isa<FloatType>(element)
                        ? Attribute(b.getFloatAttr(element, 1.0))
                        : Attribute(b.getIntegerAttr(element, 1));
    auto mask = n.constant(DenseElementsAttr::get(type.clone(element), one));
    if (failed(mask))
      return failure();
    n.setResult(1, *mask);
  }
  return single(n, n.create("kiln.identity", n.input(0)));
}

//===- Elementwise -------------------------------------------------------===//

/// A binary op; `SignAware` ones (Div) are `is_unsigned` on UINT* inputs.
template <const char *OpName, bool SignAware = false>
LogicalResult convertBinary(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  auto rhs = legacyBroadcastRhs(n);
  if (failed(rhs))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (SignAware)
    attrs = n.signAttrs(0);
  return single(n, n.create(OpName, {n.input(0), *rhs}, attrs));
}

/// Max/Min/Sum take N inputs: a left-to-right chain of binary ops; Max and
/// Min (`SignAware`) are `is_unsigned` on UINT* inputs.
template <const char *OpName, bool SignAware = false>
LogicalResult convertVariadic(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, ~0u)))
    return failure();
  for (int i = 0; i < n.node.input_size(); ++i)
    if (!n.hasInput(i))
      return n.emitError() << "input " << i << " is empty";
  if (n.node.input_size() == 1)
    return single(n, n.create("kiln.identity", n.input(0)));
  Value acc = n.input(0);
  for (int i = 1; i < n.node.input_size(); ++i) {
    SmallVector<NamedAttribute> attrs;
    if (SignAware)
      attrs = n.signAttrs(0);
    auto next = n.create(OpName, {acc, n.input(i)}, attrs);
    if (failed(next))
      return failure();
    acc = *next;
  }
  n.setResult(0, acc);
  return success();
}

template <const char *OpName> LogicalResult convertUnary(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  return single(n, n.create(OpName, n.input(0)));
}

constexpr char kAdd[] = "kiln.add", kSub[] = "kiln.sub", kMul[] = "kiln.mul",
               kDiv[] = "kiln.div", kMax[] = "kiln.max", kMin[] = "kiln.min";
constexpr char kRelu[] = "kiln.relu", kSigmoid[] = "kiln.sigmoid",
               kTanh[] = "kiln.tanh", kExp[] = "kiln.exp", kLog[] = "kiln.log",
               kSqrt[] = "kiln.sqrt";

//===- Contractions ------------------------------------------------------===//

} // namespace

/// numpy matmul: a 1-D lhs is a row [1, K], a 1-D rhs a column [K, 1]; the
/// added dim is dropped from the result again.
FailureOr<Value> buildMatMul(NodeImporter &n, Value lhs, Value rhs) {
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  if (lt.getRank() == 0 || rt.getRank() == 0)
    return n.emitError() << "operands must have rank >= 1, got " << lt
                         << " and " << rt;
  bool lhsVector = lt.getRank() == 1, rhsVector = rt.getRank() == 1;
  if (lhsVector) {
    auto r = n.reshape(lhs, {1, lt.getDimSize(0)});
    if (failed(r))
      return failure();
    lhs = *r;
  }
  if (rhsVector) {
    auto r = n.reshape(rhs, {rt.getDimSize(0), 1});
    if (failed(r))
      return failure();
    rhs = *r;
  }
  auto product = n.create("kiln.matmul", {lhs, rhs});
  if (failed(product) || (!lhsVector && !rhsVector))
    return product;
  SmallVector<int64_t> shape(
      cast<RankedTensorType>(product->getType()).getShape());
  if (rhsVector)
    shape.pop_back();
  if (lhsVector)
    shape.erase(shape.end() - (rhsVector ? 1 : 2));
  return n.reshape(*product, shape);
}

namespace {

LogicalResult convertMatMul(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  return single(n, buildMatMul(n, n.input(0), n.input(1)));
}

LogicalResult convertGemm(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 3)))
    return failure();
  float alpha, beta;
  int64_t transA, transB;
  if (failed(n.getFloat("alpha", alpha, 1.0f)) ||
      failed(n.getFloat("beta", beta, 1.0f)) ||
      failed(n.getInt("transA", transA, 0)) ||
      failed(n.getInt("transB", transB, 0)))
    return failure();
  Builder b(n.getContext());
  SmallVector<Value> operands = {n.input(0), n.input(1)};
  if (n.hasInput(2))
    operands.push_back(n.input(2));
  return single(n, n.create("kiln.gemm", operands,
                            {n.attr("alpha", b.getF32FloatAttr(alpha)),
                             n.attr("beta", b.getF32FloatAttr(beta)),
                             n.attr("trans_a", b.getBoolAttr(transA != 0)),
                             n.attr("trans_b", b.getBoolAttr(transB != 0))}));
}

//===- Normalization -----------------------------------------------------===//

/// Softmax and LogSoftmax. Opset >= 13: along `axis` (default -1). Older
/// opsets flatten the input to 2-D at `axis` (default 1) and normalize each
/// row: reshape, softmax on axis 1, reshape back (a plain softmax when axis
/// is the last dim).
template <const char *OpName> LogicalResult convertSoftmax(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  bool flattens = n.opset() < 13;
  int64_t axis;
  if (failed(n.getInt("axis", axis, flattens ? 1 : -1)))
    return failure();
  auto type = n.inputType(0);
  int64_t rank = type.getRank();
  if (rank == 0)
    return n.emitError() << "expects an input of rank >= 1";
  auto normalized = n.normalizeAxis(axis, rank, "axis");
  if (failed(normalized))
    return failure();
  Builder b(n.getContext());
  if (!flattens || *normalized == rank - 1)
    return single(n,
                  n.create(OpName, n.input(0),
                           {n.attr("axis", b.getI64IntegerAttr(*normalized))}));
  ArrayRef<int64_t> shape = type.getShape();
  auto flat = n.reshape(n.input(0), {product(shape.take_front(*normalized)),
                                     product(shape.drop_front(*normalized))});
  if (failed(flat))
    return failure();
  auto soft = n.create(OpName, *flat, {n.attr("axis", b.getI64IntegerAttr(1))});
  if (failed(soft))
    return failure();
  return single(n, n.reshape(*soft, shape));
}

constexpr char kSoftmax[] = "kiln.softmax", kLogSoftmax[] = "kiln.log_softmax";

LogicalResult convertBatchNorm(NodeImporter &n) {
  if (failed(n.checkNumInputs(5, 5)) || failed(n.checkUnusedOutputsFrom(1)))
    return failure();
  if (n.opset() < 7 && failed(requireIsTest(n)))
    return failure();
  float epsilon;
  int64_t spatial, training;
  if (failed(n.getFloat("epsilon", epsilon, 1e-5f)) ||
      failed(n.getInt("spatial", spatial, 1)) ||
      failed(n.getInt("training_mode", training, 0)))
    return failure();
  if (spatial != 1)
    return n.emitError() << "unsupported attribute spatial = " << spatial
                         << " (only 1 is supported)";
  if (training != 0)
    return n.emitError() << "unsupported attribute training_mode = " << training
                         << " (only inference is supported)";
  if (n.inputType(0).getRank() < 2)
    return n.emitError() << "expects an input of rank >= 2, got "
                         << n.inputType(0);
  Builder b(n.getContext());
  SmallVector<Value> operands;
  for (unsigned i = 0; i < 5; ++i)
    operands.push_back(n.input(i));
  return single(n, n.create("kiln.batch_norm", operands,
                            {n.attr("axis", b.getI64IntegerAttr(1)),
                             n.attr("epsilon", b.getF32FloatAttr(epsilon))}));
}

//===- Convolution and pooling -------------------------------------------===//

/// Window attributes of Conv/ConvTranspose/MaxPool/AveragePool, resolved to
/// kiln's explicit 2-D or 3-D form (pads: all begins, then all ends).
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, pads;
  /// Number of spatial dims: 2 (1-D windows are widened) or 3.
  unsigned rank() const { return kernel.size(); }
  /// Identity strides/dilations and zero pads for `kernel`'s rank.
  void setDefaults() {
    strides.assign(rank(), 1);
    dilations.assign(rank(), 1);
    pads.assign(2 * rank(), 0);
  }
};

/// kiln's windows are 2-D. A 1-D window (input [N, C, L]) runs as a 2-D one
/// over [N, C, L, 1]; this checks the rank and says which it is.
FailureOr<bool> isOneD(NodeImporter &n, RankedTensorType type, StringRef what) {
  if (type.getRank() >= 3 && type.getRank() <= 5)
    return type.getRank() == 3;
  return n.emitError() << what << " must be 3-D (N, C, L), 4-D (N, C, H, W) "
                       << "or 5-D (N, C, D, H, W), got " << type
                       << "; kiln supports 1-D, 2-D and 3-D spatial windows";
}

/// `v` with a trailing unit dim when `oneD` (image or filter).
FailureOr<Value> to2D(NodeImporter &n, Value v, bool oneD) {
  if (!oneD)
    return v;
  SmallVector<int64_t> shape(cast<RankedTensorType>(v.getType()).getShape());
  shape.push_back(1);
  return n.reshape(v, shape);
}

/// Drops the unit W dim that `to2D` added from a result.
LogicalResult setFrom2D(NodeImporter &n, FailureOr<Value> v, bool oneD) {
  if (failed(v) || !oneD)
    return single(n, v);
  auto shape = cast<RankedTensorType>(v->getType()).getShape();
  return single(n, n.reshape(*v, shape.drop_back()));
}

/// Per-axis attribute lists of a 1-D window gain the W axis' identity:
/// [a] -> [a, fill]; pads [b, e] -> [b, 0, e, 0].
void widenTo2D(SmallVectorImpl<int64_t> &list, int64_t fill, bool isPads) {
  if (isPads && list.size() == 2)
    list.assign({list[0], 0, list[1], 0});
  else if (!isPads && list.size() == 1)
    list.push_back(fill);
}

/// Reads strides, dilations and pads (1-D lists widened to 2-D) and checks
/// them; `w.kernel` must be set.
LogicalResult readWindowLists(NodeImporter &n, Window &w, bool hasDilations,
                              bool oneD) {
  if (oneD) {
    // Defaults of the 1-D lists, widened below.
    w.strides.assign(1, 1);
    w.dilations.assign(1, 1);
    w.pads.assign(2, 0);
  } else {
    w.setDefaults();
  }
  if (failed(n.getInts("strides", w.strides)) ||
      (hasDilations && failed(n.getInts("dilations", w.dilations))) ||
      failed(n.getInts("pads", w.pads)))
    return failure();
  if (oneD) {
    widenTo2D(w.strides, 1, false);
    widenTo2D(w.dilations, 1, false);
    widenTo2D(w.pads, 0, true);
  }
  unsigned r = w.rank();
  if (r < 2 || r > 3 || w.strides.size() != r || w.dilations.size() != r ||
      w.pads.size() != 2 * r)
    return n.emitError() << "expects " << r << " kernel sizes, strides and "
                         << "dilations and " << 2 * r << " pads for a " << r
                         << "-D window";
  for (int64_t v : llvm::concat<int64_t>(w.kernel, w.strides, w.dilations))
    if (v < 1)
      return n.emitError() << "kernel sizes, strides and dilations must be "
                              ">= 1";
  for (int64_t v : w.pads)
    if (v < 0)
      return n.emitError() << "pads must be >= 0, got [" << listStr(w.pads)
                           << "]";
  return success();
}

/// Reads the window and resolves auto_pad. SAME_UPPER/SAME_LOWER pad so that
/// out = ceil(in / stride), the odd pixel going after (UPPER) or before
/// (LOWER); VALID pads nothing. `inSpatial` is the 2-D spatial shape.
LogicalResult readWindow(NodeImporter &n, ArrayRef<int64_t> inSpatial,
                         Window &w, bool hasDilations, bool oneD) {
  std::string autoPad;
  if (failed(readWindowLists(n, w, hasDilations, oneD)) ||
      failed(n.getString("auto_pad", autoPad, "NOTSET")))
    return failure();
  if (autoPad == "NOTSET")
    return success();
  if (n.findAttr("pads"))
    return n.emitError() << "has both 'pads' and auto_pad = " << autoPad;
  unsigned r = w.rank();
  if (autoPad == "VALID") {
    w.pads.assign(2 * r, 0);
    return success();
  }
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return n.emitError() << "unsupported auto_pad '" << autoPad << "'";
  for (unsigned i = 0; i < r; ++i) {
    int64_t in = inSpatial[i], s = w.strides[i];
    int64_t out = (in + s - 1) / s;
    int64_t extent = (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t total = std::max<int64_t>(0, (out - 1) * s + extent - in);
    int64_t small = total / 2, large = total - small;
    w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
    w.pads[i + r] = autoPad == "SAME_UPPER" ? large : small;
  }
  return success();
}

SmallVector<NamedAttribute> windowAttrs(NodeImporter &n, const Window &w,
                                        bool withKernel) {
  Builder b(n.getContext());
  SmallVector<NamedAttribute> attrs = {
      n.attr("strides", b.getDenseI64ArrayAttr(w.strides)),
      n.attr("dilations", b.getDenseI64ArrayAttr(w.dilations)),
      n.attr("pads", b.getDenseI64ArrayAttr(w.pads))};
  // The 3-D ops are NCDHW only.
  if (w.rank() == 2)
    attrs.push_back(n.attr("layout", mlir::kiln::LayoutAttr::get(
                                         n.getContext(),
                                         mlir::kiln::Layout::NCHW)));
  if (withKernel)
    attrs.push_back(n.attr("kernel", b.getDenseI64ArrayAttr(w.kernel)));
  return attrs;
}

/// The image `x`, filter `w` and optional `bias` of Conv/ConvTranspose, as
/// 2-D operands; `kernel` gets the filter's spatial dims.
FailureOr<SmallVector<Value>> convOperands(NodeImporter &n, Value x, Value w,
                                           Value bias, bool &oneD,
                                           SmallVectorImpl<int64_t> &kernel) {
  auto in = cast<RankedTensorType>(x.getType());
  auto filter = cast<RankedTensorType>(w.getType());
  auto inOneD = isOneD(n, in, "input");
  auto filterOneD = isOneD(n, filter, "weight");
  if (failed(inOneD) || failed(filterOneD))
    return failure();
  if (in.getRank() != filter.getRank())
    return n.emitError() << "input " << in << " and weight " << filter
                         << " differ in rank";
  oneD = *inOneD;
  kernel.assign(filter.getShape().begin() + 2, filter.getShape().end());
  SmallVector<int64_t> kernelShape;
  if (failed(n.getInts("kernel_shape", kernelShape)))
    return failure();
  if (!kernelShape.empty() && kernelShape != ArrayRef<int64_t>(kernel))
    return n.emitError() << "kernel_shape [" << listStr(kernelShape)
                         << "] does not match the weight " << filter;
  widenTo2D(kernel, 1, false);
  auto x2 = to2D(n, x, oneD);
  auto w2 = to2D(n, w, oneD);
  if (failed(x2) || failed(w2))
    return failure();
  SmallVector<Value> operands = {*x2, *w2};
  if (bias)
    operands.push_back(bias);
  return operands;
}

SmallVector<int64_t> spatialDims(Value image) {
  return SmallVector<int64_t>(
      cast<RankedTensorType>(image.getType()).getShape().drop_front(2));
}

} // namespace

FailureOr<Value> buildConv(NodeImporter &n, Value x, Value filter, Value bias) {
  bool oneD;
  Window w;
  auto operands = convOperands(n, x, filter, bias, oneD, w.kernel);
  int64_t group;
  if (failed(operands) || failed(n.getInt("group", group, 1)) ||
      failed(readWindow(n, spatialDims((*operands)[0]), w, true, oneD)))
    return failure();
  SmallVector<NamedAttribute> attrs = windowAttrs(n, w, /*withKernel=*/false);
  attrs.push_back(
      n.attr("groups", Builder(n.getContext()).getI64IntegerAttr(group)));
  auto conv = n.create(w.rank() == 3 ? "kiln.conv_3d" : "kiln.conv_2d",
                       *operands, attrs);
  if (failed(conv) || !oneD)
    return conv;
  auto shape = cast<RankedTensorType>(conv->getType()).getShape();
  return n.reshape(*conv, shape.drop_back());
}

namespace {

LogicalResult convertConv(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 3)))
    return failure();
  return single(n, buildConv(n, n.input(0), n.input(1), n.input(2)));
}

/// Floor division, as Python's // (the ONNX reference's pad split).
int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// ConvTranspose, with pads resolved as the ONNX reference implementation
/// does: explicit `pads` win; else SAME_UPPER/SAME_LOWER split the padding
/// that makes the output `output_shape` (default in * stride), the odd pixel
/// going at the end for UPPER and at the start for LOWER; else no pads. When
/// `output_shape` is given the result has exactly that size: rows past the
/// full result are zeros (kiln's output_padding), missing ones are cropped
/// at the end.
LogicalResult convertConvTranspose(NodeImporter &n) {
  bool oneD;
  Window w;
  if (failed(n.checkNumInputs(2, 3)))
    return failure();
  auto operands =
      convOperands(n, n.input(0), n.input(1), n.input(2), oneD, w.kernel);
  int64_t group;
  std::string autoPad;
  SmallVector<int64_t> outputPadding, outputShape;
  if (failed(operands) || failed(n.getInt("group", group, 1)) ||
      failed(readWindowLists(n, w, true, oneD)) ||
      failed(n.getString("auto_pad", autoPad, "NOTSET")) ||
      failed(n.getInts("output_padding", outputPadding)) ||
      failed(n.getInts("output_shape", outputShape)))
    return failure();
  if (w.rank() != 2)
    return n.emitError() << "3-D ConvTranspose is not supported";
  if (outputPadding.empty())
    outputPadding.assign(oneD ? 1 : 2, 0);
  size_t spatialRank = oneD ? 1 : 2;
  if (outputShape.size() == spatialRank + 2)
    outputShape.erase(outputShape.begin(), outputShape.begin() + 2);
  if (outputPadding.size() != spatialRank ||
      (!outputShape.empty() && outputShape.size() != spatialRank))
    return n.emitError() << "expects " << spatialRank
                         << " output_padding and output_shape values";
  if (oneD) {
    widenTo2D(outputPadding, 0, false);
    if (!outputShape.empty())
      widenTo2D(outputShape, 1, false);
  }
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (!same && autoPad != "NOTSET" && autoPad != "VALID")
    return n.emitError() << "unsupported auto_pad '" << autoPad << "'";
  SmallVector<int64_t> in = spatialDims((*operands)[0]);
  SmallVector<int64_t> pads = w.pads;
  for (unsigned i = 0; i < 2; ++i) {
    int64_t full = w.strides[i] * (in[i] - 1) + outputPadding[i] +
                   (w.kernel[i] - 1) * w.dilations[i] + 1;
    if (!n.findAttr("pads") && same) {
      int64_t target =
          outputShape.empty() ? in[i] * w.strides[i] : outputShape[i];
      int64_t total = full - target, half = floorDiv(total, 2);
      pads[i] = autoPad == "SAME_UPPER" ? half : total - half;
      pads[i + 2] = total - pads[i];
    } else if (!n.findAttr("pads")) {
      pads[i] = pads[i + 2] = 0;
    }
    int64_t out =
        outputShape.empty() ? full - pads[i] - pads[i + 2] : outputShape[i];
    // Rows past the full result are zeros: kiln's output_padding.
    int64_t extra = out - (full - pads[i] - pads[i + 2]);
    pads[i + 2] -= extra;
    if (pads[i + 2] < 0) {
      outputPadding[i] -= pads[i + 2];
      pads[i + 2] = 0;
    }
    if (pads[i] < 0)
      return n.emitError() << "output_shape [" << listStr(outputShape)
                           << "] needs zeros before the full result, which "
                              "kiln cannot express";
  }
  Builder b(n.getContext());
  w.pads = pads;
  SmallVector<NamedAttribute> attrs = windowAttrs(n, w, /*withKernel=*/false);
  attrs.push_back(n.attr("groups", b.getI64IntegerAttr(group)));
  attrs.push_back(
      n.attr("output_padding", b.getDenseI64ArrayAttr(outputPadding)));
  return setFrom2D(n, n.create("kiln.conv_transpose_2d", *operands, attrs),
                   oneD);
}

/// Attributes kiln does not implement yet must be at their defaults.
LogicalResult requireZero(NodeImporter &n, StringRef attrName) {
  int64_t value;
  if (failed(n.getInt(attrName, value, 0)))
    return failure();
  if (value != 0)
    return n.emitError() << "unsupported attribute " << attrName << " = "
                         << value << " (only 0 is supported)";
  return success();
}

/// ceil_mode = 1 rounds the output size up; the last window may then reach
/// past the end pad, which kiln expresses as more end padding (padded
/// positions never win a max, nor count toward an average unless
/// count_include_pad). A window starting inside the end pad is dropped.
LogicalResult applyCeilMode(NodeImporter &n, ArrayRef<int64_t> in, Window &w,
                            bool countIncludePad) {
  unsigned r = w.rank();
  for (unsigned i = 0; i < r; ++i) {
    int64_t s = w.strides[i];
    int64_t extent = (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t span = in[i] + w.pads[i] + w.pads[i + r] - extent;
    if (span < 0)
      continue;
    int64_t out = (span + s - 1) / s + 1;
    if ((out - 1) * s >= in[i] + w.pads[i])
      --out;
    int64_t extra =
        (out - 1) * s + extent - (in[i] + w.pads[i] + w.pads[i + r]);
    if (extra <= 0)
      continue;
    if (countIncludePad)
      return n.emitError() << "ceil_mode = 1 with count_include_pad = 1 is "
                              "not supported";
    w.pads[i + r] += extra;
  }
  return success();
}

template <bool IsMax> LogicalResult convertPool(NodeImporter &n) {
  int64_t ceilMode, countIncludePad = 0;
  if (failed(n.checkNumInputs(1, 1)) || failed(n.checkUnusedOutputsFrom(1)) ||
      (IsMax && failed(requireZero(n, "storage_order"))) ||
      failed(n.getInt("ceil_mode", ceilMode, 0)) ||
      (!IsMax && failed(n.getInt("count_include_pad", countIncludePad, 0))))
    return failure();
  auto oneD = isOneD(n, n.inputType(0), "input");
  if (failed(oneD))
    return failure();
  Window w;
  if (failed(n.getInts("kernel_shape", w.kernel)))
    return failure();
  if (w.kernel.empty())
    return n.emitError() << "missing required attribute 'kernel_shape'";
  if (*oneD)
    widenTo2D(w.kernel, 1, false);
  // 8- and 16-bit integer MaxPool (opset 12) runs exactly in f32.
  Type element = n.inputType(0).getElementType();
  bool integer = IsMax && isa<IntegerType>(element);
  if (integer && element.getIntOrFloatBitWidth() > 16)
    return n.emitError() << "integer input must have at most 16 bits, got "
                         << n.inputType(0);
  MLIRContext *ctx = n.getContext();
  auto castTo = [&](FailureOr<Value> v, Type to,
                    StringRef sign) -> FailureOr<Value> {
    if (failed(v))
      return failure();
    SmallVector<NamedAttribute> attrs;
    if (n.isUnsigned(0))
      attrs.push_back(n.attr(sign, UnitAttr::get(ctx)));
    return n.create("kiln.cast", *v, attrs,
                    cast<RankedTensorType>(v->getType()).clone(to));
  };
  FailureOr<Value> x = n.input(0);
  if (integer)
    x = castTo(x, Float32Type::get(ctx), "unsigned_input");
  auto input = failed(x) ? x : to2D(n, *x, *oneD);
  if (failed(input))
    return failure();
  SmallVector<int64_t> in = spatialDims(*input);
  // AveragePool has dilations only from opset 19.
  if (failed(readWindow(n, in, w, IsMax || n.opset() >= 19, *oneD)) ||
      (ceilMode && failed(applyCeilMode(n, in, w, countIncludePad != 0))))
    return failure();
  SmallVector<NamedAttribute> attrs = windowAttrs(n, w, /*withKernel=*/true);
  bool volume = w.rank() == 3;
  if (IsMax) {
    FailureOr<Value> pooled = n.create(
        volume ? "kiln.max_pool_3d" : "kiln.max_pool", *input, attrs);
    if (integer)
      pooled = castTo(pooled, element, "unsigned_result");
    return setFrom2D(n, pooled, *oneD);
  }
  attrs.push_back(n.attr("count_include_pad",
                         BoolAttr::get(n.getContext(), countIncludePad != 0)));
  return setFrom2D(n,
                   n.create(volume ? "kiln.avg_pool_3d" : "kiln.avg_pool",
                            *input, attrs),
                   *oneD);
}

LogicalResult convertGlobalAveragePool(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  auto oneD = isOneD(n, n.inputType(0), "input");
  if (failed(oneD))
    return failure();
  auto input = to2D(n, n.input(0), *oneD);
  if (failed(input))
    return failure();
  return setFrom2D(n,
                   n.create("kiln.global_avg_pool", *input,
                            {n.attr("layout", mlir::kiln::LayoutAttr::get(
                                                  n.getContext(),
                                                  mlir::kiln::Layout::NCHW))}),
                   *oneD);
}

OpTable buildOpTable() {
  OpTable table = {
      {"Constant", convertConstant},
      {"Identity", convertIdentity},
      {"Dropout", convertDropout},
      {"Add", convertBinary<kAdd>},
      {"Sub", convertBinary<kSub>},
      {"Mul", convertBinary<kMul>},
      {"Div", convertBinary<kDiv, true>},
      {"Max", convertVariadic<kMax, true>},
      {"Min", convertVariadic<kMin, true>},
      {"Sum", convertVariadic<kAdd>},
      {"Relu", convertUnary<kRelu>},
      {"Sigmoid", convertUnary<kSigmoid>},
      {"Tanh", convertUnary<kTanh>},
      {"Exp", convertUnary<kExp>},
      {"Log", convertUnary<kLog>},
      {"Sqrt", convertUnary<kSqrt>},
      {"MatMul", convertMatMul},
      {"Gemm", convertGemm},
      {"Softmax", convertSoftmax<kSoftmax>},
      {"LogSoftmax", convertSoftmax<kLogSoftmax>},
      {"BatchNormalization", convertBatchNorm},
      {"Conv", convertConv},
      {"MaxPool", convertPool<true>},
      {"AveragePool", convertPool<false>},
      {"ConvTranspose", convertConvTranspose},
      {"GlobalAveragePool", convertGlobalAveragePool},
  };
  registerMathOps(table);
  registerImageOps(table);
  registerReduceOps(table);
  registerShapeOps(table);
  registerTensorOps(table);
  registerIndexOps(table);
  registerLogicOps(table);
  registerSequenceOps(table);
  registerQuantOps(table);
  registerSignalOps(table);
  return table;
}

} // namespace

ConvertFn lookupConverter(StringRef domain, StringRef opType) {
  if (domain == "ai.onnx.preview.training")
    return lookupTrainingConverter(opType);
  if (!domain.empty() && domain != "ai.onnx")
    return nullptr;
  static const OpTable table = buildOpTable();
  return table.lookup(opType);
}

} // namespace kiln::onnximport
