// kiln-layout-use-channels-last: image ops run NHWC; the transposes that NCHW
// models then need sink through elementwise ops until they cancel.
#include "passes/layout/Passes.h"

#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/KilnImageOps.h"
#include "passes/common/ResourceBlobs.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

#define DEBUG_TYPE "kiln-layout-use-channels-last"

namespace mlir::kiln {
#define GEN_PASS_DEF_USECHANNELSLAST
#include "passes/layout/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

constexpr int64_t kToNHWC[] = {0, 2, 3, 1};
constexpr int64_t kToNCHW[] = {0, 3, 1, 2};
constexpr int64_t kFCHWToHWCF[] = {2, 3, 1, 0};

RankedTensorType permutedType(Type type, ArrayRef<int64_t> perm) {
  auto ranked = cast<RankedTensorType>(type);
  return RankedTensorType::get(applyPermutation(ranked.getShape(), perm),
                               ranked.getElementType());
}

Value transpose(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> perm) {
  return TransposeOp::create(b, loc, permutedType(v.getType(), perm), v, perm)
      .getResult();
}

/// `value` viewed as `shape` (same elements, row-major) and transposed by
/// `perm`, or null when kiln cannot read it.
ElementsAttr permuteConstant(ElementsAttr value, ArrayRef<int64_t> shape,
                             ArrayRef<int64_t> perm) {
  auto resultType = RankedTensorType::get(applyPermutation(shape, perm),
                                          value.getElementType());
  if (auto dense = dyn_cast<DenseElementsAttr>(value); dense && dense.isSplat())
    return dense.resizeSplat(resultType);
  int64_t width = 0;
  std::optional<ArrayRef<char>> bytes = constantBytes(value, width);
  if (!bytes)
    return {};
  int64_t rank = static_cast<int64_t>(shape.size());
  // Input strides in elements, walked in the output's order.
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * shape[d + 1];
  SmallVector<int64_t> outShape = applyPermutation(shape, perm),
                       strides = applyPermutation(inStrides, perm);
  std::vector<char> out(bytes->size());
  SmallVector<int64_t> index(rank, 0);
  int64_t offset = 0, n = value.getNumElements();
  for (int64_t e = 0; e < n; ++e) {
    std::memcpy(&out[e * width], &(*bytes)[offset * width], width);
    for (int64_t d = rank - 1; d >= 0; --d) {
      offset += strides[d];
      if (++index[d] < outShape[d])
        break;
      offset -= strides[d] * outShape[d];
      index[d] = 0;
    }
  }
  // Small constants stay inline (readable IR), large ones are blobs.
  if (n <= 64)
    return DenseElementsAttr::getFromRawBuffer(resultType, out);
  return DenseResourceElementsAttr::get(
      resultType, "layout_weights",
      HeapAsmResourceBlob::allocateAndCopyWithAlign(
          out, alignof(std::max_align_t), /*dataIsMutable=*/false));
}

/// The step every sink pattern ends with: `op` again, on `operands` (its
/// inputs before the transpose `perm`) and with its result type transposed
/// back, replaces `op` as transpose(clone, perm). Returns the clone, for
/// patterns that also move an attribute along.
Operation *sinkBelow(PatternRewriter &rewriter, Operation *op,
                     ValueRange operands, ArrayRef<int64_t> perm) {
  Operation *moved = rewriter.clone(*op);
  moved->setOperands(operands);
  moved->getResult(0).setType(
      permutedType(op->getResult(0).getType(), invertPermutationVector(perm)));
  rewriter.replaceOp(op, transpose(rewriter, op->getLoc(), moved->getResult(0),
                                   perm));
  return moved;
}

/// transpose(constant) -> constant.
struct FoldTransposedConstant : OpRewritePattern<TransposeOp> {
  FoldTransposedConstant(MLIRContext *ctx,
                         llvm::SetVector<DenseResourceElementsAttr> &replaced)
      : OpRewritePattern(ctx), replaced(replaced) {}

  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto cst = op.getInput().getDefiningOp<ConstantOp>();
    if (!cst)
      return failure();
    ElementsAttr value = cst.getValue();
    ElementsAttr permuted = permuteConstant(
        value, cast<RankedTensorType>(value.getType()).getShape(),
        op.getPerm());
    if (!permuted)
      return failure();
    if (auto res = dyn_cast<DenseResourceElementsAttr>(value))
      replaced.insert(res);
    rewriter.replaceOpWithNewOp<ConstantOp>(op, permuted);
    // Erased now, the old weight's blob goes back at once (BlobReleaser).
    if (cst->use_empty())
      rewriter.eraseOp(cst);
    return success();
  }

