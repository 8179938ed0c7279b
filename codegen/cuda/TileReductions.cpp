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

/// combiner(x, acc) of `r`, with the body's operand order.
Value combineWith(OpBuilder &b, const Reduction &r, Value x, Value acc) {
  IRMapping m;
  m.map(r.combiner->getOperand(1 - r.accOperand), x);
  m.map(r.combiner->getOperand(r.accOperand), acc);
  return b.clone(*r.combiner, m)->getResult(0);
}

/// `acc`, each lane's partial result of `r`, combined across the `lanes`
/// threads sharing an output: a warp by shuffle butterflies (after which
/// every lane holds the warp's), a block's warps also through `partials`
/// (workgroup memory, kBlock / kWarp elements, one more with `broadcast`)
/// behind a barrier. With a block the first warp gets the result, or with
/// `broadcast` every thread (one more barrier).
Value combineLanes(OpBuilder &b, Location loc, const Reduction &r, Value acc,
                   int64_t lanes, Value t, Value partials, bool broadcast) {
  auto c = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto warpCombine = [&](Value v) {
    for (int64_t offset = kWarp / 2; offset > 0; offset /= 2) {
      auto shuffle = gpu::ShuffleOp::create(
          b, loc, v, static_cast<int32_t>(offset),
          static_cast<int32_t>(kWarp), gpu::ShuffleMode::XOR);
      v = combineWith(b, r, shuffle.getShuffleResult(), v);
    }
    return v;
  };
  acc = warpCombine(acc);
  if (lanes <= kWarp)
    return acc;
  // The block's warps: each warp's first lane leaves its result in
  // workgroup memory; the first warp combines them.
  Value warp = arith::DivUIOp::create(b, loc, t, c(kWarp));
  auto leader = scf::IfOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                            arith::RemUIOp::create(b, loc, t, c(kWarp)), c(0)),
      false);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(leader.thenBlock());
    memref::StoreOp::create(b, loc, acc, partials, ValueRange{warp});
  }
  gpu::BarrierOp::create(b, loc);
  Type type = acc.getType();
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
    scf::YieldOp::create(
        b, loc, arith::ConstantOp::create(b, loc, r.identity).getResult());
  }
  acc = warpCombine(first.getResult(0));
  if (!broadcast)
    return acc;
  // Thread 0 leaves the result after the partials for every thread.
  auto zero = scf::IfOp::create(
      b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, t, c(0)),
      false);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(zero.thenBlock());
    memref::StoreOp::create(b, loc, acc, partials,
                            ValueRange{c(kBlock / kWarp)});
  }
  gpu::BarrierOp::create(b, loc);
  return memref::LoadOp::create(b, loc, partials,
                                ValueRange{c(kBlock / kWarp)});
}

/// The element of `operand` (its map applied to the loop values `ivs`).
Value loadAt(OpBuilder &b, Location loc, linalg::GenericOp op,
             OpOperand *operand, ArrayRef<Value> ivs) {
  AffineMap map = op.getMatchingIndexingMap(operand);
  SmallVector<Value> indices;
  for (unsigned k = 0; k < map.getNumResults(); ++k)
    indices.push_back(
        affine::AffineApplyOp::create(b, loc, map.getSubMap({k}), ivs));
  return memref::LoadOp::create(b, loc, operand->get(), indices);
}

