// kiln-cuda-narrow-activations: with --precision=fp16|bf16, the tensors
// GPU kernels hand each other are stored in that type: the elementwise
// kernel that produces one rounds its result as it stores it, and the
// kernels that read it extend it back to f32 as they load it. Half the
// bytes of every activation written and read; the tensor-core GEMMs then
// stage their first operand as it is (asynchronous copies) instead of
// rounding it on the way.
#include "codegen/cuda/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <limits>

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDANARROWACTIVATIONS
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// Named ops whose bodies (their region builders) read an input of
/// another float type than their output's by extending it: their inputs
/// may be narrowed. (Copies, transposes and broadcasts need one type.)
bool readsMixedTypes(Operation *op) {
  return isa<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::Conv2DNhwcHwcfOp,
             linalg::DepthwiseConv2DNhwcHwcOp, linalg::PoolingNhwcSumOp,
             linalg::PoolingNhwcMaxOp>(op);
}

/// An elementwise kernel whose f32 result can be stored narrowed: a
/// top-level all-parallel generic on statically shaped tensors with one
/// output whose old value its body does not read.
bool isNarrowableProducer(linalg::GenericOp g, func::FuncOp func) {
  if (g->getParentOp() != func.getOperation() ||
      !g.hasPureTensorSemantics() || g->getNumResults() != 1 ||
      g.getNumDpsInits() != 1 || !isStaticF32(g->getResult(0).getType()) ||
      g.getNumParallelLoops() != g.getNumLoops() ||
      !g.getBody()->getArguments().back().use_empty())
    return false;
  // Integers as floats (positions, indices) stay exact: fp16 holds them
  // only up to 2048, bf16 up to 256.
  Value yielded = g.getBody()->getTerminator()->getOperand(0);
  return !yielded.getDefiningOp<arith::SIToFPOp>() &&
         !yielded.getDefiningOp<arith::UIToFPOp>();
}

/// Whether a generic's body uses its argument `arg` only as a number
/// (arithmetic, math, selects): not converted to an integer, bit-cast or
/// compared for equality, where the rounding would change more than the
/// value's last bits.
bool readsAsNumber(BlockArgument arg) {
  return llvm::none_of(arg.getUsers(), [](Operation *user) {
    return isa<arith::FPToSIOp, arith::FPToUIOp, arith::BitcastOp,
               arith::CmpFOp>(user);
  });
}

/// A tensor.pad whose padding is a float constant.
std::optional<APFloat> constantPadding(tensor::PadOp pad) {
  Value v = pad.getConstantPaddingValue();
  FloatAttr f;
  if (!v || !matchPattern(v, m_Constant(&f)))
    return std::nullopt;
  return f.getValue();
}

/// What narrowing one tensor changes: the views on the way (reshapes,
/// slices, constant pads, in use order) and the op inputs that read it.
struct Edge {
  linalg::GenericOp producer;
  SmallVector<Operation *> views;
  SmallVector<OpOperand *> reads;
};

/// Collects into `edge` every use of `v` if each one may read it narrowed:
/// an input of a generic or of a named op that reads mixed types, directly
/// or through views. False if any other use (a model output, an
/// accumulator, a scalar extract ...) needs f32.
bool collectUses(Value v, Edge &edge) {
  for (OpOperand &use : v.getUses()) {
    Operation *user = use.getOwner();
    if (auto l = dyn_cast<linalg::LinalgOp>(user)) {
      if (!l.isDpsInput(&use) ||
          !(isa<linalg::GenericOp>(user) || readsMixedTypes(user)))
        return false;
      if (auto g = dyn_cast<linalg::GenericOp>(user);
          g && !readsAsNumber(g.getMatchingBlockArgument(&use)))
        return false;
      edge.reads.push_back(&use);
      continue;
    }
    if (auto pad = dyn_cast<tensor::PadOp>(user)) {
      if (use.getOperandNumber() != 0 || !constantPadding(pad))
        return false;
    } else if (!isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp,
                    tensor::ExtractSliceOp>(user)) {
      return false;
    }
    edge.views.push_back(user);
    if (!collectUses(user->getResult(0), edge))
      return false;
  }
  return true;
}

Type withElement(Type t, Type elem) {
  return cast<RankedTensorType>(t).clone(elem);
}

/// `op` (a named op reading mixed types) rebuilt for its operands' current
/// types: its region builder extends the narrowed inputs.
void rebuildNamed(linalg::LinalgOp op) {
  Location loc = op.getLoc();
  OperationState state(loc, op->getName());
  state.addOperands(op->getOperands());
  state.addAttributes(op->getAttrs());
  state.addTypes(op->getResultTypes());
  Region *region = state.addRegion();
  Block *block = new Block();
  region->push_back(block);
  for (Value v : op->getOperands())
    block->addArgument(getElementTypeOrSelf(v.getType()), loc);
  ImplicitLocOpBuilder ib(loc, op.getContext());
  ib.setInsertionPointToStart(block);
  op.getRegionBuilder()(ib, *block, op->getAttrs(),
                        [&] { return op->emitError(); });
  OpBuilder b(op);
  Operation *rebuilt = b.create(state);
  op->replaceAllUsesWith(rebuilt);
  op->erase();
}

