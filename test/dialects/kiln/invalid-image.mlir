// RUN: kiln-opt %s -split-input-file -verify-diagnostics
// One case per invariant of kiln.resize's verifier.

func.func @rank(%x: tensor<2x3xf32>) -> tensor<2x3x1xf32> {
  // expected-error @+1 {{'kiln.resize' op result 'tensor<2x3x1xf32>' must have the rank and element type of the input 'tensor<2x3xf32>'}}
  %0 = kiln.resize %x {mode = #kiln.resize_mode<nearest>, coordinate_mode = #kiln.coordinate_mode<asymmetric>, scales = array<f64: 1.0, 1.0>} : tensor<2x3xf32> -> tensor<2x3x1xf32>
  return %0 : tensor<2x3x1xf32>
}

// -----

func.func @scale_count(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{'kiln.resize' op expects one scale per dimension (2), got 1}}
  %0 = kiln.resize %x {mode = #kiln.resize_mode<nearest>, coordinate_mode = #kiln.coordinate_mode<asymmetric>, scales = array<f64: 2.0>} : tensor<2x3xf32> -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @scale_sign(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{'kiln.resize' op scales must be positive and finite, got -2}}
  %0 = kiln.resize %x {mode = #kiln.resize_mode<nearest>, coordinate_mode = #kiln.coordinate_mode<asymmetric>, scales = array<f64: 1.0, -2.0>} : tensor<2x3xf32> -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @linear_int(%x: tensor<2x3xi32>) -> tensor<2x6xi32> {
  // expected-error @+1 {{'kiln.resize' op linear and cubic resizing need a float element type}}
  %0 = kiln.resize %x {mode = #kiln.resize_mode<linear>, coordinate_mode = #kiln.coordinate_mode<asymmetric>, scales = array<f64: 1.0, 2.0>} : tensor<2x3xi32> -> tensor<2x6xi32>
  return %0 : tensor<2x6xi32>
}

// -----

func.func @roi_missing(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{'kiln.resize' op 'roi' is given exactly with tf_crop_and_resize}}
  %0 = kiln.resize %x {mode = #kiln.resize_mode<linear>, coordinate_mode = #kiln.coordinate_mode<tf_crop_and_resize>, scales = array<f64: 1.0, 2.0>} : tensor<2x3xf32> -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @roi_size(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{'kiln.resize' op 'roi' needs 2 * rank = 4 values, got 2}}
  %0 = kiln.resize %x {mode = #kiln.resize_mode<linear>, coordinate_mode = #kiln.coordinate_mode<tf_crop_and_resize>, roi = array<f64: 0.0, 1.0>, scales = array<f64: 1.0, 2.0>} : tensor<2x3xf32> -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @dynamic(%x: tensor<2x?xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{'kiln.resize' op resized dimension 1 must be static}}
  %0 = kiln.resize %x {mode = #kiln.resize_mode<nearest>, coordinate_mode = #kiln.coordinate_mode<asymmetric>, scales = array<f64: 1.0, 2.0>} : tensor<2x?xf32> -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @conv3d_groups(%x: tensor<1x4x6x6x6xf32>, %w: tensor<8x3x3x3x3xf32>) -> tensor<1x8x4x4x4xf32> {
  // expected-error @+2 {{input has 4 channels but the filter expects 3 x 1 groups}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv_3d %x, %w {strides = array<i64: 1, 1, 1>, dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>} : (tensor<1x4x6x6x6xf32>, tensor<8x3x3x3x3xf32>) -> tensor<1x8x4x4x4xf32>
  return %0 : tensor<1x8x4x4x4xf32>
}

// -----

func.func @pool3d_pads(%x: tensor<1x4x6x6x6xf32>) -> tensor<1x4x3x3x3xf32> {
  // expected-error @+2 {{expects 3 kernel sizes, strides and dilations and 6 pads [front, top, left, back, bottom, right]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.max_pool_3d %x {kernel = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>, dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x6x6x6xf32> -> tensor<1x4x3x3x3xf32>
  return %0 : tensor<1x4x3x3x3xf32>
}

// -----

func.func @pool3d_fit(%x: tensor<1x4x2x6x6xf32>) -> tensor<1x4x1x3x3xf32> {
  // expected-error @+2 {{window does not fit the padded input 'tensor<1x4x2x6x6xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.max_pool_3d %x {kernel = array<i64: 3, 2, 2>, strides = array<i64: 2, 2, 2>, dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>} : tensor<1x4x2x6x6xf32> -> tensor<1x4x1x3x3xf32>
  return %0 : tensor<1x4x1x3x3xf32>
}
