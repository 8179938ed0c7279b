// kiln-cpu-pack-weights: matmuls whose B is a constant (or the transpose of
// one, as ONNX Gemm transB gives) read B from a copy packed at compile time
// into panels of nr contiguous columns, so the micro-kernel streams B
// sequentially instead of striding across rows.
#include "codegen/cpu/Passes.h"
#include "passes/common/ResourceBlobs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

#define DEBUG_TYPE "kiln-cpu-pack-weights"

namespace mlir::kiln {
#define GEN_PASS_DEF_PACKWEIGHTS
#include "codegen/cpu/Passes.h.inc"
} // namespace mlir::kiln

using namespace mlir;

namespace {

/// The constant `v` is, seen through reshapes (which keep the row-major
/// order of the elements), or null.
arith::ConstantOp underlyingConstant(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(def))
      break;
    v = def->getOperand(0);
  }
  return v.getDefiningOp<arith::ConstantOp>();
}

/// The row-major f32 contents of a constant (or a reshape of one), or
/// nullopt (splat, or not a constant kiln can read).
std::optional<ArrayRef<float>> constantFloats(Value v) {
  arith::ConstantOp cst = underlyingConstant(v);
  if (!cst)
    return std::nullopt;
  return mlir::kiln::constantFloats(cast<ElementsAttr>(cst.getValue()));
}

struct PackWeightsPass : mlir::kiln::impl::PackWeightsBase<PackWeightsPass> {
  using PackWeightsBase::PackWeightsBase;

  void runOnOperation() override {
    SmallVector<linalg::MatmulOp> matmuls;
    getOperation().walk([&](linalg::MatmulOp op) { matmuls.push_back(op); });
    mlir::kiln::BlobReleaser blobs(getOperation());
    releaser = &blobs;
    for (linalg::MatmulOp op : matmuls)
      pack(op);
    releaser = nullptr;
    // Weights read from a blob that no op refers to any more (every reader
    // now uses the packed copy) give their memory back.
    mlir::kiln::releaseDeadBlobs(getOperation(), replaced);
  }

  llvm::SetVector<DenseResourceElementsAttr> replaced;
  /// Counts the ops naming each weight blob during runOnOperation.
  mlir::kiln::BlobReleaser *releaser = nullptr;

  /// Panel width: two vectors (four when A has fewer rows than a register
  /// tile would use, so a 1-row tile still has enough accumulators, and
  /// when 32 registers hold 256-bit vectors: a 6 x 4-vector register tile
  /// then does 2.4 FMAs per load instead of 1.6),
  /// narrowed until it divides N; when no width divides N, the last panel
  /// is padded with zero columns.
  int64_t panelWidth(int64_t m, int64_t n) const {
    int64_t lanes = vectorBits / 32;
    int64_t widest =
        m < 4 || (vectorRegisters >= 32 && vectorBits == 256) ? 4 : 2;
    for (int64_t v = widest; v >= 1; v /= 2)
      if (n % (v * lanes) == 0)
        return v * lanes;
    return std::min<int64_t>(widest, llvm::divideCeil(n, lanes)) * lanes;
  }

