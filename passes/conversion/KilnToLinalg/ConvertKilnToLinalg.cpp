// The convert-kiln-to-linalg pass: applies every kiln->linalg pattern family
// and fails, naming the op, if any kiln op survives.
#include "dialects/kiln/KilnDialect.h"
#include "passes/conversion/Passes.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CONVERTKILNTOLINALG
#include "passes/conversion/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

void mlir::kiln::populateKilnToLinalgPatterns(RewritePatternSet &patterns) {
  populateKilnElementwiseToLinalgPatterns(patterns);
  populateKilnMatmulToLinalgPatterns(patterns);
  populateKilnConvToLinalgPatterns(patterns);
  populateKilnReductionToLinalgPatterns(patterns);
  populateKilnDataMovementToLinalgPatterns(patterns);
  populateKilnImageToLinalgPatterns(patterns);
  populateKilnIndexingToLinalgPatterns(patterns);
}

namespace {
struct ConvertKilnToLinalgPass
    : kiln::impl::ConvertKilnToLinalgBase<ConvertKilnToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<KilnDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    // String ops have no linalg form; they bufferize as they are and
    // kiln-conversion-lower-strings makes them runtime calls.
    target.addLegalOp<StringNormalizerOp, StringCastOp>();
    RewritePatternSet patterns(ctx);
    populateKilnToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
