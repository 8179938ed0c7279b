// kiln-cpu-prefetch-weights: while the register tiles sweep one reduction
// slice of a constant weight panel, the next slice streams into L2.
#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#define DEBUG_TYPE "kiln-cpu-prefetch-weights"

namespace mlir::kiln {
#define GEN_PASS_DEF_PREFETCHWEIGHTS
#include "codegen/cpu/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// memref.prefetch's locality hint for L2 (prefetcht1): the next slice
/// must not push the current one out of L1.
constexpr uint32_t kL2Locality = 2;

/// Whether `v` is a view of a constant global (the model's weights).
bool readsWeights(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<memref::GetGlobalOp>(def))
      return true;
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      return false;
    v = view.getViewSource();
  }
  return false;
}

/// The dimension of `read`'s indices that `iv` moves (the index is `iv` or
/// an affine.apply of it), if exactly one does.
std::optional<unsigned> steppedDim(vector::TransferReadOp read, Value iv) {
  std::optional<unsigned> found;
  for (auto [i, index] : llvm::enumerate(read.getIndices())) {
    bool moves = index == iv;
    if (auto apply = index.getDefiningOp<affine::AffineApplyOp>())
      moves = llvm::is_contained(apply.getOperands(), iv);
    if (!moves)
      continue;
    if (found)
      return std::nullopt;
    found = i;
  }
  return found;
}

struct PrefetchWeightsPass
    : mlir::kiln::impl::PrefetchWeightsBase<PrefetchWeightsPass> {
  void runOnOperation() override {
    SmallVector<scf::ForOp> innermost;
    getOperation().walk([&](scf::ForOp loop) {
      if (mlir::kiln::isInnermostLoop(loop))
        innermost.push_back(loop);
    });
    for (scf::ForOp loop : innermost)
      prefetch(loop);
  }

  void prefetch(scf::ForOp loop) {
    std::optional<int64_t> lower = getConstantIntValue(loop.getLowerBound()),
                           upper = getConstantIntValue(loop.getUpperBound()),
                           step = getConstantIntValue(loop.getStep());
    if (!lower || !upper || !step || *upper <= *lower)
      return;
    // One whole loop extent ahead: the same rows of the next slice.
    int64_t distance = *upper - *lower;
    SmallVector<vector::TransferReadOp> reads;
    for (Operation &op : *loop.getBody())
      if (auto read = dyn_cast<vector::TransferReadOp>(op))
        reads.push_back(read);
    for (vector::TransferReadOp read : reads) {
      auto type = dyn_cast<MemRefType>(read.getBase().getType());
      if (!type || !type.hasStaticShape() || !readsWeights(read.getBase()) ||
          !type.getElementType().isIntOrFloat())
        continue;
      std::optional<unsigned> dim = steppedDim(read, loop.getInductionVar());
      unsigned rank = type.getRank();
      if (!dim || *dim + 1 >= rank || type.getDimSize(*dim) < 2 * distance)
        continue;
      // The row the vector reads along the innermost dimension.
      int64_t elementBytes = type.getElementTypeBitWidth() / 8;
      int64_t bytes = read.getVectorType().getShape().back() * elementBytes;
      if (elementBytes == 0 || read.getVectorType().getRank() == 0)
        continue;
      Location loc = read.getLoc();
      // Constants before the loop, index math beside the read.
      OpBuilder outside(loop);
      auto constant = [&](int64_t v) -> Value {
        return arith::ConstantIndexOp::create(outside, loc, v);
      };
      OpBuilder b(read);
      SmallVector<Value> indices(read.getIndices());
      Value ahead =
          arith::AddIOp::create(b, loc, indices[*dim], constant(distance));
      indices[*dim] = arith::MinSIOp::create(
          b, loc, ahead, constant(type.getDimSize(*dim) - 1));
      Value column = indices[rank - 1];
      for (int64_t offset = 0; offset < bytes; offset += mlir::kiln::kCacheLineBytes) {
        int64_t elements = offset / elementBytes;
        if (elements)
          indices[rank - 1] =
              b.createOrFold<arith::AddIOp>(loc, column, constant(elements));
        memref::PrefetchOp::create(b, loc, read.getBase(), indices,
                                   /*isWrite=*/false, kL2Locality,
                                   /*isDataCache=*/true);
      }
    }
  }
};

} // namespace
