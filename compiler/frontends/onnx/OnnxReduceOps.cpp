// ONNX reductions and the normalizations built on them: ReduceSum/Mean/Max/
// Min/Prod map to kiln.reduce_*; ReduceL1/L2/LogSum/LogSumExp/SumSquare,
// LayerNormalization, InstanceNormalization and MeanVarianceNormalization
// are composed from kiln reductions and elementwise ops; GlobalMaxPool is a
// reduce_max over the spatial dims; LRN sums squares over a channel window
// with kiln.avg_pool.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include <cmath>

using namespace mlir;

namespace kiln::onnximport {
namespace {

/// The elementwise steps around a composed reduction.
enum class Pre { None, Abs, Square };
enum class Post { None, Sqrt, Log };

struct ReduceSpec {
  const char *op;
  Pre pre = Pre::None;
  Post post = Post::None;
  /// log(sum(exp(x - max))) + max, for ReduceLogSumExp.
  bool logSumExp = false;
};

/// The reduction axes: the `axes` attribute before opset `inputFrom`, an
/// optional constant input from then on. Sorted, unique and non-negative.
/// No axes means every dim, or none with noop_with_empty_axes.
FailureOr<SmallVector<int64_t>> reduceAxes(NodeImporter &n, int64_t rank,
                                           int64_t inputFrom) {
  SmallVector<int64_t> axes;
  bool fromInput = n.opset() >= inputFrom;
  if (failed(n.checkNumInputs(1, fromInput ? 2 : 1)))
    return failure();
  int64_t noop = 0;
  if (fromInput) {
    if (failed(n.getInt("noop_with_empty_axes", noop, 0)))
      return failure();
    if (n.hasInput(1)) {
      auto ints = n.constantInts(1, "axes");
      if (failed(ints))
        return failure();
      axes = *ints;
    }
  } else if (failed(n.getInts("axes", axes))) {
    return failure();
  }
  if (axes.empty()) {
    if (!noop)
      for (int64_t i = 0; i < rank; ++i)
        axes.push_back(i);
    return axes;
  }
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

LogicalResult convertReduce(NodeImporter &n, const ReduceSpec &spec,
                            int64_t axesInputFrom) {
  if (n.node.input_size() == 0)
    return n.checkNumInputs(1, 2);
  auto type = n.inputType(0);
  auto axes = reduceAxes(n, type.getRank(), axesInputFrom);
  int64_t keepDims;
  if (failed(axes) || failed(n.getInt("keepdims", keepDims, 1)))
    return failure();
  Builder b(n.getContext());
  auto reduce = [&](StringRef op, FailureOr<Value> v,
                    bool keep) -> FailureOr<Value> {
    if (failed(v))
      return failure();
    return n.create(op, *v,
                    {n.attr("axes", b.getDenseI64ArrayAttr(*axes)),
                     n.attr("keep_dims", b.getBoolAttr(keep))});
  };
  auto binary = [&](StringRef op, FailureOr<Value> lhs,
                    FailureOr<Value> rhs) -> FailureOr<Value> {
    if (failed(lhs) || failed(rhs))
      return failure();
    return n.create(op, {*lhs, *rhs});
  };

  FailureOr<Value> x = n.input(0);
  if (spec.logSumExp) {
    // Subtracting the max keeps exp from overflowing.
    auto max = reduce("kiln.reduce_max", x, /*keep=*/true);
    auto shifted = binary("kiln.sub", x, max);
    if (failed(shifted))
      return failure();
    auto sum = reduce("kiln.reduce_sum", n.create("kiln.exp", *shifted),
                      /*keep=*/true);
    if (failed(sum))
      return failure();
    auto result = binary("kiln.add", n.create("kiln.log", *sum), max);
    if (failed(result) || keepDims)
      return single(n, result);
    SmallVector<int64_t> shape;
    for (auto [i, d] : llvm::enumerate(type.getShape()))
      if (!llvm::is_contained(*axes, int64_t(i)))
        shape.push_back(d);
    return single(n, n.reshape(*result, shape));
  }
  if (spec.pre == Pre::Abs)
    x = n.create("kiln.abs", *x);
  else if (spec.pre == Pre::Square)
    x = binary("kiln.mul", x, x);
  // kiln reductions compare signed: flipping the sign bit maps the unsigned
  // order onto the signed one, and flipping it back restores the value.
  StringRef op = spec.op;
  bool flip = n.isUnsigned(0) &&
              (op == "kiln.reduce_max" || op == "kiln.reduce_min");
  FailureOr<Value> signBit = failure();
  if (flip) {
    Type element = type.getElementType();
    signBit = n.scalar(element,
                       -std::ldexp(1.0, element.getIntOrFloatBitWidth() - 1));
    x = binary("kiln.xor", x, signBit);
  }
  x = reduce(spec.op, x, keepDims != 0);
  if (flip)
    x = binary("kiln.xor", x, signBit);
  if (succeeded(x) && spec.post == Post::Sqrt)
    x = n.create("kiln.sqrt", *x);
  else if (succeeded(x) && spec.post == Post::Log)
    x = n.create("kiln.log", *x);
  return single(n, x);
}

/// ReduceSum took its axes as an input from opset 13, the others from 18.
template <int64_t AxesInputFrom, const char *Op, Pre P = Pre::None,
          Post Q = Post::None, bool LogSumExp = false>
LogicalResult convertReduceOp(NodeImporter &n) {
  return convertReduce(n, ReduceSpec{Op, P, Q, LogSumExp}, AxesInputFrom);
}

constexpr char kSum[] = "kiln.reduce_sum", kMean[] = "kiln.reduce_mean",
               kMax[] = "kiln.reduce_max", kMin[] = "kiln.reduce_min",
               kProd[] = "kiln.reduce_prod";

/// GlobalMaxPool: the maximum over every spatial dim, kept as size 1.
LogicalResult convertGlobalMaxPool(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  if (rank < 3)
    return n.emitError() << "expects an input of rank >= 3, got "
                         << n.inputType(0);
  SmallVector<int64_t> axes;
  for (int64_t i = 2; i < rank; ++i)
    axes.push_back(i);
  Builder b(n.getContext());
  return single(n, n.create("kiln.reduce_max", n.input(0),
                            {n.attr("axes", b.getDenseI64ArrayAttr(axes)),
                             n.attr("keep_dims", b.getBoolAttr(true))}));
}

//===- Normalizations ----------------------------------------------------===//

/// mean(x) and (x - mean) * rsqrt(mean((x - mean)^2) + epsilon) over `axes`
/// (kept as size-1 dims); epsilon < 0 means none, then rsqrt is 1 / (sqrt +
/// 1e-9) as MeanVarianceNormalization's definition has it.
struct Normalized {
  Value mean, invStdDev, result;
};

FailureOr<Normalized> normalize(NodeImporter &n, Value x,
                                ArrayRef<int64_t> axes, double epsilon) {
  Builder b(n.getContext());
  Type element = cast<RankedTensorType>(x.getType()).getElementType();
  auto mean = [&](FailureOr<Value> v) -> FailureOr<Value> {
    if (failed(v))
      return failure();
    return n.create("kiln.reduce_mean", *v,
                    {n.attr("axes", b.getDenseI64ArrayAttr(axes)),
                     n.attr("keep_dims", b.getBoolAttr(true))});
  };
  auto binary = [&](StringRef op, FailureOr<Value> lhs,
                    FailureOr<Value> rhs) -> FailureOr<Value> {
    if (failed(lhs) || failed(rhs))
      return failure();
    return n.create(op, {*lhs, *rhs});
  };
  auto mu = mean(x);
  auto centered = binary("kiln.sub", x, mu);
  auto variance = mean(binary("kiln.mul", centered, centered));
  FailureOr<Value> inv = failure();
  if (epsilon >= 0) {
    auto shifted = binary("kiln.add", variance, n.scalar(element, epsilon));
    if (failed(shifted))
      return failure();
    inv = n.create("kiln.rsqrt", *shifted);
  } else {
    if (failed(variance))
      return failure();
    auto sd = binary("kiln.add", n.create("kiln.sqrt", *variance),
                     n.scalar(element, 1e-9));
    if (failed(sd))
      return failure();
    inv = n.create("kiln.reciprocal", *sd);
  }
  auto result = binary("kiln.mul", centered, inv);
  if (failed(result))
    return failure();
  return Normalized{*mu, *inv, *result};
}

/// LayerNormalization (opset 17): normalizes dims axis.., then scale and B
/// (broadcast to those dims). Outputs 1 and 2 are Mean and InvStdDev.
LogicalResult convertLayerNorm(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 3)))
    return failure();
  auto type = n.inputType(0);
  int64_t axis;
  float epsilon;
  if (failed(n.getInt("axis", axis, -1)) ||
      failed(n.getFloat("epsilon", epsilon, 1e-5f)))
    return failure();
  auto normalized = n.normalizeAxis(axis, type.getRank(), "axis");
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t i = *normalized; i < type.getRank(); ++i)
    axes.push_back(i);
  auto parts = normalize(n, n.input(0), axes, epsilon);
  if (failed(parts))
    return failure();
  auto y = n.create("kiln.mul", {parts->result, n.input(1)});
  if (succeeded(y) && n.hasInput(2))
    y = n.create("kiln.add", {*y, n.input(2)});
  if (failed(y))
    return failure();
  n.setResult(0, *y);
  n.setResult(1, parts->mean);
  n.setResult(2, parts->invStdDev);
  return success();
}

