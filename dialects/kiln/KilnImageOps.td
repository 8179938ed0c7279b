// kiln's resampling and volumetric ops: resize, and 3-D convolution and
// pooling. Included from KilnOps.td (one
// tablegen target), kept apart so the op family stays readable.
#ifndef KILN_IMAGE_OPS_TD
#define KILN_IMAGE_OPS_TD

//===- Resize enums ------------------------------------------------------===//

def Kiln_ResizeNearest : I32EnumAttrCase<"Nearest", 0, "nearest">;
def Kiln_ResizeLinear : I32EnumAttrCase<"Linear", 1, "linear">;
def Kiln_ResizeCubic : I32EnumAttrCase<"Cubic", 2, "cubic">;
def Kiln_ResizeMode : I32EnumAttr<"ResizeMode",
    "how an output sample is interpolated from the input samples around it",
    [Kiln_ResizeNearest, Kiln_ResizeLinear, Kiln_ResizeCubic]> {
  let cppNamespace = "::mlir::kiln";
  let genSpecializedAttr = 0;
}
def Kiln_ResizeModeAttr : EnumAttr<Kiln_Dialect, Kiln_ResizeMode, "resize_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

// Output coordinate x -> input coordinate, with s = scale, n = input length
// and m = output length of the dimension.
def Kiln_CoordHalfPixel : I32EnumAttrCase<"HalfPixel", 0, "half_pixel">;
def Kiln_CoordHalfPixelSymmetric
    : I32EnumAttrCase<"HalfPixelSymmetric", 1, "half_pixel_symmetric">;
def Kiln_CoordPytorchHalfPixel
    : I32EnumAttrCase<"PytorchHalfPixel", 2, "pytorch_half_pixel">;
def Kiln_CoordAlignCorners : I32EnumAttrCase<"AlignCorners", 3, "align_corners">;
def Kiln_CoordAsymmetric : I32EnumAttrCase<"Asymmetric", 4, "asymmetric">;
def Kiln_CoordTfCropAndResize
    : I32EnumAttrCase<"TfCropAndResize", 5, "tf_crop_and_resize">;
// ONNX 11-12's tf_half_pixel_for_nn: (x + 0.5) / s, TF's nearest-neighbour
// half-pixel centers.
def Kiln_CoordTfHalfPixelForNN
    : I32EnumAttrCase<"TfHalfPixelForNN", 6, "tf_half_pixel_for_nn">;
def Kiln_CoordinateMode : I32EnumAttr<"CoordinateMode",
    "maps an output coordinate to the input coordinate it samples",
    [Kiln_CoordHalfPixel, Kiln_CoordHalfPixelSymmetric,
     Kiln_CoordPytorchHalfPixel, Kiln_CoordAlignCorners, Kiln_CoordAsymmetric,
     Kiln_CoordTfCropAndResize, Kiln_CoordTfHalfPixelForNN]> {
  let cppNamespace = "::mlir::kiln";
  let genSpecializedAttr = 0;
}
def Kiln_CoordinateModeAttr
    : EnumAttr<Kiln_Dialect, Kiln_CoordinateMode, "coordinate_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

def Kiln_RoundPreferFloor : I32EnumAttrCase<"RoundPreferFloor", 0, "round_prefer_floor">;
def Kiln_RoundPreferCeil : I32EnumAttrCase<"RoundPreferCeil", 1, "round_prefer_ceil">;
def Kiln_RoundFloor : I32EnumAttrCase<"Floor", 2, "floor">;
def Kiln_RoundCeil : I32EnumAttrCase<"Ceil", 3, "ceil">;
def Kiln_NearestMode : I32EnumAttr<"NearestMode",
    "how `nearest` resizing rounds an input coordinate to a sample",
    [Kiln_RoundPreferFloor, Kiln_RoundPreferCeil, Kiln_RoundFloor,
     Kiln_RoundCeil]> {
  let cppNamespace = "::mlir::kiln";
  let genSpecializedAttr = 0;
}
def Kiln_NearestModeAttr : EnumAttr<Kiln_Dialect, Kiln_NearestMode, "nearest_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

//===- Resize ------------------------------------------------------------===//

