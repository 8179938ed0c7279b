// kiln-cuda-tile-contractions' GEMMs: which contractions are GEMMs and
// how their operands are read (codegen/cuda/Gemm.h), how a result is
// stored, and the neighbouring ops a kernel absorbs.
#include "codegen/cuda/Gemm.h"
#include "codegen/cuda/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <memory>

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

/// Whether `op` fills a whole buffer with zeros (a linalg.fill, or the
/// linalg.map bufferization makes of a tensor.pad's padding), and which.
static Value zeroFilled(Operation *op) {
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return fill.hasPureBufferSemantics() &&
                   matchPattern(fill.getInputs()[0], m_AnyZeroFloat())
               ? fill.getOutputs()[0]
               : Value();
  auto map = dyn_cast<linalg::MapOp>(op);
  if (!map || !map.hasPureBufferSemantics() || !map.getInputs().empty())
    return Value();
  auto yield = cast<linalg::YieldOp>(map.getMapper().front().getTerminator());
  return matchPattern(yield.getOperand(0), m_AnyZeroFloat()) ? map.getInit()
                                                             : Value();
}

/// Whether `op` writes nothing that may share memory with `v` (and says
/// what it writes).
static bool writesApart(Operation *op, Value v) {
  if (isMemoryEffectFree(op))
    return true;
  auto iface = dyn_cast<MemoryEffectOpInterface>(op);
  if (!iface)
    return false;
  SmallVector<MemoryEffects::EffectInstance> effects;
  iface.getEffects(effects);
  for (const MemoryEffects::EffectInstance &e : effects) {
    if (!isa<MemoryEffects::Write>(e.getEffect()))
      continue;
    Value written = e.getValue();
    if (!written || !isa<MemRefType>(written.getType()) ||
        mayOverlap(written, v))
      return false;
  }
  return true;
}

/// A copy's source and target (memref.copy, or the linalg.copy
/// kiln-memory-lower-copies makes of it).
static std::optional<std::pair<Value, Value>> copied(Operation *op) {
  if (auto copy = dyn_cast<memref::CopyOp>(op))
    return std::make_pair(copy.getSource(), copy.getTarget());
  if (auto copy = dyn_cast<linalg::CopyOp>(op);
      copy && copy.hasPureBufferSemantics())
    return std::make_pair(copy.getInputs()[0], copy.getOutputs()[0]);
  return std::nullopt;
}

namespace {
/// A convolution input that is a zero-padded copy: `src` copied into the
/// interior (`offsets`, `sizes` per dimension) of `padded`, which was
/// filled with zeros first (`fill`, `copy`): what bufferization makes of
/// a tensor.pad on the GPU path.
struct PaddedInput {
  Value src, padded;
  SmallVector<int64_t> offsets, sizes;
  bool dropsBatch = false; // padded is (H, W, C), the input (1, H, W, C)
  Operation *fill = nullptr, *copy = nullptr;
  bool soleReader = false; // the convolution alone reads padded
};
} // namespace