/// A kernel of 256-thread blocks where `lanes` threads (a warp or the
/// block) share each of `count` outputs: the launch, with the builder at
/// the start of its body (the caller keeps an InsertionGuard), inside
/// a guard that leaves out the warps past the last output (a warp's
/// outputs are all inside or all outside: shuffles see whole warps).
struct LaneKernel {
  gpu::LaunchOp launch;
  Value t, lane, output; // thread, lane in its output's group, output
};
LaneKernel buildLaneKernel(OpBuilder &b, Location loc, int64_t count,
                           int64_t lanes) {
  auto c = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  int64_t perBlock = kBlock / lanes;
  LaneKernel k;
  k.launch = gpu::LaunchOp::create(b, loc, c((count + perBlock - 1) / perBlock),
                                   c(1), c(1), c(kBlock), c(1), c(1));
  b.setInsertionPointToStart(&k.launch.getBody().front());
  k.t = k.launch.getThreadIds().x;
  k.lane = arith::RemUIOp::create(b, loc, k.t, c(lanes));
  k.output = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, k.launch.getBlockIds().x, c(perBlock)),
      arith::DivUIOp::create(b, loc, k.t, c(lanes)));
  if (count % perBlock != 0) {
    auto inside = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, k.output,
                              c(count)),
        /*withElse=*/false);
    b.setInsertionPointToStart(inside.thenBlock());
  }
  return k;
}

/// Workgroup memory of `n` elements of `type` for `launch`.
Value workgroupBuffer(gpu::LaunchOp launch, int64_t n, Type type) {
  return launch.addWorkgroupAttribution(
      MemRefType::get({n}, type, MemRefLayoutAttrInterface{},
                      gpu::AddressSpaceAttr::get(type.getContext(),
                                                 gpu::AddressSpace::Workgroup)),
      launch.getLoc());
}

/// Replaces `r.op` with its kernel.
void buildKernel(OpBuilder &b, const Reduction &r) {
  linalg::GenericOp op = r.op;
  Location loc = op.getLoc();
  auto c = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  int64_t lanes = selectReductionLanes(r.outputs, r.length);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  auto sizes = [&](ArrayRef<int64_t> dims) {
    return llvm::map_to_vector(dims, [&](int64_t d) { return ranges[d]; });
  };
  Type type = r.identity.getType();
  OpBuilder::InsertionGuard guard(b);
  LaneKernel k = buildLaneKernel(b, loc, r.outputs, lanes);
  gpu::LaunchOp launch = k.launch;
  Value t = k.t, lane = k.lane, output = k.output;
  Value partials;
  if (lanes > kWarp)
    partials = workgroupBuffer(launch, kBlock / kWarp, type);
  Value identity = arith::ConstantOp::create(b, loc, r.identity);
  Block *body = op.getBody();
  BlockArgument out = body->getArguments().back();
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
    for (OpOperand *in : op.getDpsInputOperands())
      m.map(body->getArgument(in->getOperandNumber()),
            loadAt(b, loc, op, in, ivs));
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
  Value acc = combineLanes(b, loc, r, loop.getResult(0), lanes, t, partials,
                           /*broadcast=*/false);
  Value isFirst =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, c(0));
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
  memref::StoreOp::create(b, loc, combineWith(b, r, acc, old), init->get(),
                          indices);
  b.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
}

// ---- Row programs ---------------------------------------------------------
// Softmax, layer norm and the like are a run of ops over the same rows:
// reductions along a row, elementwise ops on the rows' elements, ops on
// one value per row, fills and copies of such per-row buffers. One kernel
// runs the whole run, the lanes (a warp or a block) sharing a row going
// through its ops in order: per-row values stay in registers (every lane
// holds them after a reduction's butterfly), elements a lane writes it
// alone reads back.

enum class StepKind { Fill, Copy, Scalar, Map, Reduce };

struct Step {
  Operation *op;
  StepKind kind;
  std::optional<Reduction> reduction;
};

/// The rows: the parallel loops before a row's innermost loop of `length`
/// iterations.
struct RowSpace {
  SmallVector<int64_t> rows;
  int64_t count = 1, length = 0;
};

bool isStaticBuffer(Value v) {
  auto t = dyn_cast<MemRefType>(v.getType());
  return t && t.hasStaticShape();
}

/// Whether `buffer` holds one element per row, row-major (a fill's or a
/// copy's per-row buffer).
bool isRowBuffer(Value buffer, const RowSpace &space) {
  auto t = dyn_cast<MemRefType>(buffer.getType());
  return t && t.hasStaticShape() && t.getLayout().isIdentity() &&
         t.getNumElements() == space.count;
}

