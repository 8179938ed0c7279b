// kiln-cpu-conv-to-matmul: 2-D convolutions become an im2col gather plus a
// row-major linalg.matmul [N*OH*OW, K] x [K, F], which the matmul strategy
// tiles and vectorizes and kiln-cpu-pack-weights packs (the filter is the
// constant B). Output pixels are the rows and filters the columns, whatever
// the model's layout: F is the dimension that vectorizes well (a multiple of
// the vector length in nearly every network), while OH*OW (49, 196) is not.
#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#define DEBUG_TYPE "kiln-cpu-conv-to-matmul"

namespace mlir::kiln {
#define GEN_PASS_DEF_CONVTOMATMUL
#include "codegen/cpu/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// Static f32 convolutions only: the contraction is what the matmul
/// strategy handles, and a dynamic im2col buffer would not fit the arena.
bool eligible(linalg::LinalgOp op) {
  return op.hasPureTensorSemantics() && !op.hasDynamicShape() &&
         llvm::all_of(op->getOperandTypes(),
                      [](Type t) { return getElementTypeOrSelf(t).isF32(); });
}

/// `v` is padded: its only use, maybe through one elementwise generic
/// (the activation), is a tensor.pad.
bool feedsPad(Value v) {
  for (int hops = 0; hops < 2 && v.hasOneUse(); ++hops) {
    Operation *user = *v.getUsers().begin();
    if (isa<tensor::PadOp>(user))
      return true;
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic || generic.getNumReductionLoops() != 0 ||
        generic->getNumResults() != 1)
      return false;
    v = generic->getResult(0);
  }
  return false;
}

/// NHWC convolutions with a window or a stride and a constant filter are
/// left to kiln-cpu-pack-weights, which makes them direct convolutions
/// that read the input in place: im2col would copy each input pixel
/// KH * KW / stride^2 times. 1x1 stride-1 convolutions stay matmuls (their
/// input already is A), unless their output is padded for the next
/// convolution: a direct convolution's output keeps its rows, so it can
/// be written straight into the padded buffer (kiln-memory-pad-in-place).
bool direct(linalg::LinalgOp op) {
  auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation());
  if (!conv || !mlir::kiln::packableWeights(conv.getInputs()[1]))
    return false;
  ArrayRef<int64_t> ws =
      cast<RankedTensorType>(conv.getInputs()[1].getType()).getShape();
  return ws[0] * ws[1] != 1 ||
         llvm::any_of(conv.getStrides().getValues<int64_t>(),
                      [](int64_t s) { return s != 1; }) ||
         feedsPad(conv.getResult(0));
}

/// A copy of `source` into `resultType` through a generic whose input map is
/// `inputMap` over the result's dimensions (a transpose or a gather).
Value gather(OpBuilder &b, Location loc, Value source,
             RankedTensorType resultType, AffineMap inputMap) {
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       resultType.getElementType());
  unsigned rank = resultType.getRank();
  SmallVector<AffineMap> maps = {
      inputMap, AffineMap::getMultiDimIdentityMap(rank, b.getContext())};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, ValueRange{source},
             ValueRange{init}, maps, iterators,
             [](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, args[0]);
             })
      .getResult(0);
}

/// Fuses the generic producing `operand` into its consumer when both are
/// elementwise generics and the producer has no other use (a layout
/// transpose merged with a bias broadcast or an activation). Returns the
/// fused op, or null when nothing was fused.
Operation *fuseInto(IRRewriter &rewriter, OpOperand &operand) {
  auto producer = operand.get().getDefiningOp<linalg::GenericOp>();
  if (!producer || !producer->hasOneUse() ||
      !linalg::areElementwiseOpsFusable(&operand))
    return nullptr;
  Operation *consumer = operand.getOwner();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(consumer);
  FailureOr<linalg::ElementwiseOpFusionResult> fused =
      linalg::fuseElementwiseOps(rewriter, &operand);
  if (failed(fused))
    return nullptr;
  for (auto [from, to] : fused->replacements)
    rewriter.replaceAllUsesExcept(from, to, fused->fusedOp);
  if (consumer->use_empty())
    rewriter.eraseOp(consumer);
  if (producer->use_empty())
    rewriter.eraseOp(producer);
  return fused->fusedOp;
}

