// kiln-verify-batch-separable: a dynamic-batch model imported at one sample
// may run sample by sample only if no op combines different samples. The
// pass tracks which dimension of each value holds the batch (or none, for
// values computed from constants) and refuses any op that would mix it.
#include "dialects/kiln/AbiAttrs.h"
#include "dialects/kiln/KilnDialect.h"
#include "passes/verify/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_VERIFYBATCHSEPARABLE
#include "passes/verify/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

constexpr int64_t kNone = -1;

/// Ops computed element by element with numpy broadcasting.
const llvm::StringSet<> &elementwiseOps() {
  static const llvm::StringSet<> ops = {
      "add", "sub", "mul", "div", "max", "min", "pow", "rem", "floor_mod",
      "shift_left", "shift_right", "and", "or", "xor", "not", "equal",
      "not_equal", "less", "less_equal", "greater", "greater_equal", "select",
      "relu", "sigmoid", "tanh", "exp", "log", "sqrt", "neg", "abs", "rsqrt",
      "reciprocal", "erf", "floor", "ceil", "sin", "cos", "softplus",
      "softsign", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh",
      "acosh", "atanh", "round", "sign", "clip", "leaky_relu", "elu", "selu",
      "hard_sigmoid", "cast", "identity"};
  return ops;
}

/// Ops over NCHW/NHWC/NCDHW activations whose operand 0 is the image and
/// whose other operands (filters, scales, biases) are per-model constants:
/// the batch must be dimension 0 of the image and of the result.
const llvm::StringSet<> &imageOps() {
  static const llvm::StringSet<> ops = {
      "conv_2d", "conv_3d", "conv_transpose_2d", "max_pool", "avg_pool",
      "max_pool_3d", "avg_pool_3d", "global_avg_pool", "batch_norm"};
  return ops;
}

/// Ops that work along one `axis` and keep the operand's shape or rank.
const llvm::StringSet<> &axisOps() {
  static const llvm::StringSet<> ops = {"softmax", "log_softmax", "cumsum",
                                        "concat", "gather_elements"};
  return ops;
}

int64_t rankOf(Value v) { return cast<RankedTensorType>(v.getType()).getRank(); }
int64_t dimOf(Value v, int64_t d) {
  return cast<RankedTensorType>(v.getType()).getDimSize(d);
}

class Tracker {
public:
  /// `batch`: the size the module's batch dimension was imported with.
  explicit Tracker(int64_t batch) : batch(batch) {}

  /// Batch dimension of `v`, or kNone.
  int64_t axisOf(Value v) const { return axes.lookup(v) - 1; }
  void set(Value v, int64_t axis) { axes[v] = axis + 1; }

