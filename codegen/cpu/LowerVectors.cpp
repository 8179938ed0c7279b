// kiln-cpu-lower-vectors: vector.contract -> outer products -> vector.fma,
// n-D transfers -> unrolled 1-D loads and stores, transposes -> shuffles,
// so the LLVM conversion
// sees only vectors it maps onto registers.
#include "codegen/cpu/Passes.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "kiln-cpu-lower-vectors"

namespace mlir::kiln {
#define GEN_PASS_DEF_LOWERVECTORS
#include "codegen/cpu/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

struct LowerVectorsPass : mlir::kiln::impl::LowerVectorsBase<LowerVectorsPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    Operation *func = getOperation();
    // Contractions first: a row-major matmul tile becomes one outer product
    // per reduction step; transfers lose their permutation maps
    // (broadcasts, transposes) in the same sweep.
    {
      RewritePatternSet patterns(ctx);
      // Leading unit dimensions (outer M dimensions tiled by 1) go first,
      // so every contraction is a plain 2-D matmul tile.
      vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
      vector::populateVectorContractLoweringPatterns(
          patterns, vector::VectorContractLowering::OuterProduct);
      vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
      // A transpose tile's unit dimensions go, leaving a 2-D transpose.
      vector::populateDropUnitDimWithShapeCastPatterns(patterns);
      vector::populateVectorMultiReductionLoweringPatterns(
          patterns, vector::VectorMultiReductionLowering::InnerParallel);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    // Then every n-D transfer becomes unrolled 1-D loads/stores, and outer
    // products, broadcasts and shape casts become 1-D vector ops.
    {
      RewritePatternSet patterns(ctx);
      populateVectorToSCFConversionPatterns(
          patterns,
          VectorTransferToSCFOptions().setTargetRank(1).enableFullUnroll());
      vector::populateVectorTransferLoweringPatterns(patterns,
                                                     /*maxTransferRank=*/1);
      vector::populateVectorOuterProductLoweringPatterns(patterns);
      vector::populateVectorBroadcastLoweringPatterns(patterns);
      vector::populateVectorShapeCastLoweringPatterns(patterns);
      // 2-D transposes as one shuffle each, which LLVM lowers to unpacks
      // and permutes.
      vector::populateVectorTransposeLoweringPatterns(
          patterns, vector::VectorTransposeLowering::Shuffle1D);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
  }
};

} // namespace
