// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -verify-diagnostics
// Ops a pattern refuses stay illegal and the pass fails naming them.

func.func @dynamic_shape(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{failed to legalize operation 'kiln.relu' that was explicitly marked illegal}}
  %0 = kiln.relu %x : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @dynamic_matmul(%a: tensor<?x4xf32>, %b: tensor<4x5xf32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{failed to legalize operation 'kiln.matmul' that was explicitly marked illegal}}
  %0 = kiln.matmul %a, %b : tensor<?x4xf32>, tensor<4x5xf32> -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

// Grouped convolution that is not depthwise has no NHWC lowering yet.
func.func @grouped_nhwc(%x: tensor<1x6x6x8xf32>, %w: tensor<3x3x4x4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{failed to legalize operation 'kiln.conv_2d' that was explicitly marked illegal}}
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nhwc>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, groups = 2 : i64}
         : (tensor<1x6x6x8xf32>, tensor<3x3x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}
