// kiln index ops -> linalg and scf on tensors. arg_max/arg_min are one
// reduction generic carrying (value, index); arg_top_k ranks every element
// against its row (a counting generic) and then picks rank r for output r;
// cumsum is a triangular reduction generic; the gathers are parallel
// generics reading with tensor.extract; the scatters are scf.for nests over
// the updates with tensor.extract/insert (updates to one element are not
// independent). Every run-time index wraps once when negative and is then
// clamped into the dimension, so no access leaves the tensor.
#include "dialects/kiln/KilnDialect.h"
#include "passes/conversion/KilnToLinalg/Builders.h"
#include "passes/conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// `raw` (any integer type) as an index in [0, size): negative values wrap
/// once, what is still out of range is clamped. `size` must be > 0.
Value safeIndex(OpBuilder &b, Location l, Value raw, int64_t size) {
  Value i = arith::IndexCastOp::create(b, l, b.getIndexType(), raw);
  Value zero = arith::ConstantIndexOp::create(b, l, 0);
  Value n = arith::ConstantIndexOp::create(b, l, size);
  Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i, zero);
  i = arith::SelectOp::create(b, l, neg, arith::AddIOp::create(b, l, i, n), i);
  i = arith::MaxSIOp::create(b, l, i, zero);
  return arith::MinSIOp::create(b, l, i,
                                arith::ConstantIndexOp::create(b, l, size - 1));
}

Value indexAsI64(OpBuilder &b, Location l, int64_t dim) {
  return arith::IndexCastOp::create(b, l, b.getI64Type(),
                                    linalg::IndexOp::create(b, l, dim));
}

/// Identity over the first `rank` of `numDims` loop dims, with dim `axis`
/// replaced by loop dim `replacement` when it is >= 0.
AffineMap axisMap(MLIRContext *ctx, int64_t numDims, int64_t rank,
                  int64_t axis = -1, int64_t replacement = -1) {
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    exprs.push_back(getAffineDimExpr(i == axis ? replacement : i, ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

/// A total order on elements: for floats NaN is above every number and
/// equal to NaN. `greater(a, b)` and `same(a, b)`.
Value greater(OpBuilder &b, Location l, Value x, Value y) {
  if (!isa<FloatType>(x.getType()))
    return arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt, x, y);
  Value gt = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, y);
  Value xNan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x);
  Value yNum = arith::CmpFOp::create(b, l, arith::CmpFPredicate::ORD, y, y);
  return arith::OrIOp::create(b, l, gt,
                              arith::AndIOp::create(b, l, xNan, yNum));
}
Value same(OpBuilder &b, Location l, Value x, Value y) {
  if (!isa<FloatType>(x.getType()))
    return arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, x, y);
  Value eq = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, x, y);
  Value xNan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x);
  Value yNan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, y, y);
  return arith::OrIOp::create(b, l, eq,
                              arith::AndIOp::create(b, l, xNan, yNan));
}

Value addOf(OpBuilder &b, Location l, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, l, x, y);
  return arith::AddIOp::create(b, l, x, y);
}

//===- arg_max / arg_min -------------------------------------------------===//

