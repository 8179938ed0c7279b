// kiln-cpu-pack-weights: matmuls whose B is a constant (or the transpose of
// one, as ONNX Gemm transB gives) read B from a copy packed at compile time
// into panels of nr contiguous columns, so the micro-kernel streams B
// sequentially instead of striding across rows.
#include "codegen/cpu/Passes.h"
#include "codegen/cpu/RegisterTile.h"
#include "passes/common/ResourceBlobs.h"
#include "passes/tiling/Passes.h"

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

} // namespace

std::optional<ArrayRef<float>> mlir::kiln::packableWeights(Value v) {
  arith::ConstantOp cst = underlyingConstant(v);
  if (!cst)
    return std::nullopt;
  return mlir::kiln::constantFloats(cast<ElementsAttr>(cst.getValue()));
}

namespace {

/// A constant of `shape` holding `values`: inline when small (readable IR),
/// a blob otherwise.
Value createWeights(OpBuilder &builder, Location loc, ArrayRef<int64_t> shape,
                    ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, builder.getF32Type());
  ArrayRef<char> bytes(reinterpret_cast<const char *>(values.data()),
                       values.size() * sizeof(float));
  TypedAttr attr =
      values.size() <= 64
          ? TypedAttr(DenseElementsAttr::get(type, values))
          : TypedAttr(DenseResourceElementsAttr::get(
                type, "packed_weights",
                HeapAsmResourceBlob::allocateAndCopyWithAlign(
                    bytes, alignof(float), /*dataIsMutable=*/false)));
  return arith::ConstantOp::create(builder, loc, attr);
}

/// `init` rebuilt at the padded shape `padded` when it is a fill, or a
/// broadcast of a constant row along the last dimension (a bias), with the
/// row padded by zeros (also seen through a collapse_shape): the op then writes the padded accumulator itself
/// and joins its contraction's tiles, where a pad of it would copy the
/// whole tensor once more. Null otherwise.
Value rebuildPadded(OpBuilder &builder, Location loc, Value init,
                    RankedTensorType padded) {
  Operation *def = init.getDefiningOp();
  if (!def || !init.hasOneUse())
    return nullptr;
  // Through a collapse that keeps the last dimension on its own (a 1x1
  // convolution's [N, H, W, F] accumulator seen as [N*H*W, F]).
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(def)) {
    SmallVector<ReassociationIndices> groups =
        collapse.getReassociationIndices();
    RankedTensorType source = collapse.getSrcType();
    if (groups.back().size() != 1)
      return nullptr;
    SmallVector<int64_t> shape(source.getShape());
    shape.back() = padded.getShape().back();
    Value rebuilt =
        rebuildPadded(builder, loc, collapse.getSrc(), source.clone(shape));
    return rebuilt ? tensor::CollapseShapeOp::create(builder, loc, padded,
                                                     rebuilt, groups)
                         .getResult()
                   : nullptr;
  }
  if (auto fill = dyn_cast<linalg::FillOp>(def)) {
    Value empty = tensor::EmptyOp::create(builder, loc, padded.getShape(),
                                          padded.getElementType());
    return linalg::FillOp::create(builder, loc, fill.value(), empty)
        .getResult(0);
  }
  auto generic = dyn_cast<linalg::GenericOp>(def);
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 || generic.getNumReductionLoops() != 0)
    return nullptr;
  unsigned loops = generic.getNumLoops();
  AffineMap row = AffineMap::get(loops, 0,
                                 builder.getAffineDimExpr(loops - 1),
                                 builder.getContext());
  OpOperand *input = generic.getDpsInputOperand(0);
  auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
  std::optional<ArrayRef<float>> values =
      mlir::kiln::packableWeights(input->get());
  if (generic.getMatchingIndexingMap(input) != row ||
      !generic.getIndexingMapMatchingResult(generic->getResult(0))
           .isIdentity() ||
      !values || yield.getNumOperands() != 1 ||
      yield.getOperand(0) != generic.getBody()->getArgument(0))
    return nullptr;
  std::vector<float> rowValues(values->begin(), values->end());
  rowValues.resize(padded.getShape().back(), 0.0f);
  Value bias = createWeights(builder, loc, {padded.getShape().back()},
                             rowValues);
  Value empty = tensor::EmptyOp::create(builder, loc, padded.getShape(),
                                        padded.getElementType());
  auto rebuilt = linalg::GenericOp::create(
      builder, loc, TypeRange{padded}, ValueRange{bias}, ValueRange{empty},
      generic.getIndexingMapsArray(), generic.getIteratorTypesArray(),
      [](OpBuilder &b, Location l, ValueRange args) {
        linalg::YieldOp::create(b, l, args[0]);
      });
  return rebuilt.getResult(0);
}

/// `init` with zero columns appended up to the shape `padded`.
Value padColumns(OpBuilder &builder, Location loc, Value init,
                 RankedTensorType padded) {
  auto type = cast<RankedTensorType>(init.getType());
  Value zero =
      arith::ConstantOp::create(builder, loc, builder.getF32FloatAttr(0.0f));
  SmallVector<OpFoldResult> low(type.getRank(), builder.getIndexAttr(0));
  SmallVector<OpFoldResult> high(low);
  high.back() =
      builder.getIndexAttr(padded.getShape().back() - type.getShape().back());
  return tensor::PadOp::create(builder, loc, padded, init, low, high, zero);
}

