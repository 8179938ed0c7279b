// The ONNX op table (default domain, opsets 7-17): one converter per op type,
// each a direct translation to kiln ops with attributes normalized
// (non-negative axes, explicit pads). No graph rewrites happen here.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

#include <numeric>

using namespace mlir;

namespace kiln::onnximport {
namespace {

int64_t product(ArrayRef<int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

/// "1, 5408" for diagnostics.
std::string listStr(ArrayRef<int64_t> values) {
  std::string out;
  llvm::raw_string_ostream os(out);
  llvm::interleaveComma(values, os);
  return out;
}

/// Sets the node's only result, or passes a failure on.
LogicalResult single(NodeImporter &n, FailureOr<Value> value) {
  if (failed(value))
    return failure();
  n.setResult(0, *value);
  return success();
}

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

/// Inference-mode Dropout is the identity of its first input.
LogicalResult convertDropout(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 3)) || failed(n.checkUnusedOutputsFrom(1)))
    return failure();
  if (n.hasInput(2)) {
    auto training = n.constantInts(2, "training_mode");
    if (failed(training))
      return failure();
    if (llvm::any_of(*training, [](int64_t v) { return v != 0; }))
      return n.emitError() << "training_mode = true is not supported";
  }
  return single(n, n.create("kiln.identity", n.input(0)));
}

//===- Elementwise -------------------------------------------------------===//

template <const char *OpName> LogicalResult convertBinary(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  return single(n, n.create(OpName, {n.input(0), n.input(1)}));
}

