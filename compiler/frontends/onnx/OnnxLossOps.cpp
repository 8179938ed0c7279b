// ONNX NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss as
// compositions of kiln ops (they are ordinary inference functions):
// the target class is picked with a comparison against a class ramp, so an
// out-of-range target (or the ignored one) picks nothing instead of reading
// out of bounds.
#include "compiler/frontends/onnx/OnnxIndexOps.h"

#include "dialects/kiln/KilnDialect.h"

using namespace mlir;

namespace kiln::onnximport {
namespace {

enum class Reduction { None, Sum, Mean };

/// The `reduction` and `ignore_index` attributes shared by both losses.
struct LossAttrs {
  Reduction reduction = Reduction::Mean;
  std::optional<int64_t> ignoreIndex;
};

FailureOr<LossAttrs> lossAttrs(NodeImporter &n) {
  LossAttrs attrs;
  std::string reduction;
  if (failed(n.getString("reduction", reduction, "mean")))
    return failure();
  if (reduction == "none")
    attrs.reduction = Reduction::None;
  else if (reduction == "sum")
    attrs.reduction = Reduction::Sum;
  else if (reduction != "mean")
    return n.emitError() << "unknown reduction '" << reduction
                         << "' (expected none, sum or mean)";
  if (n.findAttr("ignore_index")) {
    int64_t ignore;
    if (failed(n.getInt("ignore_index", ignore)))
      return failure();
    attrs.ignoreIndex = ignore;
  }
  return attrs;
}

/// loss[n, d..] = -input[n, target[n, d..], d..] * weight[target[n, d..]]
/// (0 where target == ignore_index), then reduced: sum, or the sum divided
/// by the sum of the weights that applied (mean).
FailureOr<Value> negativeLogLikelihood(NodeImporter &n, Value input,
                                       Value target, Value weight,
                                       const LossAttrs &attrs) {
  auto inType = cast<RankedTensorType>(input.getType());
  auto tType = cast<RankedTensorType>(target.getType());
  Type element = inType.getElementType();
  int64_t rank = inType.getRank();
  if (rank < 2)
    return n.emitError() << "expects input of rank >= 2 (N, C, d..), got "
                         << inType;
  SmallVector<int64_t> expected(inType.getShape());
  expected.erase(expected.begin() + 1);
  if (tType.getShape() != ArrayRef<int64_t>(expected))
    return n.emitError() << "target " << tType
                         << " must have the input's shape without dim 1 ("
                         << inType << ")";
  int64_t classes = inType.getDimSize(1);
  if (weight) {
    auto wType = cast<RankedTensorType>(weight.getType());
    if (wType.getRank() != 1 || wType.getDimSize(0) != classes)
      return n.emitError() << "weight " << wType
                           << " must be 1-D of size C = " << classes;
  }
  Builder b(n.getContext());
  SmallVector<int64_t> unitShape(expected);
  unitShape.insert(unitShape.begin() + 1, 1);
  auto mask = binaryOp(n, "kiln.equal", n.reshape(target, unitShape),
                       indexRamp(n, tType.getElementType(), classes, rank, 1));
  auto zero = n.scalar(element, 0.0);
  auto pickAlongClasses = [&](FailureOr<Value> v) -> FailureOr<Value> {
    auto picked = selectOp(n, mask, v, zero);
    if (failed(picked))
      return failure();
    return n.create("kiln.reduce_sum", *picked,
                    {n.attr("axes", b.getDenseI64ArrayAttr({1})),
                     n.attr("keep_dims", b.getBoolAttr(false))});
  };
  auto picked = pickAlongClasses(input);
  FailureOr<Value> w = Value();
  if (weight) {
    SmallVector<int64_t> wShape(rank, 1);
    wShape[1] = classes;
    w = pickAlongClasses(n.reshape(weight, wShape));
  }
  if (failed(picked) || failed(w))
    return failure();
  if (attrs.ignoreIndex) {
    auto kept =
        binaryOp(n, "kiln.not_equal", target,
                 n.scalar(tType.getElementType(), double(*attrs.ignoreIndex)));
    w = selectOp(n, kept, *w ? *w : n.scalar(element, 1.0), zero);
    if (failed(w))
      return failure();
  }
  auto loss = n.create("kiln.neg", *picked);
  if (*w)
    loss = binaryOp(n, "kiln.mul", loss, *w);
  if (failed(loss))
    return failure();
  switch (attrs.reduction) {
  case Reduction::None:
    return loss;
  case Reduction::Sum:
    return reduceAll(n, "kiln.reduce_sum", *loss);
  case Reduction::Mean:
    break;
  }
  if (!*w)
    return reduceAll(n, "kiln.reduce_mean", *loss);
  auto total = reduceAll(n, "kiln.reduce_sum", *loss);
  auto weights = reduceAll(n, "kiln.reduce_sum", *w);
  return binaryOp(n, "kiln.div", total, weights);
}

LogicalResult convertNegativeLogLikelihoodLoss(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 3)))
    return failure();
  auto attrs = lossAttrs(n);
  if (failed(attrs))
    return failure();
  return single(
      n, negativeLogLikelihood(n, n.input(0), n.input(1), n.input(2), *attrs));
}

/// SoftmaxCrossEntropyLoss: the NLL of log_softmax over the classes (dim
/// 1); the optional second output is that log_softmax.
LogicalResult convertSoftmaxCrossEntropyLoss(NodeImporter &n) {
  if (failed(n.checkNumInputs(2, 3)))
    return failure();
  auto attrs = lossAttrs(n);
  if (failed(attrs))
    return failure();
  if (n.inputType(0).getRank() < 2)
    return n.emitError() << "expects scores of rank >= 2 (N, C, d..), got "
                         << n.inputType(0);
  Builder b(n.getContext());
  auto logProb = n.create("kiln.log_softmax", n.input(0),
                          {n.attr("axis", b.getI64IntegerAttr(1))});
  if (failed(logProb))
    return failure();
  auto loss =
      negativeLogLikelihood(n, *logProb, n.input(1), n.input(2), *attrs);
  if (failed(loss))
    return failure();
  n.setResult(0, *loss);
  n.setResult(1, *logProb);
  return success();
}

} // namespace

void registerLossOps(OpTable &table) {
  table["NegativeLogLikelihoodLoss"] = convertNegativeLogLikelihoodLoss;
  table["SoftmaxCrossEntropyLoss"] = convertSoftmaxCrossEntropyLoss;
}

} // namespace kiln::onnximport
