// IR-building helpers shared by the kiln->linalg pattern families.
// All helpers expect statically shaped tensors (checked by the patterns).
#ifndef KILN_PASSES_CONVERSION_KILNTOLINALG_BUILDERS_H
#define KILN_PASSES_CONVERSION_KILNTOLINALG_BUILDERS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::kiln {

/// Fails the match unless every operand and result of `op` is a statically
/// shaped ranked tensor.
LogicalResult requireStaticShapes(Operation *op, PatternRewriter &rewriter);

/// A scalar float constant of `type`.
Value floatConstant(OpBuilder &b, Location loc, Type type, double value);
/// A scalar constant of an integer or float `type` (integers truncate).
Value scalarConstant(OpBuilder &b, Location loc, Type type, double value);
/// Identities of max / min reductions: -inf / +inf for floats, the signed
/// minimum / maximum for integers.
Value lowestValue(OpBuilder &b, Location loc, Type type);
Value highestValue(OpBuilder &b, Location loc, Type type);
/// The lowest finite value (for max reductions) of a float type.
Value lowestFloat(OpBuilder &b, Location loc, Type type);

/// tensor.empty of a static type, then linalg.fill with `value`.
Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type);
Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   Value scalar);

/// Indexing map reading `operand` broadcast (numpy rules) into the
/// iteration space of `resultShape`.
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> resultShape);

using ScalarBody =
    function_ref<Value(OpBuilder &, Location, ValueRange /*operand scalars*/)>;

/// A parallel linalg.generic computing `body` elementwise over operands that
/// broadcast to `resultType`.
Value broadcastGeneric(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange operands, ScalarBody body);

/// A generic that broadcasts 1-D `vector` along dimension `axis` of
/// `resultType` combined with `tensor` of resultType through `body`.
Value channelGeneric(OpBuilder &b, Location loc, RankedTensorType resultType,
                     Value tensor, ValueRange channelVectors, int64_t axis,
                     ScalarBody body);

/// tensor.pad with a constant value; returns `input` when all pads are 0.
Value padTensor(OpBuilder &b, Location loc, Value input,
                ArrayRef<int64_t> low, ArrayRef<int64_t> high, Value padValue);

/// Static reshape via collapse/expand where possible, else through 1-D.
Value reshapeTensor(OpBuilder &b, Location loc, Value input,
                    RankedTensorType resultType);

} // namespace mlir::kiln

#endif // KILN_PASSES_CONVERSION_KILNTOLINALG_BUILDERS_H
