// Evaluates small all-constant kiln subgraphs at import, on demand: where an
// ONNX operand must be a constant (a shape, axes, pads, a bound) but is
// computed, as in exported models' shape arithmetic (Shape -> Gather ->
// Concat -> Reshape) and ONNX function bodies. The IR is left as it is;
// the computing ops die once their consumer holds the value as attributes.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <cstdint>
#include <cstring>

using namespace mlir;
namespace k = mlir::kiln;

namespace kiln::onnximport {
namespace {

/// Larger intermediate results are not evaluated.
constexpr int64_t kMaxFoldElements = 1 << 16;

/// A folded tensor: integers (i1 as 0/1) as int64, floats as double.
struct Folded {
  RankedTensorType type;
  SmallVector<int64_t> ints;
  SmallVector<double> floats;

  bool isFloat() const { return isa<FloatType>(type.getElementType()); }
  double at(int64_t i) const { return isFloat() ? floats[i] : ints[i]; }
};

void pushInt(Folded &out, int64_t x);

/// Appends `x` converted to `out`'s element type: floats truncate toward
/// zero into integers (NaN to 0, saturating), anything non-zero is i1 true.
void push(Folded &out, double x) {
  Type t = out.type.getElementType();
  if (isa<FloatType>(t)) {
    out.floats.push_back(t.isF32() ? static_cast<float>(x) : x);
  } else if (t.isInteger(1)) {
    out.ints.push_back(x != 0);
  } else if (std::isnan(x)) {
    out.ints.push_back(0);
  } else {
    constexpr double limit = 9223372036854775807.0;
    x = std::trunc(x);
    pushInt(out, x >= limit    ? INT64_MAX
                 : x <= -limit ? INT64_MIN
                               : static_cast<int64_t>(x));
  }
}

/// Appends integer `x`, wrapped to `out`'s integer width as kiln's integer
/// arithmetic wraps (or converted to its float type).
void pushInt(Folded &out, int64_t x) {
  Type t = out.type.getElementType();
  if (out.isFloat())
    out.floats.push_back(static_cast<double>(x));
  else if (t.isInteger(1))
    out.ints.push_back(x != 0);
  else if (unsigned width = t.getIntOrFloatBitWidth(); width < 64)
    out.ints.push_back(llvm::SignExtend64(static_cast<uint64_t>(x), width));
  else
    out.ints.push_back(x);
}

std::optional<Folded> leaf(k::ConstantOp op) {
  ElementsAttr value = op.getValue();
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.hasStaticShape() || type.getNumElements() > kMaxFoldElements)
    return std::nullopt;
  Folded out{type, {}, {}};
  Type element = type.getElementType();
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (isa<FloatType>(element)) {
      for (APFloat x : dense.getValues<APFloat>()) {
        bool lost;
        x.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
        out.floats.push_back(x.convertToDouble());
      }
    } else if (auto i = dyn_cast<IntegerType>(element)) {
      for (const APInt &x : dense.getValues<APInt>())
        out.ints.push_back(i.getWidth() == 1 ? int64_t(x.getZExtValue())
                                             : x.getSExtValue());
    } else {
      return std::nullopt;
    }
    return out;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(value);
  if (!resource || !resource.getRawHandle().getBlob())
    return std::nullopt;
  ArrayRef<char> bytes = resource.getRawHandle().getBlob()->getData();
  const char *p = bytes.data();
  int64_t n = type.getNumElements();
  auto read = [&](auto sample) {
    using T = decltype(sample);
    if (bytes.size() < n * sizeof(T))
      return false;
    for (int64_t i = 0; i < n; ++i) {
      T x;
      std::memcpy(&x, p + i * sizeof(T), sizeof(T));
      if constexpr (std::is_floating_point_v<T>)
        out.floats.push_back(x);
      else
        out.ints.push_back(x);
    }
    return true;
  };
  bool ok = element.isF32()         ? read(float())
            : element.isF64()       ? read(double())
            : element.isInteger(64) ? read(int64_t())
            : element.isInteger(32) ? read(int32_t())
            : element.isInteger(1)  ? read(uint8_t())
                                    : false;
  return ok ? std::optional<Folded>(out) : std::nullopt;
}

/// The multi-index of linear index `i` in `shape`.
SmallVector<int64_t> unflatten(int64_t i, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> index(shape.size());
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    index[d] = shape[d] ? i % shape[d] : 0;
    i = shape[d] ? i / shape[d] : 0;
  }
  return index;
}

