// kiln-cuda-mark-epilogues: on tensors, each GPU contraction whose result
// only feeds an elementwise op is marked to compute that op in its kernel's
// store (and the bias or fill that initializes its output to be read there
// instead of written first); the ops are moved next to each other so they
// stay adjacent after bufferization, where kiln-cuda-tile-contractions
// fuses them.
#include "codegen/cuda/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDAMARKEPILOGUES
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

bool isReshape(Operation *op) {
  return isa_and_nonnull<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(op);
}

} // namespace

std::optional<mlir::kiln::CudaGemmDims>
mlir::kiln::getCudaGemmDims(linalg::GenericOp op) {
  // A multiply-accumulate of two inputs into one output ...
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  Block *body = op.getBody();
  // (An input kiln-cuda-narrow-activations narrowed is extended first: the
  // kernels load it as f32 or stage it as it is.)
  if (!llvm::all_of(body->without_terminator(), [](Operation &o) {
        if (auto ext = dyn_cast<arith::ExtFOp>(o))
          return isa<BlockArgument>(ext.getIn()) && ext.getType().isF32();
        return isa<arith::MulFOp, arith::AddFOp>(o);
      }))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  // ... over one row, one column and one reduction dimension (and at most
  // one batch dimension), every map a projected permutation ...
  if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
      dims->k.size() != 1 || dims->batch.size() > 1 ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isProjectedPermutation(); }))
    return std::nullopt;
  CudaGemmDims d{dims->batch.empty() ? -1 : int64_t(dims->batch[0]),
                 int64_t(dims->m[0]), int64_t(dims->n[0]), int64_t(dims->k[0])};
  if (op.getNumLoops() != (d.batch >= 0 ? 4u : 3u))
    return std::nullopt;
  // The first input on (batch, row, reduction) only, the second on
  // (batch, reduction, column) only.
  auto only = [&](OpOperand *operand, int64_t x, int64_t y) {
    AffineMap map = op.getMatchingIndexingMap(operand);
    for (unsigned i = 0; i < map.getNumResults(); ++i) {
      int64_t dim = map.getDimPosition(i);
      if (dim != x && dim != y && dim != d.batch)
        return false;
    }
    return true;
  };
  if (!only(op.getDpsInputOperand(0), d.m, d.k) ||
      !only(op.getDpsInputOperand(1), d.k, d.n))
    return std::nullopt;
  // ... whose output is (batch, row, column) in that order.
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  SmallVector<int64_t> order;
  if (d.batch >= 0)
    order.push_back(d.batch);
  order.append({d.m, d.n});
  if (out.getNumResults() != order.size())
    return std::nullopt;
  for (auto [i, dim] : llvm::enumerate(order))
    if (out.getDimPosition(i) != dim)
      return std::nullopt;
  return d;
}

bool mlir::kiln::isCudaGemm(linalg::LinalgOp op) {
  MLIRContext *ctx = op.getContext();
  if (auto g = dyn_cast<linalg::GenericOp>(op.getOperation()))
    return getCudaGemmDims(g).has_value();
  if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation()))
    return mm.getIndexingMapsArray() ==
           linalg::MatmulOp::getDefaultIndexingMaps(ctx);
  if (auto bmm = dyn_cast<linalg::BatchMatmulOp>(op.getOperation()))
    return bmm.getIndexingMapsArray() ==
           linalg::BatchMatmulOp::getDefaultIndexingMaps(ctx);
  return isa<linalg::Conv2DNhwcHwcfOp>(op.getOperation());
}

