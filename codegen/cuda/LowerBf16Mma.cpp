// kiln-cuda-lower-bf16-mma: nvgpu.mma.sync on bf16 operands becomes
// nvvm.mma.sync directly (upstream's nvgpu-to-nvvm lowering takes f16, tf32
// and integer operands only): each row of a fragment, two bf16 values, is
// one 32-bit register, the first value in the low half as for f16x2.
#include "codegen/cuda/Passes.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

namespace mlir::kiln {
#define GEN_PASS_DEF_CUDALOWERBF16MMA
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

struct CudaLowerBf16MmaPass
    : kiln::impl::CudaLowerBf16MmaBase<CudaLowerBf16MmaPass> {
  void runOnOperation() override {
    SmallVector<nvgpu::MmaSyncOp> mmas;
    getOperation().walk([&](nvgpu::MmaSyncOp op) {
      if (op.getMatrixA().getType().getElementType().isBF16())
        mmas.push_back(op);
    });
    for (nvgpu::MmaSyncOp op : mmas) {
      auto shape = op.getMmaShapeAsArray();
      VectorType a = op.getMatrixA().getType(), bt = op.getMatrixB().getType(),
                 c = op.getMatrixC().getType();
      if (shape != std::array<int64_t, 3>{16, 8, 16} ||
          a.getShape() != ArrayRef<int64_t>{4, 2} ||
          bt.getShape() != ArrayRef<int64_t>{2, 2} ||
          c.getShape() != ArrayRef<int64_t>{2, 2} ||
          !c.getElementType().isF32()) {
        op.emitError("bf16 mma.sync is lowered for m16n8k16 with f32 "
                     "accumulators only");
        return signalPassFailure();
      }
      OpBuilder b(op);
      Location loc = op.getLoc();
      Type i32 = b.getI32Type(), f32 = b.getF32Type();
      // Row r of a fragment as one b32 register.
      auto registers = [&](Value fragment, int64_t rows) {
        SmallVector<Value> regs;
        for (int64_t r = 0; r < rows; ++r) {
          Value pair =
              vector::ExtractOp::create(b, loc, fragment, ArrayRef<int64_t>{r});
          Value word = vector::BitCastOp::create(
              b, loc, VectorType::get({1}, i32), pair);
          regs.push_back(
              vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0}));
        }
        return regs;
      };
      SmallVector<Value> accs;
      for (int64_t r = 0; r < 2; ++r)
        for (int64_t h = 0; h < 2; ++h)
          accs.push_back(vector::ExtractOp::create(b, loc, op.getMatrixC(),
                                                   ArrayRef<int64_t>{r, h}));
      auto result = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                                     SmallVector<Type>(4, f32));
      auto mma = NVVM::MmaOp::create(
          b, loc, result, registers(op.getMatrixA(), 4),
          registers(op.getMatrixB(), 2), accs, ArrayRef<int64_t>{16, 8, 16},
          std::nullopt, std::nullopt,
          std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                        NVVM::MMATypes::bf16},
          std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                         NVVM::MMALayout::col});
      SmallVector<Value> d;
      for (int64_t i = 0; i < 4; ++i)
        d.push_back(LLVM::ExtractValueOp::create(b, loc, mma, i));
      op.getResult().replaceAllUsesWith(
          vector::FromElementsOp::create(b, loc, c, d));
      op.erase();
    }
  }
};

} // namespace