/// One reduction generic over `axis` whose two outputs carry the best value
/// and its index (-1 = none yet). The combine step is order-independent:
/// a strictly better value wins, an equal one wins on the lower (or, with
/// select_last_index, higher) index.
template <typename ArgOp, bool IsMax>
struct ArgReduceToLinalg : OpRewritePattern<ArgOp> {
  using OpRewritePattern<ArgOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ArgOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType in = op.getInput().getType();
    Type elem = in.getElementType();
    int64_t axis = op.getAxis(), rank = in.getRank();
    bool last = op.getSelectLastIndex();
    SmallVector<int64_t> shape;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t i = 0; i < rank; ++i) {
      iterators.push_back(i == axis ? utils::IteratorType::reduction
                                    : utils::IteratorType::parallel);
      if (i != axis) {
        shape.push_back(in.getDimSize(i));
        outExprs.push_back(getAffineDimExpr(i, ctx));
      }
    }
    auto valType = RankedTensorType::get(shape, elem);
    auto idxType = RankedTensorType::get(shape, rewriter.getI64Type());
    AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
    Value initV = filledTensor(rewriter, loc, valType,
                               scalarConstant(rewriter, loc, elem, 0.0));
    Value initI = filledTensor(
        rewriter, loc, idxType,
        scalarConstant(rewriter, loc, rewriter.getI64Type(), -1.0));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valType, idxType}, ValueRange{op.getInput()},
        ValueRange{initV, initI},
        SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(rank), outMap,
                               outMap},
        iterators, [&](OpBuilder &b, Location l, ValueRange a) {
          Value x = a[0], accV = a[1], accI = a[2];
          Value j = indexAsI64(b, l, axis);
          Value zero = arith::ConstantIntOp::create(b, l, b.getI64Type(), 0);
          Value empty = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                              accI, zero);
          Value better =
              IsMax ? greater(b, l, x, accV) : greater(b, l, accV, x);
          // For arg_min a NaN must still win: `greater(acc, x)` says the
          // opposite when exactly one side is NaN.
          if (!IsMax && isa<FloatType>(elem)) {
            Value xNan =
                arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x);
            Value accNum = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::ORD, accV, accV);
            Value lt =
                arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x, accV);
            better = arith::OrIOp::create(
                b, l, lt, arith::AndIOp::create(b, l, xNan, accNum));
          }
          Value tie = arith::CmpIOp::create(b, l,
                                            last ? arith::CmpIPredicate::sgt
                                                 : arith::CmpIPredicate::slt,
                                            j, accI);
          Value take = arith::OrIOp::create(
              b, l, arith::OrIOp::create(b, l, empty, better),
              arith::AndIOp::create(b, l, same(b, l, x, accV), tie));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, take, x, accV),
                         arith::SelectOp::create(b, l, take, j, accI)});
        });
    Value result = generic.getResult(1);
    if (result.getType() != op.getType())
      result = reshapeTensor(rewriter, loc, result, op.getType());
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===- arg_top_k ---------------------------------------------------------===//

/// rank[p] = #{i along axis : x[i] ranks before x[p]} (before = better, or
/// equal at a lower index), a permutation of 0..n-1 per row; then output
/// position r takes the index whose rank is r.
struct ArgTopKToLinalg : OpRewritePattern<ArgTopKOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ArgTopKOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType in = op.getInput().getType();
    int64_t axis = op.getAxis(), rank = in.getRank();
    bool largest = op.getLargest();
    Type i64 = rewriter.getI64Type();
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value zero = scalarConstant(rewriter, loc, i64, 0.0);

    auto ranksType = RankedTensorType::get(in.getShape(), i64);
    auto ranks = linalg::GenericOp::create(
        rewriter, loc, TypeRange{ranksType},
        ValueRange{op.getInput(), op.getInput()},
        ValueRange{filledTensor(rewriter, loc, ranksType, zero)},
        SmallVector<AffineMap>{axisMap(ctx, rank + 1, rank, axis, rank),
                               axisMap(ctx, rank + 1, rank),
                               axisMap(ctx, rank + 1, rank)},
        iterators, [&](OpBuilder &b, Location l, ValueRange a) {
          Value other = a[0], self = a[1];
          Value beats =
              largest ? greater(b, l, other, self) : greater(b, l, self, other);
          Value earlier = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                                indexAsI64(b, l, rank),
                                                indexAsI64(b, l, axis));
          Value before = arith::OrIOp::create(
              b, l, beats,
              arith::AndIOp::create(b, l, same(b, l, other, self), earlier));
          Value one = arith::ExtUIOp::create(b, l, b.getI64Type(), before);
          linalg::YieldOp::create(
              b, l, arith::AddIOp::create(b, l, a[2], one).getResult());
        });

    auto outType = cast<RankedTensorType>(op.getType());
    auto picked = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType}, ValueRange{ranks.getResult(0)},
        ValueRange{filledTensor(rewriter, loc, outType, zero)},
        SmallVector<AffineMap>{axisMap(ctx, rank + 1, rank, axis, rank),
                               axisMap(ctx, rank + 1, rank)},
        iterators, [&](OpBuilder &b, Location l, ValueRange a) {
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                            a[0], indexAsI64(b, l, axis));
          linalg::YieldOp::create(
              b, l,
              arith::SelectOp::create(b, l, hit, indexAsI64(b, l, rank), a[1])
                  .getResult());
        });
    rewriter.replaceOp(op, picked.getResult(0));
    return success();
  }
};

//===- cumsum ------------------------------------------------------------===//

