// kiln-cuda-tile-reductions: reductions along the innermost loop (softmax's
// max and sum, layer norm's mean and variance, ReduceSum/Mean/Max) as
// kernels where a warp or a block shares each output, combining partial
// results with warp shuffles.
#include "codegen/cuda/Passes.h"
#include "codegen/cuda/SelectStrategy.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDATILEREDUCTIONS
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

constexpr int64_t kWarp = kCudaWarp, kBlock = kCudaReductionBlock;

/// A reduction generic the pass takes: its body folds some value of the
/// inputs into the output with one associative, commutative op.
struct Reduction {
  linalg::GenericOp op;
  Operation *combiner; // the op that yields: combiner(x, out)
  unsigned accOperand; // which of the combiner's operands is `out`
  TypedAttr identity;  // combiner(identity, y) == y
  SmallVector<int64_t> parallel, reduced; // loop dims, in order
  int64_t outputs = 1, length = 1;        // their trip counts' products
  // The linalg.fill right before the op that gives the output its initial
  // value (softmax's -inf, a sum's 0): the kernel folds that value in
  // instead of reading the output, and the fill goes.
  linalg::FillOp fill;
};

/// The identity element of `combiner` on `type` (f32 or i32), or null.
TypedAttr identityOf(Operation *combiner, Type type) {
  Builder b(combiner->getContext());
  if (type.isF32()) {
    float inf = std::numeric_limits<float>::infinity();
    float nan = std::numeric_limits<float>::quiet_NaN();
    std::optional<float> v =
        llvm::TypeSwitch<Operation *, std::optional<float>>(combiner)
            .Case([](arith::AddFOp) { return -0.0f; })
            .Case([](arith::MulFOp) { return 1.0f; })
            .Case([&](arith::MaximumFOp) { return -inf; })
            .Case([&](arith::MinimumFOp) { return inf; })
            // maxnum/minnum ignore a NaN operand.
            .Case<arith::MaxNumFOp, arith::MinNumFOp>(
                [&](Operation *) { return nan; })
            .Default([](Operation *) { return std::nullopt; });
    if (!v)
      return {};
    return b.getF32FloatAttr(*v);
  }
  if (type.isInteger(32)) {
    std::optional<int64_t> v =
        llvm::TypeSwitch<Operation *, std::optional<int64_t>>(combiner)
            .Case<arith::AddIOp, arith::OrIOp, arith::XOrIOp, arith::MaxUIOp>(
                [](Operation *) { return 0; })
            .Case([](arith::MulIOp) { return 1; })
            .Case([](arith::AndIOp) { return -1; })
            .Case([](arith::MaxSIOp) { return INT32_MIN; })
            .Case([](arith::MinSIOp) { return INT32_MAX; })
            .Case([](arith::MinUIOp) { return -1; })
            .Default([](Operation *) { return std::nullopt; });
    if (!v)
      return {};
    return b.getI32IntegerAttr(*v);
  }
  return {};
}

/// `op` as a Reduction, if the pass takes it: buffers of static shape, one
/// f32 or i32 output, the innermost loop a reduction of at least a warp's
/// length along the first input's innermost dimension, and a body whose
/// only use of the output's old value is the combiner that it yields.
std::optional<Reduction> asReduction(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() == 0)
    return std::nullopt;
  for (Value v : op->getOperands())
    if (auto t = dyn_cast<MemRefType>(v.getType()); !t || !t.hasStaticShape())
      return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (iterators.back() != utils::IteratorType::reduction ||
      llvm::any_of(ranges, ShapedType::isDynamic))
    return std::nullopt;
  Reduction r;
  r.op = op;
  for (auto [d, it] : llvm::enumerate(iterators)) {
    (it == utils::IteratorType::reduction ? r.reduced : r.parallel)
        .push_back(d);
    (it == utils::IteratorType::reduction ? r.length : r.outputs) *= ranges[d];
  }
  if (r.length < kWarp || r.outputs == 0)
    return std::nullopt;
  // Lanes step along the innermost loop: the first input's innermost
  // dimension in memory, so a warp reads neighbouring elements.
  if (op.getNumDpsInputs() == 0)
    return std::nullopt;
  AffineMap first = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  if (first.getNumResults() == 0 ||
      first.getResults().back() !=
          getAffineDimExpr(ranges.size() - 1, op.getContext()))
    return std::nullopt;
  Block *body = op.getBody();
  BlockArgument out = body->getArguments().back();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  Operation *combiner = yield.getOperand(0).getDefiningOp();
  if (!combiner || combiner->getBlock() != body ||
      combiner->getNumOperands() != 2 || combiner->getNumResults() != 1 ||
      !out.hasOneUse() || out.getUses().begin()->getOwner() != combiner)
    return std::nullopt;
  // Folded in another order and from an identity: no flag may assume
  // anything about the values (nnan would make maxnumf's NaN identity
  // poison; nsw an integer sum that overflows on the way).
  if (auto fm = dyn_cast<arith::ArithFastMathInterface>(combiner);
      fm && (fm.getFastMathFlagsAttr().getValue() &
             ~arith::FastMathFlags::contract) != arith::FastMathFlags::none)
    return std::nullopt;
  if (auto ovf = dyn_cast<arith::ArithIntegerOverflowFlagsInterface>(combiner);
      ovf &&
      ovf.getOverflowAttr().getValue() != arith::IntegerOverflowFlags::none)
    return std::nullopt;
  // Each output is one warp's or block's: the output's map names every
  // parallel loop.
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  for (int64_t d : r.parallel)
    if (!outMap.getResultPosition(getAffineDimExpr(d, op.getContext())))
      return std::nullopt;
  r.combiner = combiner;
  r.accOperand = combiner->getOperand(0) == out ? 0 : 1;
  r.identity = identityOf(combiner, out.getType());
  if (!r.identity)
    return std::nullopt;
  // Scalar ops only (a linalg.index inside a region would not be mapped).
  for (Operation &o : body->without_terminator())
    if ((!isPure(&o) && !isa<linalg::IndexOp>(o)) || o.getNumRegions() != 0)
      return std::nullopt;
  return r;
}