  llvm::SetVector<DenseResourceElementsAttr> &replaced;
};

/// Elementwise ops with one operand: relu(transpose(x)) ->
/// transpose(relu(x)).
struct SinkThroughUnary : RewritePattern {
  explicit SinkThroughUnary(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<KilnDialect>(op->getDialect()) || op->getNumOperands() != 1 ||
        op->getNumResults() != 1 ||
        !op->hasTrait<OpTrait::SameOperandsAndResultType>() ||
        isa<SoftmaxOp, LogSoftmaxOp, CumSumOp>(op))
      return failure();
    auto t = op->getOperand(0).getDefiningOp<TransposeOp>();
    if (!t)
      return failure();
    sinkBelow(rewriter, op, t.getInput(), t.getPerm());
    return success();
  }
};

/// Binary elementwise ops whose operands are the same transpose of two
/// values, or a transpose and a constant (transposed at compile time):
/// add(transpose(x), c) -> transpose(add(x, transpose^-1(c))).
template <typename OpTy>
struct SinkThroughBinary : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = resultType.getRank();
    for (unsigned side : {0u, 1u}) {
      auto t = op->getOperand(side).template getDefiningOp<TransposeOp>();
      if (!t || t.getType().getRank() != rank)
        continue;
      ArrayRef<int64_t> perm = t.getPerm();
      SmallVector<int64_t> inv = invertPermutationVector(perm);
      Value other = op->getOperand(1 - side), moved;
      if (auto u = other.getDefiningOp<TransposeOp>();
          u && u.getPerm() == perm) {
        moved = u.getInput();
      } else if (auto cst = other.getDefiningOp<ConstantOp>()) {
        // Align the constant to the result's rank (numpy broadcasting adds
        // leading unit dimensions), then undo the transpose on it.
        auto type = cast<RankedTensorType>(cst.getType());
        if (type.getRank() > rank)
          continue;
        SmallVector<int64_t> aligned(rank - type.getRank(), 1);
        llvm::append_range(aligned, type.getShape());
        ElementsAttr permuted = permuteConstant(cst.getValue(), aligned, inv);
        if (!permuted)
          continue;
        moved = ConstantOp::create(rewriter, op.getLoc(), permuted);
      } else {
        continue;
      }
      SmallVector<Value> operands(2);
      operands[side] = t.getInput();
      operands[1 - side] = moved;
      sinkBelow(rewriter, op, operands, perm);
      return success();
    }
    return failure();
  }
};

/// pad(transpose(x)) -> transpose(pad(x)) with the pads moved along.
struct SinkThroughPad : OpRewritePattern<PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PadOp op,
                                PatternRewriter &rewriter) const override {
    auto t = op.getInput().getDefiningOp<TransposeOp>();
    if (!t)
      return failure();
    // (Read before sinkBelow erases `op`.)
    SmallVector<int64_t> inv = invertPermutationVector(t.getPerm());
    SmallVector<int64_t> low = applyPermutation(op.getLow(), inv),
                         high = applyPermutation(op.getHigh(), inv);
    auto moved =
        cast<PadOp>(sinkBelow(rewriter, op, t.getInput(), t.getPerm()));
    rewriter.modifyOpInPlace(moved, [&] {
      moved.setLow(low);
      moved.setHigh(high);
    });
    return success();
  }
};

/// batch_norm(transpose(x), axis) -> transpose(batch_norm(x, perm[axis])).
struct SinkThroughBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    auto t = op.getInput().getDefiningOp<TransposeOp>();
    if (!t)
      return failure();
    SmallVector<Value> operands(op->getOperands());
    operands[0] = t.getInput();
    int64_t axis = t.getPerm()[op.getAxis()];
    auto moved =
        cast<BatchNormOp>(sinkBelow(rewriter, op, operands, t.getPerm()));
    rewriter.modifyOpInPlace(moved, [&] { moved.setAxis(axis); });
    return success();
  }
};

