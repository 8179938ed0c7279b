// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -mlir-print-local-scope | FileCheck %s
// 3-D windows become generics on padded NCDHW inputs: the grouped
// convolution works on [N, G, C/G, D, H, W] views, pooling reduces over a
// shape-only window operand, and average pooling divides by compile-time
// counts.

// CHECK-LABEL: func.func @conv3d
// CHECK: %[[P:.+]] = tensor.pad
// CHECK: %[[X:.+]] = tensor.expand_shape %[[P]] {{\[\[}}0], [1, 2], [3], [4], [5]] {{.*}} into tensor<1x2x2x8x8x8xf32>
// CHECK: %[[W:.+]] = tensor.expand_shape %{{.+}} {{\[\[}}0, 1], [2], [3], [4], [5]] {{.*}} into tensor<2x4x2x3x3x3xf32>
// The bias, broadcast over [N, G, F/G, D, H, W], initializes the sum.
// CHECK: linalg.generic {{.*}}affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2)>
// CHECK: %[[R:.+]] = linalg.generic
// CHECK-SAME: affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d0, d1, d6, d3 * 2 + d7, d4 * 2 + d8, d5 * 2 + d9)>
// CHECK-SAME: affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d1, d2, d6, d7, d8, d9)>
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]
// CHECK-SAME: ins(%[[X]], %[[W]] :
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: tensor.collapse_shape %[[R]] {{\[\[}}0], [1, 2], [3], [4], [5]] {{.*}} into tensor<1x8x3x3x3xf32>
func.func @conv3d(%x: tensor<1x4x6x6x6xf32>, %w: tensor<8x2x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x3x3x3xf32> {
  %c = kiln.conv_3d %x, %w, %b {strides = array<i64: 2, 2, 2>, dilations = array<i64: 1, 1, 1>,
         pads = array<i64: 1, 1, 1, 1, 1, 1>, groups = 2}
         : (tensor<1x4x6x6x6xf32>, tensor<8x2x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x3x3x3xf32>
  return %c : tensor<1x8x3x3x3xf32>
}

// -----

// CHECK-LABEL: func.func @max_pool3d
// CHECK: %[[WIN:.+]] = tensor.empty() : tensor<2x2x2xf32>
// CHECK: linalg.generic
// CHECK-SAME: affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2 * 2 + d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-SAME: ins(%{{.+}}, %[[WIN]] :
// CHECK: arith.maximumf
func.func @max_pool3d(%x: tensor<1x4x6x6x6xf32>) -> tensor<1x4x3x3x3xf32> {
  %m = kiln.max_pool_3d %x {kernel = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>,
         dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>}
         : tensor<1x4x6x6x6xf32> -> tensor<1x4x3x3x3xf32>
  return %m : tensor<1x4x3x3x3xf32>
}

// -----

// Without count_include_pad, corner windows of a 2x2x2 input padded by 1
// see one element each.
// CHECK-LABEL: func.func @avg_pool3d
// CHECK: arith.addf
// CHECK: %[[N:.+]] = arith.constant dense<1.000000e+00> : tensor<2x2x2xf32>
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.+}}, %[[N]] :
// CHECK: arith.divf
func.func @avg_pool3d(%x: tensor<1x1x2x2x2xf32>) -> tensor<1x1x2x2x2xf32> {
  %a = kiln.avg_pool_3d %x {kernel = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>,
         dilations = array<i64: 1, 1, 1>, pads = array<i64: 1, 1, 1, 1, 1, 1>}
         : tensor<1x1x2x2x2xf32> -> tensor<1x1x2x2x2xf32>
  return %a : tensor<1x1x2x2x2xf32>
}