/// Whether `map` picks exactly the row loops, in order (a per-row value).
bool isRowMap(AffineMap map, const RowSpace &space) {
  if (map.getNumResults() != space.rows.size())
    return false;
  for (unsigned i = 0; i < map.getNumResults(); ++i)
    if (map.getResult(i) != getAffineDimExpr(i, map.getContext()))
      return false;
  return true;
}

/// `op` as a step over `space`, if it is one.
std::optional<Step> asStep(Operation *op, const RowSpace &space) {
  if (auto fill = dyn_cast<linalg::FillOp>(op)) {
    if (fill.hasPureBufferSemantics() &&
        isRowBuffer(fill.getOutputs()[0], space) &&
        fill.getInputs()[0].getType() ==
            cast<MemRefType>(fill.getOutputs()[0].getType()).getElementType())
      return Step{op, StepKind::Fill, std::nullopt};
    return std::nullopt;
  }
  if (auto copy = dyn_cast<memref::CopyOp>(op)) {
    if (isRowBuffer(copy.getSource(), space) &&
        isRowBuffer(copy.getTarget(), space) &&
        copy.getSource() != copy.getTarget())
      return Step{op, StepKind::Copy, std::nullopt};
    return std::nullopt;
  }
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || !generic.hasPureBufferSemantics() ||
      generic.getNumDpsInits() != 1 ||
      !llvm::all_of(generic->getOperands(), isStaticBuffer))
    return std::nullopt;
  for (Operation &o : generic.getBody()->without_terminator())
    if ((!isPure(&o) && !isa<linalg::IndexOp>(o)) || o.getNumRegions() != 0)
      return std::nullopt;
  SmallVector<int64_t> ranges = generic.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators =
      generic.getIteratorTypesArray();
  bool parallel = llvm::all_of(iterators, [](utils::IteratorType it) {
    return it == utils::IteratorType::parallel;
  });
  AffineMap outMap =
      generic.getMatchingIndexingMap(generic.getDpsInitOperand(0));
  ArrayRef<int64_t> outShape =
      cast<MemRefType>(generic.getDpsInits()[0].getType()).getShape();
  if (ArrayRef(ranges) == ArrayRef(space.rows)) {
    // One value per row.
    if (parallel && outMap.isIdentity() && outShape == ArrayRef(ranges))
      return Step{op, StepKind::Scalar, std::nullopt};
    return std::nullopt;
  }
  if (ranges.size() != space.rows.size() + 1 ||
      ArrayRef(ranges).drop_back() != ArrayRef(space.rows) ||
      ranges.back() != space.length)
    return std::nullopt;
  if (parallel) {
    // Each element of the rows: the output's in order.
    if (outMap.isIdentity() && outShape == ArrayRef(ranges))
      return Step{op, StepKind::Map, std::nullopt};
    return std::nullopt;
  }
  // (Not folding into a buffer it also reads: each row would see its
  // value from before the reduction, not the running one.)
  std::optional<Reduction> r = asReduction(generic);
  if (r && r->reduced.size() == 1 && isRowMap(outMap, space) &&
      outShape == ArrayRef(space.rows) &&
      !llvm::is_contained(generic.getDpsInputs(), generic.getDpsInits()[0]))
    return Step{op, StepKind::Reduce, r};
  return std::nullopt;
}

/// The rows of a reduction a row program can start from.
std::optional<RowSpace> rowSpaceOf(linalg::GenericOp op) {
  std::optional<Reduction> r = asReduction(op);
  if (!r || r->reduced.size() != 1)
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  RowSpace space;
  space.rows.assign(ranges.begin(), ranges.end() - 1);
  space.count = r->outputs;
  space.length = ranges.back();
  if (!asStep(op, space))
    return std::nullopt;
  return space;
}

