// kiln data movement -> tensor and linalg: reshape (collapse/expand),
// transpose (linalg.transpose), concat (insert_slice), pad (tensor.pad),
// slice (extract_slice or a strided generic), gather (a generic reading with
// tensor.extract), tile (broadcast generic + collapse).
#include "dialects/kiln/KilnDialect.h"
#include "passes/conversion/KilnToLinalg/Builders.h"
#include "passes/conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

struct ReshapeToTensor : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    rewriter.replaceOp(op, reshapeTensor(rewriter, op.getLoc(), op.getInput(),
                                         op.getType()));
    return success();
  }
};

struct TransposeToLinalg : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    auto t = linalg::TransposeOp::create(
        rewriter, op.getLoc(), op.getInput(),
        emptyTensor(rewriter, op.getLoc(), op.getType()), op.getPerm());
    rewriter.replaceOp(op, t.getResult()[0]);
    return success();
  }
};

struct ConcatToInsertSlices : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t axis = op.getAxis();
    Value result = emptyTensor(rewriter, loc, type);
    int64_t offset = 0;
    for (Value input : op.getInputs()) {
      auto t = cast<RankedTensorType>(input.getType());
      SmallVector<int64_t> offsets(type.getRank(), 0), strides(type.getRank(), 1);
      offsets[axis] = offset;
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             ValueRange{}, ValueRange{},
                                             ValueRange{}, offsets,
                                             t.getShape(), strides);
      offset += t.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct PadToTensor : OpRewritePattern<PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PadOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value value = scalarConstant(rewriter, loc, op.getType().getElementType(),
                                 op.getValue().convertToDouble());
    rewriter.replaceOp(op, padTensor(rewriter, loc, op.getInput(), op.getLow(),
                                     op.getHigh(), value));
    return success();
  }
};

/// Positive strides become tensor.extract_slice; any negative stride a
/// generic whose input map is offset + i * stride per dimension.
struct SliceToTensor : OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SliceOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    if (llvm::all_of(op.getStrides(), [](int64_t s) { return s > 0; })) {
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          op, type, op.getInput(), ValueRange{}, ValueRange{}, ValueRange{},
          op.getOffsets(), op.getSizes(), op.getStrides());
      return success();
    }
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank();
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < rank; ++i)
      exprs.push_back(getAffineConstantExpr(op.getOffsets()[i], ctx) +
                      getAffineDimExpr(i, ctx) * op.getStrides()[i]);
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, exprs, ctx),
                                   rewriter.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{op.getInput()},
        ValueRange{emptyTensor(rewriter, loc, type)}, maps, iterators,
        [](OpBuilder &b, Location l, ValueRange a) {
          linalg::YieldOp::create(b, l, a[0]);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// out[pre, idx, post] = data[pre, clamp(wrap(indices[idx])), post].
struct GatherToGeneric : OpRewritePattern<GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    auto dataType = op.getData().getType();
    auto idxType = op.getIndices().getType();
    int64_t axis = op.getAxis(), rank = type.getRank();
    int64_t idxRank = idxType.getRank();
    int64_t dimSize = dataType.getDimSize(axis);
    SmallVector<AffineExpr> idxExprs;
    for (int64_t i = 0; i < idxRank; ++i)
      idxExprs.push_back(getAffineDimExpr(axis + i, ctx));
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, idxExprs, ctx),
                                   rewriter.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    Value data = op.getData();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{op.getIndices()},
        ValueRange{emptyTensor(rewriter, loc, type)}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value i = arith::IndexCastOp::create(b, l, b.getIndexType(), a[0]);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value size = arith::ConstantIndexOp::create(b, l, dimSize);
          Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                            i, zero);
          i = arith::SelectOp::create(b, l, neg,
                                      arith::AddIOp::create(b, l, i, size), i);
          i = arith::MaxSIOp::create(b, l, i, zero);
          i = arith::MinSIOp::create(
              b, l, i, arith::ConstantIndexOp::create(b, l, dimSize - 1));
          SmallVector<Value> coords;
          for (int64_t d = 0; d < axis; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          coords.push_back(i);
          for (int64_t d = axis + idxRank; d < rank; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, data, coords).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Broadcasts [d0, d1, ...] to [m0, d0, m1, d1, ...], then collapses each
/// (m_i, d_i) pair into one dimension.
struct TileToGeneric : OpRewritePattern<TileOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TileOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto in = op.getInput().getType();
    int64_t rank = in.getRank();
    SmallVector<int64_t> shape;
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < rank; ++i) {
      shape.push_back(op.getMultiples()[i]);
      shape.push_back(in.getDimSize(i));
      exprs.push_back(getAffineDimExpr(2 * i + 1, ctx));
    }
    auto wide = RankedTensorType::get(shape, in.getElementType());
    SmallVector<AffineMap> maps = {AffineMap::get(2 * rank, 0, exprs, ctx),
                                   rewriter.getMultiDimIdentityMap(2 * rank)};
    SmallVector<utils::IteratorType> iterators(2 * rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{wide}, ValueRange{op.getInput()},
        ValueRange{emptyTensor(rewriter, loc, wide)}, maps, iterators,
        [](OpBuilder &b, Location l, ValueRange a) {
          linalg::YieldOp::create(b, l, a[0]);
        });
    SmallVector<ReassociationIndices> groups;
    for (int64_t i = 0; i < rank; ++i)
      groups.push_back({2 * i, 2 * i + 1});
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, op.getType(), generic.getResult(0), groups);
    return success();
  }
};

} // namespace

void mlir::kiln::populateKilnDataMovementToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ReshapeToTensor, TransposeToLinalg, ConcatToInsertSlices,
               PadToTensor, SliceToTensor, GatherToGeneric, TileToGeneric>(
      patterns.getContext());
}