/// out[.., i, ..] += in[.., j, ..] for the j the flags select: a reduction
/// generic over an extra loop dim j (quadratic in the axis length).
struct CumSumToLinalg : OpRewritePattern<CumSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CumSumOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    Type elem = type.getElementType();
    int64_t axis = op.getAxis(), rank = type.getRank();
    arith::CmpIPredicate pred =
        op.getReverse() ? (op.getExclusive() ? arith::CmpIPredicate::sgt
                                             : arith::CmpIPredicate::sge)
                        : (op.getExclusive() ? arith::CmpIPredicate::slt
                                             : arith::CmpIPredicate::sle);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{op.getInput()},
        ValueRange{filledTensor(rewriter, loc, type,
                                scalarConstant(rewriter, loc, elem, 0.0))},
        SmallVector<AffineMap>{axisMap(ctx, rank + 1, rank, axis, rank),
                               axisMap(ctx, rank + 1, rank)},
        iterators, [&](OpBuilder &b, Location l, ValueRange a) {
          Value j = linalg::IndexOp::create(b, l, rank);
          Value i = linalg::IndexOp::create(b, l, axis);
          Value in = arith::CmpIOp::create(b, l, pred, j, i);
          Value x = arith::SelectOp::create(b, l, in, a[0],
                                            scalarConstant(b, l, elem, 0.0));
          linalg::YieldOp::create(b, l, addOf(b, l, a[1], x));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

//===- Gathers -----------------------------------------------------------===//

/// out[p] = data[p with coordinate axis = safe(indices[p])].
struct GatherElementsToGeneric : OpRewritePattern<GatherElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherElementsOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis(), rank = type.getRank();
    int64_t size = op.getData().getType().getDimSize(axis);
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, emptyTensor(rewriter, loc, type));
      return success();
    }
    Value data = op.getData();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{op.getIndices()},
        ValueRange{emptyTensor(rewriter, loc, type)},
        SmallVector<AffineMap>(2, rewriter.getMultiDimIdentityMap(rank)),
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange a) {
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d)
            coords.push_back(d == axis ? safeIndex(b, l, a[0], size)
                                       : linalg::IndexOp::create(b, l, d));
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, data, coords).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// out[b.., q.., s..] = data[b.., safe(indices[b.., q.., 0..m)), s..].
struct GatherNDToGeneric : OpRewritePattern<GatherNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherNDOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    RankedTensorType dataType = op.getData().getType();
    RankedTensorType idxType = op.getIndices().getType();
    int64_t rank = type.getRank(), q = idxType.getRank();
    int64_t m = idxType.getDimSize(q - 1);
    int64_t batch = op.getBatchDims();
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, emptyTensor(rewriter, loc, type));
      return success();
    }
    Value data = op.getData(), indices = op.getIndices();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{},
        ValueRange{emptyTensor(rewriter, loc, type)},
        SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(rank)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> at, coords;
          for (int64_t d = 0; d < q - 1; ++d)
            at.push_back(linalg::IndexOp::create(b, l, d));
          for (int64_t d = 0; d < batch; ++d)
            coords.push_back(at[d]);
          at.push_back(Value());
          for (int64_t k = 0; k < m; ++k) {
            at.back() = arith::ConstantIndexOp::create(b, l, k);
            Value raw = tensor::ExtractOp::create(b, l, indices, at);
            coords.push_back(
                safeIndex(b, l, raw, dataType.getDimSize(batch + k)));
          }
          for (int64_t d = q - 1; d < rank; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, data, coords).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

//===- Scatters ----------------------------------------------------------===//

Value combine(OpBuilder &b, Location l, ScatterReduction r, Value old,
              Value update) {
  bool isFloat = isa<FloatType>(old.getType());
  switch (r) {
  case ScatterReduction::None:
    return update;
  case ScatterReduction::Add:
    return addOf(b, l, old, update);
  case ScatterReduction::Mul:
    return isFloat ? arith::MulFOp::create(b, l, old, update).getResult()
                   : arith::MulIOp::create(b, l, old, update).getResult();
  case ScatterReduction::Max:
    return isFloat ? arith::MaximumFOp::create(b, l, old, update).getResult()
                   : arith::MaxSIOp::create(b, l, old, update).getResult();
  case ScatterReduction::Min:
    return isFloat ? arith::MinimumFOp::create(b, l, old, update).getResult()
                   : arith::MinSIOp::create(b, l, old, update).getResult();
  }
  llvm_unreachable("unknown scatter reduction");
}