/// Whether a buffer's value after the program may be read: it is not a
/// view of the arena (or an allocation) all of whose users are the
/// program's.
bool escapes(Value buffer, const llvm::SmallPtrSetImpl<Operation *> &ops) {
  if (!isa_and_nonnull<memref::ViewOp, memref::AllocOp>(
          buffer.getDefiningOp()))
    return true;
  return llvm::any_of(buffer.getUsers(),
                      [&](Operation *user) { return !ops.contains(user); });
}

/// What a program does with its buffers, if one kernel can run its steps
/// (see validate).
struct Plan {
  llvm::SmallPtrSet<Operation *, 8> ops;
  llvm::DenseSet<Value> rowWritten, escaping;
};

/// The buffers `step` reads (its inputs, and its output where its body
/// reads the old value; a reduction's output always).
SmallVector<std::pair<Value, AffineMap>> readsOf(const Step &step) {
  SmallVector<std::pair<Value, AffineMap>> reads;
  if (auto copy = dyn_cast<memref::CopyOp>(step.op)) {
    reads.push_back({copy.getSource(), AffineMap()});
    return reads;
  }
  auto generic = dyn_cast<linalg::GenericOp>(step.op);
  if (!generic)
    return reads;
  for (OpOperand &operand : generic->getOpOperands()) {
    bool isInit = generic.isDpsInit(&operand);
    if (isInit && step.kind != StepKind::Reduce &&
        generic.getMatchingBlockArgument(&operand).use_empty())
      continue;
    reads.push_back(
        {operand.get(), generic.getMatchingIndexingMap(&operand)});
  }
  return reads;
}

Value writtenBy(const Step &step) {
  if (auto copy = dyn_cast<memref::CopyOp>(step.op))
    return copy.getTarget();
  return cast<DestinationStyleOpInterface>(step.op).getDpsInits()[0];
}