/// The linear index into a numpy-broadcast operand of shape `shape` read at
/// result multi-index `index`.
int64_t broadcastIndex(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  int64_t offset = index.size() - shape.size(), linear = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    linear = linear * shape[d] + (shape[d] == 1 ? 0 : index[d + offset]);
  return linear;
}

/// One evaluation: results are memoized, so shared subgraphs are folded
/// once, and the number of ops visited is bounded.
struct Folder {
  llvm::DenseMap<Value, std::optional<Folded>> cache;
  int budget = 4096;

  std::optional<Folded> fold(Value v);
  std::optional<Folded> foldOp(Operation *op);
};

std::optional<Folded> foldBinary(Operation *op, const Folded &a,
                                 const Folded &b, RankedTensorType type) {
  Folded out{type, {}, {}};
  bool f = out.isFloat();
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    SmallVector<int64_t> index = unflatten(i, type.getShape());
    int64_t ia = broadcastIndex(index, a.type.getShape());
    int64_t ib = broadcastIndex(index, b.type.getShape());
    if (!f) {
      int64_t x = a.ints[ia], y = b.ints[ib], r;
      if (isa<k::AddOp>(op))
        r = int64_t(uint64_t(x) + uint64_t(y));
      else if (isa<k::SubOp>(op))
        r = int64_t(uint64_t(x) - uint64_t(y));
      else if (isa<k::MulOp>(op))
        r = int64_t(uint64_t(x) * uint64_t(y));
      else if (isa<k::DivOp>(op) && y != 0)
        r = y == -1 ? int64_t(0 - uint64_t(x)) : x / y;
      else if (isa<k::MaxOp>(op))
        r = std::max(x, y);
      else if (isa<k::MinOp>(op))
        r = std::min(x, y);
      else
        return std::nullopt;
      pushInt(out, r);
      continue;
    }
    double x = a.floats[ia], y = b.floats[ib], r;
    if (isa<k::AddOp>(op))
      r = x + y;
    else if (isa<k::SubOp>(op))
      r = x - y;
    else if (isa<k::MulOp>(op))
      r = x * y;
    else if (isa<k::DivOp>(op))
      r = x / y;
    else if (isa<k::MaxOp>(op))
      r = std::isnan(x) || std::isnan(y) ? NAN : std::max(x, y);
    else if (isa<k::MinOp>(op))
      r = std::isnan(x) || std::isnan(y) ? NAN : std::min(x, y);
    else if (isa<k::PowOp>(op))
      r = std::pow(x, y);
    else
      return std::nullopt;
    push(out, r);
  }
  return out;
}

std::optional<Folded> foldUnary(Operation *op, const Folded &a) {
  if (!a.isFloat())
    return std::nullopt;
  Folded out{a.type, {}, {}};
  for (double x : a.floats) {
    double r;
    if (isa<k::NegOp>(op))
      r = -x;
    else if (isa<k::AbsOp>(op))
      r = std::fabs(x);
    else if (isa<k::FloorOp>(op))
      r = std::floor(x);
    else if (isa<k::CeilOp>(op))
      r = std::ceil(x);
    else if (isa<k::SqrtOp>(op))
      r = std::sqrt(x);
    else if (isa<k::ReciprocalOp>(op))
      r = 1.0 / x;
    else if (isa<k::ExpOp>(op))
      r = std::exp(x);
    else if (isa<k::LogOp>(op))
      r = std::log(x);
    else if (isa<k::SinOp>(op))
      r = std::sin(x);
    else if (isa<k::CosOp>(op))
      r = std::cos(x);
    else
      return std::nullopt;
    push(out, r);
  }
  return out;
}

