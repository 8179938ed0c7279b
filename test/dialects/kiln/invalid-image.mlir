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