/// Whether one kernel can run `steps` in order with each row's lanes
/// alone: every buffer the program writes is written per row (one value
/// per row, kept in registers) or per element (by the lane that reads it
/// back); it reads a written buffer only after writing it, per-row values
/// through the row maps, elements at the same element; what it reads from
/// memory shares no memory with what it wrote before, and what it reads
/// or writes in memory none with anything else it writes there (rows run
/// in any order) but the same elements, both only ever accessed element
/// by element.
std::optional<Plan> validate(ArrayRef<Step> steps, const RowSpace &space) {
  Plan plan;
  for (const Step &s : steps)
    plan.ops.insert(s.op);
  llvm::DenseSet<Value> fullWritten, readFromMemory;
  // A read from memory sees what came before the program: nothing the
  // program wrote before may share its memory (kept in registers, that
  // write would never reach it).
  auto fromMemory = [&](Value buffer) {
    for (Value w : llvm::concat<Value>(plan.rowWritten, fullWritten))
      if (w != buffer && mayOverlap(w, buffer))
        return false;
    readFromMemory.insert(buffer);
    return true;
  };
  // Buffers every access of which is element (row, i) by the thread that
  // takes i in every step (the kernel's lanes take the same elements in
  // every step);
  // buffers read from memory at elements of other rows or lanes (which the
  // program then must not write: those rows may already have gone on).
  llvm::DenseSet<Value> notElementwise, readOthers;
  for (const Step &step : steps) {
    Value out = writtenBy(step);
    bool full = step.kind == StepKind::Map || step.kind == StepKind::Reduce;
    if (step.kind != StepKind::Map)
      notElementwise.insert(out);
    for (auto [buffer, map] : readsOf(step)) {
      if (!full || !map.isIdentity())
        notElementwise.insert(buffer);
      bool isOut = buffer == out;
      // The row's own element or value.
      bool own = step.kind == StepKind::Copy ||
                 (step.kind == StepKind::Reduce && isOut) ||
                 map.isIdentity() || (full && isRowMap(map, space));
      if (!own && !plan.rowWritten.contains(buffer) &&
          !fullWritten.contains(buffer))
        readOthers.insert(buffer);
      if (plan.rowWritten.contains(buffer)) {
        // A per-row value: from registers, the row's.
        bool rowRead = step.kind == StepKind::Copy ||
                       (step.kind == StepKind::Scalar ? map.isIdentity()
                                                      : isRowMap(map, space));
        if (!rowRead)
          return std::nullopt;
      } else if (fullWritten.contains(buffer)) {
        // An element this lane wrote.
        if (step.kind != StepKind::Map && step.kind != StepKind::Reduce)
          return std::nullopt;
        if (!map.isIdentity())
          return std::nullopt;
      } else if (isOut && step.kind == StepKind::Map) {
        // Read and written in place, element by element: by one lane.
        if (!map.isIdentity())
          return std::nullopt;
        fullWritten.insert(buffer);
      } else if (isOut) {
        // One value per row from memory that a lane then overwrites
        // while the others read it: not without more synchronization.
        if (step.kind != StepKind::Reduce || !fromMemory(buffer))
          return std::nullopt;
      } else if (!fromMemory(buffer)) {
        return std::nullopt;
      }
    }
    if (readOthers.contains(out))
      return std::nullopt;
    if (step.kind == StepKind::Map) {
      if (plan.rowWritten.contains(out) ||
          (readFromMemory.contains(out) && !fullWritten.contains(out)))
        return std::nullopt;
      fullWritten.insert(out);
    } else {
      if (fullWritten.contains(out) ||
          (readFromMemory.contains(out) && step.kind != StepKind::Reduce))
        return std::nullopt;
      plan.rowWritten.insert(out);
    }
  }
  // What the kernel accesses in memory.
  SmallVector<Value> written, accessed;
  for (Value v : fullWritten)
    written.push_back(v);
  for (Value v : plan.rowWritten)
    if (escapes(v, plan.ops)) {
      plan.escaping.insert(v);
      written.push_back(v);
    }
  accessed.append(written.begin(), written.end());
  for (Value v : readFromMemory)
    if (!llvm::is_contained(accessed, v))
      accessed.push_back(v);
  // Two views of the same elements each accessed element by element
  // (memory planning reuses a dead input for an output) are accessed by
  // the same threads in program order.
  auto sameThreads = [&](Value w, Value x) {
    return !notElementwise.contains(w) && !notElementwise.contains(x) &&
           sameElements(w, x);
  };
  for (Value w : written)
    for (Value x : accessed)
      if (w != x && mayOverlap(w, x) && !sameThreads(w, x))
        return std::nullopt;
  return plan;
}

