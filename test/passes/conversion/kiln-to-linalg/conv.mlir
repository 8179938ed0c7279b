// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -mlir-print-local-scope | FileCheck %s
// kiln.conv_2d becomes the linalg convolution named op for its layout and
// grouping, on an explicitly zero-padded input, accumulating into the bias
// broadcast along channels (or zeros).

// CHECK-LABEL: func.func @conv_nchw_bias_pads
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x8x8xf32>, %[[W:.+]]: tensor<4x3x3x3xf32>, %[[B:.+]]: tensor<4xf32>)
func.func @conv_nchw_bias_pads(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // pads [top, left, bottom, right] = [1, 1, 0, 0] pad H and W low only.
  // CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[PADDED:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 0, 0]
  // CHECK: tensor.yield %[[ZERO]] : f32
  // CHECK: } : tensor<1x3x8x8xf32> to tensor<1x3x9x9xf32>
  // CHECK: %[[BIAS:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
  // CHECK-SAME: ins(%[[B]] : tensor<4xf32>)
  // CHECK: %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
  // CHECK-SAME: ins(%[[PADDED]], %[[W]] : tensor<1x3x9x9xf32>, tensor<4x3x3x3xf32>) outs(%[[BIAS]] : tensor<1x4x4x4xf32>)
  // CHECK: return %[[CONV]]
  %0 = kiln.conv_2d %x, %w, %b {layout = #kiln.layout<nchw>, strides = array<i64: 2, 2>,
         dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 0>}
         : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// No pads: no tensor.pad; no bias: a zero-filled accumulator.
// CHECK-LABEL: func.func @conv_nhwc_dilated
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x8x3xf32>, %[[W:.+]]: tensor<3x3x3x4xf32>)
func.func @conv_nhwc_dilated(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x4xf32>) -> tensor<1x4x4x4xf32> {
  // CHECK-NOT: tensor.pad
  // CHECK: %[[ACC:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x4x4x4xf32>)
  // CHECK: %[[CONV:.+]] = linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
  // CHECK-SAME: ins(%[[X]], %[[W]] : tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) outs(%[[ACC]] : tensor<1x4x4x4xf32>)
  // CHECK: return %[[CONV]]
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nhwc>, strides = array<i64: 1, 1>,
         dilations = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>}
         : (tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// Depthwise (groups = C = F): the unit channels-per-group filter dim is dropped.
// CHECK-LABEL: func.func @depthwise_nchw
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x6x6xf32>, %[[W:.+]]: tensor<8x1x3x3xf32>)
func.func @depthwise_nchw(%x: tensor<1x8x6x6xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // CHECK: %[[PADDED:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
  // CHECK: } : tensor<1x8x6x6xf32> to tensor<1x8x8x8xf32>
  // CHECK: %[[ACC:.+]] = linalg.fill
  // CHECK: %[[F:.+]] = tensor.collapse_shape %[[W]] {{\[\[}}0], [1, 2], [3]] : tensor<8x1x3x3xf32> into tensor<8x3x3xf32>
  // CHECK: %[[CONV:.+]] = linalg.depthwise_conv_2d_nchw_chw
  // CHECK-SAME: ins(%[[PADDED]], %[[F]] : tensor<1x8x8x8xf32>, tensor<8x3x3xf32>) outs(%[[ACC]] : tensor<1x8x6x6xf32>)
  // CHECK: return %[[CONV]]
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, groups = 8 : i64}
         : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

// CHECK-LABEL: func.func @depthwise_nhwc_bias
// CHECK-SAME: (%[[X:.+]]: tensor<1x6x6x8xf32>, %[[W:.+]]: tensor<3x3x1x8xf32>, %[[B:.+]]: tensor<8xf32>)
func.func @depthwise_nhwc_bias(%x: tensor<1x6x6x8xf32>, %w: tensor<3x3x1x8xf32>, %b: tensor<8xf32>) -> tensor<1x4x4x8xf32> {
  // Channels are the last dim in NHWC.
  // CHECK: %[[BIAS:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
  // CHECK-SAME: ins(%[[B]] : tensor<8xf32>)
  // CHECK: %[[F:.+]] = tensor.collapse_shape %[[W]] {{\[\[}}0], [1], [2, 3]] : tensor<3x3x1x8xf32> into tensor<3x3x8xf32>
  // CHECK: %[[CONV:.+]] = linalg.depthwise_conv_2d_nhwc_hwc
  // CHECK-SAME: ins(%[[X]], %[[F]] : tensor<1x6x6x8xf32>, tensor<3x3x8xf32>) outs(%[[BIAS]] : tensor<1x4x4x8xf32>)
  // CHECK: return %[[CONV]]
  %0 = kiln.conv_2d %x, %w, %b {layout = #kiln.layout<nhwc>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, groups = 8 : i64}
         : (tensor<1x6x6x8xf32>, tensor<3x3x1x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

// General groups (NCHW): channels split into [G, C/G] for the grouped op.
// CHECK-LABEL: func.func @grouped_nchw
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x6x6xf32>, %[[W:.+]]: tensor<4x4x3x3xf32>)
func.func @grouped_nchw(%x: tensor<1x8x6x6xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x4x4xf32> {
  // CHECK: %[[ACC:.+]] = linalg.fill {{.+}} -> tensor<1x4x4x4xf32>
  // CHECK: %[[X5:.+]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 4, 6, 6] : tensor<1x8x6x6xf32> into tensor<1x2x4x6x6xf32>
  // CHECK: %[[W5:.+]] = tensor.expand_shape %[[W]] {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 2, 4, 3, 3] : tensor<4x4x3x3xf32> into tensor<2x2x4x3x3xf32>
  // CHECK: %[[ACC5:.+]] = tensor.expand_shape %[[ACC]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 2, 2, 4, 4] : tensor<1x4x4x4xf32> into tensor<1x2x2x4x4xf32>
  // CHECK: %[[CONV:.+]] = linalg.conv_2d_ngchw_gfchw
  // CHECK-SAME: ins(%[[X5]], %[[W5]] : tensor<1x2x4x6x6xf32>, tensor<2x2x4x3x3xf32>) outs(%[[ACC5]] : tensor<1x2x2x4x4xf32>)
  // CHECK: %[[OUT:.+]] = tensor.collapse_shape %[[CONV]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x2x4x4xf32> into tensor<1x4x4x4xf32>
  // CHECK: return %[[OUT]]
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, groups = 2 : i64}
         : (tensor<1x8x6x6xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}
