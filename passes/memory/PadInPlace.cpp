// kiln-memory-pad-in-place: a tensor.pad whose source a loop nest computes
// (an scf.forall over a tensor.empty, seen through collapse_shapes) becomes
// a padded buffer whose border is filled and whose interior that loop nest
// writes directly, so bufferization copies nothing. Assumes tensors, before
// one-shot bufferization.
#include "passes/memory/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

#define DEBUG_TYPE "kiln-memory-pad-in-place"

namespace mlir::kiln {
#define GEN_PASS_DEF_PADINPLACE
#include "passes/memory/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// The loop nest computing a pad's source, and the collapse_shapes between
/// them (nearest the pad first).
struct Producer {
  scf::ForallOp loop;
  OpOperand *init = nullptr; // the shared_outs operand, a tensor.empty
  SmallVector<tensor::CollapseShapeOp> reshapes;
};

std::optional<Producer> producerOf(tensor::PadOp pad) {
  Producer p;
  Value v = pad.getSource();
  while (auto collapse = v.getDefiningOp<tensor::CollapseShapeOp>()) {
    if (!v.hasOneUse())
      return std::nullopt;
    p.reshapes.push_back(collapse);
    v = collapse.getSrc();
  }
  auto result = dyn_cast<OpResult>(v);
  p.loop = result ? dyn_cast<scf::ForallOp>(result.getOwner()) : nullptr;
  if (!p.loop || !v.hasOneUse())
    return std::nullopt;
  p.init = &p.loop.getOutputsMutable()[result.getResultNumber()];
  if (!p.init->get().getDefiningOp<tensor::EmptyOp>())
    return std::nullopt;
  return p;
}

SmallVector<OpFoldResult> fold(OpBuilder &b, ArrayRef<int64_t> values) {
  return getAsIndexOpFoldResult(b.getContext(), values);
}

/// Fills the border of `buffer` (the pad's result shape) with `value`: per
/// padded dimension, the slab before the interior and the one after it,
/// each spanning every other dimension whole.
Value fillBorder(OpBuilder &b, Location loc, Value buffer, Value value,
                 ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                 ArrayRef<int64_t> interior) {
  auto type = cast<RankedTensorType>(buffer.getType());
  int64_t rank = type.getRank();
  for (int64_t d = 0; d < rank; ++d) {
    for (auto [offset, size] : {std::pair(int64_t(0), low[d]),
                                std::pair(low[d] + interior[d], high[d])}) {
      if (size == 0)
        continue;
      SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape());
      offsets[d] = offset;
      sizes[d] = size;
      SmallVector<int64_t> strides(rank, 1);
      Value slab = tensor::ExtractSliceOp::create(
          b, loc, buffer, fold(b, offsets), fold(b, sizes), fold(b, strides));
      Value filled = linalg::FillOp::create(b, loc, value, slab).getResult(0);
      buffer = tensor::InsertSliceOp::create(b, loc, filled, buffer,
                                             fold(b, offsets), fold(b, sizes),
                                             fold(b, strides));
    }
  }
  return buffer;
}

struct PadInPlacePass : mlir::kiln::impl::PadInPlaceBase<PadInPlacePass> {
  void runOnOperation() override {
    SmallVector<tensor::PadOp> pads;
    getOperation().walk([&](tensor::PadOp pad) { pads.push_back(pad); });
    for (tensor::PadOp pad : pads)
      rewrite(pad);
  }

  void rewrite(tensor::PadOp pad) {
    TypedAttr padValue;
    Value constant = pad.getConstantPaddingValue();
    if (!constant || !matchPattern(constant, m_Constant(&padValue)) ||
        !pad.getResultType().hasStaticShape() ||
        !pad.getSourceType().hasStaticShape() || pad.getNofold())
      return;
    std::optional<Producer> producer = producerOf(pad);
    if (!producer)
      return;
    SmallVector<int64_t> low(pad.getStaticLow()), high(pad.getStaticHigh());
    if (ShapedType::isDynamicShape(low) || ShapedType::isDynamicShape(high) ||
        llvm::any_of(llvm::concat<int64_t>(low, high),
                     [](int64_t p) { return p < 0; }))
      return;

    // Before the loop: the padded buffer with its border filled, and its
    // interior as the loop's destination (the collapse_shapes undone by
    // expand_shapes, which only split dimensions of that view).
    OpBuilder b(producer->loop);
    Location loc = pad.getLoc();
    ArrayRef<int64_t> interior = pad.getSourceType().getShape();
    Value value = arith::ConstantOp::create(b, loc, padValue);
    Value buffer =
        tensor::EmptyOp::create(b, loc, pad.getResultType().getShape(),
                                pad.getResultType().getElementType());
    buffer = fillBorder(b, loc, buffer, value, low, high, interior);
    SmallVector<int64_t> ones(low.size(), 1);
    Value view = tensor::ExtractSliceOp::create(
        b, loc, buffer, fold(b, low), fold(b, interior), fold(b, ones));
    for (tensor::CollapseShapeOp collapse : producer->reshapes)
      view = tensor::ExpandShapeOp::create(b, loc, collapse.getSrcType(), view,
                                           collapse.getReassociationIndices());
    Operation *empty = producer->init->get().getDefiningOp();
    producer->init->set(view);
    if (empty->use_empty())
      empty->erase();

    // The pad itself is the interior put back into the buffer: a slice
    // onto itself once bufferized, which folds away.
    b.setInsertionPoint(pad);
    Value result = tensor::InsertSliceOp::create(
        b, loc, pad.getSource(), buffer, fold(b, low), fold(b, interior),
        fold(b, ones));
    pad.replaceAllUsesWith(result);
    pad.erase();
  }
};

} // namespace
