// IR-building helpers shared by the kiln->linalg pattern families.
#include "passes/conversion/KilnToLinalg/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::kiln;

LogicalResult kiln::requireStaticShapes(Operation *op,
                                        PatternRewriter &rewriter) {
  auto isStatic = [](Type t) {
    auto r = dyn_cast<RankedTensorType>(t);
    return r && r.hasStaticShape();
  };
  if (!llvm::all_of(op->getOperandTypes(), isStatic) ||
      !llvm::all_of(op->getResultTypes(), isStatic))
    return rewriter.notifyMatchFailure(op, "needs static shapes");
  return success();
}

Value kiln::floatConstant(OpBuilder &b, Location loc, Type type,
                          double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

Value kiln::scalarConstant(OpBuilder &b, Location loc, Type type,
                           double value) {
  if (isa<FloatType>(type))
    return floatConstant(b, loc, type, value);
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value kiln::lowestValue(OpBuilder &b, Location loc, Type type) {
  if (isa<FloatType>(type))
    return lowestFloat(b, loc, type);
  unsigned w = type.getIntOrFloatBitWidth();
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, w == 1 ? APInt(1, 0)
                                            : APInt::getSignedMinValue(w)));
}

Value kiln::highestValue(OpBuilder &b, Location loc, Type type) {
  if (auto ft = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(type, APFloat::getInf(ft.getFloatSemantics(), false)));
  unsigned w = type.getIntOrFloatBitWidth();
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, w == 1 ? APInt(1, 1)
                                            : APInt::getSignedMaxValue(w)));
}

Value kiln::lowestFloat(OpBuilder &b, Location loc, Type type) {
  auto ft = cast<FloatType>(type);
  APFloat lowest = APFloat::getInf(ft.getFloatSemantics(), /*Negative=*/true);
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, lowest));
}

Value kiln::emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value kiln::filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                         Value scalar) {
  Value empty = emptyTensor(b, loc, type);
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

AffineMap kiln::broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                             ArrayRef<int64_t> resultShape) {
  int64_t rank = resultShape.size();
  int64_t offset = rank - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, size] : llvm::enumerate(operandShape)) {
    int64_t dim = offset + i;
    if (size == 1 && resultShape[dim] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(dim, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value kiln::broadcastGeneric(OpBuilder &b, Location loc,
                             RankedTensorType resultType, ValueRange operands,
                             ScalarBody body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value v : operands)
    maps.push_back(broadcastMap(
        ctx, cast<RankedTensorType>(v.getType()).getShape(),
        resultType.getShape()));
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, operands,
      ValueRange{emptyTensor(b, loc, resultType)}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

Value kiln::channelGeneric(OpBuilder &b, Location loc,
                           RankedTensorType resultType, Value tensor,
                           ValueRange channelVectors, int64_t axis,
                           ScalarBody body) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps;
  SmallVector<Value> inputs;
  if (tensor) {
    maps.push_back(b.getMultiDimIdentityMap(rank));
    inputs.push_back(tensor);
  }
  for (Value v : channelVectors) {
    maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx)));
    inputs.push_back(v);
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs,
      ValueRange{emptyTensor(b, loc, resultType)}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args.drop_back()));
      });
  return generic.getResult(0);
}

Value kiln::padTensor(OpBuilder &b, Location loc, Value input,
                      ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                      Value padValue) {
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (auto [i, size] : llvm::enumerate(type.getShape()))
    shape.push_back(size + low[i] + high[i]);
  auto padded = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(b, loc, padded, input,
                               getAsIndexOpFoldResult(b.getContext(), low),
                               getAsIndexOpFoldResult(b.getContext(), high),
                               padValue);
}

Value kiln::reshapeTensor(OpBuilder &b, Location loc, Value input,
                          RankedTensorType resultType) {
  auto inType = cast<RankedTensorType>(input.getType());
  if (inType == resultType)
    return input;
  if (auto reassoc = getReassociationIndicesForReshape(inType, resultType)) {
    if (inType.getRank() > resultType.getRank())
      return tensor::CollapseShapeOp::create(b, loc, resultType, input,
                                             *reassoc);
    return tensor::ExpandShapeOp::create(b, loc, resultType, input, *reassoc);
  }
  // No single collapse/expand: go through the flat 1-D shape.
  auto flat = RankedTensorType::get({inType.getNumElements()},
                                    inType.getElementType());
  SmallVector<ReassociationIndices> all(1);
  for (int64_t i = 0; i < inType.getRank(); ++i)
    all[0].push_back(i);
  Value collapsed =
      inType.getRank() == 1
          ? input
          : tensor::CollapseShapeOp::create(b, loc, flat, input, all)
                .getResult();
  if (resultType.getRank() == 1)
    return collapsed;
  SmallVector<ReassociationIndices> expand(1);
  for (int64_t i = 0; i < resultType.getRank(); ++i)
    expand[0].push_back(i);
  if (resultType.getRank() == 0)
    expand.clear();
  return tensor::ExpandShapeOp::create(b, loc, resultType, collapsed, expand);
}