/// `conv`'s input (a convolution's, a depthwise convolution's: NHWC) as a
/// padded copy its kernel can read through: `src`
/// unchanged from the copy until the kernel (and its fused epilogue) has
/// run, nothing written in between or by the kernel sharing its memory;
/// none otherwise.
static std::optional<PaddedInput>
paddedInput(linalg::LinalgOp conv) {
  PaddedInput pad;
  Value in = conv.getDpsInputs()[0];
  pad.padded = in;
  if (auto expand = in.getDefiningOp<memref::ExpandShapeOp>()) {
    SmallVector<ReassociationIndices> re = expand.getReassociationIndices();
    if (expand.getSrcType().getRank() != 3 || re.size() != 3 ||
        re[0] != ReassociationIndices{0, 1} ||
        expand.getResultType().getDimSize(0) != 1)
      return std::nullopt;
    pad.padded = expand.getSrc();
    pad.dropsBatch = true;
  }
  auto paddedType = cast<MemRefType>(pad.padded.getType());
  if (!paddedType.hasStaticShape() || !paddedType.getLayout().isIdentity() ||
      conv->getParentOp() != conv->getParentOfType<func::FuncOp>())
    return std::nullopt;
  // The copy into the padded buffer's interior, and right before it the
  // zero fill of the whole.
  memref::SubViewOp interior;
  for (Operation *op = conv->getPrevNode(); op && !pad.copy;
       op = op->getPrevNode())
    if (std::optional<std::pair<Value, Value>> copy = copied(op))
      if (auto sub = copy->second.getDefiningOp<memref::SubViewOp>();
          sub && sub.getSource() == pad.padded) {
        pad.copy = op;
        pad.src = copy->first;
        interior = sub;
      }
  if (!pad.copy)
    return std::nullopt;
  pad.fill = effectfulNeighbour(pad.copy, /*after=*/false);
  if (!pad.fill || zeroFilled(pad.fill) != pad.padded)
    return std::nullopt;
  auto srcType = dyn_cast<MemRefType>(pad.src.getType());
  if (!srcType || !interior.hasUnitStride() ||
      ShapedType::isDynamicShape(interior.getStaticOffsets()) ||
      ShapedType::isDynamicShape(interior.getStaticSizes()) ||
      !srcType.hasStaticShape() || !srcType.getLayout().isIdentity() ||
      srcType.getShape() != interior.getStaticSizes())
    return std::nullopt;
  pad.offsets = llvm::to_vector(interior.getStaticOffsets());
  pad.sizes = llvm::to_vector(interior.getStaticSizes());
  // Padded along the image only (channels, and the batch where there is
  // one, whole).
  ArrayRef<int64_t> shape = paddedType.getShape();
  auto whole = [&](unsigned d) {
    return pad.offsets[d] == 0 && pad.sizes[d] == shape[d];
  };
  if (!whole(shape.size() - 1) || (!pad.dropsBatch && !whole(0)))
    return std::nullopt;
  // src holds the copied values until the kernel is done with it: nothing
  // in between, the GEMM (its output) and its fused epilogue (if any)
  // writes over it.
  Operation *last = conv;
  if (conv->hasAttr(kCudaFusedOutputAttr))
    if (Operation *next = effectfulNeighbour(conv, /*after=*/true);
        next && next->hasAttr(kCudaEpilogueAttr))
      last = next;
  // Nor does anything write into the padded buffer after the copy (the
  // kernel would not see it).
  for (Operation *op = pad.copy->getNextNode();; op = op->getNextNode()) {
    if (!op || !writesApart(op, pad.src) ||
        (op != conv.getOperation() && op != last &&
         !writesApart(op, pad.padded)))
      return std::nullopt;
    if (op == last)
      break;
  }
  // Nothing but the fill, the copy and the convolution uses the padded
  // buffer: they can go.
  pad.soleReader = llvm::all_of(pad.padded.getUsers(), [&](Operation *user) {
    if (user == pad.fill || user == conv.getOperation())
      return true;
    if (user == interior.getOperation() || user == in.getDefiningOp())
      return llvm::all_of(user->getUsers(), [&](Operation *u) {
        return u == pad.copy || u == conv.getOperation();
      });
    return false;
  });
  return pad;
}

namespace {
/// Input position (n, y, x, c of the padded input) -> the element of the
/// input read instead (clamped into it) and whether it lies there (null:
/// always).
using Placer = std::function<std::pair<SmallVector<Value>, Value>(
    OpBuilder &, Location, SmallVector<Value>)>;
} // namespace

static Placer placer(std::shared_ptr<PaddedInput> padding) {
  return [padding](OpBuilder &b, Location loc, SmallVector<Value> at)
             -> std::pair<SmallVector<Value>, Value> {
    if (!padding)
      return {at, Value()};
    SmallVector<Value> p(at.begin() + (padding->dropsBatch ? 1 : 0),
                         at.end());
    ArrayRef<int64_t> shape =
        cast<MemRefType>(padding->padded.getType()).getShape();
    Value valid;
    for (size_t d = 0; d < p.size(); ++d) {
      if (padding->offsets[d] == 0 && padding->sizes[d] == shape[d])
        continue;
      Value s = arith::SubIOp::create(b, loc, p[d],
                                      idx(b, loc, padding->offsets[d]));
      Value ok = arith::AndIOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, s,
                                idx(b, loc, 0)),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, s,
                                idx(b, loc, padding->sizes[d])));
      valid = valid ? arith::AndIOp::create(b, loc, valid, ok) : ok;
      p[d] = arith::SelectOp::create(b, loc, ok, s, idx(b, loc, 0));
    }
    return {p, valid};
  };
}