/// Rewrites one convolution; `nchw` selects conv_2d_nchw_fchw, otherwise
/// conv_2d_nhwc_hwcf.
void rewrite(IRRewriter &rewriter, linalg::LinalgOp op, bool nchw,
             ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations) {
  OpBuilder &b = rewriter;
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1];
  Value init = op.getDpsInits()[0];
  ArrayRef<int64_t> xs = cast<RankedTensorType>(x.getType()).getShape();
  ArrayRef<int64_t> ws = cast<RankedTensorType>(w.getType()).getShape();
  ArrayRef<int64_t> os = cast<RankedTensorType>(init.getType()).getShape();
  int64_t n = xs[0];
  int64_t c = nchw ? xs[1] : xs[3];
  int64_t f = nchw ? ws[0] : ws[3];
  int64_t kh = nchw ? ws[2] : ws[0], kw = nchw ? ws[3] : ws[1];
  int64_t oh = nchw ? os[2] : os[1], ow = nchw ? os[3] : os[2];
  int64_t m = n * oh * ow, k = c * kh * kw;
  Type f32 = b.getF32Type();

  // Patches: col[n, oh, ow, <k>] with <k> = (c, kh, kw) for NCHW (the order
  // of the filter's rows) and (kh, kw, c) for NHWC, viewed as [M, K].
  AffineExpr d0, d1, d2, d3, d4, d5;
  bindDims(ctx, d0, d1, d2, d3, d4, d5);
  SmallVector<AffineExpr> xIndex;
  SmallVector<int64_t> colShape;
  if (nchw) {
    xIndex = {d0, d3, d1 * strides[0] + d4 * dilations[0],
              d2 * strides[1] + d5 * dilations[1]};
    colShape = {n, oh, ow, c, kh, kw};
  } else {
    xIndex = {d0, d1 * strides[0] + d3 * dilations[0],
              d2 * strides[1] + d4 * dilations[1], d5};
    colShape = {n, oh, ow, kh, kw, c};
  }
  Value col;
  bool pointwise = kh == 1 && kw == 1 && strides[0] == 1 && strides[1] == 1 &&
                   xs[nchw ? 2 : 1] == oh && xs[nchw ? 3 : 2] == ow;
  if (pointwise && !nchw) {
    // A 1x1 convolution over NHWC pixels: A is the input itself.
    col = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({m, k}, f32), x,
        SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
  } else {
    col = gather(b, loc, x, RankedTensorType::get(colShape, f32),
                 AffineMap::get(6, 0, xIndex, ctx));
    col = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({m, k}, f32), col,
        SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
  }

  // The filter as B [K, F]: HWCF is already that matrix; FCHW is its
  // transpose (folded into the packed constant by kiln-cpu-pack-weights).
  Value filter;
  if (nchw) {
    Value fk = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({f, k}, f32), w,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{k, f}, f32);
    filter =
        linalg::TransposeOp::create(b, loc, fk, empty, ArrayRef<int64_t>{1, 0})
            ->getResult(0);
  } else {
    filter = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({k, f}, f32), w,
        SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
  }

  // The accumulator (zero or a broadcast bias) as [N*OH*OW, F].
  auto nhwfType = RankedTensorType::get({n, oh, ow, f}, f32);
  Value acc = init;
  if (nchw)
    acc = gather(b, loc, init, nhwfType,
                 AffineMap::get(4, 0, {d0, d3, d1, d2}, ctx));
  linalg::GenericOp accTranspose =
      nchw ? acc.getDefiningOp<linalg::GenericOp>() : nullptr;
  SmallVector<ReassociationIndices> pixelsFilters = {{0, 1, 2}, {3}};
  acc = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({m, f}, f32), acc, pixelsFilters);

  Value product =
      linalg::MatmulOp::create(b, loc, ValueRange{col, filter}, ValueRange{acc})
          ->getResult(0);
  Value result =
      tensor::ExpandShapeOp::create(b, loc, nhwfType, product, pixelsFilters);
  if (nchw)
    result = gather(b, loc, result, cast<RankedTensorType>(init.getType()),
                    AffineMap::get(4, 0, {d0, d2, d3, d1}, ctx));
  rewriter.replaceOp(op, result);
  // A broadcast bias is written straight in the transposed layout.
  if (accTranspose)
    fuseInto(rewriter, *accTranspose.getDpsInputOperand(0));
  // The transpose back to NCHW merges into an elementwise consumer (the
  // batch-norm, activation or residual add that follows a convolution).
  if (nchw && result.hasOneUse())
    fuseInto(rewriter, *result.getUses().begin());
}

struct ConvToMatmulPass : mlir::kiln::impl::ConvToMatmulBase<ConvToMatmulPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> convs;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNchwFchwOp>(op) &&
          eligible(op) && !direct(op))
        convs.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : convs) {
      rewriter.setInsertionPoint(op);
      if (auto c = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation()))
        rewrite(rewriter, op, /*nchw=*/true,
                llvm::to_vector(c.getStrides().getValues<int64_t>()),
                llvm::to_vector(c.getDilations().getValues<int64_t>()));
      else if (auto c = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation()))
        rewrite(rewriter, op, /*nchw=*/false,
                llvm::to_vector(c.getStrides().getValues<int64_t>()),
                llvm::to_vector(c.getDilations().getValues<int64_t>()));
    }
  }
};

} // namespace