/// Max/Min/Sum take N inputs: a left-to-right chain of binary ops.
template <const char *OpName> LogicalResult convertVariadic(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, ~0u)))
    return failure();
  for (int i = 0; i < n.node.input_size(); ++i)
    if (!n.hasInput(i))
      return n.emitError() << "input " << i << " is empty";
  if (n.node.input_size() == 1)
    return single(n, n.create("kiln.identity", n.input(0)));
  Value acc = n.input(0);
  for (int i = 1; i < n.node.input_size(); ++i) {
    auto next = n.create(OpName, {acc, n.input(i)});
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
               kSqrt[] = "kiln.sqrt", kNeg[] = "kiln.neg";

//===- Contractions ------------------------------------------------------===//

/// numpy matmul: a 1-D lhs is a row [1, K], a 1-D rhs a column [K, 1]; the
/// added dim is dropped from the result again.
LogicalResult convertMatMul(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  Value lhs = n.input(0), rhs = n.input(1);
  auto lt = n.inputType(0), rt = n.inputType(1);
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
    return single(n, product);
  SmallVector<int64_t> shape(
      cast<RankedTensorType>(product->getType()).getShape());
  if (rhsVector)
    shape.pop_back();
  if (lhsVector)
    shape.erase(shape.end() - (rhsVector ? 1 : 2));
  return single(n, n.reshape(*product, shape));
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

/// Opset >= 13: softmax along `axis` (default -1). Older opsets flatten the
/// input to 2-D at `axis` (default 1) and normalize each row: reshape, softmax
/// on axis 1, reshape back (a plain softmax when axis is the last dim).
LogicalResult convertSoftmax(NodeImporter &n) {
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
                  n.create("kiln.softmax", n.input(0),
                           {n.attr("axis", b.getI64IntegerAttr(*normalized))}));
  ArrayRef<int64_t> shape = type.getShape();
  auto flat = n.reshape(n.input(0), {product(shape.take_front(*normalized)),
                                     product(shape.drop_front(*normalized))});
  if (failed(flat))
    return failure();
  auto soft =
      n.create("kiln.softmax", *flat, {n.attr("axis", b.getI64IntegerAttr(1))});
  if (failed(soft))
    return failure();
  return single(n, n.reshape(*soft, shape));
}

LogicalResult convertBatchNorm(NodeImporter &n) {
  if (failed(n.checkNumInputs(5, 5)) || failed(n.checkUnusedOutputsFrom(1)))
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

/// Window attributes of Conv/MaxPool/AveragePool, resolved to kiln's
/// explicit form.
struct Window {
  SmallVector<int64_t> kernel, strides{1, 1}, dilations{1, 1}, pads{0, 0, 0, 0};
};

/// Checks a 4-D NCHW input (2-D spatial window only).
LogicalResult checkImage(NodeImporter &n, RankedTensorType type,
                         StringRef what) {
  if (type.getRank() == 4)
    return success();
  return n.emitError() << what << " must be 4-D (N, C, H, W), got " << type
                       << "; kiln supports only 2-D spatial windows";
}

/// Reads strides, dilations, pads and auto_pad; `w.kernel` must be set.
/// SAME_UPPER/SAME_LOWER pad so that out = ceil(in / stride), the odd pixel
/// going after (UPPER) or before (LOWER); VALID pads nothing.
LogicalResult readWindow(NodeImporter &n, ArrayRef<int64_t> inSpatial,
                         Window &w, bool hasDilations) {
  std::string autoPad;
  if (failed(n.getInts("strides", w.strides)) ||
      (hasDilations && failed(n.getInts("dilations", w.dilations))) ||
      failed(n.getInts("pads", w.pads)) ||
      failed(n.getString("auto_pad", autoPad, "NOTSET")))
    return failure();
  if (w.kernel.size() != 2 || w.strides.size() != 2 ||
      w.dilations.size() != 2 || w.pads.size() != 4)
    return n.emitError() << "expects 2 kernel sizes, strides and dilations "
                            "and 4 pads for a 2-D window";
  for (int64_t v : llvm::concat<int64_t>(w.kernel, w.strides, w.dilations))
    if (v < 1)
      return n.emitError() << "kernel sizes, strides and dilations must be "
                              ">= 1";
  if (autoPad == "NOTSET")
    return success();
  if (n.findAttr("pads"))
    return n.emitError() << "has both 'pads' and auto_pad = " << autoPad;
  if (autoPad == "VALID") {
    w.pads.assign(4, 0);
    return success();
  }
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return n.emitError() << "unsupported auto_pad '" << autoPad << "'";
  for (unsigned i = 0; i < 2; ++i) {
    int64_t in = inSpatial[i], s = w.strides[i];
    int64_t out = (in + s - 1) / s;
    int64_t extent = (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t total = std::max<int64_t>(0, (out - 1) * s + extent - in);
    int64_t small = total / 2, large = total - small;
    w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
    w.pads[i + 2] = autoPad == "SAME_UPPER" ? large : small;
  }
  return success();
}

SmallVector<NamedAttribute> windowAttrs(NodeImporter &n, const Window &w,
                                        bool withKernel) {
  Builder b(n.getContext());
  SmallVector<NamedAttribute> attrs = {
      n.attr("layout", mlir::kiln::LayoutAttr::get(n.getContext(),
                                                   mlir::kiln::Layout::NCHW)),
      n.attr("strides", b.getDenseI64ArrayAttr(w.strides)),
      n.attr("dilations", b.getDenseI64ArrayAttr(w.dilations)),
      n.attr("pads", b.getDenseI64ArrayAttr(w.pads))};
  if (withKernel)
    attrs.push_back(n.attr("kernel", b.getDenseI64ArrayAttr(w.kernel)));
  return attrs;
}

LogicalResult convertConv(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 3)))
    return failure();
  auto in = n.inputType(0), filter = n.inputType(1);
  if (failed(checkImage(n, in, "input")) ||
      failed(checkImage(n, filter, "weight")))
    return failure();
  Window w;
  w.kernel.assign(filter.getShape().begin() + 2, filter.getShape().end());
  SmallVector<int64_t> kernelShape;
  int64_t group;
  if (failed(n.getInts("kernel_shape", kernelShape)) ||
      failed(n.getInt("group", group, 1)))
    return failure();
  if (!kernelShape.empty() && kernelShape != w.kernel)
    return n.emitError() << "kernel_shape [" << listStr(kernelShape)
                         << "] does not match the weight " << filter;
  if (failed(readWindow(n, in.getShape().drop_front(2), w, true)))
    return failure();
  SmallVector<NamedAttribute> attrs = windowAttrs(n, w, /*withKernel=*/false);
  attrs.push_back(
      n.attr("groups", Builder(n.getContext()).getI64IntegerAttr(group)));
  SmallVector<Value> operands = {n.input(0), n.input(1)};
  if (n.hasInput(2))
    operands.push_back(n.input(2));
  return single(n, n.create("kiln.conv_2d", operands, attrs));
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

template <bool IsMax> LogicalResult convertPool(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)) || failed(n.checkUnusedOutputsFrom(1)) ||
      failed(requireZero(n, "ceil_mode")) ||
      (IsMax && failed(requireZero(n, "storage_order"))))
    return failure();
  auto in = n.inputType(0);
  if (failed(checkImage(n, in, "input")))
    return failure();
  Window w;
  if (failed(n.getInts("kernel_shape", w.kernel)))
    return failure();
  if (w.kernel.empty())
    return n.emitError() << "missing required attribute 'kernel_shape'";
  // AveragePool has dilations only from opset 19.
  if (failed(readWindow(n, in.getShape().drop_front(2), w, IsMax)))
    return failure();
  SmallVector<NamedAttribute> attrs = windowAttrs(n, w, /*withKernel=*/true);
  if (IsMax)
    return single(n, n.create("kiln.max_pool", n.input(0), attrs));
  int64_t countIncludePad;
  if (failed(n.getInt("count_include_pad", countIncludePad, 0)))
    return failure();
  attrs.push_back(n.attr("count_include_pad",
                         BoolAttr::get(n.getContext(), countIncludePad != 0)));
  return single(n, n.create("kiln.avg_pool", n.input(0), attrs));
}

