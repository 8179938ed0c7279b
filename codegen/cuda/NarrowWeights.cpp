// kiln-cuda-narrow-weights: with --precision=fp16|bf16, the weights GPU
// GEMM kernels read as their second operand are rounded to the tensor
// cores' type once, at compile time, instead of in every kernel's staging.
#include "codegen/cuda/Passes.h"
#include "passes/common/ResourceBlobs.h"

#include "llvm/ADT/APFloat.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDANARROWWEIGHTS
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;
using namespace mlir::kiln;

namespace {

/// The operand a GEMM kernel stages as B (weights: the filter, the right
/// matrix).
OpOperand *gemmOperandB(linalg::LinalgOp op) {
  return op.getDpsInputOperand(1);
}

struct CudaNarrowWeightsPass
    : kiln::impl::CudaNarrowWeightsBase<CudaNarrowWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (failed(verifyCudaPrecision(getOperation(), precision)))
      return signalPassFailure();
    Type elem = cudaNarrowType(&getContext(), precision);
    if (!elem)
      return;
    ModuleOp module = getOperation();
    Builder b(&getContext());
    const llvm::fltSemantics &semantics =
        cast<FloatType>(elem).getFloatSemantics();
    SymbolTable symbols(module);
    llvm::StringMap<memref::GlobalOp> narrowed;
    module.walk([&](linalg::LinalgOp op) {
      if (!isa_and_nonnull<func::FuncOp>(op->getParentOp()) ||
          !op.hasPureBufferSemantics() || !isCudaGemm(op) ||
          !hasCudaGemmTypes(op) ||
          !isStaticF32(gemmOperandB(op)->get().getType()))
        return;
      auto get = gemmOperandB(op)->get().getDefiningOp<memref::GetGlobalOp>();
      if (!get)
        return;
      auto global = symbols.lookup<memref::GlobalOp>(get.getName());
      if (!global || !global.getConstant() || !global.getInitialValue() ||
          !global.getType().getLayout().isIdentity())
        return;
      memref::GlobalOp &copy = narrowed[global.getSymName()];
      if (!copy) {
        auto value = cast<ElementsAttr>(*global.getInitialValue());
        // Rounded to nearest, ties to even: as the kernel's staging
        // (arith.truncf) would.
        auto round = [&](float f) {
          bool lost = false;
          llvm::APFloat x(f);
          x.convert(semantics, llvm::APFloat::rmNearestTiesToEven, &lost);
          return static_cast<uint16_t>(x.bitcastToAPInt().getZExtValue());
        };
        auto tensorType =
            RankedTensorType::get(global.getType().getShape(), elem);
        TypedAttr init;
        if (auto dense = dyn_cast<DenseElementsAttr>(value);
            dense && dense.isSplat()) {
          llvm::APFloat splat(
              semantics, llvm::APInt(16, round(dense.getSplatValue<float>())));
          init = DenseElementsAttr::get(tensorType,
                                        ArrayRef<llvm::APFloat>{splat});
        } else if (std::optional<ArrayRef<float>> floats =
                       constantFloats(value)) {
          SmallVector<uint16_t> bits = llvm::map_to_vector(*floats, round);
          ArrayRef<char> bytes(reinterpret_cast<const char *>(bits.data()),
                               bits.size() * sizeof(uint16_t));
          // Inline when small (readable IR), a blob otherwise.
          if (bits.size() <= 64)
            init = DenseElementsAttr::getFromRawBuffer(tensorType, bytes);
          else
            init = DenseResourceElementsAttr::get(
                tensorType, "narrowed_weights",
                HeapAsmResourceBlob::allocateAndCopyWithAlign(
                    bytes, alignof(uint16_t), /*dataIsMutable=*/false));
        } else {
          return;
        }
        OpBuilder at(global);
        at.setInsertionPointAfter(global);
        copy = memref::GlobalOp::create(
            at, global.getLoc(),
            (global.getSymName() + "_" + precision.getValue()).str(),
            at.getStringAttr("private"),
            MemRefType::get(global.getType().getShape(), elem), init,
            /*constant=*/true, global.getAlignmentAttr());
        symbols.insert(copy); // renamed when the name is taken
      }
      op->setAttr(kCudaNarrowWeightsAttr,
                  FlatSymbolRefAttr::get(copy.getSymNameAttr()));
    });
  }
};

} // namespace