struct CudaNarrowActivationsPass
    : kiln::impl::CudaNarrowActivationsBase<CudaNarrowActivationsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (failed(verifyCudaPrecision(getOperation(), precision)))
      return signalPassFailure();
    Type elem = cudaNarrowType(&getContext(), precision);
    if (!elem)
      return;
    func::FuncOp func = getOperation();
    Builder types(&getContext());
    // A contraction whose result only named ops read (a projection
    // convolution feeding the next convolution): an identity generic after
    // it, which the loop below narrows and kiln-cuda-mark-epilogues makes
    // its epilogue, so its kernel stores the narrow result itself.
    SmallVector<linalg::LinalgOp> contractions;
    func.walk([&](linalg::LinalgOp op) {
      if (op->getParentOp() == func.getOperation() &&
          op.hasPureTensorSemantics() && op->getNumResults() == 1 &&
          isStaticF32(op->getResult(0).getType()) &&
          !isa<linalg::GenericOp>(op.getOperation()) &&
          (isCudaGemm(op) ||
           isa<linalg::DepthwiseConv2DNhwcHwcOp>(op.getOperation())))
        contractions.push_back(op);
    });
    for (linalg::LinalgOp op : contractions) {
      Value result = op->getResult(0);
      Edge probe;
      if (!collectUses(result, probe) || probe.reads.empty() ||
          llvm::any_of(probe.reads, [](OpOperand *read) {
            return isa<linalg::GenericOp>(read->getOwner());
          }))
        continue;
      OpBuilder b(op);
      b.setInsertionPointAfter(op);
      auto type = cast<RankedTensorType>(result.getType());
      Value empty = tensor::EmptyOp::create(b, op.getLoc(), type.getShape(),
                                            type.getElementType());
      AffineMap id = b.getMultiDimIdentityMap(type.getRank());
      auto copy = linalg::GenericOp::create(
          b, op.getLoc(), TypeRange{type}, ValueRange{result},
          ValueRange{empty}, ArrayRef<AffineMap>{id, id},
          SmallVector<utils::IteratorType>(type.getRank(),
                                           utils::IteratorType::parallel),
          [](OpBuilder &nb, Location l, ValueRange args) {
            linalg::YieldOp::create(nb, l, args[0]);
          });
      result.replaceAllUsesExcept(copy->getResult(0), copy);
    }
    SmallVector<Edge> edges;
    func.walk([&](linalg::GenericOp g) {
      if (!isNarrowableProducer(g, func))
        return;
      Edge edge{g, {}, {}};
      if (collectUses(g->getResult(0), edge) && !edge.reads.empty())
        edges.push_back(std::move(edge));
    });
    llvm::SetVector<Operation *> named;
    for (Edge &edge : edges) {
      linalg::GenericOp p = edge.producer;
      Location loc = p.getLoc();
      // The producer stores its result rounded into a narrow tensor.
      OpBuilder b(p);
      auto type = cast<RankedTensorType>(p->getResult(0).getType());
      Value empty = tensor::EmptyOp::create(b, loc, type.getShape(), elem);
      p.getDpsInitsMutable()[0].set(empty);
      p.getBody()->getArguments().back().setType(elem);
      auto yield = cast<linalg::YieldOp>(p.getBody()->getTerminator());
      OpBuilder at(yield);
      Value v = yield->getOperand(0);
      if (elem.isF16()) {
        // Finite values beyond fp16's range (a mask's -3.4e38) saturate
        // at +-65504 instead of becoming infinities; infinities and NaN
        // stay.
        Value limit = arith::ConstantOp::create(
            at, loc, at.getF32FloatAttr(65504.0f));
        Value negLimit = arith::ConstantOp::create(
            at, loc, at.getF32FloatAttr(-65504.0f));
        Value inf = arith::ConstantOp::create(
            at, loc,
            at.getF32FloatAttr(std::numeric_limits<float>::infinity()));
        Value clamped = arith::MinimumFOp::create(
            at, loc, arith::MaximumFOp::create(at, loc, v, negLimit), limit);
        Value isInf = arith::CmpFOp::create(
            at, loc, arith::CmpFPredicate::OEQ,
            math::AbsFOp::create(at, loc, v), inf);
        v = arith::SelectOp::create(at, loc, isInf, v, clamped);
      }
      yield->setOperand(0, arith::TruncFOp::create(at, loc, elem, v));
      p->getResult(0).setType(withElement(type, elem));
      // Views keep their shapes; a pad pads with the rounded constant.
      for (Operation *view : edge.views) {
        Value r = view->getResult(0);
        r.setType(withElement(r.getType(), elem));
        if (auto pad = dyn_cast<tensor::PadOp>(view)) {
          APFloat value = *constantPadding(pad);
          bool lost;
          value.convert(cast<FloatType>(elem).getFloatSemantics(),
                        APFloat::rmNearestTiesToEven, &lost);
          auto padYield =
              cast<tensor::YieldOp>(pad.getRegion().front().getTerminator());
          OpBuilder pb(padYield);
          padYield->setOperand(
              0, arith::ConstantOp::create(pb, pad.getLoc(),
                                           FloatAttr::get(elem, value)));
        }
      }
      // Readers extend it as they load it.
      for (OpOperand *read : edge.reads) {
        Operation *user = read->getOwner();
        auto g = dyn_cast<linalg::GenericOp>(user);
        if (!g) {
          named.insert(user);
          continue;
        }
        BlockArgument arg = g.getMatchingBlockArgument(read);
        arg.setType(elem);
        OpBuilder start = OpBuilder::atBlockBegin(g.getBody());
        Value wide =
            arith::ExtFOp::create(start, loc, types.getF32Type(), arg);
        arg.replaceAllUsesExcept(wide, wide.getDefiningOp());
      }
    }
    for (Operation *op : named)
      rebuildNamed(cast<linalg::LinalgOp>(op));
  }
};

} // namespace