LogicalResult convertGlobalAveragePool(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)) ||
      failed(checkImage(n, n.inputType(0), "input")))
    return failure();
  return single(n, n.create("kiln.global_avg_pool", n.input(0),
                            {n.attr("layout", mlir::kiln::LayoutAttr::get(
                                                  n.getContext(),
                                                  mlir::kiln::Layout::NCHW))}));
}

//===- Data movement -----------------------------------------------------===//

/// Reshape's target shape: 0 copies the input dim (unless allowzero), one -1
/// takes what is left.
LogicalResult convertReshape(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 2)))
    return failure();
  int64_t allowZero;
  if (failed(n.getInt("allowzero", allowZero, 0)))
    return failure();
  auto spec = n.constantInts(1, "shape");
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

LogicalResult convertConcat(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, ~0u)))
    return failure();
  int64_t axis;
  if (failed(n.getInt("axis", axis)))
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

const llvm::StringMap<ConvertFn> &opTable() {
  static const llvm::StringMap<ConvertFn> table = {
      {"Constant", convertConstant},
      {"Identity", convertIdentity},
      {"Dropout", convertDropout},
      {"Add", convertBinary<kAdd>},
      {"Sub", convertBinary<kSub>},
      {"Mul", convertBinary<kMul>},
      {"Div", convertBinary<kDiv>},
      {"Max", convertVariadic<kMax>},
      {"Min", convertVariadic<kMin>},
      {"Sum", convertVariadic<kAdd>},
      {"Relu", convertUnary<kRelu>},
      {"Sigmoid", convertUnary<kSigmoid>},
      {"Tanh", convertUnary<kTanh>},
      {"Exp", convertUnary<kExp>},
      {"Log", convertUnary<kLog>},
      {"Sqrt", convertUnary<kSqrt>},
      {"Neg", convertUnary<kNeg>},
      {"MatMul", convertMatMul},
      {"Gemm", convertGemm},
      {"Softmax", convertSoftmax},
      {"BatchNormalization", convertBatchNorm},
      {"Conv", convertConv},
      {"MaxPool", convertPool<true>},
      {"AveragePool", convertPool<false>},
      {"GlobalAveragePool", convertGlobalAveragePool},
      {"Reshape", convertReshape},
      {"Flatten", convertFlatten},
      {"Squeeze", convertSqueeze},
      {"Unsqueeze", convertUnsqueeze},
      {"Transpose", convertTranspose},
      {"Concat", convertConcat},
  };
  return table;
}

} // namespace

ConvertFn lookupConverter(StringRef domain, StringRef opType) {
  if (!domain.empty() && domain != "ai.onnx")
    return nullptr;
  return opTable().lookup(opType);
}

} // namespace kiln::onnximport
