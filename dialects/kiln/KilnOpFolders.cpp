// Folders and canonicalization patterns of kiln ops. Only rewrites that are
// exact (no floating-point reassociation) live here.
#include "dialects/kiln/KilnDialect.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// True if `v` is a constant splat equal to `value`.
bool isSplatOf(Value v, double value) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat())
    return false;
  if (isa<FloatType>(attr.getElementType()))
    return attr.getSplatValue<APFloat>().convertToDouble() == value;
  if (auto i = dyn_cast<IntegerType>(attr.getElementType()))
    return i.getWidth() > 1 &&
           static_cast<double>(attr.getSplatValue<APInt>().getSExtValue()) ==
               value;
  return false;
}

/// x op splat(neutral) -> x when broadcasting does not change x's type.
OpFoldResult foldNeutral(Value lhs, Value rhs, Type resultType,
                         double neutral, bool commutative) {
  if (lhs.getType() == resultType && isSplatOf(rhs, neutral))
    return lhs;
  if (commutative && rhs.getType() == resultType && isSplatOf(lhs, neutral))
    return rhs;
  return {};
}

} // namespace

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

OpFoldResult AddOp::fold(FoldAdaptor) {
  return foldNeutral(getLhs(), getRhs(), getType(), 0.0, true);
}
OpFoldResult SubOp::fold(FoldAdaptor) {
  return foldNeutral(getLhs(), getRhs(), getType(), 0.0, false);
}
OpFoldResult MulOp::fold(FoldAdaptor) {
  return foldNeutral(getLhs(), getRhs(), getType(), 1.0, true);
}
OpFoldResult DivOp::fold(FoldAdaptor) {
  return foldNeutral(getLhs(), getRhs(), getType(), 1.0, false);
}
OpFoldResult MaxOp::fold(FoldAdaptor) {
  if (getLhs() == getRhs() && getLhs().getType() == getType())
    return getLhs();
  return {};
}
OpFoldResult MinOp::fold(FoldAdaptor) {
  if (getLhs() == getRhs() && getLhs().getType() == getType())
    return getLhs();
  return {};
}

OpFoldResult PowOp::fold(FoldAdaptor) {
  return foldNeutral(getLhs(), getRhs(), getType(), 1.0, false);
}

OpFoldResult RemOp::fold(FoldAdaptor) { return {}; }
OpFoldResult FloorModOp::fold(FoldAdaptor) { return {}; }
OpFoldResult ShiftLeftOp::fold(FoldAdaptor) {
  return foldNeutral(getLhs(), getRhs(), getType(), 0.0, false);
}
OpFoldResult ShiftRightOp::fold(FoldAdaptor) {
  return foldNeutral(getLhs(), getRhs(), getType(), 0.0, false);
}
/// x & x, x | x -> x.
static OpFoldResult foldIdempotent(Value lhs, Value rhs, Type resultType) {
  if (lhs == rhs && lhs.getType() == resultType)
    return lhs;
  return {};
}
OpFoldResult AndOp::fold(FoldAdaptor) {
  return foldIdempotent(getLhs(), getRhs(), getType());
}
OpFoldResult OrOp::fold(FoldAdaptor) {
  return foldIdempotent(getLhs(), getRhs(), getType());
}
OpFoldResult XorOp::fold(FoldAdaptor) { return {}; }

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  // A slice that reads every element in order is the input itself.
  auto in = getInput().getType();
  if (in != getType())
    return {};
  for (auto [o, s] : llvm::zip(getOffsets(), getStrides()))
    if (o != 0 || s != 1)
      return {};
  return getInput();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // reshape(reshape(x)) -> reshape(x): only the final shape matters.
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  // Small inline constants (shape operands, scalars) reshape for free;
  // resource-backed weights are left alone.
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    if (getType().hasStaticShape())
      return dense.reshape(getType());
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  bool identity = true;
  for (auto [i, p] : llvm::enumerate(perm))
    identity &= static_cast<int64_t>(i) == p;
  if (identity)
    return getInput();
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    if (dense.isSplat())
      return dense.resizeSplat(getType());
  return {};
}

namespace {
/// transpose(transpose(x, p1), p2) -> transpose(x, p1 o p2).
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return failure();
    SmallVector<int64_t> perm;
    for (int64_t p : op.getPerm())
      perm.push_back(inner.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(), inner.getInput(),
                                             perm);
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                              MLIRContext *context) {
  patterns.add<ComposeTransposes>(context);
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  return {};
}