  /// Computes the batch dimension of `op`'s results; on failure returns why.
  std::string visit(Operation *op) {
    StringRef name = op->getName().getStringRef();
    if (!name.consume_front("kiln."))
      return "is not a kiln op";
    bool any = llvm::any_of(op->getOperands(),
                            [&](Value v) { return axisOf(v) != kNone; });
    if (!any) {
      for (Value r : op->getResults())
        set(r, kNone);
      return "";
    }
    if (op->getNumResults() != 1)
      return "has several results";
    Value result = op->getResult(0);
    if (elementwiseOps().contains(name))
      return broadcastRule(op, result);
    if (imageOps().contains(name)) {
      if (axisOf(op->getOperand(0)) != 0)
        return "takes the batch in a dimension other than N";
      for (Value v : op->getOperands().drop_front())
        if (axisOf(v) != kNone)
          return "reads a batch-dependent filter or parameter";
      set(result, 0);
      return "";
    }
    int64_t a = kNone;
    for (Value v : op->getOperands()) {
      if (axisOf(v) == kNone)
        continue;
      if (a != kNone && axisOf(v) != a)
        return "has operands with the batch in different dimensions";
      a = axisOf(v);
    }
    if (axisOps().contains(name)) {
      auto axis = op->getAttrOfType<IntegerAttr>("axis");
      if (!axis || axis.getInt() == a)
        return "works along the batch dimension";
      if (name == "concat" || name == "gather_elements")
        for (Value v : op->getOperands())
          if (axisOf(v) == kNone && dimOf(v, a) != 1)
            return "combines per-sample and shared data";
      set(result, a);
      return "";
    }
    if (auto reduce = dyn_cast<kiln::ReduceSumOp>(op))
      return reduceRule(result, a, reduce.getAxes(), reduce.getKeepDims());
    if (auto reduce = dyn_cast<kiln::ReduceMeanOp>(op))
      return reduceRule(result, a, reduce.getAxes(), reduce.getKeepDims());
    if (auto reduce = dyn_cast<kiln::ReduceMaxOp>(op))
      return reduceRule(result, a, reduce.getAxes(), reduce.getKeepDims());
    if (auto reduce = dyn_cast<kiln::ReduceMinOp>(op))
      return reduceRule(result, a, reduce.getAxes(), reduce.getKeepDims());
    if (auto reduce = dyn_cast<kiln::ReduceProdOp>(op))
      return reduceRule(result, a, reduce.getAxes(), reduce.getKeepDims());
    if (name == "arg_max" || name == "arg_min") {
      auto axis = op->getAttrOfType<IntegerAttr>("axis");
      auto keep = op->getAttrOfType<BoolAttr>("keep_dims");
      if (!axis || axis.getInt() == a)
        return "works along the batch dimension";
      bool keepDims = keep && keep.getValue();
      set(result, keepDims || a < axis.getInt() ? a : a - 1);
      return "";
    }
    if (auto t = dyn_cast<kiln::TransposeOp>(op)) {
      ArrayRef<int64_t> perm = t.getPerm();
      set(result, llvm::find(perm, a) - perm.begin());
      return "";
    }
    if (isa<kiln::ReshapeOp>(op)) {
      // One sample stays one sample when the batch leads both shapes.
      if (a != 0 || rankOf(result) == 0 || dimOf(result, 0) != batch)
        return "reshapes across the batch dimension";
      set(result, 0);
      return "";
    }
    if (auto pad = dyn_cast<kiln::PadOp>(op)) {
      if (pad.getLow()[a] != 0 || pad.getHigh()[a] != 0)
        return "pads the batch dimension";
      set(result, a);
      return "";
    }
    if (auto slice = dyn_cast<kiln::SliceOp>(op)) {
      if (slice.getOffsets()[a] != 0 || slice.getSizes()[a] != batch ||
          slice.getStrides()[a] != 1)
        return "slices the batch dimension";
      set(result, a);
      return "";
    }
    if (auto tile = dyn_cast<kiln::TileOp>(op)) {
      if (tile.getMultiples()[a] != 1)
        return "tiles the batch dimension";
      set(result, a);
      return "";
    }
    if (auto resize = dyn_cast<kiln::ResizeOp>(op)) {
      if (resize.getScales()[a] != 1.0 || dimOf(result, a) != batch ||
          resize.getCoordinateMode() == kiln::CoordinateMode::TfCropAndResize)
        return "resamples the batch dimension";
      set(result, a);
      return "";
    }
    if (auto gather = dyn_cast<kiln::GatherOp>(op)) {
      int64_t axis = gather.getAxis();
      int64_t idxRank = rankOf(gather.getIndices());
      int64_t dataAxis = axisOf(gather.getData());
      int64_t idxAxis = axisOf(gather.getIndices());
      if (dataAxis != kNone && idxAxis != kNone)
        return "indexes per-sample data with per-sample indices";
      if (dataAxis != kNone) {
        if (dataAxis == axis)
          return "gathers along the batch dimension";
        set(result, dataAxis < axis ? dataAxis : dataAxis - 1 + idxRank);
      } else {
        // Embedding lookup: per-sample ids into a shared table.
        set(result, axis + idxAxis);
      }
      return "";
    }
    if (auto mm = dyn_cast<kiln::MatMulOp>(op))
      return contractionRule(result, mm.getLhs(), mm.getRhs());
    if (auto gemm = dyn_cast<kiln::GemmOp>(op)) {
      if (axisOf(gemm.getB()) != kNone ||
          (gemm.getC() && axisOf(gemm.getC()) != kNone))
        return "contracts with a batch-dependent right operand";
      int64_t rows = gemm.getTransA() ? 1 : 0;
      if (axisOf(gemm.getA()) != rows)
        return "contracts over the batch dimension";
      set(result, 0);
      return "";
    }
    return "has no batch rule";
  }

private:
  std::string broadcastRule(Operation *op, Value result) {
    int64_t rank = rankOf(result);
    int64_t a = kNone;
    for (Value v : op->getOperands()) {
      if (axisOf(v) == kNone)
        continue;
      int64_t at = axisOf(v) + rank - rankOf(v);
      if (a != kNone && at != a)
        return "has operands with the batch in different dimensions";
      a = at;
    }
    // A shared operand must broadcast along the batch dimension.
    for (Value v : op->getOperands()) {
      int64_t d = a - (rank - rankOf(v));
      if (axisOf(v) == kNone && d >= 0 && dimOf(v, d) != 1)
        return "combines per-sample and shared data along the batch dimension";
    }
    set(result, a);
    return "";
  }

  std::string reduceRule(Value result, int64_t a, ArrayRef<int64_t> reduced,
                         bool keepDims) {
    if (llvm::is_contained(reduced, a))
      return "reduces over the batch dimension";
    int64_t before = llvm::count_if(reduced, [&](int64_t d) { return d < a; });
    set(result, keepDims ? a : a - before);
    return "";
  }

