// kiln-memory-plan-arena: every memref.alloc of the entry function becomes a
// view of the caller's arena; buffers with disjoint live ranges share bytes.
#include "dialects/kiln/AbiAttrs.h"
#include "passes/memory/ArenaLayout.h"
#include "passes/memory/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_PLANARENA
#include "passes/memory/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// Index (in `block`) of the last op that uses `root` or any memref derived
/// from it. Any op taking an alias and producing a memref is treated as
/// producing an alias, which over-approximates views, casts and reshapes.
int64_t lastUse(Value root, Block &block,
                const DenseMap<Operation *, int64_t> &index) {
  int64_t last = index.lookup(root.getDefiningOp());
  SmallVector<Value> worklist = {root};
  DenseSet<Value> seen;
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    for (Operation *user : v.getUsers()) {
      Operation *top = block.findAncestorOpInBlock(*user);
      if (top)
        last = std::max(last, index.lookup(top));
      for (Value r : user->getResults())
        if (isa<BaseMemRefType>(r.getType()))
          worklist.push_back(r);
    }
  }
  return last;
}

uint64_t byteSize(MemRefType type) {
  return type.getNumElements() *
         ((type.getElementTypeBitWidth() + 7) / 8);
}

/// The allocation `v` is a view of (through any op producing a memref
/// from it), or null.
memref::AllocOp rootAlloc(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto alloc = dyn_cast<memref::AllocOp>(def))
      return alloc;
    if (def->getNumOperands() == 0 ||
        !isa<BaseMemRefType>(def->getOperand(0).getType()))
      return nullptr;
    v = def->getOperand(0);
  }
  return nullptr;
}

struct PlanArenaPass : mlir::kiln::impl::PlanArenaBase<PlanArenaPass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!func->hasAttr(kEntryAttr) || func.isExternal())
      return;
    unsigned arenaIndex = func.getNumArguments() - 1;
    if (func.getNumArguments() == 0 ||
        !func.getArgAttr(arenaIndex, kArenaAttr)) {
      func.emitError("kiln.entry function has no kiln.arena argument");
      return signalPassFailure();
    }
    Block &block = func.front();
    DenseMap<Operation *, int64_t> index;
    SmallVector<Operation *> ops;
    for (Operation &op : block) {
      index[&op] = static_cast<int64_t>(ops.size());
      ops.push_back(&op);
    }

    SmallVector<memref::AllocOp> allocs;
    bool ok = true;
    func.walk([&](Operation *op) {
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        MemRefType t = alloc.getType();
        if (alloc->getBlock() != &block || !t.hasStaticShape() ||
            !t.getLayout().isIdentity() || !t.getElementType().isIntOrFloat()) {
          alloc.emitError("cannot place this buffer in the arena: it must be "
                          "a statically shaped, identity-layout allocation at "
                          "the function's top level");
          ok = false;
        } else {
          allocs.push_back(alloc);
        }
      } else if (isa<memref::AllocaOp, memref::ReallocOp>(op)) {
        op->emitError("unexpected buffer allocation on the run path");
        ok = false;
      }
    });
    if (!ok)
      return signalPassFailure();

    std::vector<::kiln::BufferLifetime> lifetimes;
    for (memref::AllocOp alloc : allocs)
      lifetimes.push_back({byteSize(alloc.getType()), index[alloc],
                           alloc->hasAttr(kLiveToEndAttr)
                               ? static_cast<int64_t>(index.size())
                               : lastUse(alloc.getResult(), block, index)});
    if (keepPaddedSources) {
      // A buffer copied into a view of another lives as long as it.
      DenseMap<Operation *, size_t> position;
      for (auto [k, alloc] : llvm::enumerate(allocs))
        position[alloc] = k;
      for (Operation &op : block) {
        auto copy = dyn_cast<memref::CopyOp>(op);
        if (!copy || !copy.getTarget().getDefiningOp<memref::SubViewOp>())
          continue;
        // A padding: the destination filled right before (not a concat's
        // parts, which need no such lifetime).
        Operation *prev = copy->getPrevNode();
        while (prev && isMemoryEffectFree(prev))
          prev = prev->getPrevNode();
        if (!prev || !isa<linalg::FillOp, linalg::MapOp>(prev) ||
            prev->getNumOperands() == 0 ||
            rootAlloc(prev->getOperands().back()) !=
                rootAlloc(copy.getTarget()))
          continue;
        memref::AllocOp src = rootAlloc(copy.getSource());
        memref::AllocOp dst = rootAlloc(copy.getTarget());
        if (!src || !dst || src == dst || !position.count(src) ||
            !position.count(dst))
          continue;
        // ... and through the next op with memory effects after that
        // (the reader's fused epilogue, which runs in the reader's kernel).
        int64_t until = lifetimes[position[dst]].last;
        for (Operation *next = until < static_cast<int64_t>(ops.size())
                                   ? ops[until]->getNextNode()
                                   : nullptr;
             next; next = next->getNextNode())
          if (!isMemoryEffectFree(next)) {
            until = index[next];
            break;
          }
        int64_t &end = lifetimes[position[src]].last;
        end = std::max(end, until);
      }
    }
    ::kiln::ArenaLayout layout =
        ::kiln::layoutArena(lifetimes, kArenaAlignment);

    // Retype the arena to its planned static size.
    MLIRContext *ctx = func.getContext();
    auto arenaType = MemRefType::get({static_cast<int64_t>(layout.size)},
                                     IntegerType::get(ctx, 8));
    BlockArgument arena = block.getArgument(arenaIndex);
    arena.setType(arenaType);
    SmallVector<Type> inputs(func.getArgumentTypes());
    inputs[arenaIndex] = arenaType;
    func.setType(FunctionType::get(ctx, inputs, func.getResultTypes()));

    OpBuilder b(ctx);
    for (auto [alloc, offset] : llvm::zip(allocs, layout.offsets)) {
      b.setInsertionPoint(alloc);
      Value off = arith::ConstantIndexOp::create(b, alloc.getLoc(), offset);
      auto view = memref::ViewOp::create(b, alloc.getLoc(), alloc.getType(),
                                         arena, off, ValueRange{});
      alloc.getResult().replaceAllUsesWith(view.getResult());
      alloc.erase();
    }
    // No deallocation on the run path: the arena belongs to the caller.
    SmallVector<memref::DeallocOp> deallocs;
    func.walk([&](memref::DeallocOp d) { deallocs.push_back(d); });
    for (auto d : deallocs)
      d.erase();

    Builder attrs(ctx);
    func->setAttr(kArenaSizeAttr, attrs.getI64IntegerAttr(layout.size));
    func->setAttr(kArenaAlignmentAttr, attrs.getI64IntegerAttr(kArenaAlignment));
  }
};

} // namespace
