// ONNX's Gradient (ai.onnx.preview.training): the derivative of graph value
// `y` with respect to the `xs`, seeded with ones, computed at import by
// reverse-mode differentiation of the kiln ops between them. Covers the
// elementwise arithmetic ops (with numpy broadcasting); anything else is an
// error naming the op.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace kiln::onnximport {
namespace {

/// Sums `g` (broadcast to a result shape) back to `type`'s shape.
FailureOr<Value> sumTo(NodeImporter &n, Value g, RankedTensorType type) {
  auto gt = cast<RankedTensorType>(g.getType());
  if (gt.getShape() == type.getShape())
    return g;
  int64_t extra = gt.getRank() - type.getRank();
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < gt.getRank(); ++d)
    if (d < extra || (type.getDimSize(d - extra) == 1 && gt.getDimSize(d) != 1))
      axes.push_back(d);
  Builder b(n.getContext());
  auto summed = n.create("kiln.reduce_sum", g,
                         {n.attr("axes", b.getDenseI64ArrayAttr(axes)),
                          n.attr("keep_dims", b.getBoolAttr(true))});
  if (failed(summed))
    return failure();
  return n.reshape(*summed, type.getShape());
}

/// A kiln.constant of `type` (a float tensor) with every element `v`.
FailureOr<Value> splat(NodeImporter &n, Type type, double v) {
  auto t = cast<RankedTensorType>(type);
  return n.constant(cast<ElementsAttr>(DenseElementsAttr::get(
      t, FloatAttr::get(t.getElementType(), v))));
}

LogicalResult convertGradient(NodeImporter &n) {
  const onnx::AttributeProto *xsAttr = n.findAttr("xs");
  std::string yName;
  if (!xsAttr)
    return n.emitError() << "missing required attribute 'xs'";
  if (failed(n.getString("y", yName, "")) || yName.empty())
    return n.emitError() << "missing required attribute 'y'";
  Value y = n.graph.values.lookup(yName);
  if (!y)
    return n.emitError() << "'y' names '" << yName
                         << "', which is not computed before this node";
  if (!isa<FloatType>(cast<RankedTensorType>(y.getType()).getElementType()))
    return n.emitError() << "'y' must be a float tensor";
  SmallVector<Value> xs;
  for (const std::string &name : xsAttr->strings()) {
    Value x = n.graph.values.lookup(name);
    if (!x)
      return n.emitError() << "'xs' names '" << name
                           << "', which is not computed before this node";
    if (!isa<FloatType>(cast<RankedTensorType>(x.getType()).getElementType()))
      return n.emitError() << "'xs' entry '" << name
                           << "' must be a float tensor";
    xs.push_back(x);
  }
  if (xs.size() != static_cast<size_t>(n.node.output_size()))
    return n.emitError() << "has " << n.node.output_size()
                         << " outputs for " << xs.size() << " xs";

  // The ops y depends on, in program order.
  llvm::SetVector<Operation *> ops;
  SmallVector<Value> work = {y};
  while (!work.empty()) {
    Operation *op = work.pop_back_val().getDefiningOp();
    if (!op || !ops.insert(op))
      continue;
    for (Value v : op->getOperands())
      work.push_back(v);
  }
  SmallVector<Operation *> order(ops.begin(), ops.end());
  llvm::sort(order, [](Operation *a, Operation *b) {
    return a->isBeforeInBlock(b);
  });

  llvm::DenseMap<Value, Value> grads;
  // The seed: ones shaped like y (a splat constant, so an inf or NaN in y
  // does not leak into it).
  auto yGrad = splat(n, y.getType(), 1.0);
  if (failed(yGrad))
    return failure();
  grads[y] = *yGrad;

  auto accumulate = [&](Value v, FailureOr<Value> g) -> LogicalResult {
    if (failed(g))
      return failure();
    auto summed = sumTo(n, *g, cast<RankedTensorType>(v.getType()));
    if (failed(summed))
      return failure();
    if (Value prev = grads.lookup(v)) {
      auto total = n.create("kiln.add", {prev, *summed});
      if (failed(total))
        return failure();
      grads[v] = *total;
    } else {
      grads[v] = *summed;
    }
    return success();
  };

  for (Operation *op : llvm::reverse(order)) {
    if (op->getNumResults() != 1)
      continue;
    Value g = grads.lookup(op->getResult(0));
    if (!g || isa<mlir::kiln::ConstantOp>(op))
      continue;
    StringRef name = op->getName().getStringRef();
    Value l = op->getOperand(0);
    Value r = op->getNumOperands() > 1 ? op->getOperand(1) : Value();
    LogicalResult ok = success();
    if (name == "kiln.add") {
      ok = success(succeeded(accumulate(l, g)) && succeeded(accumulate(r, g)));
    } else if (name == "kiln.sub") {
      ok = success(succeeded(accumulate(l, g)) &&
                   succeeded(accumulate(r, n.create("kiln.neg", g))));
    } else if (name == "kiln.mul") {
      ok = success(succeeded(accumulate(l, n.create("kiln.mul", {g, r}))) &&
                   succeeded(accumulate(r, n.create("kiln.mul", {g, l}))));
    } else if (name == "kiln.div") {
      // d(l/r) = g/r dl - g*l/r^2 dr
      auto gl = n.create("kiln.div", {g, r});
      FailureOr<Value> gr = failure();
      if (succeeded(gl)) {
        auto q = n.create("kiln.div", {*gl, r});
        auto p = failed(q) ? q : n.create("kiln.mul", {*q, l});
        gr = failed(p) ? p : n.create("kiln.neg", *p);
      }
      ok = success(succeeded(accumulate(l, gl)) && succeeded(accumulate(r, gr)));
    } else if (name == "kiln.neg") {
      ok = accumulate(l, n.create("kiln.neg", g));
    } else if (name == "kiln.identity") {
      ok = accumulate(l, g);
    } else {
      return n.emitError() << "cannot differentiate '" << name
                           << "' on the way from 'xs' to '" << yName << "'";
    }
    if (failed(ok))
      return failure();
  }

  for (auto [i, x] : llvm::enumerate(xs)) {
    Value g = grads.lookup(x);
    if (!g) {
      // y does not depend on x.
      auto z = splat(n, x.getType(), 0.0);
      if (failed(z))
        return failure();
      g = *z;
    }
    n.setResult(i, g);
  }
  return success();
}

} // namespace

ConvertFn lookupTrainingConverter(StringRef opType) {
  return opType == "Gradient" ? convertGradient : nullptr;
}

} // namespace kiln::onnximport
