// kiln-cpu-prefetch-epilogue: while a register tile runs its reduction, the
// memory its epilogue reads (a residual) and writes (the output tile) comes
// into L1, so the epilogue does not stall on a cache miss per tile.
#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#define DEBUG_TYPE "kiln-cpu-prefetch-epilogue"

namespace mlir::kiln {
#define GEN_PASS_DEF_PREFETCHEPILOGUE
#include "codegen/cpu/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// memref.prefetch's locality hint for L1 (prefetcht0 / prefetchw): the
/// epilogue runs as soon as the reduction ends.
constexpr uint32_t kL1Locality = 3;
/// Prefetches one epilogue access may take (a 16x64 f32 tile: 64 lines);
/// wider accesses are left to the hardware.
constexpr int64_t kMaxLines = 64;

/// `v` available before `loop`: itself when it is defined outside the loop's
/// block or before the loop, else a clone (into `mapping`, at `b`) of the
/// side-effect-free index arithmetic or views that compute it from such
/// values.
/// Null when that is not possible.
Value hoist(Value v, scf::ForOp loop, OpBuilder &b, IRMapping &mapping,
            SmallVectorImpl<Operation *> &clones, int depth = 0) {
  if (Value mapped = mapping.lookupOrNull(v))
    return mapped;
  Operation *def = v.getDefiningOp();
  if (!def) {
    auto arg = cast<BlockArgument>(v);
    return arg.getOwner() == loop->getBlock() ||
                   arg.getOwner()->getParentOp()->isAncestor(loop)
               ? v
               : Value();
  }
  if (def->getBlock() != loop->getBlock())
    return def->isAncestor(loop) ? Value() : v;
  if (def->isBeforeInBlock(loop))
    return v;
  if (depth > 4 || !isPure(def) || def->getNumRegions() ||
      !isa<affine::AffineApplyOp, arith::AddIOp, arith::MulIOp,
           arith::ConstantOp, arith::MinSIOp, ViewLikeOpInterface>(def))
    return Value();
  for (Value operand : def->getOperands())
    if (!hoist(operand, loop, b, mapping, clones, depth + 1))
      return Value();
  Operation *clone = b.clone(*def, mapping);
  clones.push_back(clone);
  return clone->getResult(cast<OpResult>(v).getResultNumber());
}

struct PrefetchEpiloguePass
    : mlir::kiln::impl::PrefetchEpilogueBase<PrefetchEpiloguePass> {
  void runOnOperation() override {
    SmallVector<scf::ForOp> reductions;
    getOperation().walk([&](scf::ForOp loop) {
      if (isRegisterTileReduction(loop))
        reductions.push_back(loop);
    });
    for (scf::ForOp loop : reductions)
      prefetch(loop);
  }

  /// An innermost loop that carries vector accumulators.
  static bool isRegisterTileReduction(scf::ForOp loop) {
    if (loop.getNumRegionIterArgs() == 0 ||
        !llvm::all_of(loop.getRegionIterArgs(), [](BlockArgument arg) {
          return isa<VectorType>(arg.getType());
        }))
      return false;
    return mlir::kiln::isInnermostLoop(loop);
  }

  void prefetch(scf::ForOp loop) {
    // The epilogue: the transfers after the loop in its block, up to the
    // next loop (another tile). A write whose tile was read before the loop
    // (the accumulators' starting values) is already in cache.
    SmallVector<std::pair<Operation *, bool>> accesses;
    for (Operation *op = loop->getNextNode(); op; op = op->getNextNode()) {
      if (isa<LoopLikeOpInterface>(op))
        break;
      if (auto read = dyn_cast<vector::TransferReadOp>(op))
        accesses.push_back({op, /*isWrite=*/false});
      if (auto write = dyn_cast<vector::TransferWriteOp>(op))
        if (!readBefore(loop, write))
          accesses.push_back({op, /*isWrite=*/true});
    }
    if (accesses.empty())
      return;
    OpBuilder b(loop);
    IRMapping mapping;
    SmallVector<Operation *> clones;
    Value zero, one;
    for (auto [op, isWrite] : accesses) {
      auto transfer = cast<VectorTransferOpInterface>(op);
      auto type = dyn_cast<MemRefType>(transfer.getBase().getType());
      VectorType vector = transfer.getVectorType();
      if (!type || !type.getElementType().isIntOrFloat() ||
          vector.getRank() == 0 || vector.isScalable() ||
          !transfer.getPermutationMap().isMinorIdentity())
        continue;
      int64_t elementBytes = type.getElementTypeBitWidth() / 8;
      if (elementBytes == 0)
        continue;
      int64_t rowElements = vector.getShape().back();
      int64_t lineElements = mlir::kiln::kCacheLineBytes / elementBytes;
      int64_t linesPerRow = llvm::divideCeil(rowElements, lineElements);
      int64_t rows = vector.getNumElements() / rowElements;
      if (rows * linesPerRow > kMaxLines)
        continue;
      Value memref = hoist(transfer.getBase(), loop, b, mapping, clones);
      if (!memref)
        continue;
      SmallVector<Value> base;
      for (Value index : transfer.getIndices()) {
        Value hoisted = hoist(index, loop, b, mapping, clones);
        if (!hoisted)
          break;
        base.push_back(hoisted);
      }
      if (base.size() != transfer.getIndices().size())
        continue;
      // One loop over the tile's lines (the IR stays one prefetch per
      // access however many lines it has; LLVM unrolls it): line j is in
      // row j / linesPerRow, at column (j % linesPerRow) * lineElements,
      // and the vector's dimensions map onto the memref's trailing ones.
      unsigned rank = type.getRank();
      unsigned first = rank - vector.getRank();
      Location loc = op->getLoc();
      MLIRContext *ctx = op->getContext();
      AffineExpr j = getAffineDimExpr(0, ctx), s0 = getAffineSymbolExpr(0, ctx);
      AffineExpr row = j.floorDiv(linesPerRow);
      SmallVector<int64_t> strides = computeStrides(vector.getShape());
      if (!zero) {
        zero = arith::ConstantIndexOp::create(b, loc, 0);
        one = arith::ConstantIndexOp::create(b, loc, 1);
      }
      Value count = arith::ConstantIndexOp::create(b, loc, rows * linesPerRow);
      auto lines = scf::ForOp::create(b, loc, zero, count, one);
      OpBuilder inner = OpBuilder::atBlockBegin(lines.getBody());
      Value line = lines.getInductionVar();
      SmallVector<Value> at(base);
      auto offsetBy = [&](unsigned dim, AffineExpr offset) {
        at[dim] = affine::AffineApplyOp::create(
            inner, loc, AffineMap::get(1, 1, s0 + offset),
            ValueRange{line, base[dim]});
      };
      for (unsigned d = 0; d + 1 < vector.getRank(); ++d)
        if (int64_t size = vector.getShape()[d]; size > 1)
          offsetBy(first + d,
                   row.floorDiv(strides[d] / rowElements) % size);
      if (linesPerRow > 1)
        offsetBy(rank - 1, (j % linesPerRow) * lineElements);
      memref::PrefetchOp::create(inner, loc, memref, at, isWrite, kL1Locality,
                                 /*isDataCache=*/true);
    }
    // Index arithmetic cloned for a transfer that then could not be
    // prefetched (another of its operands was not available) is dropped.
    for (Operation *clone : llvm::reverse(clones))
      if (clone->use_empty())
        clone->erase();
  }

  /// Whether a transfer_read of `write`'s memref at the same indices comes
  /// before `loop` in its block.
  static bool readBefore(scf::ForOp loop, vector::TransferWriteOp write) {
    for (Operation *op = loop->getPrevNode(); op; op = op->getPrevNode())
      if (auto read = dyn_cast<vector::TransferReadOp>(op))
        if (read.getBase() == write.getBase() &&
            read.getIndices() == write.getIndices())
          return true;
    return false;
  }
};

} // namespace