/// InstanceNormalization: normalizes each (n, c) over the spatial dims,
/// then the per-channel scale and B.
LogicalResult convertInstanceNorm(NodeImporter &n) {
  if (failed(n.checkNumInputs(3, 3)))
    return failure();
  auto type = n.inputType(0);
  float epsilon;
  if (failed(n.getFloat("epsilon", epsilon, 1e-5f)))
    return failure();
  if (type.getRank() < 3)
    return n.emitError() << "expects an input of rank >= 3, got " << type;
  SmallVector<int64_t> axes, channel(type.getRank() - 1, 1);
  for (int64_t i = 2; i < type.getRank(); ++i)
    axes.push_back(i);
  channel[0] = type.getDimSize(1);
  auto parts = normalize(n, n.input(0), axes, epsilon);
  auto scale = n.reshape(n.input(1), channel);
  auto bias = n.reshape(n.input(2), channel);
  if (failed(parts) || failed(scale) || failed(bias))
    return failure();
  auto y = n.create("kiln.mul", {parts->result, *scale});
  if (failed(y))
    return failure();
  return single(n, n.create("kiln.add", {*y, *bias}));
}

/// MeanVarianceNormalization: (x - mean) / (sqrt(variance) + 1e-9) over
/// `axes` (default [0, 2, 3]).
LogicalResult convertMeanVarianceNorm(NodeImporter &n) {
  if (failed(n.checkNumInputs(1, 1)))
    return failure();
  int64_t rank = n.inputType(0).getRank();
  SmallVector<int64_t> axes = {0, 2, 3};
  if (failed(n.getInts("axes", axes)))
    return failure();
  for (int64_t &axis : axes) {
    auto normalized = n.normalizeAxis(axis, rank, "axis");
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return n.emitError() << "axes repeat an axis";
  auto parts = normalize(n, n.input(0), axes, /*epsilon=*/-1);
  if (failed(parts))
    return failure();
  return single(n, parts->result);
}

/// LRN: y = x / (bias + alpha / size * sum of x^2 over the channels
/// [c - floor((size - 1) / 2), c + ceil((size - 1) / 2)])^beta. The window
/// sum divided by size is an average pool (zero padding counted) of x^2
/// viewed as [N, 1, C, rest] with a [size, 1] kernel.
LogicalResult convertLRN(NodeImporter &n) {
  int64_t size;
  float alpha, beta, bias;
  if (failed(n.checkNumInputs(1, 1)) || failed(n.getInt("size", size)) ||
      failed(n.getFloat("alpha", alpha, 1e-4f)) ||
      failed(n.getFloat("beta", beta, 0.75f)) ||
      failed(n.getFloat("bias", bias, 1.0f)))
    return failure();
  auto type = n.inputType(0);
  Type element = type.getElementType();
  if (type.getRank() < 2 || !isa<FloatType>(element))
    return n.emitError() << "input must be a float tensor [N, C, ...], got "
                         << type;
  if (size < 1)
    return n.emitError() << "size must be >= 1, got " << size;
  auto shape = type.getShape();
  int64_t rest = product(shape.drop_front(2));
  auto squares = n.create("kiln.mul", {n.input(0), n.input(0)});
  if (failed(squares))
    return failure();
  auto image = n.reshape(*squares, {shape[0], 1, shape[1], rest});
  if (failed(image))
    return failure();
  Builder b(n.getContext());
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  auto mean = n.create(
      "kiln.avg_pool", *image,
      {n.attr("layout", mlir::kiln::LayoutAttr::get(n.getContext(),
                                                    mlir::kiln::Layout::NCHW)),
       n.attr("kernel", b.getDenseI64ArrayAttr({size, 1})),
       n.attr("strides", b.getDenseI64ArrayAttr({1, 1})),
       n.attr("dilations", b.getDenseI64ArrayAttr({1, 1})),
       n.attr("pads", b.getDenseI64ArrayAttr({before, 0, after, 0})),
       n.attr("count_include_pad", b.getBoolAttr(true))});
  if (failed(mean))
    return failure();
  auto meanX = n.reshape(*mean, shape);
  auto alphaC = n.scalar(element, alpha), biasC = n.scalar(element, bias),
       betaC = n.scalar(element, beta);
  if (failed(meanX) || failed(alphaC) || failed(biasC) || failed(betaC))
    return failure();
  auto scaled = n.create("kiln.mul", {*meanX, *alphaC});
  if (failed(scaled))
    return failure();
  auto base = n.create("kiln.add", {*scaled, *biasC});
  if (failed(base))
    return failure();
  auto denom = n.create("kiln.pow", {*base, *betaC});
  if (failed(denom))
    return failure();
  return single(n, n.create("kiln.div", {n.input(0), *denom}));
}

} // namespace

