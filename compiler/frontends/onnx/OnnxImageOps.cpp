// ONNX converters for image resampling: Resize (opsets 10-19) and Upsample
// (7-9) become kiln.resize with static output sizes and per-dim scales
// resolved at import from the constant roi/scales/sizes operands.
#include "compiler/frontends/onnx/OnnxInternal.h"

#include "dialects/kiln/KilnDialect.h"

#include <cmath>

using namespace mlir;

namespace kiln::onnximport {
namespace {

using mlir::kiln::CoordinateMode;
using mlir::kiln::NearestMode;
using mlir::kiln::ResizeMode;

/// The contents of optional constant input `i`, empty when it is absent or
/// an empty tensor (how ONNX models skip roi or scales).
FailureOr<SmallVector<double>> optionalFloats(NodeImporter &n, unsigned i,
                                              StringRef what) {
  if (!n.hasInput(i))
    return SmallVector<double>{};
  return n.constantFloats(i, what);
}

FailureOr<ResizeMode> parseMode(NodeImporter &n, StringRef mode) {
  if (mode == "nearest")
    return ResizeMode::Nearest;
  if (mode == "linear" || mode == "bilinear")
    return ResizeMode::Linear;
  if (mode == "cubic")
    return ResizeMode::Cubic;
  n.emitError() << "unknown mode '" << mode << "'";
  return failure();
}

/// Builds kiln.resize from resolved per-dim output sizes and scales.
LogicalResult emitResize(NodeImporter &n, ResizeMode mode,
                         CoordinateMode coord, NearestMode nearest,
                         ArrayRef<int64_t> sizes, ArrayRef<double> scales,
                         ArrayRef<double> roi, double cubicA,
                         bool excludeOutside, bool antialias,
                         double extrapolation) {
  MLIRContext *ctx = n.getContext();
  Builder b(ctx);
  RankedTensorType in = n.inputType(0);
  for (auto [d, size] : llvm::enumerate(sizes))
    if (size <= 0)
      return n.emitError() << "output dimension " << d << " would be " << size
                           << " (input " << in << ")";
  SmallVector<NamedAttribute> attrs = {
      n.attr("mode", mlir::kiln::ResizeModeAttr::get(ctx, mode)),
      n.attr("coordinate_mode",
             mlir::kiln::CoordinateModeAttr::get(ctx, coord)),
      n.attr("nearest_mode", mlir::kiln::NearestModeAttr::get(ctx, nearest)),
      n.attr("cubic_coeff_a", b.getF64FloatAttr(cubicA)),
      n.attr("scales", b.getDenseF64ArrayAttr(scales)),
      n.attr("extrapolation_value", b.getF64FloatAttr(extrapolation))};
  if (excludeOutside)
    attrs.push_back(n.attr("exclude_outside", b.getUnitAttr()));
  if (antialias)
    attrs.push_back(n.attr("antialias", b.getUnitAttr()));
  if (coord == CoordinateMode::TfCropAndResize)
    attrs.push_back(n.attr("roi", b.getDenseF64ArrayAttr(roi)));
  auto result = n.create("kiln.resize", n.input(0), attrs,
                         RankedTensorType::get(sizes, in.getElementType()));
  if (failed(result))
    return failure();
  n.setResult(0, *result);
  return success();
}

/// Output sizes floor(in * scale) of a scales-driven resize.
SmallVector<int64_t> sizesFromScales(ArrayRef<int64_t> shape,
                                     ArrayRef<double> scales,
                                     ArrayRef<double> roi) {
  SmallVector<int64_t> sizes;
  int64_t rank = shape.size();
  for (int64_t d = 0; d < rank; ++d) {
    double extent = roi.empty() ? 1.0 : roi[rank + d] - roi[d];
    sizes.push_back(
        static_cast<int64_t>(std::floor(shape[d] * extent * scales[d])));
  }
  return sizes;
}

LogicalResult convertResize(NodeImporter &n) {
  RankedTensorType in = n.inputType(0);
  if (!in || !in.hasStaticShape())
    return n.emitError() << "input must have a static shape, got " << in;
  int64_t rank = in.getRank();
  ArrayRef<int64_t> shape = in.getShape();
  std::string modeName;
  if (failed(n.getString("mode", modeName, "nearest")))
    return failure();
  auto mode = parseMode(n, modeName);
  if (failed(mode))
    return failure();

  if (n.opset() < 11) {
    // Resize-10: (X, scales), asymmetric coordinates, and the
    // floor-up/ceil-down rounding of Upsample.
    if (failed(n.checkNumInputs(2, 2)))
      return failure();
    auto scales = n.constantFloats(1, "scales");
    if (failed(scales))
      return failure();
    if (static_cast<int64_t>(scales->size()) != rank)
      return n.emitError() << "expects " << rank << " scales, got "
                           << scales->size();
    bool down = llvm::all_of(*scales, [](double s) { return s <= 1.0; }) &&
                llvm::any_of(*scales, [](double s) { return s < 1.0; });
    return emitResize(n, *mode, CoordinateMode::Asymmetric,
                      down ? NearestMode::Ceil : NearestMode::Floor,
                      sizesFromScales(shape, *scales, {}), *scales, {}, -0.75,
                      false, false, 0.0);
  }

  if (failed(n.checkNumInputs(1, 4)))
    return failure();
  std::string coordName, nearestName, policy;
  float cubicA, extrapolation;
  int64_t excludeOutside, antialias;
  SmallVector<int64_t> axes;
  if (failed(n.getString("coordinate_transformation_mode", coordName,
                         "half_pixel")) ||
      failed(n.getString("nearest_mode", nearestName, "round_prefer_floor")) ||
      failed(n.getString("keep_aspect_ratio_policy", policy, "stretch")) ||
      failed(n.getFloat("cubic_coeff_a", cubicA, -0.75f)) ||
      failed(n.getFloat("extrapolation_value", extrapolation, 0.0f)) ||
      failed(n.getInt("exclude_outside", excludeOutside, 0)) ||
      failed(n.getInt("antialias", antialias, 0)) ||
      failed(n.getInts("axes", axes)))
    return failure();
  auto coord =
      llvm::StringSwitch<std::optional<CoordinateMode>>(coordName)
          .Case("half_pixel", CoordinateMode::HalfPixel)
          .Case("half_pixel_symmetric", CoordinateMode::HalfPixelSymmetric)
          .Case("pytorch_half_pixel", CoordinateMode::PytorchHalfPixel)
          .Case("align_corners", CoordinateMode::AlignCorners)
          .Case("asymmetric", CoordinateMode::Asymmetric)
          .Case("tf_crop_and_resize", CoordinateMode::TfCropAndResize)
          .Case("tf_half_pixel_for_nn", CoordinateMode::TfHalfPixelForNN)
          .Default(std::nullopt);
  if (!coord)
    return n.emitError() << "unknown coordinate_transformation_mode '"
                         << coordName << "'";
  auto nearest = llvm::StringSwitch<std::optional<NearestMode>>(nearestName)
                     .Case("round_prefer_floor", NearestMode::RoundPreferFloor)
                     .Case("round_prefer_ceil", NearestMode::RoundPreferCeil)
                     .Case("floor", NearestMode::Floor)
                     .Case("ceil", NearestMode::Ceil)
                     .Default(std::nullopt);
  if (!nearest)
    return n.emitError() << "unknown nearest_mode '" << nearestName << "'";
  if (policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
    return n.emitError() << "unknown keep_aspect_ratio_policy '" << policy
                         << "'";

  // `axes` lists the dims roi, scales and sizes talk about (all by default).
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  for (int64_t &a : axes) {
    auto normalized = n.normalizeAxis(a, rank, "axes");
    if (failed(normalized))
      return failure();
    a = *normalized;
  }
  size_t k = axes.size();

  auto roiIn = optionalFloats(n, 1, "roi");
  auto scalesIn = optionalFloats(n, 2, "scales");
  if (failed(roiIn) || failed(scalesIn))
    return failure();
  SmallVector<int64_t> sizesIn;
  if (n.hasInput(3)) {
    auto s = n.constantInts(3, "sizes");
    if (failed(s))
      return failure();
    sizesIn = *s;
  }
  if (scalesIn->empty() == sizesIn.empty())
    return n.emitError() << "expects exactly one of 'scales' and 'sizes'";
  if (!scalesIn->empty() && scalesIn->size() != k)
    return n.emitError() << "expects " << k << " scales, got "
                         << scalesIn->size();
  if (!sizesIn.empty() && sizesIn.size() != k)
    return n.emitError() << "expects " << k << " sizes, got "
                         << sizesIn.size();

  SmallVector<double> roi;
  if (*coord == CoordinateMode::TfCropAndResize) {
    if (roiIn->size() != 2 * k)
      return n.emitError() << "tf_crop_and_resize needs " << 2 * k
                           << " roi values, got " << roiIn->size();
    roi.assign(rank, 0.0);
    roi.append(rank, 1.0);
    for (size_t i = 0; i < k; ++i) {
      roi[axes[i]] = (*roiIn)[i];
      roi[rank + axes[i]] = (*roiIn)[k + i];
    }
  }

  SmallVector<double> scales(rank, 1.0);
  SmallVector<int64_t> sizes(shape);
  if (!scalesIn->empty()) {
    for (size_t i = 0; i < k; ++i)
      scales[axes[i]] = (*scalesIn)[i];
    sizes = sizesFromScales(shape, scales, roi);
  } else {
    for (size_t i = 0; i < k; ++i) {
      scales[axes[i]] = double(sizesIn[i]) / shape[axes[i]];
      sizes[axes[i]] = sizesIn[i];
    }
    if (policy != "stretch") {
      // One scale for all listed axes, the smallest (not_larger) or largest
      // (not_smaller) of the per-axis ones; sizes follow from it.
      double s = scales[axes[0]];
      for (int64_t a : axes)
        s = policy == "not_larger" ? std::min(s, scales[a])
                                   : std::max(s, scales[a]);
      for (int64_t a : axes) {
        scales[a] = s;
        sizes[a] = static_cast<int64_t>(std::round(s * shape[a]));
      }
    }
  }
  return emitResize(n, *mode, *coord, *nearest, sizes, scales, roi, cubicA,
                    excludeOutside != 0, antialias != 0, extrapolation);
}

/// Upsample (deprecated in opset 10): scales as an attribute (7) or an input
/// (9), asymmetric coordinates, nearest rounds down.
LogicalResult convertUpsample(NodeImporter &n) {
  RankedTensorType in = n.inputType(0);
  if (!in || !in.hasStaticShape())
    return n.emitError() << "input must have a static shape, got " << in;
  std::string modeName;
  if (failed(n.getString("mode", modeName, "nearest")))
    return failure();
  auto mode = parseMode(n, modeName);
  if (failed(mode))
    return failure();
  SmallVector<double> scales;
  if (n.hasInput(1)) {
    auto s = n.constantFloats(1, "scales");
    if (failed(s))
      return failure();
    scales = *s;
  } else {
    SmallVector<float> attr;
    if (failed(n.getFloats("scales", attr)))
      return failure();
    scales.assign(attr.begin(), attr.end());
  }
  if (static_cast<int64_t>(scales.size()) != in.getRank())
    return n.emitError() << "expects " << in.getRank() << " scales, got "
                         << scales.size();
  return emitResize(n, *mode, CoordinateMode::Asymmetric, NearestMode::Floor,
                    sizesFromScales(in.getShape(), scales, {}), scales, {},
                    -0.75, false, false, 0.0);
}

} // namespace

void registerImageOps(OpTable &table) {
  table["Resize"] = convertResize;
  table["Upsample"] = convertUpsample;
}

} // namespace kiln::onnximport
