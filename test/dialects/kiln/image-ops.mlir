// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s
// kiln.resize prints and parses back; defaulted attributes stay elided.

// CHECK-LABEL: func.func @resize
func.func @resize(%x: tensor<1x3x8x8xf32>, %i: tensor<2x5xi32>) -> (tensor<1x3x16x16xf32>, tensor<1x3x4x4xf32>, tensor<2x10xi32>, tensor<1x3x5x5xf32>) {
  // CHECK: kiln.resize %{{.+}} {coordinate_mode = #kiln.coordinate_mode<half_pixel>, mode = #kiln.resize_mode<linear>, scales = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : tensor<1x3x8x8xf32> -> tensor<1x3x16x16xf32>
  %a = kiln.resize %x {mode = #kiln.resize_mode<linear>,
         coordinate_mode = #kiln.coordinate_mode<half_pixel>,
         scales = array<f64: 1.0, 1.0, 2.0, 2.0>}
         : tensor<1x3x8x8xf32> -> tensor<1x3x16x16xf32>
  // CHECK: kiln.resize %{{.+}} {antialias, coordinate_mode = #kiln.coordinate_mode<pytorch_half_pixel>, cubic_coeff_a = -5.000000e-01 : f64, exclude_outside, mode = #kiln.resize_mode<cubic>
  %b = kiln.resize %x {mode = #kiln.resize_mode<cubic>,
         coordinate_mode = #kiln.coordinate_mode<pytorch_half_pixel>,
         cubic_coeff_a = -0.5, exclude_outside, antialias,
         scales = array<f64: 1.0, 1.0, 0.5, 0.5>}
         : tensor<1x3x8x8xf32> -> tensor<1x3x4x4xf32>
  // CHECK: kiln.resize %{{.+}} {coordinate_mode = #kiln.coordinate_mode<asymmetric>, mode = #kiln.resize_mode<nearest>, nearest_mode = #kiln.nearest_mode<floor>
  %c = kiln.resize %i {mode = #kiln.resize_mode<nearest>,
         coordinate_mode = #kiln.coordinate_mode<asymmetric>,
         nearest_mode = #kiln.nearest_mode<floor>,
         scales = array<f64: 1.0, 2.0>}
         : tensor<2x5xi32> -> tensor<2x10xi32>
  // CHECK: kiln.resize %{{.+}} {coordinate_mode = #kiln.coordinate_mode<tf_crop_and_resize>, extrapolation_value = 1.000000e+01 : f64, mode = #kiln.resize_mode<linear>, roi = array<f64: 0.000000e+00, 0.000000e+00, 4.000000e-01, 6.000000e-01, 1.000000e+00, 1.000000e+00, 6.000000e-01, 8.000000e-01>
  %d = kiln.resize %x {mode = #kiln.resize_mode<linear>,
         coordinate_mode = #kiln.coordinate_mode<tf_crop_and_resize>,
         roi = array<f64: 0.0, 0.0, 0.4, 0.6, 1.0, 1.0, 0.6, 0.8>,
         extrapolation_value = 10.0,
         scales = array<f64: 1.0, 1.0, 0.625, 0.625>}
         : tensor<1x3x8x8xf32> -> tensor<1x3x5x5xf32>
  return %a, %b, %c, %d : tensor<1x3x16x16xf32>, tensor<1x3x4x4xf32>, tensor<2x10xi32>, tensor<1x3x5x5xf32>
}

// -----

// CHECK-LABEL: func.func @volume
func.func @volume(%x: tensor<1x4x6x6x6xf32>, %w: tensor<8x2x3x3x3xf32>, %b: tensor<8xf32>) -> (tensor<1x8x3x3x3xf32>, tensor<1x4x3x3x3xf32>, tensor<1x4x5x5x5xf32>) {
  // CHECK: kiln.conv_3d %{{.+}}, %{{.+}}, %{{.+}} {dilations = array<i64: 1, 1, 1>, groups = 2 : i64, pads = array<i64: 1, 1, 1, 1, 1, 1>, strides = array<i64: 2, 2, 2>} : (tensor<1x4x6x6x6xf32>, tensor<8x2x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x3x3x3xf32>
  %c = kiln.conv_3d %x, %w, %b {strides = array<i64: 2, 2, 2>, dilations = array<i64: 1, 1, 1>,
         pads = array<i64: 1, 1, 1, 1, 1, 1>, groups = 2}
         : (tensor<1x4x6x6x6xf32>, tensor<8x2x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x3x3x3xf32>
  // CHECK: kiln.max_pool_3d %{{.+}} {dilations = array<i64: 1, 1, 1>, kernel = array<i64: 2, 2, 2>, pads = array<i64: 0, 0, 0, 0, 0, 0>, strides = array<i64: 2, 2, 2>} : tensor<1x4x6x6x6xf32> -> tensor<1x4x3x3x3xf32>
  %m = kiln.max_pool_3d %x {kernel = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>,
         dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>}
         : tensor<1x4x6x6x6xf32> -> tensor<1x4x3x3x3xf32>
  // CHECK: kiln.avg_pool_3d %{{.+}} {count_include_pad = true, dilations
  %a = kiln.avg_pool_3d %x {kernel = array<i64: 2, 2, 2>, strides = array<i64: 1, 1, 1>,
         dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>, count_include_pad = true}
         : tensor<1x4x6x6x6xf32> -> tensor<1x4x5x5x5xf32>
  return %c, %m, %a : tensor<1x8x3x3x3xf32>, tensor<1x4x3x3x3xf32>, tensor<1x4x5x5x5xf32>
}
