// ONNX converters of the signal family: HannWindow, HammingWindow and
// BlackmanWindow, evaluated at import (their size must be a constant) into a
// kiln.constant of `output_datatype`.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include "llvm/ADT/APFloat.h"

#include <cmath>

using namespace mlir;

namespace kiln::onnximport {
namespace {

/// A generalized cosine window a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N).
struct CosineWindow {
  double a0, a1, a2;
};

constexpr CosineWindow kHann{0.5, 0.5, 0.0};
constexpr CosineWindow kHamming{25.0 / 46.0, 21.0 / 46.0, 0.0};
constexpr CosineWindow kBlackman{0.42, 0.5, 0.08};

/// The window of size `size` input 0 holds; N is the size (periodic, the
/// default) or the size - 1 (symmetric; a 1-element symmetric window is
/// [1]). Computed in double, rounded once to `output_datatype` (an integer
/// type truncates toward zero, as Cast does).
template <const CosineWindow &W> LogicalResult convertWindow(NodeImporter &n) {
  int64_t periodic, dtype;
  if (failed(n.checkNumInputs(1, 1)) ||
      failed(n.getInt("periodic", periodic, 1)) ||
      failed(n.getInt("output_datatype", dtype, 1)))
    return failure();
  auto size = n.constantInts(0, "size");
  if (failed(size))
    return failure();
  if (size->size() != 1 || (*size)[0] < 1)
    return n.emitError() << "size must be one integer >= 1, got ["
                         << listStr(*size) << "]";
  Type element = convertElementType(n.getContext(), dtype);
  if (!element || !(isa<FloatType>(element) || isa<IntegerType>(element)))
    return n.emitError() << "unsupported output_datatype "
                         << elementTypeName(dtype);
  int64_t count = (*size)[0];
  double period = periodic ? count : count - 1;
  auto type = RankedTensorType::get({count}, element);
  SmallVector<APFloat> floats;
  SmallVector<APInt> ints;
  for (int64_t i = 0; i < count; ++i) {
    double x = 1.0;
    if (period > 0) {
      double t = 2.0 * M_PI * static_cast<double>(i) / period;
      x = W.a0 - W.a1 * std::cos(t) + W.a2 * std::cos(2.0 * t);
    }
    if (auto f = dyn_cast<FloatType>(element)) {
      APFloat value(x);
      bool lost;
      value.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      floats.push_back(value);
    } else {
      ints.push_back(APInt(element.getIntOrFloatBitWidth(),
                           static_cast<int64_t>(x), /*isSigned=*/true,
                           /*implicitTrunc=*/true));
    }
  }
  n.setResultUnsigned(0, isUnsignedElementType(dtype));
  if (isa<FloatType>(element))
    return single(n, n.constant(DenseElementsAttr::get(type, floats)));
  return single(n, n.constant(DenseElementsAttr::get(type, ints)));
}

} // namespace

void registerSignalOps(OpTable &table) {
  table["HannWindow"] = convertWindow<kHann>;
  table["HammingWindow"] = convertWindow<kHamming>;
  table["BlackmanWindow"] = convertWindow<kBlackman>;
}

} // namespace kiln::onnximport
