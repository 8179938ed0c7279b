// Verifier of kiln.resize and the sample positions and weights it implies
// (computeResizeTaps), shared by the lowering and any folder.
#include "dialects/kiln/KilnImageOps.h"
#include "dialects/kiln/KilnShapes.h"

#include <cmath>

using namespace mlir;
using namespace mlir::kiln;

bool mlir::kiln::isResizePassThrough(ResizeOp op, int64_t dim) {
  auto in = cast<RankedTensorType>(op.getInput().getType());
  auto out = cast<RankedTensorType>(op.getType());
  if (op.getScales()[dim] != 1.0 ||
      in.getDimSize(dim) != out.getDimSize(dim))
    return false;
  if (op.getCoordinateMode() != CoordinateMode::TfCropAndResize)
    return true;
  ArrayRef<double> roi = *op.getRoi();
  return roi[dim] == 0.0 && roi[in.getRank() + dim] == 1.0;
}

LogicalResult ResizeOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getType());
  int64_t rank = in.getRank();
  if (out.getRank() != rank || in.getElementType() != out.getElementType())
    return emitOpError("result ")
           << out << " must have the rank and element type of the input " << in;
  if (static_cast<int64_t>(getScales().size()) != rank)
    return emitOpError("expects one scale per dimension (")
           << rank << "), got " << getScales().size();
  for (double s : getScales())
    if (!(s > 0.0) || !std::isfinite(s))
      return emitOpError("scales must be positive and finite, got ") << s;
  if (getMode() != ResizeMode::Nearest && !isa<FloatType>(in.getElementType()))
    return emitOpError("linear and cubic resizing need a float element type");
  bool crop = getCoordinateMode() == CoordinateMode::TfCropAndResize;
  if (crop != getRoi().has_value())
    return emitOpError("'roi' is given exactly with tf_crop_and_resize");
  if (crop && static_cast<int64_t>(getRoi()->size()) != 2 * rank)
    return emitOpError("'roi' needs 2 * rank = ")
           << 2 * rank << " values, got " << getRoi()->size();
  for (int64_t d = 0; d < rank; ++d) {
    if (isResizePassThrough(*this, d))
      continue;
    if (in.isDynamicDim(d) || out.isDynamicDim(d))
      return emitOpError("resized dimension ") << d << " must be static";
    if (in.getDimSize(d) == 0 || out.getDimSize(d) == 0)
      return emitOpError("resized dimension ") << d << " must not be empty";
  }
  return success();
}

namespace {

/// Input coordinate sampled by output coordinate `x`.
double sourceCoordinate(ResizeOp op, int64_t dim, int64_t x) {
  auto in = cast<RankedTensorType>(op.getInput().getType());
  double n = in.getDimSize(dim);
  double s = op.getScales()[dim];
  // Like the ONNX reference, the formulas use the unrounded output length.
  double m = s * n;
  switch (op.getCoordinateMode()) {
  case CoordinateMode::HalfPixel:
    return (x + 0.5) / s - 0.5;
  case CoordinateMode::HalfPixelSymmetric: {
    double adjustment =
        cast<RankedTensorType>(op.getType()).getDimSize(dim) / m;
    double offset = n / 2 * (1 - adjustment);
    return offset + (x + 0.5) / s - 0.5;
  }
  case CoordinateMode::PytorchHalfPixel:
    return m > 1 ? (x + 0.5) / s - 0.5 : 0.0;
  case CoordinateMode::AlignCorners:
    return m == 1 ? 0.0 : x * (n - 1) / (m - 1);
  case CoordinateMode::Asymmetric:
    return x / s;
  case CoordinateMode::TfHalfPixelForNN:
    return (x + 0.5) / s;
  case CoordinateMode::TfCropAndResize: {
    ArrayRef<double> roi = *op.getRoi();
    double start = roi[dim], end = roi[in.getRank() + dim];
    if (m == 1)
      return 0.5 * (start + end) * (n - 1);
    return start * (n - 1) + x * (end - start) * (n - 1) / (m - 1);
  }
  }
  return 0.0;
}

/// Keys' cubic convolution kernel with parameter a at distance t.
double cubicKernel(double t, double a) {
  t = std::fabs(t);
  if (t <= 1)
    return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2)
    return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0.0;
}

} // namespace

