// kiln-memory-pad-in-place: a tensor.pad whose source a loop nest computes
// (an scf.forall over a tensor.empty, seen through collapse_shapes) becomes
// a filled padded buffer whose interior that loop nest writes directly, so
// bufferization copies nothing. Assumes tensors, before
// one-shot bufferization.
#include "passes/memory/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMAttrs.h"
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

struct PadInPlacePass : mlir::kiln::impl::PadInPlaceBase<PadInPlacePass> {
  void runOnOperation() override {
    SmallVector<tensor::PadOp> pads;
    getOperation().walk([&](tensor::PadOp pad) { pads.push_back(pad); });
    for (tensor::PadOp pad : pads)
      rewrite(pad);
  }

  /// `buffer` with `value` in the slab [low, low + interior) along the
  /// dimensions before `d`, [offset, offset + width) along `d` and whole
  /// along those after it: scf.for loops over the dimensions before `d`
  /// (none: a plain fill) around the fill of one contiguous block, marked
  /// for LLVM not to unroll them.
  static Value fillSlab(OpBuilder &b, Location loc, Value buffer, Value value,
                        size_t d, int64_t offset, int64_t width,
                        ArrayRef<int64_t> low, ArrayRef<int64_t> interior,
                        ArrayRef<int64_t> padded) {
    SmallVector<OpFoldResult> offsets, sizes(d, b.getIndexAttr(1)),
        strides(padded.size(), b.getIndexAttr(1));
    for (size_t i = d; i < padded.size(); ++i)
      sizes.push_back(b.getIndexAttr(i == d ? width : padded[i]));
    auto fillBlock = [&](OpBuilder &b, Value into) {
      Value block = tensor::ExtractSliceOp::create(b, loc, into, offsets,
                                                   sizes, strides);
      block = linalg::FillOp::create(b, loc, value, block).getResult(0);
      return tensor::InsertSliceOp::create(b, loc, block, into, offsets,
                                           sizes, strides)
          .getResult();
    };
    if (d == 0) {
      for (size_t i = 0; i < padded.size(); ++i)
        offsets.push_back(b.getIndexAttr(i == 0 ? offset : 0));
      return fillBlock(b, buffer);
    }
    MLIRContext *ctx = b.getContext();
    auto noUnroll = LLVM::LoopAnnotationAttr::get(
        ctx, /*disableNonforced=*/nullptr, /*vectorize=*/nullptr,
        /*interleave=*/nullptr,
        LLVM::LoopUnrollAttr::get(ctx, /*disable=*/b.getBoolAttr(true), {},
                                  {}, {}, {}, {}, {}),
        {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});
    OpBuilder::InsertionGuard guard(b);
    Value result;
    SmallVector<scf::ForOp> loops;
    for (size_t i = 0; i < d; ++i) {
      Value lb = arith::ConstantIndexOp::create(b, loc, low[i]);
      Value ub = arith::ConstantIndexOp::create(b, loc, low[i] + interior[i]);
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      auto loop = scf::ForOp::create(
          b, loc, lb, ub, one,
          ValueRange{loops.empty() ? buffer : loops.back().getRegionIterArg(0)});
      loop->setAttr("llvm.loop_annotation", noUnroll);
      if (!loops.empty())
        scf::YieldOp::create(b, loc, loop.getResult(0));
      else
        result = loop.getResult(0);
      b.setInsertionPointToStart(loop.getBody());
      offsets.push_back(loop.getInductionVar());
      loops.push_back(loop);
    }
    for (size_t i = d; i < padded.size(); ++i)
      offsets.push_back(b.getIndexAttr(i == d ? offset : 0));
    scf::YieldOp::create(b, loc, fillBlock(b, loops.back().getRegionIterArg(0)));
    return result;
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
    // Only the border is filled: for each padded dimension d, the slabs
    // below and above the interior along d, interior along the dimensions
    // before d and whole along those after it (disjoint, and together the
    // border). A slab is filled by loops over the dimensions before d, one
    // contiguous block (a memset for zero padding) per iteration, which
    // LLVM is told not to unroll: unrolled, the thousands of short rows of
    // the left and right slabs become blocks its scheduler takes minutes
    // over (ResNet-50 at batch 8 compiled in 25 s instead of 6).
    ArrayRef<int64_t> padded = pad.getResultType().getShape();
    for (size_t d = 0; d < low.size(); ++d)
      for (bool below : {true, false})
        if (int64_t width = below ? low[d] : high[d])
          buffer = fillSlab(b, loc, buffer, value, d,
                            below ? 0 : low[d] + interior[d], width, low,
                            interior, padded);
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