/// Replaces `r.op` with its kernel.
void buildKernel(OpBuilder &b, const Reduction &r) {
  linalg::GenericOp op = r.op;
  Location loc = op.getLoc();
  auto c = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  int64_t lanes = selectReductionLanes(r.outputs, r.length);
  int64_t perBlock = kBlock / lanes;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  auto sizes = [&](ArrayRef<int64_t> dims) {
    return llvm::map_to_vector(dims, [&](int64_t d) { return ranges[d]; });
  };
  Type type = r.identity.getType();
  int64_t blocks = (r.outputs + perBlock - 1) / perBlock;
  auto launch = gpu::LaunchOp::create(b, loc, c(blocks), c(1), c(1), c(kBlock),
                                      c(1), c(1));
  Value partials;
  if (lanes > kWarp)
    partials = launch.addWorkgroupAttribution(
        MemRefType::get({kBlock / kWarp}, type, MemRefLayoutAttrInterface{},
                        gpu::AddressSpaceAttr::get(
                            b.getContext(), gpu::AddressSpace::Workgroup)),
        loc);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value t = launch.getThreadIds().x;
  Value lane = arith::RemUIOp::create(b, loc, t, c(lanes));
  Value output = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x, c(perBlock)),
      arith::DivUIOp::create(b, loc, t, c(lanes)));
  Value identity = arith::ConstantOp::create(b, loc, r.identity);
  Block *body = op.getBody();
  BlockArgument out = body->getArguments().back();
  // combiner(x, acc) with the body's operand order.
  auto combine = [&](Value x, Value acc) {
    IRMapping m;
    m.map(r.combiner->getOperand(1 - r.accOperand), x);
    m.map(r.combiner->getOperand(r.accOperand), acc);
    return b.clone(*r.combiner, m)->getResult(0);
  };
  // Partial results across the warp: after log2(32) butterfly steps every
  // lane holds the warp's.
  auto warpCombine = [&](Value acc) {
    for (int64_t offset = kWarp / 2; offset > 0; offset /= 2) {
      auto shuffle = gpu::ShuffleOp::create(
          b, loc, acc, static_cast<int32_t>(offset),
          static_cast<int32_t>(kWarp), gpu::ShuffleMode::XOR);
      acc = combine(shuffle.getShuffleResult(), acc);
    }
    return acc;
  };

  // A warp's outputs are all inside or all outside (perBlock outputs per
  // block): shuffles see whole warps.
  if (r.outputs % perBlock != 0) {
    auto inside = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, output,
                              c(r.outputs)),
        /*withElse=*/false);
    b.setInsertionPointToStart(inside.thenBlock());
  }
  SmallVector<Value> outer = delinearize(b, loc, output, sizes(r.parallel));
  // Each lane folds elements lane, lane + lanes, ... of the reduction.
  auto loop = scf::ForOp::create(b, loc, lane, c(r.length), c(lanes),
                                 ValueRange{identity});
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(loop.getBody());
    SmallVector<Value> inner =
        delinearize(b, loc, loop.getInductionVar(), sizes(r.reduced));
    SmallVector<Value> ivs(ranges.size());
    for (auto [d, v] : llvm::zip(r.parallel, outer))
      ivs[d] = v;
    for (auto [d, v] : llvm::zip(r.reduced, inner))
      ivs[d] = v;
    IRMapping m;
    for (OpOperand *in : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(in);
      SmallVector<Value> indices;
      for (unsigned k = 0; k < map.getNumResults(); ++k)
        indices.push_back(
            affine::AffineApplyOp::create(b, loc, map.getSubMap({k}), ivs));
      m.map(body->getArgument(in->getOperandNumber()),
            memref::LoadOp::create(b, loc, in->get(), indices));
    }
    m.map(out, loop.getRegionIterArgs()[0]);
    for (Operation &o : body->without_terminator()) {
      if (auto index = dyn_cast<linalg::IndexOp>(o))
        m.map(index.getResult(), ivs[index.getDim()]);
      else
        b.clone(o, m);
    }
    scf::YieldOp::create(b, loc,
                         m.lookup(body->getTerminator()->getOperand(0)));
  }
  Value acc = warpCombine(loop.getResult(0));
  Value isFirst =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, c(0));
  if (lanes > kWarp) {
    // The block's warps: each warp's first lane leaves its result in
    // workgroup memory; the first warp combines them.
    Value warp = arith::DivUIOp::create(b, loc, t, c(kWarp));
    auto leader = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                              arith::RemUIOp::create(b, loc, t, c(kWarp)),
                              c(0)),
        false);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(leader.thenBlock());
      memref::StoreOp::create(b, loc, acc, partials, ValueRange{warp});
    }
    gpu::BarrierOp::create(b, loc);
    auto first = scf::IfOp::create(
        b, loc, TypeRange{type},
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, t,
                              c(kBlock / kWarp)),
        true);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(first.thenBlock());
      scf::YieldOp::create(
          b, loc,
          memref::LoadOp::create(b, loc, partials, ValueRange{t}).getResult());
      b.setInsertionPointToStart(first.elseBlock());
      scf::YieldOp::create(b, loc, identity);
    }
    acc = warpCombine(first.getResult(0));
  }
  // The output's first lane folds the result into the output's value.
  auto writer = scf::IfOp::create(b, loc, isFirst, false);
  b.setInsertionPointToStart(writer.thenBlock());
  OpOperand *init = op.getDpsInitOperand(0);
  AffineMap outMap = op.getMatchingIndexingMap(init);
  SmallVector<Value> outIvs(ranges.size(), c(0));
  for (auto [d, v] : llvm::zip(r.parallel, outer))
    outIvs[d] = v;
  SmallVector<Value> indices;
  for (unsigned k = 0; k < outMap.getNumResults(); ++k)
    indices.push_back(
        affine::AffineApplyOp::create(b, loc, outMap.getSubMap({k}), outIvs));
  Value old =
      r.fill ? linalg::FillOp(r.fill).getInputs()[0]
             : memref::LoadOp::create(b, loc, init->get(), indices).getResult();
  memref::StoreOp::create(b, loc, combine(acc, old), init->get(), indices);
  b.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
}