/// `init` ([..., N]) padded with zero columns to [..., padded] when
/// padded > N (rebuilt at that shape where it is a fill or a bias
/// broadcast), then viewed as [..., padded / nr, nr].
Value panelView(OpBuilder &builder, Location loc, Value init, int64_t padded,
                int64_t nr) {
  auto type = cast<RankedTensorType>(init.getType());
  int64_t rank = type.getRank(), n = type.getShape().back();
  SmallVector<int64_t> shape(type.getShape());
  if (padded != n) {
    shape.back() = padded;
    RankedTensorType paddedType = type.clone(shape);
    Value rebuilt = rebuildPadded(builder, loc, init, paddedType);
    init = rebuilt ? rebuilt : padColumns(builder, loc, init, paddedType);
  }
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t d = 0; d + 1 < rank; ++d)
    reassoc.push_back({d});
  reassoc.push_back({rank - 1, rank});
  shape.back() = padded / nr;
  shape.push_back(nr);
  return tensor::ExpandShapeOp::create(builder, loc, type.clone(shape), init,
                                       reassoc);
}

/// The inverse of panelView for a result of `type` ([..., N]).
Value unpanelView(OpBuilder &builder, Location loc, Value result,
                  RankedTensorType type) {
  auto panels = cast<RankedTensorType>(result.getType());
  int64_t rank = type.getRank();
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t d = 0; d + 1 < rank; ++d)
    reassoc.push_back({d});
  reassoc.push_back({rank - 1, rank});
  SmallVector<int64_t> shape(type.getShape());
  shape.back() = panels.getShape()[rank - 1] * panels.getShape()[rank];
  Value flat = tensor::CollapseShapeOp::create(builder, loc, type.clone(shape),
                                               result, reassoc);
  if (shape.back() == type.getShape().back())
    return flat;
  SmallVector<OpFoldResult> zeros(rank, builder.getIndexAttr(0)),
      ones(rank, builder.getIndexAttr(1)), sizes;
  for (int64_t size : type.getShape())
    sizes.push_back(builder.getIndexAttr(size));
  return tensor::ExtractSliceOp::create(builder, loc, type, flat, zeros, sizes,
                                        ones);
}