def Kiln_ResizeOp : Kiln_Op<"resize", [Pure]> {
  let summary = "Resamples a tensor to the result's shape (ONNX Resize, TF "
                "ResizeNearestNeighbor/ResizeBilinear)";
  let description = [{
    Every output element is a weighted sum of input samples.  For each
    dimension `d`, the output coordinate `x` maps to an input coordinate
    through `coordinate_mode` with the scale `scales[d]` (output length over
    input length, as the model states it: it may differ from the ratio of the
    static lengths), then
    - `nearest` takes the one sample `nearest_mode` rounds to;
    - `linear` blends the two samples around it;
    - `cubic` blends four with the Keys kernel of parameter `cubic_coeff_a`.
    With `antialias`, `linear` and `cubic` widen their kernel by 1/scale when
    down-sampling.  Samples outside the input repeat the edge sample, or, with
    `exclude_outside`, get weight zero and the others are renormalized.
    `tf_crop_and_resize` samples the box `roi` (`[start_0..start_r-1,
    end_0..end_r-1]`, normalized) and writes `extrapolation_value` where the
    coordinate leaves the input.  A dimension whose length and scale are 1:1
    passes through.

    All sample positions and weights depend only on shapes and attributes, so
    the lowering computes them at compile time.

    ```mlir
    %y = kiln.resize %x {mode = #kiln.resize_mode<linear>,
           coordinate_mode = #kiln.coordinate_mode<half_pixel>,
           scales = array<f64: 1.0, 1.0, 2.0, 2.0>}
           : tensor<1x3x8x8xf32> -> tensor<1x3x16x16xf32>
    ```
  }];
  let arguments = (ins
    Kiln_NumericTensor:$input,
    Kiln_ResizeModeAttr:$mode,
    Kiln_CoordinateModeAttr:$coordinate_mode,
    // Only read by `nearest`.
    DefaultValuedAttr<Kiln_NearestModeAttr,
        "::mlir::kiln::NearestMode::RoundPreferFloor">:$nearest_mode,
    // Only read by `cubic`: -0.75 is ONNX's and PyTorch's, -0.5 TF's.
    DefaultValuedAttr<F64Attr, "-0.75">:$cubic_coeff_a,
    UnitAttr:$exclude_outside,
    UnitAttr:$antialias,
    // One positive scale per dimension.
    DenseF64ArrayAttr:$scales,
    // Only with `tf_crop_and_resize`: 2 * rank values.
    OptionalAttr<DenseF64ArrayAttr>:$roi,
    DefaultValuedAttr<F64Attr, "0.0">:$extrapolation_value);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

//===- Volumetric (3-D) windows -------------------------------------------===//

def Kiln_Volume : TensorRankOf<[F16, BF16, F32, F64], [5]>;

def Kiln_Conv3DOp : Kiln_Op<"conv_3d", [Pure, InferTypeOpAdaptor]> {
  let summary = "3-D convolution over NCDHW volumes (ONNX Conv on 5-D input)";
  let description = [{
    `input` is [N, C, D, H, W], `filter` [F, C / groups, KD, KH, KW] and the
    optional `bias` [F].  `pads` is `[front, top, left, back, bottom, right]`
    (zeros); `strides` and `dilations` have one value per spatial dim.

    ```mlir
    %y = kiln.conv_3d %x, %w {strides = array<i64: 1, 1, 1>,
           dilations = array<i64: 1, 1, 1>, pads = array<i64: 1, 1, 1, 1, 1, 1>}
           : (tensor<1x3x8x8x8xf32>, tensor<4x3x3x3x3xf32>) -> tensor<1x4x8x8x8xf32>
    ```
  }];
  let arguments = (ins Kiln_Volume:$input, Kiln_Volume:$filter,
                       Optional<1DTensorOf<[F16, BF16, F32, F64]>>:$bias,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Kiln_Volume:$result);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

class Kiln_Pool3DOp<string mnemonic, string doc, dag extraArgs = (ins)>
    : Kiln_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = doc # " pooling over a 3-D window of NCDHW volumes";
  let description = [{
    Like the 2-D pooling ops over [N, C, D, H, W]; `pads` is `[front, top,
    left, back, bottom, right]`.

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x {kernel = array<i64: 2, 2, 2>,
           strides = array<i64: 2, 2, 2>, dilations = array<i64: 1, 1, 1>,
           pads = array<i64: 0, 0, 0, 0, 0, 0>}
           : tensor<1x3x8x8x8xf32> -> tensor<1x3x4x4x4xf32>
    ```
  }];
  let arguments = !con((ins Kiln_Volume:$input, DenseI64ArrayAttr:$kernel,
                            DenseI64ArrayAttr:$strides,
                            DenseI64ArrayAttr:$dilations,
                            DenseI64ArrayAttr:$pads), extraArgs);
  let results = (outs Kiln_Volume:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Kiln_MaxPool3DOp : Kiln_Pool3DOp<"max_pool_3d", "Max">;
def Kiln_AvgPool3DOp : Kiln_Pool3DOp<"avg_pool_3d", "Average",
    (ins DefaultValuedAttr<BoolAttr, "false">:$count_include_pad)>;

#endif // KILN_IMAGE_OPS_TD
