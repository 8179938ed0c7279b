// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -mlir-print-local-scope | FileCheck %s
// Pooling becomes linalg pooling named ops. Max pooling pads with -inf so
// padding never wins; average pooling sums over a zero-padded input and
// divides by a per-position count that leaves padding out unless
// count_include_pad.

// CHECK-LABEL: func.func @max_pool_padded
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x9x9xf32>)
func.func @max_pool_padded(%x: tensor<1x4x9x9xf32>) -> tensor<1x4x5x5xf32> {
  // CHECK: %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
  // CHECK: %[[PADDED:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
  // CHECK: tensor.yield %[[NEG_INF]] : f32
  // CHECK: } : tensor<1x4x9x9xf32> to tensor<1x4x11x11xf32>
  // CHECK: %[[ACC:.+]] = linalg.fill ins(%[[NEG_INF]] : f32) outs(%{{.+}} : tensor<1x4x5x5xf32>)
  // CHECK: %[[WINDOW:.+]] = tensor.empty() : tensor<3x3xf32>
  // CHECK: %[[POOL:.+]] = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
  // CHECK-SAME: ins(%[[PADDED]], %[[WINDOW]] : tensor<1x4x11x11xf32>, tensor<3x3xf32>) outs(%[[ACC]] : tensor<1x4x5x5xf32>)
  // CHECK: return %[[POOL]]
  %0 = kiln.max_pool %x {layout = #kiln.layout<nchw>, kernel = array<i64: 3, 3>,
         strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>}
         : tensor<1x4x9x9xf32> -> tensor<1x4x5x5xf32>
  return %0 : tensor<1x4x5x5xf32>
}

// -----

// CHECK-LABEL: func.func @max_pool_nhwc
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x4x2xf32>)
func.func @max_pool_nhwc(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32> {
  // CHECK-NOT: tensor.pad
  // CHECK: %[[POOL:.+]] = linalg.pooling_nhwc_max
  // CHECK-SAME: ins(%[[X]], %{{.+}} : tensor<1x4x4x2xf32>, tensor<2x2xf32>)
  // CHECK: return %[[POOL]]
  %0 = kiln.max_pool %x {layout = #kiln.layout<nhwc>, kernel = array<i64: 2, 2>,
         strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : tensor<1x4x4x2xf32> -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// 3x3 input, top/left pad 1, 2x2 window, stride 2: the windows cover 1, 2,
// 2 and 4 real pixels.
// CHECK-LABEL: func.func @avg_pool_exclude_pad
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x3x3xf32>)
func.func @avg_pool_exclude_pad(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x2x2xf32> {
  // CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[PADDED:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 0, 0]
  // CHECK: tensor.yield %[[ZERO]] : f32
  // CHECK: %[[SUM:.+]] = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
  // CHECK-SAME: ins(%[[PADDED]], %{{.+}} : tensor<1x2x4x4xf32>, tensor<2x2xf32>)
  // CHECK: %[[COUNT:.+]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
  // CHECK: %[[AVG:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
  // CHECK-SAME: ins(%[[SUM]], %[[COUNT]] : tensor<1x2x2x2xf32>, tensor<2x2xf32>)
  // CHECK: ^bb0(%[[S:.+]]: f32, %[[N:.+]]: f32, %{{.+}}: f32):
  // CHECK: %[[Q:.+]] = arith.divf %[[S]], %[[N]] : f32
  // CHECK: linalg.yield %[[Q]]
  // CHECK: return %[[AVG]]
  %0 = kiln.avg_pool %x {layout = #kiln.layout<nchw>, kernel = array<i64: 2, 2>,
         strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 0>}
         : tensor<1x2x3x3xf32> -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @avg_pool_include_pad
func.func @avg_pool_include_pad(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x2x2xf32> {
  // CHECK: linalg.pooling_nchw_sum
  // CHECK: %[[COUNT:.+]] = arith.constant dense<4.000000e+00> : tensor<2x2xf32>
  // CHECK: linalg.generic
  // CHECK-SAME: ins(%{{.+}}, %[[COUNT]] : tensor<1x2x2x2xf32>, tensor<2x2xf32>)
  // CHECK: arith.divf
  %0 = kiln.avg_pool %x {layout = #kiln.layout<nchw>, kernel = array<i64: 2, 2>,
         strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 0>,
         count_include_pad = true}
         : tensor<1x2x3x3xf32> -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// NHWC: the count is indexed by (h, w) = (d1, d2).
// CHECK-LABEL: func.func @avg_pool_nhwc
func.func @avg_pool_nhwc(%x: tensor<1x3x3x2xf32>) -> tensor<1x2x2x2xf32> {
  // CHECK: %[[SUM:.+]] = linalg.pooling_nhwc_sum
  // CHECK: %[[COUNT:.+]] = arith.constant dense<4.000000e+00> : tensor<2x2xf32>
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
  // CHECK-SAME: ins(%[[SUM]], %[[COUNT]] : tensor<1x2x2x2xf32>, tensor<2x2xf32>)
  %0 = kiln.avg_pool %x {layout = #kiln.layout<nhwc>, kernel = array<i64: 2, 2>,
         strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : tensor<1x3x3x2xf32> -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}
