// kiln-cuda-tile-contractions' GEMMs: which contractions are GEMMs and
// how their operands are read (codegen/cuda/Gemm.h), how a result is
// stored, and the neighbouring ops a kernel absorbs.
#include "codegen/cuda/Gemm.h"
#include "codegen/cuda/Passes.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace mlir::kiln;

namespace mlir::kiln::cuda {

Value idx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value loadF32(OpBuilder &b, Location loc, Value buffer, ValueRange indices) {
  Value v = memref::LoadOp::create(b, loc, buffer, indices);
  if (!v.getType().isF32())
    v = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
  return v;
}

/// The buffer the kernel of GEMM `op` reads as its second operand: the
/// weight's narrowed copy where kiln-cuda-narrow-weights made one of the
/// type the kernel stages (`staged`; null: none is, fp32 and tf32).
static Value operandB(linalg::LinalgOp op, Type staged) {
  Value v = op.getDpsInputOperand(1)->get();
  auto copy = op->getAttrOfType<FlatSymbolRefAttr>(kCudaNarrowWeightsAttr);
  if (!copy || !staged)
    return v;
  auto global =
      SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(op, copy);
  auto type = global ? global.getType() : MemRefType();
  if (!type || type.getElementType() != staged ||
      type.getShape() != cast<MemRefType>(v.getType()).getShape())
    return v;
  OpBuilder b(op);
  return memref::GetGlobalOp::create(b, op.getLoc(), type, copy.getValue());
}

Gemm makeGemm(int64_t batch, int64_t m, int64_t n, int64_t k, Value c) {
  Gemm g;
  g.batch = batch;
  g.m = m;
  g.n = n;
  g.k = k;
  g.c = c;
  return g;
}

std::optional<Gemm> asGemm(linalg::LinalgOp op, Type staged) {
  if (!op.hasPureBufferSemantics() || !isCudaGemm(op) || !hasCudaGemmTypes(op))
    return std::nullopt;
  if (auto mm = dyn_cast<linalg::MatmulOp>(op.getOperation())) {
    Value a = mm.getInputs()[0], bm = operandB(op, staged),
          c = mm.getOutputs()[0];
    ArrayRef<int64_t> as = cast<MemRefType>(a.getType()).getShape();
    ArrayRef<int64_t> bs = cast<MemRefType>(bm.getType()).getShape();
    Gemm g = makeGemm(1, as[0], bs[1], as[1], c);
    g.loadA = [a](OpBuilder &b, Location loc, Value, Value r, Value k) {
      return loadF32(b, loc, a, ValueRange{r, k});
    };
    g.aBuffer = a;
    g.aIndices = [](OpBuilder &, Location, Value, Value r, Value k) {
      return SmallVector<Value>{r, k};
    };
    g.setB(bm, [](OpBuilder &, Location, Value, Value k, Value col) {
      return SmallVector<Value>{k, col};
    });
    g.cIndices = [](OpBuilder &, Location, Value, Value r, Value col) {
      return SmallVector<Value>{r, col};
    };
    return g;
  }
  if (auto bmm = dyn_cast<linalg::BatchMatmulOp>(op.getOperation())) {
    Value a = bmm.getInputs()[0], bm = operandB(op, staged),
          c = bmm.getOutputs()[0];
    ArrayRef<int64_t> as = cast<MemRefType>(a.getType()).getShape();
    ArrayRef<int64_t> bs = cast<MemRefType>(bm.getType()).getShape();
    Gemm g = makeGemm(as[0], as[1], bs[2], as[2], c);
    g.loadA = [a](OpBuilder &b, Location loc, Value bb, Value r, Value k) {
      return loadF32(b, loc, a, ValueRange{bb, r, k});
    };
    g.aBuffer = a;
    g.aIndices = [](OpBuilder &, Location, Value bb, Value r, Value k) {
      return SmallVector<Value>{bb, r, k};
    };
    g.setB(bm, [](OpBuilder &, Location, Value bb, Value k, Value col) {
      return SmallVector<Value>{bb, k, col};
    });
    g.cIndices = [](OpBuilder &, Location, Value bb, Value r, Value col) {
      return SmallVector<Value>{bb, r, col};
    };
    return g;
  }
  if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation())) {
    CudaGemmDims d = *getCudaGemmDims(generic);
    SmallVector<int64_t> ranges = generic.getStaticLoopRanges();
    Value c = generic.getDpsInits()[0];
    Gemm g = makeGemm(d.batch >= 0 ? ranges[d.batch] : 1, ranges[d.m],
                      ranges[d.n], ranges[d.k], c);
    // An operand's element at loop dimensions (batch, x, y): its map picks
    // its indices among them.
    auto indices = [&](OpOperand *operand, int64_t x, int64_t y) {
      AffineMap map = generic.getMatchingIndexingMap(operand);
      return [=](OpBuilder &, Location, Value bb, Value vx, Value vy) {
        SmallVector<Value> at;
        for (unsigned i = 0; i < map.getNumResults(); ++i) {
          int64_t dim = map.getDimPosition(i);
          at.push_back(dim == x ? vx : dim == y ? vy : bb);
        }
        return at;
      };
    };
    OpOperand *a = generic.getDpsInputOperand(0);
    auto aIndices = indices(a, d.m, d.k);
    g.loadA = [aIndices, buffer = a->get()](OpBuilder &b, Location loc,
                                            Value bb, Value m, Value k) {
      return loadF32(b, loc, buffer, aIndices(b, loc, bb, m, k));
    };
    AffineMap aMap = generic.getMatchingIndexingMap(a);
    if (aMap.getDimPosition(aMap.getNumResults() - 1) == unsigned(d.k)) {
      g.aBuffer = a->get();
      g.aIndices = aIndices;
    }
    OpOperand *bOperand = generic.getDpsInputOperand(1);
    g.setB(operandB(op, staged), indices(bOperand, d.k, d.n));
    AffineMap bMap = generic.getMatchingIndexingMap(bOperand);
    if (bMap.getDimPosition(bMap.getNumResults() - 1) != unsigned(d.n))
      g.bBuffer = nullptr; // B's rows are not its buffer's rows
    bool batched = d.batch >= 0;
    g.cIndices = [batched](OpBuilder &, Location, Value bb, Value r,
                           Value col) {
      return batched ? SmallVector<Value>{bb, r, col}
                     : SmallVector<Value>{r, col};
    };
    return g;
  }
  if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation())) {
    Value in = conv.getInputs()[0], w = operandB(op, staged),
          out = conv.getOutputs()[0];
    ArrayRef<int64_t> ws = cast<MemRefType>(w.getType()).getShape();
    ArrayRef<int64_t> os = cast<MemRefType>(out.getType()).getShape();
    SmallVector<int64_t> strides =
        llvm::to_vector(conv.getStrides().getValues<int64_t>());
    SmallVector<int64_t> dilations =
        llvm::to_vector(conv.getDilations().getValues<int64_t>());
    int64_t kh = ws[0], kw = ws[1], ch = ws[2], f = ws[3];
    int64_t n = os[0], oh = os[1], ow = os[2];
    // Rows: output pixels (n, oh, ow); reduction: (kh, kw, c) as the
    // filter's rows (HWCF is a K x F matrix); columns: filters.
    Gemm g = makeGemm(1, n * oh * ow, f, kh * kw * ch, out);
    // `count` input elements (k + j, j < count, inside one filter
    // position): one input position.
    // The input element (n, y, x, c) of output pixel r and filter row k.
    auto position = [=](OpBuilder &b, Location loc, Value, Value r, Value k) {
      SmallVector<Value> p = delinearize(b, loc, r, {n, oh, ow});
      SmallVector<Value> q = delinearize(b, loc, k, {kh, kw, ch});
      auto at = [&](Value o, Value t, int64_t s, int64_t d) -> Value {
        return arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, o, idx(b, loc, s)),
            arith::MulIOp::create(b, loc, t, idx(b, loc, d)));
      };
      return SmallVector<Value>{p[0], at(p[1], q[0], strides[0], dilations[0]),
                                at(p[2], q[1], strides[1], dilations[1]), q[2]};
    };
    auto gather = [=](OpBuilder &b, Location loc, Value bb, Value r, Value k,
                      int64_t count) {
      assert(ch % count == 0 && "a run stays at one filter position");
      SmallVector<Value> at = position(b, loc, bb, r, k);
      SmallVector<Value> run;
      for (int64_t j = 0; j < count; ++j) {
        SmallVector<Value> atJ(at);
        if (j)
          atJ[3] = arith::AddIOp::create(b, loc, at[3], idx(b, loc, j));
        run.push_back(loadF32(b, loc, in, atJ));
      }
      return run;
    };
    g.loadA = [=](OpBuilder &b, Location loc, Value bb, Value r, Value k) {
      return gather(b, loc, bb, r, k, 1)[0];
    };
    // Runs of channels where the channels divide into them.
    if (ch % 4 == 0) {
      g.loadARun = gather;
      g.aBuffer = in;
      g.aIndices = position;
    }
    g.setB(w, [=](OpBuilder &b, Location loc, Value, Value k, Value col) {
      SmallVector<Value> q = delinearize(b, loc, k, {kh, kw, ch});
      q.push_back(col);
      return q;
    });
    g.cIndices = [=](OpBuilder &b, Location loc, Value, Value r, Value col) {
      SmallVector<Value> p = delinearize(b, loc, r, {n, oh, ow});
      p.push_back(col);
      return p;
    };
    return g;
  }
  return std::nullopt;
}