  std::string contractionRule(Value result, Value lhs, Value rhs) {
    int64_t rank = rankOf(result);
    int64_t la = axisOf(lhs), ra = axisOf(rhs);
    int64_t lr = rankOf(lhs), rr = rankOf(rhs);
    int64_t a = kNone;
    if (la != kNone) {
      // A vector lhs, or its last dimension, is contracted.
      if (lr == 1 || la == lr - 1)
        return "contracts over the batch dimension";
      // Rows of a matrix, or a leading (broadcast batch) dimension.
      a = la + rank - lr;
    }
    if (ra != kNone) {
      if (rr == 1 || ra == rr - 2)
        return "contracts over the batch dimension";
      int64_t at = ra == rr - 1 ? rank - 1 : ra + rank - rr;
      if (a != kNone && a != at)
        return "has operands with the batch in different dimensions";
      a = at;
    }
    // Leading dims broadcast: a shared operand must have 1 (or nothing) there.
    if (a < rank - 2) {
      for (Value v : {lhs, rhs}) {
        int64_t d = a - (rank - rankOf(v));
        if (axisOf(v) == kNone && d >= 0 && dimOf(v, d) != 1)
          return "combines per-sample and shared data along the batch "
                 "dimension";
      }
    }
    set(result, a);
    return "";
  }

  llvm::DenseMap<Value, int64_t> axes;
  int64_t batch;
};

} // namespace

LogicalResult mlir::kiln::verifyBatchSeparable(ModuleOp module,
                                               int64_t batch) {
  bool failed = false;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    Tracker tracker(batch);
    for (BlockArgument arg : func.getArguments()) {
      if (rankOf(arg) == 0 || dimOf(arg, 0) != batch) {
        emitError(arg.getLoc()) << "input " << arg.getArgNumber()
                                << " has no leading batch dimension";
        failed = true;
      }
      tracker.set(arg, 0);
    }
    // The first op that mixes samples is reported; what follows it is moot.
    WalkResult walk = func.walk([&](Operation *op) {
      if (isa<func::FuncOp, func::ReturnOp>(op))
        return WalkResult::advance();
      std::string why = tracker.visit(op);
      if (why.empty())
        return WalkResult::advance();
      op->emitError("'") << op->getName() << "' " << why
                         << "; --dynamic-batch needs every op to treat "
                            "batch samples independently";
      return WalkResult::interrupt();
    });
    if (walk.wasInterrupted()) {
      failed = true;
      continue;
    }
    auto ret = cast<func::ReturnOp>(func.front().getTerminator());
    for (auto [i, v] : llvm::enumerate(ret.getOperands()))
      if (tracker.axisOf(v) != 0) {
        emitError(v.getLoc())
            << "output " << i
            << (tracker.axisOf(v) == kNone
                    ? " does not depend on the batch"
                    : " does not keep the batch as its leading dimension");
        failed = true;
      }
  }
  return failure(failed);
}

/// Equal contents; resource blobs (large weights) compare by their bytes,
/// since each import names its blobs afresh.
static bool sameElements(Attribute a, Attribute b) {
  if (a == b)
    return true;
  auto ra = dyn_cast<DenseResourceElementsAttr>(a);
  auto rb = dyn_cast<DenseResourceElementsAttr>(b);
  if (!ra || !rb || ra.getType() != rb.getType())
    return false;
  AsmResourceBlob *ba = ra.getRawHandle().getBlob();
  AsmResourceBlob *bb = rb.getRawHandle().getBlob();
  return ba && bb && ba->getData() == bb->getData();
}

LogicalResult mlir::kiln::compareBatchProbe(ModuleOp sample, ModuleOp probe) {
  SmallVector<Operation *> a, b;
  sample.walk([&](Operation *op) { a.push_back(op); });
  probe.walk([&](Operation *op) { b.push_back(op); });
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i]->getName() != b[i]->getName()) {
      a[i]->emitError("the graph changes with the batch size ('")
          << a[i]->getName() << "' becomes '" << b[i]->getName()
          << "'); --dynamic-batch needs a graph that does not depend on it";
      return failure();
    }
    auto ca = dyn_cast<kiln::ConstantOp>(a[i]);
    auto cb = dyn_cast<kiln::ConstantOp>(b[i]);
    if (ca && cb && !sameElements(ca.getValue(), cb.getValue())) {
      a[i]->emitError("this constant depends on the batch size (it is "
                      "computed from the input shapes); --dynamic-batch "
                      "needs a graph that does not depend on it");
      return failure();
    }
  }
  if (a.size() != b.size()) {
    sample.emitError("the graph changes with the batch size; "
                     "--dynamic-batch needs a graph that does not depend "
                     "on it");
    return failure();
  }
  return success();
}

namespace {
struct VerifyBatchSeparablePass
    : kiln::impl::VerifyBatchSeparableBase<VerifyBatchSeparablePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (module->hasAttr(kiln::kDynamicBatchAttr) &&
        failed(kiln::verifyBatchSeparable(module, 1)))
      signalPassFailure();
  }
};
} // namespace
