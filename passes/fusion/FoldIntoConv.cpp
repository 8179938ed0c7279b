// kiln-fusion-fold-into-conv: per-channel affine ops after a convolution
// (batch normalization, or the Mul/Add pair exporters turn it into) fold
// into the convolution's filter and bias at compile time.
#include "passes/fusion/Passes.h"

#include "dialects/kiln/KilnDialect.h"
#include "passes/common/ResourceBlobs.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

#define DEBUG_TYPE "kiln-fusion-fold-into-conv"

namespace mlir::kiln {
#define GEN_PASS_DEF_FOLDINTOCONV
#include "passes/fusion/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// Output-channel axis of a conv_2d result and of its filter.
int64_t resultChannelAxis(Conv2DOp conv) {
  return conv.getLayout() == Layout::NHWC ? 3 : 1;
}

/// An f32 conv whose number of output channels is known (other dimensions,
/// the batch, may be dynamic).
bool foldable(Conv2DOp conv) {
  auto type = cast<RankedTensorType>(conv.getType());
  return type.getElementType().isF32() &&
         !type.isDynamicDim(resultChannelAxis(conv));
}
int64_t filterChannelAxis(Conv2DOp conv) {
  return conv.getLayout() == Layout::NHWC ? 3 : 0;
}

/// The f32 values of a constant, row-major; nullopt when `v` is not a
/// constant kiln can read. A splat gives one value.
std::optional<SmallVector<float>> constantValues(Value v) {
  auto cst = v.getDefiningOp<ConstantOp>();
  if (!cst)
    return std::nullopt;
  ElementsAttr value = cst.getValue();
  if (!value.getElementType().isF32())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(value); dense && dense.isSplat())
    return SmallVector<float>{dense.getSplatValue<float>()};
  std::optional<ArrayRef<float>> floats = constantFloats(value);
  if (!floats)
    return std::nullopt;
  return SmallVector<float>(floats->begin(), floats->end());
}

/// `v`'s values per output channel of `conv` (F of them) when `v` is a
/// constant that, broadcast against the conv's result, varies at most
/// along the channel axis; nullopt otherwise. `oneD` reads `v` as a 1-D
/// per-channel parameter (batch norm) instead of numpy-broadcasting it.
std::optional<SmallVector<float>> perChannel(Value v, Conv2DOp conv,
                                             bool oneD = false) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  auto result = cast<RankedTensorType>(conv.getType());
  if (!type || type.getRank() > result.getRank() ||
      (oneD && type.getRank() != 1))
    return std::nullopt;
  int64_t channels = result.getDimSize(resultChannelAxis(conv));
  // Right-aligned broadcasting: dimension d of `v` meets dimension
  // d + offset of the result (a 1-D parameter meets the channel axis).
  int64_t offset = oneD ? resultChannelAxis(conv)
                        : result.getRank() - type.getRank();
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.getDimSize(d) != 1 &&
        (d + offset != resultChannelAxis(conv) ||
         type.getDimSize(d) != channels))
      return std::nullopt;
  std::optional<SmallVector<float>> values = constantValues(v);
  if (!values)
    return std::nullopt;
  if (values->size() == 1)
    return SmallVector<float>(channels, (*values)[0]);
  if (static_cast<int64_t>(values->size()) != channels)
    return std::nullopt;
  return values;
}

/// A constant with `values` in `type`: inline when small, else a blob.
Value makeConstant(PatternRewriter &rewriter, Location loc,
                   RankedTensorType type, ArrayRef<float> values) {
  ElementsAttr attr;
  if (values.size() <= 64) {
    attr = DenseElementsAttr::get(type, values);
  } else {
    ArrayRef<char> bytes(reinterpret_cast<const char *>(values.data()),
                         values.size() * sizeof(float));
    attr = DenseResourceElementsAttr::get(
        type, "folded_weights",
        HeapAsmResourceBlob::allocateAndCopyWithAlign(
            bytes, alignof(std::max_align_t), /*dataIsMutable=*/false));
  }
  return ConstantOp::create(rewriter, loc, attr).getResult();
}