/// Replaces the program's ops with one kernel, at the last op.
void buildRowKernel(ArrayRef<Step> steps, const RowSpace &space,
                    const Plan &plan) {
  Operation *last = steps.back().op;
  OpBuilder b(last);
  Location loc = last->getLoc();
  auto c = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  int64_t lanes = selectReductionLanes(space.count, space.length);
  // A warp per row, or the block: the barriers of a block's reductions
  // are then reached by all its threads (no row guard).
  assert((lanes == kWarp || lanes == kBlock) && "a warp or a block per row");
  OpBuilder::InsertionGuard guard(b);
  LaneKernel k = buildLaneKernel(b, loc, space.count, lanes);
  gpu::LaunchOp launch = k.launch;
  Value t = k.t, lane = k.lane, row = k.output;
  // Workgroup memory for a block's reductions, one buffer per type.
  llvm::DenseMap<Type, Value> partials;
  if (lanes > kWarp)
    for (const Step &step : steps)
      if (step.reduction) {
        Type type = step.reduction->identity.getType();
        if (!partials.count(type))
          partials[type] = workgroupBuffer(launch, kBlock / kWarp + 1, type);
      }
  SmallVector<Value> rowIvs = delinearize(b, loc, row, space.rows);
  // The row's element in a per-row buffer (row-major).
  auto rowIndices = [&](Value buffer) {
    return delinearize(b, loc, row,
                       cast<MemRefType>(buffer.getType()).getShape());
  };
  Value isFirst =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, c(0));
  // Elements per lane and run: 4 where the row splits into runs that keep
  // every lane busy.
  int64_t vector =
      space.length % 4 == 0 && space.length >= 4 * lanes ? 4 : 1;
  // The row's value of each per-row buffer written so far.
  llvm::DenseMap<Value, Value> rowValue;
  auto setRow = [&](Value buffer, Value v) {
    rowValue[buffer] = v;
    if (!plan.escaping.contains(buffer))
      return;
    auto writer = scf::IfOp::create(b, loc, isFirst, false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(writer.thenBlock());
    memref::StoreOp::create(b, loc, v, buffer, rowIndices(buffer));
  };
  // The generic's operands at loop values `ivs`: per-row values from
  // registers, the rest loaded.
  auto operands = [&](linalg::GenericOp op, ArrayRef<Value> ivs,
                      IRMapping &m) {
    Block *body = op.getBody();
    for (OpOperand *in : op.getDpsInputOperands()) {
      Value v = rowValue.lookup(in->get());
      m.map(body->getArgument(in->getOperandNumber()),
            v ? v : loadAt(b, loc, op, in, ivs));
    }
    for (Operation &o : body->without_terminator())
      if (auto index = dyn_cast<linalg::IndexOp>(o))
        m.map(index.getResult(), ivs[index.getDim()]);
  };
  auto cloneBody = [&](linalg::GenericOp op, IRMapping &m) {
    for (Operation &o : op.getBody()->without_terminator())
      if (!isa<linalg::IndexOp>(o))
        b.clone(o, m);
    return m.lookup(op.getBody()->getTerminator()->getOperand(0));
  };
  for (const Step &step : steps) {
    Value out = writtenBy(step);
    switch (step.kind) {
    case StepKind::Fill:
      setRow(out, cast<linalg::FillOp>(step.op).getInputs()[0]);
      break;
    case StepKind::Copy: {
      Value src = cast<memref::CopyOp>(step.op).getSource();
      Value v = rowValue.lookup(src);
      if (!v)
        v = memref::LoadOp::create(b, loc, src, rowIndices(src));
      setRow(out, v);
      break;
    }
    case StepKind::Scalar: {
      auto op = cast<linalg::GenericOp>(step.op);
      IRMapping m;
      operands(op, rowIvs, m);
      // validate: a used old value is the row's.
      BlockArgument old = op.getBody()->getArguments().back();
      if (!old.use_empty())
        m.map(old, rowValue.lookup(out));
      setRow(out, cloneBody(op, m));
      break;
    }
    case StepKind::Map:
    case StepKind::Reduce: {
      auto op = cast<linalg::GenericOp>(step.op);
      const std::optional<Reduction> &r = step.reduction;
      BlockArgument old = op.getBody()->getArguments().back();
      // A reduction's initial value: the row's, or from memory (read by
      // every lane before the first lane overwrites it, behind the
      // shuffles' or the block's synchronization).
      Value init;
      if (r) {
        init = rowValue.lookup(out);
        if (!init) {
          SmallVector<Value> at(rowIvs);
          at.push_back(c(0)); // the map leaves out the row's loop
          init = loadAt(b, loc, op, op.getDpsInitOperand(0), at);
        }
      }
      Value identity =
          r ? arith::ConstantOp::create(b, loc, r->identity).getResult()
            : Value();
      // Each lane takes runs of `vector` neighbouring elements (one
      // 16-byte access where aligned), lane l the runs at l * vector,
      // (l + lanes) * vector ...: the same elements in every step.
      auto loop = scf::ForOp::create(
          b, loc, arith::MulIOp::create(b, loc, lane, c(vector)),
          c(space.length), c(lanes * vector),
          r ? ValueRange{identity} : ValueRange{});
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(loop.getBody());
        Value acc = r ? loop.getRegionIterArgs()[0] : Value();
        for (int64_t j = 0; j < vector; ++j) {
          SmallVector<Value> ivs(rowIvs);
          ivs.push_back(j ? arith::AddIOp::create(b, loc,
                                                  loop.getInductionVar(), c(j))
                                .getResult()
                          : loop.getInductionVar());
          IRMapping m;
          operands(op, ivs, m);
          if (r)
            m.map(old, acc);
          else if (!old.use_empty())
            m.map(old, loadAt(b, loc, op, op.getDpsInitOperand(0), ivs));
          Value v = cloneBody(op, m);
          if (r)
            acc = v;
          else
            memref::StoreOp::create(b, loc, v, out, ivs);
        }
        if (r)
          scf::YieldOp::create(b, loc, acc);
      }
      if (r) {
        Value acc =
            combineLanes(b, loc, *r, loop.getResult(0), lanes, t,
                         partials.lookup(r->identity.getType()), true);
        setRow(out, combineWith(b, *r, acc, init));
      }
      break;
    }
    }
  }
  b.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
  for (const Step &step : llvm::reverse(steps))
    step.op->erase();
}