using ScatterBody =
    function_ref<Value(OpBuilder &, Location, ValueRange ivs, Value acc)>;

/// An scf.for nest over `shape` threading one tensor, starting at `init`.
Value loopNest(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Value init,
               ScatterBody body) {
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t d : shape) {
    lbs.push_back(arith::ConstantIndexOp::create(b, loc, 0));
    ubs.push_back(arith::ConstantIndexOp::create(b, loc, d));
    steps.push_back(arith::ConstantIndexOp::create(b, loc, 1));
  }
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, ValueRange{init},
      [&](OpBuilder &nb, Location l, ValueRange ivs, ValueRange args) {
        return scf::ValueVector{body(nb, l, ivs, args[0])};
      });
  return nest.results.front();
}

/// acc[coords] = combine(acc[coords], update).
Value scatterOne(OpBuilder &b, Location l, ScatterReduction r, Value acc,
                 ValueRange coords, Value update) {
  if (r != ScatterReduction::None)
    update =
        combine(b, l, r, tensor::ExtractOp::create(b, l, acc, coords), update);
  return tensor::InsertOp::create(b, l, update, acc, coords);
}

struct ScatterElementsToLoops : OpRewritePattern<ScatterElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScatterElementsOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    RankedTensorType idxType = op.getIndices().getType();
    int64_t axis = op.getAxis();
    int64_t size = op.getData().getType().getDimSize(axis);
    ScatterReduction r = op.getReduction();
    Value indices = op.getIndices(), updates = op.getUpdates();
    if (idxType.getNumElements() == 0) {
      rewriter.replaceOp(op, op.getData());
      return success();
    }
    rewriter.replaceOp(
        op, loopNest(rewriter, op.getLoc(), idxType.getShape(), op.getData(),
                     [&](OpBuilder &b, Location l, ValueRange ivs, Value acc) {
                       Value raw =
                           tensor::ExtractOp::create(b, l, indices, ivs);
                       SmallVector<Value> coords(ivs);
                       coords[axis] = safeIndex(b, l, raw, size);
                       Value u = tensor::ExtractOp::create(b, l, updates, ivs);
                       return scatterOne(b, l, r, acc, coords, u);
                     }));
    return success();
  }
};

struct ScatterNDToLoops : OpRewritePattern<ScatterNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScatterNDOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    RankedTensorType dataType = op.getData().getType();
    RankedTensorType idxType = op.getIndices().getType();
    int64_t q = idxType.getRank(), m = idxType.getDimSize(q - 1);
    ScatterReduction r = op.getReduction();
    Value indices = op.getIndices(), updates = op.getUpdates();
    if (op.getUpdates().getType().getNumElements() == 0) {
      rewriter.replaceOp(op, op.getData());
      return success();
    }
    // Loop over the tuples, then over the slice each one addresses.
    SmallVector<int64_t> shape(idxType.getShape().drop_back());
    llvm::append_range(shape, dataType.getShape().drop_front(m));
    rewriter.replaceOp(
        op, loopNest(rewriter, op.getLoc(), shape, op.getData(),
                     [&](OpBuilder &b, Location l, ValueRange ivs, Value acc) {
                       SmallVector<Value> at(ivs.take_front(q - 1)), coords;
                       at.push_back(Value());
                       for (int64_t k = 0; k < m; ++k) {
                         at.back() = arith::ConstantIndexOp::create(b, l, k);
                         Value raw =
                             tensor::ExtractOp::create(b, l, indices, at);
                         coords.push_back(
                             safeIndex(b, l, raw, dataType.getDimSize(k)));
                       }
                       llvm::append_range(coords, ivs.drop_front(q - 1));
                       Value u = tensor::ExtractOp::create(b, l, updates, ivs);
                       return scatterOne(b, l, r, acc, coords, u);
                     }));
    return success();
  }
};

} // namespace

void mlir::kiln::populateKilnIndexingToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ArgReduceToLinalg<ArgMaxOp, true>,
               ArgReduceToLinalg<ArgMinOp, false>, ArgTopKToLinalg,
               CumSumToLinalg, GatherElementsToGeneric, GatherNDToGeneric,
               ScatterElementsToLoops, ScatterNDToLoops>(patterns.getContext());
}