/// concat(transpose(a), transpose(b), axis) -> transpose(concat(a, b,
/// perm[axis])) when every input is the same transpose.
struct SinkThroughConcat : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<Value> inputs;
    ArrayRef<int64_t> perm;
    for (Value in : op.getInputs()) {
      auto t = in.getDefiningOp<TransposeOp>();
      if (!t || (!perm.empty() && t.getPerm() != perm))
        return failure();
      perm = t.getPerm();
      inputs.push_back(t.getInput());
    }
    if (perm.empty())
      return failure();
    int64_t axis = perm[op.getAxis()];
    auto moved = cast<ConcatOp>(sinkBelow(rewriter, op, inputs, perm));
    rewriter.modifyOpInPlace(moved, [&] { moved.setAxis(axis); });
    return success();
  }
};

/// Whether an NCHW image op has an NHWC form the lowering takes.
bool movable(Operation *op) {
  if (!isa<Conv2DOp, MaxPoolOp, AvgPoolOp, GlobalAvgPoolOp>(op))
    return false;
  auto input = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  if (!input || input.getRank() != 4)
    return false;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    if (conv.getLayout() != Layout::NCHW)
      return false;
    int64_t groups = conv.getGroups();
    auto filter = conv.getFilter().getType();
    // One group, or depthwise (one input channel per filter).
    return groups == 1 ||
           (groups == input.getDimSize(1) &&
            filter.getDimSize(0) == groups && filter.getDimSize(1) == 1);
  }
  if (auto pool = dyn_cast<MaxPoolOp>(op))
    return pool.getLayout() == Layout::NCHW;
  if (auto pool = dyn_cast<AvgPoolOp>(op))
    return pool.getLayout() == Layout::NCHW;
  if (auto pool = dyn_cast<GlobalAvgPoolOp>(op))
    return pool.getLayout() == Layout::NCHW;
  return false;
}

/// transpose -> the op in NHWC (filter in HWCF) -> transpose.
void moveToChannelsLast(IRRewriter &rewriter, Operation *op) {
  rewriter.setInsertionPoint(op);
  Location loc = op->getLoc();
  SmallVector<Value> operands(op->getOperands());
  operands[0] = transpose(rewriter, loc, operands[0], kToNHWC);
  if (isa<Conv2DOp>(op))
    operands[1] = transpose(rewriter, loc, operands[1], kFCHWToHWCF);
  OperationState state(loc, op->getName());
  state.addOperands(operands);
  NamedAttrList attrs(op->getAttrs());
  attrs.set("layout", LayoutAttr::get(op->getContext(), Layout::NHWC));
  state.addAttributes(attrs);
  state.addTypes(permutedType(op->getResult(0).getType(), kToNHWC));
  Operation *moved = rewriter.create(state);
  rewriter.replaceOp(op, transpose(rewriter, loc, moved->getResult(0),
                                   kToNCHW));
}

struct UseChannelsLastPass
    : mlir::kiln::impl::UseChannelsLastBase<UseChannelsLastPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (movable(op))
        ops.push_back(op);
    });
    if (ops.empty())
      return;
    IRRewriter rewriter(ctx);
    for (Operation *op : ops)
      moveToChannelsLast(rewriter, op);

    llvm::SetVector<DenseResourceElementsAttr> replaced;
    RewritePatternSet patterns(ctx);
    TransposeOp::getCanonicalizationPatterns(patterns, ctx);
    patterns.add<FoldTransposedConstant>(ctx, replaced);
    patterns.add<SinkThroughUnary, SinkThroughPad, SinkThroughBatchNorm,
                 SinkThroughConcat, SinkThroughBinary<AddOp>,
                 SinkThroughBinary<SubOp>, SinkThroughBinary<MulOp>,
                 SinkThroughBinary<DivOp>, SinkThroughBinary<MaxOp>,
                 SinkThroughBinary<MinOp>, SinkThroughBinary<PowOp>>(ctx);
    BlobReleaser releaser(module);
    GreedyRewriteConfig config;
    config.setListener(&releaser);
    if (failed(applyPatternsGreedily(module, std::move(patterns), config))) {
      module.emitError("kiln-layout-use-channels-last did not converge");
      return signalPassFailure();
    }
    // Weights every reader of which now uses a transposed copy.
    releaseDeadBlobs(module, replaced);
  }

};

} // namespace