  void pack(linalg::MatmulOp op) {
    if (!op.hasPureTensorSemantics() || op.hasDynamicShape() ||
        op.hasUserDefinedMaps())
      return;
    auto aType = cast<RankedTensorType>(op.getInputs()[0].getType());
    auto bType = cast<RankedTensorType>(op.getInputs()[1].getType());
    auto cType = cast<RankedTensorType>(op.getOutputs()[0].getType());
    if (!aType.getElementType().isF32() || !bType.getElementType().isF32() ||
        !cType.getElementType().isF32())
      return;
    int64_t m = aType.getDimSize(0), k = bType.getDimSize(0),
            n = bType.getDimSize(1);
    int64_t nr = panelWidth(m, n);
    if (k == 0 || n == 0)
      return;

    // B itself, or B = transpose(W) with W [N, K] (either maybe a reshaped
    // constant: a convolution's filter viewed as a matrix).
    Value b = op.getInputs()[1];
    bool transposed = false;
    if (auto t = b.getDefiningOp<linalg::TransposeOp>()) {
      if (t.getPermutation() != ArrayRef<int64_t>{1, 0})
        return;
      b = t.getInput();
      transposed = true;
    }
    std::optional<ArrayRef<float>> values = constantFloats(b);
    if (!values)
      return;
    if (auto res = dyn_cast<DenseResourceElementsAttr>(
            underlyingConstant(b).getValue()))
      replaced.insert(res);

    // Bp[n1][kk][n0] = B[kk][n1 * nr + n0], 0 past column N.
    int64_t panels = static_cast<int64_t>(llvm::divideCeil(n, nr));
    int64_t padded = panels * nr;
    std::vector<float> packed(static_cast<size_t>(padded * k), 0.0f);
    for (int64_t p = 0; p < panels; ++p)
      for (int64_t kk = 0; kk < k; ++kk)
        for (int64_t j = 0; j < nr && p * nr + j < n; ++j) {
          int64_t col = p * nr + j;
          packed[(p * k + kk) * nr + j] =
              transposed ? (*values)[col * k + kk] : (*values)[kk * n + col];
        }
    OpBuilder builder(op, releaser);
    Location loc = op.getLoc();
    auto packedType =
        RankedTensorType::get({panels, k, nr}, builder.getF32Type());
    ArrayRef<char> bytes(reinterpret_cast<const char *>(packed.data()),
                         packed.size() * sizeof(float));
    // Small weights stay inline (readable IR), large ones are blobs.
    TypedAttr attr =
        packed.size() <= 64
            ? TypedAttr(
                  DenseElementsAttr::get(packedType, ArrayRef<float>(packed)))
            : TypedAttr(DenseResourceElementsAttr::get(
                  packedType, "packed_weights",
                  HeapAsmResourceBlob::allocateAndCopyWithAlign(
                      bytes, alignof(float), /*dataIsMutable=*/false)));
    Value bp = arith::ConstantOp::create(builder, loc, attr);

    // C[m, n1 * nr + n0] += A[m, k] * Bp[n1, k, n0], on C viewed as
    // [M, N1, nr] (padded with zero columns when nr does not divide N).
    Value init = op.getOutputs()[0];
    auto paddedType = RankedTensorType::get({m, padded}, builder.getF32Type());
    if (padded != n) {
      Value zero = arith::ConstantOp::create(builder, loc,
                                             builder.getF32FloatAttr(0.0f));
      init = tensor::PadOp::create(
          builder, loc, paddedType, init,
          ArrayRef<OpFoldResult>{builder.getIndexAttr(0),
                                 builder.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{builder.getIndexAttr(0),
                                 builder.getIndexAttr(padded - n)},
          zero);
    }
    auto expandedType =
        RankedTensorType::get({m, panels, nr}, builder.getF32Type());
    SmallVector<ReassociationIndices> reassoc = {{0}, {1, 2}};
    init = tensor::ExpandShapeOp::create(builder, loc, expandedType, init,
                                         reassoc);
    MLIRContext *ctx = builder.getContext();
    AffineExpr dm, dn1, dn0, dk;
    bindDims(ctx, dm, dn1, dn0, dk);
    SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {dm, dk}, ctx),
                                   AffineMap::get(4, 0, {dn1, dk, dn0}, ctx),
                                   AffineMap::get(4, 0, {dm, dn1, dn0}, ctx)};
    SmallVector<utils::IteratorType> iterators(3,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        builder, loc, TypeRange{expandedType},
        ValueRange{op.getInputs()[0], bp}, ValueRange{init}, maps, iterators,
        [](OpBuilder &nb, Location nl, ValueRange args) {
          Value p = arith::MulFOp::create(nb, nl, args[0], args[1]);
          linalg::YieldOp::create(
              nb, nl, arith::AddFOp::create(nb, nl, args[2], p).getResult());
        });
    Value result = tensor::CollapseShapeOp::create(
        builder, loc, paddedType, generic.getResult(0), reassoc);
    if (padded != n)
      result = tensor::ExtractSliceOp::create(
          builder, loc, cType, result,
          ArrayRef<OpFoldResult>{builder.getIndexAttr(0),
                                 builder.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{builder.getIndexAttr(m),
                                 builder.getIndexAttr(n)},
          ArrayRef<OpFoldResult>{builder.getIndexAttr(1),
                                 builder.getIndexAttr(1)});
    Operation *producer = op.getInputs()[1].getDefiningOp();
    op.getResult(0).replaceAllUsesWith(result);
    op.erase();
    // The unpacked weight (and its transpose) is dead unless something
    // else reads it.
    while (producer && producer->use_empty() && isMemoryEffectFree(producer)) {
      Operation *next = producer->getNumOperands()
                            ? producer->getOperand(0).getDefiningOp()
                            : nullptr;
      // Its blob goes back now if this was the last op naming it.
      releaser->notifyOperationErased(producer);
      producer->erase();
      producer = next;
    }
  }
};

} // namespace