struct PackWeightsPass : mlir::kiln::impl::PackWeightsBase<PackWeightsPass> {
  using PackWeightsBase::PackWeightsBase;

  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<linalg::MatmulOp, linalg::Conv2DNhwcHwcfOp>(op))
        ops.push_back(op);
    });
    mlir::kiln::BlobReleaser blobs(getOperation());
    releaser = &blobs;
    for (Operation *op : ops) {
      if (auto matmul = dyn_cast<linalg::MatmulOp>(op))
        pack(matmul);
      else
        pack(cast<linalg::Conv2DNhwcHwcfOp>(op));
    }
    releaser = nullptr;
    // Weights read from a blob that no op refers to any more (every reader
    // now uses the packed copy) give their memory back.
    mlir::kiln::releaseDeadBlobs(getOperation(), replaced);
  }

  llvm::SetVector<DenseResourceElementsAttr> replaced;
  /// Counts the ops naming each weight blob during runOnOperation.
  mlir::kiln::BlobReleaser *releaser = nullptr;

  /// Panel width for an output of `rows` rows (matmul M, or the pixels of
  /// a convolution's output row) by `n` columns: the whole number of
  /// vectors (4, 2 or 1) whose register tile (chooseRegisterTile, rows
  /// dividing `rows`) does the most useful FMAs per load, counting the
  /// zero columns a panel that does not divide N pads with as waste. So:
  /// 6 rows x 4 vectors where 32 registers hold 256-bit vectors; 2 vectors
  /// by 7 pixels for a convolution's rows of 14 or 7; 4 vectors for a
  /// single row; and N = 24 padded to one 4-vector panel rather than
  /// three 1-vector ones.
  int64_t panelWidth(int64_t rows, int64_t n) const {
    int64_t lanes = vectorBits / 32, best = lanes;
    double bestScore = 0;
    for (int64_t v : {4, 2, 1}) {
      int64_t nr = v * lanes;
      if (v > 1 && nr >= 2 * n)
        continue; // more than half the panel would be padding
      mlir::kiln::RegisterTile tile = mlir::kiln::chooseRegisterTile(
          rows, nr, lanes, vectorRegisters, /*wholeN=*/true,
          /*dividingM=*/true);
      double useful = double(n) / double(llvm::divideCeil(n, nr) * nr);
      double score = mlir::kiln::tileScore(tile, lanes) * useful;
      if (score > bestScore + 1e-9) {
        bestScore = score;
        best = nr;
      }
    }
    return best;
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
    std::optional<ArrayRef<float>> values = mlir::kiln::packableWeights(b);
    if (!values)
      return;
    noteReplaced(b);

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
    Value bp = createWeights(builder, loc, {panels, k, nr}, packed);

    // C[m, n1 * nr + n0] += A[m, k] * Bp[n1, k, n0], on C viewed as
    // [M, N1, nr] (padded with zero columns when nr does not divide N).
    Value init = panelView(builder, loc, op.getOutputs()[0], padded, nr);
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
        builder, loc, TypeRange{init.getType()},
        ValueRange{op.getInputs()[0], bp}, ValueRange{init}, maps, iterators,
        multiplyAccumulate);
    replace(op, unpanelView(builder, loc, generic.getResult(0), cType));
  }

  /// A static f32 NHWC convolution with a constant filter [KH, KW, C, F]
  /// becomes a direct convolution over panels of the output channels: a
  /// generic over (n, f1, oh, ow, f0, kh, kw, c) reading the filter packed
  /// as [F1, KH, KW, C, nr] and writing the output viewed as
  /// [N, OH, OW, F1, nr]. Its register tile (pixels of one output row by
  /// one panel) reads the input where it lies: no im2col copy. Panels come
  /// before pixels in the loop order, so that every level of tiles sweeps
  /// its pixels with one slice of a panel in cache.
  void pack(linalg::Conv2DNhwcHwcfOp op) {
    if (!op.hasPureTensorSemantics() || op.hasDynamicShape() ||
        !llvm::all_of(op->getOperandTypes(),
                      [](Type t) { return getElementTypeOrSelf(t).isF32(); }))
      return;
    Value w = op.getInputs()[1];
    std::optional<ArrayRef<float>> values = mlir::kiln::packableWeights(w);
    if (!values)
      return;
    ArrayRef<int64_t> ws = cast<RankedTensorType>(w.getType()).getShape();
    auto outType = cast<RankedTensorType>(op.getOutputs()[0].getType());
    int64_t kh = ws[0], kw = ws[1], c = ws[2], f = ws[3];
    int64_t nr = panelWidth(outType.getDimSize(2), f);
    if (kh * kw * c == 0 || f == 0)
      return;
    noteReplaced(w);

    // Wp[f1][i][j][cc][f0] = W[i][j][cc][f1 * nr + f0], 0 past F.
    int64_t panels = static_cast<int64_t>(llvm::divideCeil(f, nr));
    int64_t padded = panels * nr, window = kh * kw * c;
    std::vector<float> packed(static_cast<size_t>(padded * window), 0.0f);
    for (int64_t p = 0; p < panels; ++p)
      for (int64_t r = 0; r < window; ++r)
        for (int64_t j = 0; j < nr && p * nr + j < f; ++j)
          packed[(p * window + r) * nr + j] = (*values)[r * f + p * nr + j];
    OpBuilder builder(op, releaser);
    Location loc = op.getLoc();
    Value wp = createWeights(builder, loc, {panels, kh, kw, c, nr}, packed);

    SmallVector<int64_t> strides(op.getStrides().getValues<int64_t>()),
        dilations(op.getDilations().getValues<int64_t>());
    Value init = panelView(builder, loc, op.getOutputs()[0], padded, nr);
    MLIRContext *ctx = builder.getContext();
    AffineExpr n, f1, oh, ow, f0, i, j, cc;
    bindDims(ctx, n, f1, oh, ow, f0, i, j, cc);
    SmallVector<AffineMap> maps = {
        AffineMap::get(8, 0,
                       {n, oh * strides[0] + i * dilations[0],
                        ow * strides[1] + j * dilations[1], cc},
                       ctx),
        AffineMap::get(8, 0, {f1, i, j, cc, f0}, ctx),
        AffineMap::get(8, 0, {n, oh, ow, f1, f0}, ctx)};
    SmallVector<utils::IteratorType> iterators(5,
                                               utils::IteratorType::parallel);
    iterators.append(3, utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        builder, loc, TypeRange{init.getType()},
        ValueRange{op.getInputs()[0], wp}, ValueRange{init}, maps, iterators,
        multiplyAccumulate);
    generic->setAttr(mlir::kiln::kConvWindowAttr,
                     builder.getDenseI64ArrayAttr(
                         {strides[0], strides[1], dilations[0], dilations[1]}));
    replace(op, unpanelView(builder, loc, generic.getResult(0), outType));
  }

  static void multiplyAccumulate(OpBuilder &nb, Location nl, ValueRange args) {
    Value p = arith::MulFOp::create(nb, nl, args[0], args[1]);
    linalg::YieldOp::create(
        nb, nl, arith::AddFOp::create(nb, nl, args[2], p).getResult());
  }

  /// Remembers the blob behind weights about to be repacked.
  void noteReplaced(Value weights) {
    if (auto res = dyn_cast<DenseResourceElementsAttr>(
            underlyingConstant(weights).getValue()))
      replaced.insert(res);
  }

  /// Replaces `op` by `result`, then erases the unpacked weight (and the
  /// reshapes or transpose in front of it) unless something else reads it.
  void replace(Operation *op, Value result) {
    Operation *producer = op->getOperand(1).getDefiningOp();
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
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