/// Replaces `op` (whose result is `conv`'s, transformed per channel) by
/// conv with filter * scale[f] and bias * scale[f] + shift[f]. `scale` may
/// be empty (all ones).
LogicalResult foldAffine(PatternRewriter &rewriter, Operation *op,
                         Conv2DOp conv, ArrayRef<float> scale,
                         ArrayRef<float> shift) {
  auto resultType = cast<RankedTensorType>(conv.getType());
  int64_t channels = resultType.getDimSize(resultChannelAxis(conv));
  auto f32 = rewriter.getF32Type();
  Value filter = conv.getFilter();
  if (!scale.empty()) {
    std::optional<SmallVector<float>> weights = constantValues(filter);
    auto filterType = cast<RankedTensorType>(filter.getType());
    if (weights && weights->size() == 1) // a splat
      weights->assign(filterType.getNumElements(), (*weights)[0]);
    if (!weights || static_cast<int64_t>(weights->size()) !=
                        filterType.getNumElements())
      return rewriter.notifyMatchFailure(op, "filter is not a readable constant");
    // Row-major: the channel index of element e is (e / inner) % F, inner
    // being the product of the dims after the filter's channel axis.
    int64_t inner = 1;
    for (int64_t d = filterChannelAxis(conv) + 1; d < filterType.getRank(); ++d)
      inner *= filterType.getDimSize(d);
    for (auto [e, w] : llvm::enumerate(*weights))
      w *= scale[(static_cast<int64_t>(e) / inner) % channels];
    filter = makeConstant(rewriter, conv.getFilter().getLoc(), filterType,
                          *weights);
  }
  SmallVector<float> bias(channels, 0.0f);
  if (Value b = conv.getBias()) {
    std::optional<SmallVector<float>> values = constantValues(b);
    if (!values)
      return rewriter.notifyMatchFailure(op, "bias is not a constant");
    if (values->size() == 1)
      bias.assign(channels, (*values)[0]);
    else if (static_cast<int64_t>(values->size()) == channels)
      bias = *values;
    else
      return rewriter.notifyMatchFailure(op, "bias size");
  }
  for (int64_t f = 0; f < channels; ++f)
    bias[f] = bias[f] * (scale.empty() ? 1.0f : scale[f]) + shift[f];
  // A scaled conv without a bias stays without one.
  Value newBias;
  if (conv.getBias() || llvm::any_of(bias, [](float v) { return v != 0.0f; }))
    newBias = makeConstant(rewriter, conv.getLoc(),
                           RankedTensorType::get({channels}, f32), bias);
  auto folded = Conv2DOp::create(
      rewriter, conv.getLoc(), resultType, conv.getInput(), filter, newBias,
      conv.getLayoutAttr(), conv.getStridesAttr(), conv.getDilationsAttr(),
      conv.getPadsAttr(), conv.getGroupsAttr());
  rewriter.replaceOp(op, folded.getResult());
  // The old conv and its filter are dead now: erased here, the filter's
  // blob is given back at once (BlobReleaser).
  Value oldFilter = conv.getFilter(), oldBias = conv.getBias();
  rewriter.eraseOp(conv);
  for (Value v : {oldFilter, oldBias})
    if (v && v.use_empty())
      if (Operation *def = v.getDefiningOp())
        rewriter.eraseOp(def);
  return success();
}

/// The conv_2d (f32, its result used only by `op`) one operand of `op` is,
/// and the other operand; null when neither is.
std::pair<Conv2DOp, Value> convOperand(Operation *op, bool commutative) {
  for (int i = 0; i < (commutative ? 2 : 1); ++i) {
    auto conv = op->getOperand(i).getDefiningOp<Conv2DOp>();
    if (conv && conv->hasOneUse() &&
        conv.getType() == op->getResult(0).getType() && foldable(conv))
      return {conv, op->getOperand(1 - i)};
  }
  return {nullptr, nullptr};
}

/// conv * s -> conv with a scaled filter and bias.
struct FoldMul : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    auto [conv, other] = convOperand(op, /*commutative=*/true);
    if (!conv)
      return failure();
    std::optional<SmallVector<float>> scale = perChannel(other, conv);
    if (!scale)
      return failure();
    SmallVector<float> shift(scale->size(), 0.0f);
    return foldAffine(rewriter, op, conv, *scale, shift);
  }
};

/// conv + c, conv - c -> conv with bias + c, bias - c.
template <typename OpT>
struct FoldAddSub : OpRewritePattern<OpT> {
  using OpRewritePattern<OpT>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpT op,
                                PatternRewriter &rewriter) const override {
    constexpr bool isSub = std::is_same_v<OpT, SubOp>;
    auto [conv, other] = convOperand(op, /*commutative=*/!isSub);
    if (!conv)
      return failure();
    std::optional<SmallVector<float>> shift = perChannel(other, conv);
    if (!shift)
      return failure();
    if (isSub)
      for (float &s : *shift)
        s = -s;
    return foldAffine(rewriter, op, conv, {}, *shift);
  }
};

/// batch_norm(conv) along the conv's channel axis, constant parameters:
/// scale' = scale / sqrt(var + eps), shift = bias - mean * scale'.
struct FoldBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op,
                                PatternRewriter &rewriter) const override {
    auto conv = op.getInput().getDefiningOp<Conv2DOp>();
    if (!conv || !conv->hasOneUse() || conv.getType() != op.getType() ||
        !foldable(conv) ||
        static_cast<int64_t>(op.getAxis()) != resultChannelAxis(conv))
      return failure();
    auto scale = perChannel(op.getScale(), conv, /*oneD=*/true);
    auto bias = perChannel(op.getBias(), conv, /*oneD=*/true);
    auto mean = perChannel(op.getMean(), conv, /*oneD=*/true);
    auto var = perChannel(op.getVariance(), conv, /*oneD=*/true);
    if (!scale || !bias || !mean || !var)
      return failure();
    float eps = op.getEpsilon().convertToFloat();
    SmallVector<float> k(scale->size()), shift(scale->size());
    for (size_t f = 0; f < k.size(); ++f) {
      k[f] = (*scale)[f] / std::sqrt((*var)[f] + eps);
      shift[f] = (*bias)[f] - (*mean)[f] * k[f];
    }
    return foldAffine(rewriter, op, conv, k, shift);
  }
};

struct FoldIntoConvPass
    : mlir::kiln::impl::FoldIntoConvBase<FoldIntoConvPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<FoldMul, FoldAddSub<AddOp>, FoldAddSub<SubOp>, FoldBatchNorm>(
        ctx);
    BlobReleaser releaser(getOperation());
    GreedyRewriteConfig config;
    config.setListener(&releaser);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      return signalPassFailure();
  }
};

} // namespace