void registerReduceOps(OpTable &table) {
  static const std::pair<const char *, ConvertFn> entries[] = {
      {"ReduceSum", convertReduceOp<13, kSum>},
      {"ReduceMean", convertReduceOp<18, kMean>},
      {"ReduceMax", convertReduceOp<18, kMax>},
      {"ReduceMin", convertReduceOp<18, kMin>},
      {"ReduceProd", convertReduceOp<18, kProd>},
      {"ReduceL1", convertReduceOp<18, kSum, Pre::Abs>},
      {"ReduceL2", convertReduceOp<18, kSum, Pre::Square, Post::Sqrt>},
      {"ReduceLogSum", convertReduceOp<18, kSum, Pre::None, Post::Log>},
      {"ReduceLogSumExp",
       convertReduceOp<18, kSum, Pre::None, Post::None, true>},
      {"ReduceSumSquare", convertReduceOp<18, kSum, Pre::Square>},
      {"GlobalMaxPool", convertGlobalMaxPool},
      {"LayerNormalization", convertLayerNorm},
      {"InstanceNormalization", convertInstanceNorm},
      {"MeanVarianceNormalization", convertMeanVarianceNorm},
      {"LRN", convertLRN},
  };
  for (const auto &[name, fn] : entries)
    table[name] = fn;
}

} // namespace kiln::onnximport