/// Finds the row programs in `block` (runs of at least two ops over the
/// rows of a reduction, one of them a reduction and another a
/// computation) and replaces each with its kernel.
void fuseRowPrograms(Block &block) {
  // The ops with memory effects, in order: a program is a run of them.
  SmallVector<Operation *> effectful;
  for (Operation &op : block)
    if (!isMemoryEffectFree(&op))
      effectful.push_back(&op);
  std::vector<std::pair<SmallVector<Step>, RowSpace>> programs;
  size_t next = 0;
  for (size_t i = 0; i < effectful.size(); ++i) {
    auto generic = dyn_cast<linalg::GenericOp>(effectful[i]);
    std::optional<RowSpace> space =
        generic ? rowSpaceOf(generic) : std::nullopt;
    if (!space || i < next)
      continue;
    // The run around the reduction, not into the previous one.
    size_t lo = i, hi = i + 1;
    while (lo > next && asStep(effectful[lo - 1], *space))
      --lo;
    while (hi < effectful.size() && asStep(effectful[hi], *space))
      ++hi;
    next = hi;
    SmallVector<Step> run;
    for (size_t k = lo; k < hi; ++k)
      run.push_back(*asStep(effectful[k], *space));
    // Programs along the run: from each start the longest one kernel can
    // run (at least a reduction and another computation).
    auto isProgram = [&](ArrayRef<Step> steps) {
      int64_t computing = llvm::count_if(steps, [](const Step &s) {
        return s.kind == StepKind::Scalar || s.kind == StepKind::Map ||
               s.kind == StepKind::Reduce;
      });
      return computing >= 2 &&
             llvm::any_of(steps,
                          [](const Step &s) {
                            return s.kind == StepKind::Reduce;
                          }) &&
             validate(steps, *space);
    };
    for (size_t start = 0; start < run.size();) {
      size_t end = run.size();
      while (end > start + 1 &&
             !isProgram(ArrayRef(run).slice(start, end - start)))
        --end;
      if (end == start + 1) {
        ++start;
        continue;
      }
      programs.push_back(
          {SmallVector<Step>(ArrayRef(run).slice(start, end - start)),
           *space});
      start = end;
    }
  }
  for (auto &[steps, space] : programs)
    buildRowKernel(steps, space, *validate(steps, space));
}

struct CudaTileReductionsPass
    : kiln::impl::CudaTileReductionsBase<CudaTileReductionsPass> {
  void runOnOperation() override {
    if (getOperation().isExternal())
      return;
    fuseRowPrograms(getOperation().getBody().front());
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