struct CudaTileReductionsPass
    : kiln::impl::CudaTileReductionsBase<CudaTileReductionsPass> {
  void runOnOperation() override {
    SmallVector<Reduction> found;
    for (auto op : getOperation().getBody().getOps<linalg::GenericOp>())
      if (std::optional<Reduction> r = asReduction(op))
        found.push_back(*r);
    for (Reduction &r : found) {
      // The fill of exactly the output, if nothing the op reads is in it.
      auto fill = dyn_cast_or_null<linalg::FillOp>(
          effectfulNeighbour(r.op, /*after=*/false));
      Value out = r.op.getDpsInits()[0];
      // ... and the kernel writes every element of it (one per output).
      AffineMap outMap = r.op.getMatchingIndexingMap(r.op.getDpsInitOperand(0));
      if (fill && fill.hasPureBufferSemantics() &&
          outMap.isProjectedPermutation(/*allowZeroInResults=*/false) &&
          cast<MemRefType>(out.getType()).getNumElements() == r.outputs &&
          fill.getInputs()[0].getType() ==
              cast<MemRefType>(out.getType()).getElementType() &&
          sameElements(fill.getOutputs()[0], out) &&
          llvm::none_of(r.op.getDpsInputs(),
                        [&](Value in) { return mayOverlap(in, out); }))
        r.fill = fill;
      OpBuilder b(r.op);
      buildKernel(b, r);
      r.op->erase();
      if (r.fill)
        r.fill->erase();
    }
  }
};

} // namespace