/// Data movement: every result element copies one operand element, given by
/// `source(result multi-index) -> (operand, linear index)`.
template <typename Fn>
std::optional<Folded> gatherElements(RankedTensorType type,
                                     ArrayRef<const Folded *> operands,
                                     Fn source) {
  Folded out{type, {}, {}};
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    auto [which, at] = source(unflatten(i, type.getShape()));
    const Folded &from = *operands[which];
    if (out.isFloat())
      out.floats.push_back(from.at(at));
    else
      out.ints.push_back(from.ints[at]);
  }
  return out;
}

int64_t linearOf(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  int64_t linear = 0;
  for (auto [i, d] : llvm::zip(index, shape))
    linear = linear * d + i;
  return linear;
}

std::optional<Folded> Folder::foldOp(Operation *op) {
  if (auto c = dyn_cast<k::ConstantOp>(op))
    return leaf(c);
  if (op->getNumResults() != 1)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !type.hasStaticShape() ||
      type.getNumElements() > kMaxFoldElements)
    return std::nullopt;
  SmallVector<Folded> in;
  for (Value operand : op->getOperands()) {
    auto folded = fold(operand);
    if (!folded)
      return std::nullopt;
    in.push_back(std::move(*folded));
  }
  if (isa<k::IdentityOp, k::ReshapeOp>(op)) {
    in[0].type = type;
    return in[0];
  }
  if (isa<k::CastOp>(op)) {
    Folded out{type, {}, {}};
    for (int64_t i = 0; i < type.getNumElements(); ++i) {
      if (in[0].isFloat() || out.isFloat())
        push(out, in[0].at(i));
      else
        pushInt(out, in[0].ints[i]);
    }
    return out;
  }
  if (isa<k::AddOp, k::SubOp, k::MulOp, k::DivOp, k::MaxOp, k::MinOp, k::PowOp>(
          op))
    return foldBinary(op, in[0], in[1], type);
  if (isa<k::NegOp, k::AbsOp, k::FloorOp, k::CeilOp, k::SqrtOp, k::ReciprocalOp,
          k::ExpOp, k::LogOp, k::SinOp, k::CosOp>(op))
    return foldUnary(op, in[0]);

  SmallVector<const Folded *> ptrs;
  for (const Folded &f : in)
    ptrs.push_back(&f);
  if (auto concat = dyn_cast<k::ConcatOp>(op)) {
    int64_t axis = concat.getAxis();
    return gatherElements(type, ptrs, [&](SmallVector<int64_t> index) {
      size_t which = 0;
      while (index[axis] >= in[which].type.getDimSize(axis))
        index[axis] -= in[which++].type.getDimSize(axis);
      return std::pair(which, linearOf(index, in[which].type.getShape()));
    });
  }
  if (auto slice = dyn_cast<k::SliceOp>(op)) {
    return gatherElements(type, ptrs, [&](SmallVector<int64_t> index) {
      for (size_t d = 0; d < index.size(); ++d)
        index[d] = slice.getOffsets()[d] + index[d] * slice.getStrides()[d];
      return std::pair(size_t(0), linearOf(index, in[0].type.getShape()));
    });
  }
  if (auto transpose = dyn_cast<k::TransposeOp>(op)) {
    return gatherElements(type, ptrs, [&](SmallVector<int64_t> index) {
      SmallVector<int64_t> from(index.size());
      for (auto [i, p] : llvm::enumerate(transpose.getPerm()))
        from[p] = index[i];
      return std::pair(size_t(0), linearOf(from, in[0].type.getShape()));
    });
  }
  if (isa<k::TileOp>(op)) {
    return gatherElements(type, ptrs, [&](SmallVector<int64_t> index) {
      for (auto [i, d] : llvm::enumerate(in[0].type.getShape()))
        index[i] %= d;
      return std::pair(size_t(0), linearOf(index, in[0].type.getShape()));
    });
  }
  if (auto gather = dyn_cast<k::GatherOp>(op)) {
    int64_t axis = gather.getAxis();
    ArrayRef<int64_t> data = in[0].type.getShape();
    int64_t indexRank = in[1].type.getRank();
    return gatherElements(type, ptrs, [&](SmallVector<int64_t> index) {
      ArrayRef<int64_t> idx(index);
      int64_t at = in[1].ints[linearOf(idx.slice(axis, indexRank),
                                       in[1].type.getShape())];
      if (at < 0)
        at += data[axis];
      at = std::clamp<int64_t>(at, 0, data[axis] - 1);
      SmallVector<int64_t> from(idx.take_front(axis));
      from.push_back(at);
      llvm::append_range(from, idx.drop_front(axis + indexRank));
      return std::pair(size_t(0), linearOf(from, data));
    });
  }
  if (isa<k::ReduceSumOp, k::ReduceProdOp, k::ReduceMaxOp, k::ReduceMinOp>(
          op)) {
    auto axes = op->getAttrOfType<DenseI64ArrayAttr>("axes").asArrayRef();
    ArrayRef<int64_t> shape = in[0].type.getShape();
    // Accumulate into the kept dims (reduced dims indexed as 0).
    SmallVector<int64_t> kept(shape);
    for (int64_t a : axes)
      kept[a] = 1;
    int64_t count = 1;
    for (int64_t d : kept)
      count *= d;
    bool isSum = isa<k::ReduceSumOp>(op), isProd = isa<k::ReduceProdOp>(op);
    bool isMax = isa<k::ReduceMaxOp>(op);
    SmallVector<double> acc(count, isSum ? 0.0 : isProd ? 1.0 : NAN);
    SmallVector<int64_t> iacc(count, isSum ? 0 : isProd ? 1 : 0);
    SmallVector<bool> seen(count, false);
    for (int64_t i = 0; i < in[0].type.getNumElements(); ++i) {
      SmallVector<int64_t> index = unflatten(i, shape);
      for (int64_t a : axes)
        index[a] = 0;
      int64_t o = linearOf(index, kept);
      double x = in[0].at(i);
      int64_t xi = in[0].isFloat() ? 0 : in[0].ints[i];
      if (isSum) {
        acc[o] += x;
        iacc[o] += xi;
      } else if (isProd) {
        acc[o] *= x;
        iacc[o] *= xi;
      } else {
        bool better = !seen[o] || (isMax ? x > acc[o] : x < acc[o]);
        if (better) {
          acc[o] = x;
          iacc[o] = xi;
        }
        seen[o] = true;
      }
    }
    Folded out{type, {}, {}};
    for (int64_t o = 0; o < count; ++o) {
      if (out.isFloat())
        push(out, acc[o]);
      else
        pushInt(out, iacc[o]);
    }
    return out;
  }
  return std::nullopt;
}

std::optional<Folded> Folder::fold(Value v) {
  auto it = cache.find(v);
  if (it != cache.end())
    return it->second;
  Operation *op = v.getDefiningOp();
  std::optional<Folded> result;
  if (op && --budget >= 0 &&
      op->getDialect() == op->getContext()->getLoadedDialect<k::KilnDialect>())
    result = foldOp(op);
  cache[v] = result;
  return result;
}

} // namespace

std::optional<SmallVector<int64_t>> foldInts(Value v) {
  auto folded = Folder().fold(v);
  if (!folded || folded->isFloat())
    return std::nullopt;
  return folded->ints;
}

std::optional<SmallVector<double>> foldFloats(Value v) {
  auto folded = Folder().fold(v);
  if (!folded)
    return std::nullopt;
  if (folded->isFloat())
    return folded->floats;
  return SmallVector<double>(folded->ints.begin(), folded->ints.end());
}

} // namespace kiln::onnximport