/// Element `linear` (row-major) of contiguous `buffer`.
static SmallVector<Value> linearIndices(OpBuilder &b, Location loc,
                                        Value buffer, Value linear) {
  return delinearize(b, loc, linear,
                     cast<MemRefType>(buffer.getType()).getShape());
}

void storeResult(OpBuilder &b, Location loc, const Gemm &g, Value batch,
                 Value m, Value n, Value acc) {
  auto contract = arith::FastMathFlagsAttr::get(b.getContext(),
                                                arith::FastMathFlags::contract);
  Value init;
  if (g.bias)
    init = memref::LoadOp::create(b, loc, g.bias, ValueRange{n});
  else if (g.fill)
    init = g.fill;
  else
    init = memref::LoadOp::create(b, loc, g.c, g.cIndices(b, loc, batch, m, n));
  Value value = arith::AddFOp::create(b, loc, init, acc, contract);
  if (!g.epilogue) {
    memref::StoreOp::create(b, loc, value, g.c,
                            g.cIndices(b, loc, batch, m, n));
    return;
  }
  // The output element's row-major position, the same in every operand.
  Value row = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, batch, idx(b, loc, g.m)), m);
  Value linear = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, row, idx(b, loc, g.n)), n);
  IRMapping mapping;
  linalg::GenericOp epilogue = g.epilogue;
  Block *body = epilogue.getBody();
  for (OpOperand *in : epilogue.getDpsInputOperands()) {
    unsigned k = in->getOperandNumber();
    Value v =
        k == g.epilogueInput
            ? value
            : memref::LoadOp::create(b, loc, in->get(),
                                     linearIndices(b, loc, in->get(), linear))
                  .getResult();
    mapping.map(body->getArgument(k), v);
  }
  for (Operation &op : body->without_terminator())
    b.clone(op, mapping);
  Value result = mapping.lookupOrDefault(
      cast<linalg::YieldOp>(body->getTerminator()).getOperand(0));
  Value out = epilogue.getDpsInits()[0];
  memref::StoreOp::create(b, loc, result, out,
                          linearIndices(b, loc, out, linear));
}