ResizeTaps mlir::kiln::computeResizeTaps(ResizeOp op, int64_t dim) {
  auto in = cast<RankedTensorType>(op.getInput().getType());
  int64_t n = in.getDimSize(dim);
  int64_t m = cast<RankedTensorType>(op.getType()).getDimSize(dim);
  double scale = op.getScales()[dim];
  double a = op.getCubicCoeffA().convertToDouble();
  bool antialias = op.getAntialias();
  // Tap offsets relative to `base` below: [first, first + count).
  int64_t first = 0, count = 1;
  double kernelScale = std::min(scale, 1.0);
  switch (op.getMode()) {
  case ResizeMode::Nearest:
    break;
  case ResizeMode::Linear:
    first = antialias ? static_cast<int64_t>(std::floor(-1 / kernelScale)) + 1
                      : 0;
    count = 2 - 2 * first;
    break;
  case ResizeMode::Cubic:
    first = antialias ? static_cast<int64_t>(std::floor(-2 / kernelScale)) + 1
                      : -1;
    count = 2 - 2 * first;
    break;
  }

  ResizeTaps taps;
  taps.count = count;
  taps.index.reserve(m * count);
  taps.weight.reserve(m * count);
  taps.valid.reserve(m);
  for (int64_t x = 0; x < m; ++x) {
    double src = sourceCoordinate(op, dim, x);
    taps.valid.push_back(src >= 0 && src <= n - 1);
    // The sample left of src, preferring the left one on an exact hit, and
    // the distance from it in (0, 1].
    double base = std::ceil(src) - 1;
    double ratio = src - base;
    SmallVector<double, 8> w(count);
    if (op.getMode() == ResizeMode::Nearest) {
      bool right = false;
      if (ratio == 1.0) {
        right = true;
      } else {
        switch (op.getNearestMode()) {
        case NearestMode::RoundPreferFloor:
          right = ratio > 0.5;
          break;
        case NearestMode::RoundPreferCeil:
          right = ratio >= 0.5;
          break;
        case NearestMode::Floor:
          right = false;
          break;
        case NearestMode::Ceil:
          right = true;
          break;
        }
      }
      w[0] = 1.0;
      base += right ? 1 : 0;
    } else if (op.getMode() == ResizeMode::Linear) {
      double ks = antialias ? kernelScale : 1.0;
      for (int64_t j = 0; j < count; ++j)
        w[j] = std::max(0.0, 1 - std::fabs((first + j - ratio) * ks));
    } else {
      double ks = antialias ? kernelScale : 1.0;
      for (int64_t j = 0; j < count; ++j)
        w[j] = cubicKernel((first + j - ratio) * ks, a);
    }
    double sum = 0;
    for (int64_t j = 0; j < count; ++j) {
      int64_t idx = static_cast<int64_t>(base) + first + j;
      if (op.getExcludeOutside() && (idx < 0 || idx >= n))
        w[j] = 0;
      sum += w[j];
    }
    // Antialiased and edge-excluding kernels renormalize to a unit sum.
    bool normalize = antialias || op.getExcludeOutside();
    for (int64_t j = 0; j < count; ++j) {
      int64_t idx = static_cast<int64_t>(base) + first + j;
      taps.index.push_back(std::clamp<int64_t>(idx, 0, n - 1));
      taps.weight.push_back(normalize && sum != 0 ? w[j] / sum : w[j]);
    }
  }
  return taps;
}

//===- Volumetric windows ------------------------------------------------===//

namespace {

/// Output [N, C, D, H, W] of a 3-D window over `in` with `channels` output
/// channels, checking the window lists.
LogicalResult inferVolume(std::optional<Location> loc, RankedTensorType in,
                          int64_t channels, ArrayRef<int64_t> kernel,
                          ArrayRef<int64_t> strides,
                          ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads,
                          SmallVectorImpl<Type> &results) {
  if (kernel.size() != 3 || strides.size() != 3 || dilations.size() != 3 ||
      pads.size() != 6)
    return emitOptionalError(loc, "expects 3 kernel sizes, strides and "
                                  "dilations and 6 pads [front, top, left, "
                                  "back, bottom, right]");
  for (int64_t v : llvm::concat<const int64_t>(kernel, strides, dilations))
    if (v < 1)
      return emitOptionalError(
          loc, "kernel sizes, strides and dilations must be >= 1");
  for (int64_t p : pads)
    if (p < 0)
      return emitOptionalError(loc, "pads must be >= 0");
  SmallVector<int64_t> shape = {in.getDimSize(0), channels};
  for (int64_t i = 0; i < 3; ++i) {
    int64_t size = in.getDimSize(2 + i);
    if (ShapedType::isDynamic(size)) {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    auto out = windowOutputSize(size, kernel[i], strides[i], dilations[i],
                                pads[i], pads[3 + i]);
    if (!out)
      return emitOptionalError(loc, "window does not fit the padded input ",
                               in);
    shape.push_back(*out);
  }
  results.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

} // namespace

LogicalResult Conv3DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  auto in = cast<RankedTensorType>(adaptor.getInput().getType());
  auto f = cast<RankedTensorType>(adaptor.getFilter().getType());
  if (!f.hasStaticShape())
    return emitOptionalError(loc, "filter shape must be static");
  int64_t groups = adaptor.getGroups();
  if (groups < 1)
    return emitOptionalError(loc, "groups must be >= 1");
  int64_t inC = in.getDimSize(1);
  if (!ShapedType::isDynamic(inC) && inC != f.getDimSize(1) * groups)
    return emitOptionalError(loc, "input has ", inC,
                             " channels but the filter expects ",
                             f.getDimSize(1), " x ", groups, " groups");
  if (f.getDimSize(0) % groups != 0)
    return emitOptionalError(loc, "output channels ", f.getDimSize(0),
                             " are not divisible by groups ", groups);
  if (adaptor.getBias() &&
      cast<RankedTensorType>(adaptor.getBias().getType()).getDimSize(0) !=
          f.getDimSize(0))
    return emitOptionalError(loc, "bias must have one value per output "
                                  "channel (",
                             f.getDimSize(0), ")");
  return inferVolume(loc, in, f.getDimSize(0), f.getShape().drop_front(2),
                     adaptor.getStrides(), adaptor.getDilations(),
                     adaptor.getPads(), results);
}

#define KILN_POOL3D_INFER(OP)                                                  \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &results) {         \
    auto in = cast<RankedTensorType>(adaptor.getInput().getType());            \
    return inferVolume(loc, in, in.getDimSize(1), adaptor.getKernel(),         \
                       adaptor.getStrides(), adaptor.getDilations(),           \
                       adaptor.getPads(), results);                            \
  }
KILN_POOL3D_INFER(MaxPool3DOp)
KILN_POOL3D_INFER(AvgPool3DOp)
#undef KILN_POOL3D_INFER