bool mlir::kiln::isCudaEpilogue(linalg::GenericOp g) {
  if (g.getNumDpsInits() != 1 || g.getNumParallelLoops() != g.getNumLoops() ||
      !llvm::all_of(g.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return false;
  Block *body = g.getBody();
  // The output's old value unused; only scalar computations.
  if (!body->getArguments().back().use_empty())
    return false;
  return llvm::all_of(body->without_terminator(), [](Operation &op) {
    return isPure(&op) && !isa<linalg::IndexOp>(op) && op.getNumRegions() == 0;
  });
}

bool mlir::kiln::isCudaPrefill(Operation *op) {
  if (isa_and_nonnull<linalg::FillOp>(op))
    return true;
  auto g = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!g || g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops())
    return false;
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  unsigned rank = g.getNumLoops();
  auto last =
      AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, g.getContext()));
  auto yield = cast<linalg::YieldOp>(g.getBody()->getTerminator());
  return maps[0] == last && maps[1].isIdentity() &&
         yield.getOperand(0) == g.getBody()->getArgument(0);
}

namespace {

struct CudaMarkEpiloguesPass
    : kiln::impl::CudaMarkEpiloguesBase<CudaMarkEpiloguesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<linalg::LinalgOp> gemms;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && op->getParentOp() == func &&
          op->getNumResults() == 1 && isStaticF32(op->getResult(0).getType()) &&
          hasCudaGemmTypes(op) &&
          (isCudaGemm(op) ||
           isa<linalg::DepthwiseConv2DNhwcHwcOp>(op.getOperation())))
        gemms.push_back(op);
    });
    for (linalg::LinalgOp gemm : gemms) {
      // Result -> single-use reshapes -> an elementwise op's input.
      SmallVector<Operation *> reshapes;
      Value r = gemm->getResult(0);
      while (r.hasOneUse() && isReshape(*r.getUsers().begin())) {
        reshapes.push_back(*r.getUsers().begin());
        r = reshapes.back()->getResult(0);
      }
      linalg::GenericOp g;
      if (r.hasOneUse()) {
        OpOperand &use = *r.getUses().begin();
        g = dyn_cast<linalg::GenericOp>(use.getOwner());
        if (g && (g->getBlock() != gemm->getBlock() ||
                  g->hasAttr(kCudaEpilogueAttr) || !isCudaEpilogue(g) ||
                  !g.isDpsInput(&use) ||
                  !llvm::all_of(g->getOperandTypes(), isStaticFloat)))
          g = nullptr;
      }
      if (g) {
        g->setAttr(kCudaEpilogueAttr, UnitAttr::get(&getContext()));
        gemm->setAttr(kCudaFusedOutputAttr, UnitAttr::get(&getContext()));
        // Its other operands are ready by then: the GEMM runs right before.
        gemm->moveBefore(g);
        for (Operation *reshape : reshapes)
          reshape->moveBefore(g);
      }
      // The output's initial value: a single-use fill or bias broadcast
      // (through reshapes), moved right before the GEMM (with or without
      // an epilogue).
      SmallVector<Operation *> initReshapes;
      Value init = gemm.getDpsInits()[0];
      Operation *def = init.getDefiningOp();
      OpOperand *use = &gemm.getDpsInitsMutable()[0];
      while (isReshape(def) && def->getResult(0).hasOneUse()) {
        initReshapes.push_back(def);
        use = &def->getOpOperand(0);
        def = def->getOperand(0).getDefiningOp();
      }
      // A fill other ops share (CSE merges equal fills, e.g. the zeros of
      // every matmul of a transformer layer): a fill of its own, which the
      // kernel computes, instead of a copy of the shared one into its
      // output after bufferization.
      if (auto fill = dyn_cast_or_null<linalg::FillOp>(def);
          fill && fill->getBlock() == gemm->getBlock() &&
          !fill->getResult(0).hasOneUse()) {
        OpBuilder b(gemm);
        def = b.clone(*fill);
        use->set(def->getResult(0));
      }
      if (def && isCudaPrefill(def) && def->getResult(0).hasOneUse() &&
          def->getBlock() == gemm->getBlock()) {
        def->setAttr(kCudaPrefillAttr, UnitAttr::get(&getContext()));
        gemm->setAttr(kCudaFusedOutputAttr, UnitAttr::get(&getContext()));
        def->moveBefore(gemm);
        for (Operation *reshape : llvm::reverse(initReshapes))
          reshape->moveBefore(gemm);
      }
    }
  }
};

} // namespace