// ---- Fused bias and epilogue ---------------------------------------------

SmallVector<Operation *> fuseNeighbours(linalg::LinalgOp op, Gemm &g) {
  SmallVector<Operation *> replaced;
  if (!op->hasAttr(kCudaFusedOutputAttr) || !contiguousBase(g.c))
    return replaced;
  Operation *prev = effectfulNeighbour(op, /*after=*/false);
  if (prev && prev->hasAttr(kCudaPrefillAttr) && isCudaPrefill(prev)) {
    if (auto fill = dyn_cast<linalg::FillOp>(prev)) {
      if (sameElements(fill.getOutputs()[0], g.c) &&
          fill.getInputs()[0].getType().isF32()) {
        g.fill = fill.getInputs()[0];
        replaced.push_back(prev);
      }
    } else if (auto bcast = dyn_cast<linalg::GenericOp>(prev)) {
      Value bias = bcast.getDpsInputs()[0];
      auto biasType = dyn_cast<MemRefType>(bias.getType());
      if (biasType && biasType.getRank() == 1 &&
          biasType.getDimSize(0) == g.n && biasType.getElementType().isF32() &&
          sameElements(bcast.getDpsInits()[0], g.c) &&
          !mayOverlap(bias, g.c)) { // read while the kernel writes c
        g.bias = bias;
        replaced.push_back(prev);
      }
    }
  }
  Operation *next = effectfulNeighbour(op, /*after=*/true);
  auto epilogue = dyn_cast_or_null<linalg::GenericOp>(next);
  if (!epilogue || !epilogue->hasAttr(kCudaEpilogueAttr) ||
      !isCudaEpilogue(epilogue) || !epilogue.hasPureBufferSemantics())
    return replaced;
  std::optional<unsigned> input;
  for (OpOperand *in : epilogue.getDpsInputOperands()) {
    if (!contiguousBase(in->get()) ||
        cast<MemRefType>(in->get().getType()).getNumElements() !=
            g.batch * g.m * g.n)
      return replaced;
    if (!input && sameElements(in->get(), g.c))
      input = in->getOperandNumber();
  }
  Value out = epilogue.getDpsInits()[0];
  if (!input || !contiguousBase(out) ||
      cast<MemRefType>(out.getType()).getNumElements() != g.batch * g.m * g.n)
    return replaced;
  // The kernel writes the output while its blocks still read the GEMM's
  // operands and the bias: they must not share memory with it (after the
  // GEMM they are dead, and the arena may reuse them for the output). The
  // epilogue's other operands are read at the element the same thread then
  // writes: in place or apart.
  for (Value operand : op->getOperands())
    if (operand != g.c && mayOverlap(operand, out))
      return replaced;
  if (g.bias && mayOverlap(g.bias, out))
    return replaced;
  // The initial value read from c while other blocks write the output.
  if (!g.bias && !g.fill && mayOverlap(g.c, out) && !sameElements(g.c, out))
    return replaced;
  for (OpOperand *in : epilogue.getDpsInputOperands())
    if (in->getOperandNumber() != *input && mayOverlap(in->get(), out) &&
        !sameElements(in->get(), out))
      return replaced;
  g.epilogue = epilogue;
  g.epilogueInput = *input;
  replaced.push_back(epilogue);
  return replaced;
}

} // namespace mlir::kiln::cuda