/// A zero-padded input of `op` read through, if it can be: `in` becomes
/// the real input and `g` erases the fill and copy with the op when
/// nothing else reads them; null otherwise.
static std::shared_ptr<PaddedInput>
readThroughPadding(linalg::LinalgOp op, Value &in, Gemm &g) {
  std::optional<PaddedInput> pad = paddedInput(op);
  if (!pad)
    return nullptr;
  in = pad->src;
  if (pad->soleReader)
    g.padOps = {pad->fill, pad->copy};
  return std::make_shared<PaddedInput>(std::move(*pad));
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

/// An NHWC convolution's output element (row r: pixel (n, oh, ow); column
/// col: channel) as indices of its output.
static auto pixelIndices(int64_t n, int64_t oh, int64_t ow) {
  return [=](OpBuilder &b, Location loc, Value, Value r, Value col) {
    SmallVector<Value> at = delinearize(b, loc, r, {n, oh, ow});
    at.push_back(col);
    return at;
  };
}

/// A depthwise NHWC convolution as a kernel of the same frame: rows are
/// output pixels (n, oh, ow), columns channels, and `sum` the whole window
/// of each output (kh x kw products, unrolled); its bias, epilogue and
/// padded input as a convolution's.
static std::optional<Gemm> asDepthwise(linalg::DepthwiseConv2DNhwcHwcOp dw) {
  auto op = cast<linalg::LinalgOp>(dw.getOperation());
  if (!op.hasPureBufferSemantics() || !hasCudaGemmTypes(op))
    return std::nullopt;
  Value in = dw.getInputs()[0], w = dw.getInputs()[1],
        out = dw.getOutputs()[0];
  ArrayRef<int64_t> ws = cast<MemRefType>(w.getType()).getShape();
  ArrayRef<int64_t> os = cast<MemRefType>(out.getType()).getShape();
  SmallVector<int64_t> strides =
      llvm::to_vector(dw.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations =
      llvm::to_vector(dw.getDilations().getValues<int64_t>());
  int64_t kh = ws[0], kw = ws[1], ch = ws[2];
  int64_t n = os[0], oh = os[1], ow = os[2];
  // At most 7x7 windows unrolled; larger ones stay loops (map-parallel).
  if (kh * kw > 49)
    return std::nullopt;
  Gemm g = makeGemm(1, n * oh * ow, ch, kh * kw, out);
  std::shared_ptr<PaddedInput> padding = readThroughPadding(op, in, g);
  Placer place = placer(padding);
  g.sum = [=](OpBuilder &b, Location loc, Value r, Value c) {
    auto contract = arith::FastMathFlagsAttr::get(
        b.getContext(), arith::FastMathFlags::contract);
    SmallVector<Value> p = delinearize(b, loc, r, {n, oh, ow});
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    Value acc = zero;
    for (int64_t i = 0; i < kh; ++i)
      for (int64_t j = 0; j < kw; ++j) {
        auto at = [&](Value o, int64_t t, int64_t s, int64_t d) -> Value {
          return arith::AddIOp::create(
              b, loc, arith::MulIOp::create(b, loc, o, idx(b, loc, s)),
              idx(b, loc, t * d));
        };
        auto [pos, valid] = place(
            b, loc,
            {p[0], at(p[1], i, strides[0], dilations[0]),
             at(p[2], j, strides[1], dilations[1]), c});
        Value x = loadF32(b, loc, in, pos);
        if (valid)
          x = arith::SelectOp::create(b, loc, valid, x, zero);
        Value y = loadF32(b, loc, w, {idx(b, loc, i), idx(b, loc, j), c});
        acc = arith::AddFOp::create(
            b, loc, acc, arith::MulFOp::create(b, loc, x, y, contract),
            contract);
      }
    return acc;
  };
  g.cIndices = pixelIndices(n, oh, ow);
  return g;
}

std::optional<Gemm> asGemm(linalg::LinalgOp op, Type staged) {
  if (auto dw = dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(op.getOperation()))
    return asDepthwise(dw);
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
    // A zero-padded input is read through: its real values where they
    // lie, 0 around them (no fill and copy kernels before this one).
    std::shared_ptr<PaddedInput> padding = readThroughPadding(op, in, g);
    Placer place = placer(padding);
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
      auto [at, valid] = place(b, loc, position(b, loc, bb, r, k));
      Value zero;
      if (valid)
        zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
      SmallVector<Value> run;
      for (int64_t j = 0; j < count; ++j) {
        SmallVector<Value> atJ(at);
        if (j)
          atJ.back() = arith::AddIOp::create(b, loc, at.back(), idx(b, loc, j));
        Value v = loadF32(b, loc, in, atJ);
        run.push_back(valid ? arith::SelectOp::create(b, loc, valid, v, zero)
                            : v);
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
      g.aIndices = [=](OpBuilder &b, Location loc, Value bb, Value r,
                       Value k) {
        return place(b, loc, position(b, loc, bb, r, k)).first;
      };
    }
    if (padding)
      g.aValid = [=](OpBuilder &b, Location loc, Value bb, Value r, Value k) {
        return place(b, loc, position(b, loc, bb, r, k)).second;
      };
    g.setB(w, [=](OpBuilder &b, Location loc, Value, Value k, Value col) {
      SmallVector<Value> q = delinearize(b, loc, k, {kh, kw, ch});
      q.push_back(col);
      return q;
    });
    g.cIndices = pixelIndices(n, oh, ow);
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
