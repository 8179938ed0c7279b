// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s
// Every kiln op prints and parses back to itself; defaulted attributes stay
// elided and given ones survive.

// CHECK-LABEL: func.func @constant
func.func @constant() -> (tensor<2xi64>, tensor<3xf32>) {
  // CHECK: kiln.constant dense<[1, 5408]> : tensor<2xi64>
  %s = kiln.constant dense<[1, 5408]> : tensor<2xi64>
  // CHECK: kiln.constant dense_resource<weights> : tensor<3xf32>
  %w = kiln.constant dense_resource<weights> : tensor<3xf32>
  return %s, %w : tensor<2xi64>, tensor<3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F0000004000004040"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x128xf32>)
func.func @identity(%x: tensor<2x128xf32>) -> tensor<2x128xf32> {
  // CHECK: kiln.identity %[[X]] : tensor<2x128xf32>
  %0 = kiln.identity %x : tensor<2x128xf32>
  return %0 : tensor<2x128xf32>
}

// -----

// CHECK-LABEL: func.func @binary
// CHECK-SAME: (%[[A:.+]]: tensor<2x128xf32>, %[[B:.+]]: tensor<128xf32>, %[[C:.+]]: tensor<2x1xf32>)
func.func @binary(%a: tensor<2x128xf32>, %b: tensor<128xf32>, %c: tensor<2x1xf32>) -> tensor<2x128xf32> {
  // CHECK: %[[ADD:.+]] = kiln.add %[[A]], %[[B]] : tensor<2x128xf32>, tensor<128xf32> -> tensor<2x128xf32>
  %0 = kiln.add %a, %b : tensor<2x128xf32>, tensor<128xf32> -> tensor<2x128xf32>
  // CHECK: %[[SUB:.+]] = kiln.sub %[[ADD]], %[[C]] : tensor<2x128xf32>, tensor<2x1xf32> -> tensor<2x128xf32>
  %1 = kiln.sub %0, %c : tensor<2x128xf32>, tensor<2x1xf32> -> tensor<2x128xf32>
  // CHECK: %[[MUL:.+]] = kiln.mul %[[B]], %[[SUB]] : tensor<128xf32>, tensor<2x128xf32> -> tensor<2x128xf32>
  %2 = kiln.mul %b, %1 : tensor<128xf32>, tensor<2x128xf32> -> tensor<2x128xf32>
  // CHECK: %[[DIV:.+]] = kiln.div %[[MUL]], %[[A]] : tensor<2x128xf32>, tensor<2x128xf32> -> tensor<2x128xf32>
  %3 = kiln.div %2, %a : tensor<2x128xf32>, tensor<2x128xf32> -> tensor<2x128xf32>
  // CHECK: %[[MAX:.+]] = kiln.max %[[DIV]], %[[C]] : tensor<2x128xf32>, tensor<2x1xf32> -> tensor<2x128xf32>
  %4 = kiln.max %3, %c : tensor<2x128xf32>, tensor<2x1xf32> -> tensor<2x128xf32>
  // CHECK: kiln.min %[[MAX]], %[[B]] : tensor<2x128xf32>, tensor<128xf32> -> tensor<2x128xf32>
  %5 = kiln.min %4, %b : tensor<2x128xf32>, tensor<128xf32> -> tensor<2x128xf32>
  return %5 : tensor<2x128xf32>
}

// -----

// CHECK-LABEL: func.func @binary_f16_dynamic
func.func @binary_f16_dynamic(%a: tensor<?x8xf16>, %b: tensor<8xf16>) -> tensor<?x8xf16> {
  // CHECK: kiln.add %{{.+}}, %{{.+}} : tensor<?x8xf16>, tensor<8xf16> -> tensor<?x8xf16>
  %0 = kiln.add %a, %b : tensor<?x8xf16>, tensor<8xf16> -> tensor<?x8xf16>
  return %0 : tensor<?x8xf16>
}

// -----

// CHECK-LABEL: func.func @unary
// CHECK-SAME: (%[[X:.+]]: tensor<1x32x26x26xf32>)
func.func @unary(%x: tensor<1x32x26x26xf32>) -> tensor<1x32x26x26xf32> {
  // CHECK: %[[RELU:.+]] = kiln.relu %[[X]] : tensor<1x32x26x26xf32>
  %0 = kiln.relu %x : tensor<1x32x26x26xf32>
  // CHECK: %[[SIG:.+]] = kiln.sigmoid %[[RELU]] : tensor<1x32x26x26xf32>
  %1 = kiln.sigmoid %0 : tensor<1x32x26x26xf32>
  // CHECK: %[[TANH:.+]] = kiln.tanh %[[SIG]] : tensor<1x32x26x26xf32>
  %2 = kiln.tanh %1 : tensor<1x32x26x26xf32>
  // CHECK: %[[EXP:.+]] = kiln.exp %[[TANH]] : tensor<1x32x26x26xf32>
  %3 = kiln.exp %2 : tensor<1x32x26x26xf32>
  // CHECK: %[[LOG:.+]] = kiln.log %[[EXP]] : tensor<1x32x26x26xf32>
  %4 = kiln.log %3 : tensor<1x32x26x26xf32>
  // CHECK: %[[SQRT:.+]] = kiln.sqrt %[[LOG]] : tensor<1x32x26x26xf32>
  %5 = kiln.sqrt %4 : tensor<1x32x26x26xf32>
  // CHECK: kiln.neg %[[SQRT]] : tensor<1x32x26x26xf32>
  %6 = kiln.neg %5 : tensor<1x32x26x26xf32>
  return %6 : tensor<1x32x26x26xf32>
}

// -----

// CHECK-LABEL: func.func @softmax
func.func @softmax(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  // CHECK: kiln.softmax %{{.+}} {axis = 1 : i64} : tensor<2x10xf32>
  %0 = kiln.softmax %x {axis = 1 : i64} : tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// CHECK-LABEL: func.func @batch_norm
// CHECK-SAME: (%[[X:.+]]: tensor<1x16x4x4xf32>, %[[S:.+]]: tensor<16xf32>, %[[B:.+]]: tensor<16xf32>, %[[M:.+]]: tensor<16xf32>, %[[V:.+]]: tensor<16xf32>)
func.func @batch_norm(%x: tensor<1x16x4x4xf32>, %s: tensor<16xf32>, %b: tensor<16xf32>, %m: tensor<16xf32>, %v: tensor<16xf32>) -> tensor<1x16x4x4xf32> {
  // CHECK: kiln.batch_norm %[[X]], %[[S]], %[[B]], %[[M]], %[[V]] {axis = 1 : i64, epsilon = 1.000000e-03 : f32}
  // CHECK-SAME: : tensor<1x16x4x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<1x16x4x4xf32>
  %0 = kiln.batch_norm %x, %s, %b, %m, %v {axis = 1 : i64, epsilon = 1.0e-3 : f32}
         : tensor<1x16x4x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<1x16x4x4xf32>
  return %0 : tensor<1x16x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @matmul
func.func @matmul(%x: tensor<2x784xf32>, %w: tensor<784x128xf32>, %b: tensor<3x2x4xf32>, %c: tensor<1x4x5xf32>) -> (tensor<2x128xf32>, tensor<3x2x5xf32>) {
  // CHECK: kiln.matmul %{{.+}}, %{{.+}} : tensor<2x784xf32>, tensor<784x128xf32> -> tensor<2x128xf32>
  %0 = kiln.matmul %x, %w : tensor<2x784xf32>, tensor<784x128xf32> -> tensor<2x128xf32>
  // CHECK: kiln.matmul %{{.+}}, %{{.+}} : tensor<3x2x4xf32>, tensor<1x4x5xf32> -> tensor<3x2x5xf32>
  %1 = kiln.matmul %b, %c : tensor<3x2x4xf32>, tensor<1x4x5xf32> -> tensor<3x2x5xf32>
  return %0, %1 : tensor<2x128xf32>, tensor<3x2x5xf32>
}

// -----

// CHECK-LABEL: func.func @gemm
// CHECK-SAME: (%[[A:.+]]: tensor<1x16xf32>, %[[B:.+]]: tensor<5x16xf32>, %[[C:.+]]: tensor<5xf32>)
func.func @gemm(%a: tensor<1x16xf32>, %b: tensor<5x16xf32>, %c: tensor<5xf32>) -> (tensor<1x5xf32>, tensor<16x16xf32>) {
  // CHECK: kiln.gemm %[[A]], %[[B]], %[[C]] {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, trans_b = true}
  // CHECK-SAME: : (tensor<1x16xf32>, tensor<5x16xf32>, tensor<5xf32>) -> tensor<1x5xf32>
  %0 = kiln.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = false, trans_b = true}
         : (tensor<1x16xf32>, tensor<5x16xf32>, tensor<5xf32>) -> tensor<1x5xf32>
  // CHECK: kiln.gemm %[[B]], %[[B]] {trans_a = true} : (tensor<5x16xf32>, tensor<5x16xf32>) -> tensor<16x16xf32>
  %1 = kiln.gemm %b, %b {trans_a = true} : (tensor<5x16xf32>, tensor<5x16xf32>) -> tensor<16x16xf32>
  return %0, %1 : tensor<1x5xf32>, tensor<16x16xf32>
}

// -----

// CHECK-LABEL: func.func @conv_2d
func.func @conv_2d(%x: tensor<1x1x28x28xf32>, %w: tensor<32x1x3x3xf32>, %b: tensor<32xf32>,
                   %xl: tensor<1x28x28x8xf32>, %wl: tensor<3x3x1x8xf32>) -> (tensor<1x32x26x26xf32>, tensor<1x14x14x8xf32>) {
  // CHECK: kiln.conv_2d %{{.+}}, %{{.+}}, %{{.+}} {dilations = array<i64: 1, 1>, layout = #kiln.layout<nchw>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}
  // CHECK-SAME: : (tensor<1x1x28x28xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>) -> tensor<1x32x26x26xf32>
  %0 = kiln.conv_2d %x, %w, %b {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, groups = 1 : i64}
         : (tensor<1x1x28x28xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>) -> tensor<1x32x26x26xf32>
  // CHECK: kiln.conv_2d %{{.+}}, %{{.+}} {dilations = array<i64: 1, 1>, groups = 8 : i64, layout = #kiln.layout<nhwc>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
  // CHECK-SAME: : (tensor<1x28x28x8xf32>, tensor<3x3x1x8xf32>) -> tensor<1x14x14x8xf32>
  %1 = kiln.conv_2d %xl, %wl {layout = #kiln.layout<nhwc>, strides = array<i64: 2, 2>,
         dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, groups = 8 : i64}
         : (tensor<1x28x28x8xf32>, tensor<3x3x1x8xf32>) -> tensor<1x14x14x8xf32>
  return %0, %1 : tensor<1x32x26x26xf32>, tensor<1x14x14x8xf32>
}

// -----

// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<1x32x26x26xf32>) -> (tensor<1x32x13x13xf32>, tensor<1x32x26x26xf32>, tensor<1x32x1x1xf32>) {
  // CHECK: kiln.max_pool %{{.+}} {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, layout = #kiln.layout<nchw>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
  // CHECK-SAME: : tensor<1x32x26x26xf32> -> tensor<1x32x13x13xf32>
  %0 = kiln.max_pool %x {layout = #kiln.layout<nchw>, kernel = array<i64: 2, 2>,
         strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : tensor<1x32x26x26xf32> -> tensor<1x32x13x13xf32>
  // CHECK: kiln.avg_pool %{{.+}} {count_include_pad = true, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, layout = #kiln.layout<nchw>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  // CHECK-SAME: : tensor<1x32x26x26xf32> -> tensor<1x32x26x26xf32>
  %1 = kiln.avg_pool %x {layout = #kiln.layout<nchw>, kernel = array<i64: 3, 3>,
         strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
         count_include_pad = true}
         : tensor<1x32x26x26xf32> -> tensor<1x32x26x26xf32>
  // CHECK: kiln.global_avg_pool %{{.+}} {layout = #kiln.layout<nchw>} : tensor<1x32x26x26xf32> -> tensor<1x32x1x1xf32>
  %2 = kiln.global_avg_pool %x {layout = #kiln.layout<nchw>} : tensor<1x32x26x26xf32> -> tensor<1x32x1x1xf32>
  return %0, %1, %2 : tensor<1x32x13x13xf32>, tensor<1x32x26x26xf32>, tensor<1x32x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @pooling_nhwc
func.func @pooling_nhwc(%x: tensor<1x8x8x3xf32>) -> (tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>) {
  // CHECK: kiln.avg_pool %{{.+}} {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, layout = #kiln.layout<nhwc>
  // CHECK-SAME: : tensor<1x8x8x3xf32> -> tensor<1x4x4x3xf32>
  %0 = kiln.avg_pool %x {layout = #kiln.layout<nhwc>, kernel = array<i64: 2, 2>,
         strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : tensor<1x8x8x3xf32> -> tensor<1x4x4x3xf32>
  // CHECK: kiln.global_avg_pool %{{.+}} {layout = #kiln.layout<nhwc>} : tensor<1x8x8x3xf32> -> tensor<1x1x1x3xf32>
  %1 = kiln.global_avg_pool %x {layout = #kiln.layout<nhwc>} : tensor<1x8x8x3xf32> -> tensor<1x1x1x3xf32>
  return %0, %1 : tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>
}

// -----

// CHECK-LABEL: func.func @data_movement
// CHECK-SAME: (%[[X:.+]]: tensor<1x28x28x1xf32>, %[[A:.+]]: tensor<1x8x4x4xf32>, %[[B:.+]]: tensor<1x2x4x4xf32>)
func.func @data_movement(%x: tensor<1x28x28x1xf32>, %a: tensor<1x8x4x4xf32>, %b: tensor<1x2x4x4xf32>)
    -> (tensor<784xf32>, tensor<1x1x28x28xf32>, tensor<1x10x4x4xf32>) {
  // CHECK: kiln.reshape %[[X]] : tensor<1x28x28x1xf32> -> tensor<784xf32>
  %0 = kiln.reshape %x : tensor<1x28x28x1xf32> -> tensor<784xf32>
  // CHECK: kiln.transpose %[[X]] {perm = array<i64: 0, 3, 1, 2>} : tensor<1x28x28x1xf32> -> tensor<1x1x28x28xf32>
  %1 = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : tensor<1x28x28x1xf32> -> tensor<1x1x28x28xf32>
  // CHECK: kiln.concat %[[A]], %[[B]] {axis = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x10x4x4xf32>
  %2 = kiln.concat %a, %b {axis = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x10x4x4xf32>
  return %0, %1, %2 : tensor<784xf32>, tensor<1x1x28x28xf32>, tensor<1x10x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @activations
func.func @activations(%x: tensor<2x16xf32>, %i: tensor<2x16xi32>) -> (tensor<2x16xf32>, tensor<2x16xf32>, tensor<2x16xf32>, tensor<2x16xi32>, tensor<2x16xi64>) {
  // CHECK: kiln.clip %{{.+}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : tensor<2x16xf32>
  %0 = kiln.clip %x {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x16xf32>
  // CHECK: kiln.leaky_relu %{{.+}} {alpha = 2.000000e-01 : f32} : tensor<2x16xf32>
  %1 = kiln.leaky_relu %0 {alpha = 0.2 : f32} : tensor<2x16xf32>
  // CHECK: kiln.selu %{{.+}} : tensor<2x16xf32>
  %2 = kiln.selu %1 : tensor<2x16xf32>
  // CHECK: kiln.erf %{{.+}} : tensor<2x16xf32>
  %3 = kiln.erf %2 : tensor<2x16xf32>
  // CHECK: kiln.pow %{{.+}}, %{{.+}} : tensor<2x16xf32>, tensor<2x16xf32> -> tensor<2x16xf32>
  %4 = kiln.pow %3, %x : tensor<2x16xf32>, tensor<2x16xf32> -> tensor<2x16xf32>
  // CHECK: kiln.add %{{.+}}, %{{.+}} : tensor<2x16xi32>, tensor<2x16xi32> -> tensor<2x16xi32>
  %5 = kiln.add %i, %i : tensor<2x16xi32>, tensor<2x16xi32> -> tensor<2x16xi32>
  // CHECK: kiln.cast %{{.+}} : tensor<2x16xf32> -> tensor<2x16xi64>
  %6 = kiln.cast %x : tensor<2x16xf32> -> tensor<2x16xi64>
  // CHECK: kiln.log_softmax %{{.+}} {axis = 1 : i64} : tensor<2x16xf32>
  %7 = kiln.log_softmax %4 {axis = 1 : i64} : tensor<2x16xf32>
  return %2, %7, %4, %5, %6 : tensor<2x16xf32>, tensor<2x16xf32>, tensor<2x16xf32>, tensor<2x16xi32>, tensor<2x16xi64>
}

// -----

// CHECK-LABEL: func.func @tensor_ops
func.func @tensor_ops(%x: tensor<2x8x8x16xf32>, %t: tensor<50x8xf32>, %ids: tensor<2x1xi64>)
    -> (tensor<2x16xf32>, tensor<2x1x1x16xf32>, tensor<2x10x10x16xf32>, tensor<2x3x8x16xf32>, tensor<2x1x8xf32>, tensor<4x8x8x16xf32>) {
  // CHECK: kiln.reduce_mean %{{.+}} {axes = array<i64: 1, 2>} : tensor<2x8x8x16xf32> -> tensor<2x16xf32>
  %0 = kiln.reduce_mean %x {axes = array<i64: 1, 2>} : tensor<2x8x8x16xf32> -> tensor<2x16xf32>
  // CHECK: kiln.reduce_max %{{.+}} {axes = array<i64: 1, 2>, keep_dims = true} : tensor<2x8x8x16xf32> -> tensor<2x1x1x16xf32>
  %1 = kiln.reduce_max %x {axes = array<i64: 1, 2>, keep_dims = true} : tensor<2x8x8x16xf32> -> tensor<2x1x1x16xf32>
  // CHECK: kiln.pad %{{.+}} {high = array<i64: 0, 1, 1, 0>, low = array<i64: 0, 1, 1, 0>} : tensor<2x8x8x16xf32> -> tensor<2x10x10x16xf32>
  %2 = kiln.pad %x {low = array<i64: 0, 1, 1, 0>, high = array<i64: 0, 1, 1, 0>} : tensor<2x8x8x16xf32> -> tensor<2x10x10x16xf32>
  // CHECK: kiln.slice %{{.+}} {offsets = array<i64: 0, 7, 0, 0>, sizes = array<i64: 2, 3, 8, 16>, strides = array<i64: 1, -2, 1, 1>}
  %3 = kiln.slice %x {offsets = array<i64: 0, 7, 0, 0>, sizes = array<i64: 2, 3, 8, 16>, strides = array<i64: 1, -2, 1, 1>} : tensor<2x8x8x16xf32> -> tensor<2x3x8x16xf32>
  // CHECK: kiln.gather %{{.+}}, %{{.+}} {axis = 0 : i64} : (tensor<50x8xf32>, tensor<2x1xi64>) -> tensor<2x1x8xf32>
  %4 = kiln.gather %t, %ids {axis = 0 : i64} : (tensor<50x8xf32>, tensor<2x1xi64>) -> tensor<2x1x8xf32>
  // CHECK: kiln.tile %{{.+}} {multiples = array<i64: 2, 1, 1, 1>} : tensor<2x8x8x16xf32> -> tensor<4x8x8x16xf32>
  %5 = kiln.tile %x {multiples = array<i64: 2, 1, 1, 1>} : tensor<2x8x8x16xf32> -> tensor<4x8x8x16xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x16xf32>, tensor<2x1x1x16xf32>, tensor<2x10x10x16xf32>, tensor<2x3x8x16xf32>, tensor<2x1x8xf32>, tensor<4x8x8x16xf32>
}

// -----

// CHECK-LABEL: func.func @conv_transpose
func.func @conv_transpose(%x: tensor<1x8x8x16xf32>, %w: tensor<2x2x8x16xf32>) -> tensor<1x16x16x8xf32> {
  // CHECK: kiln.conv_transpose_2d %{{.+}}, %{{.+}} {dilations = array<i64: 1, 1>, layout = #kiln.layout<nhwc>, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
  %0 = kiln.conv_transpose_2d %x, %w {layout = #kiln.layout<nhwc>, strides = array<i64: 2, 2>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>}
         : (tensor<1x8x8x16xf32>, tensor<2x2x8x16xf32>) -> tensor<1x16x16x8xf32>
  return %0 : tensor<1x16x16x8xf32>
}

// -----

// CHECK-LABEL: func.func @compare_select
func.func @compare_select(%a: tensor<2xi64>, %b: tensor<i64>, %x: tensor<2x3xf32>, %y: tensor<3xf32>) -> (tensor<2xi64>, tensor<2x3xf32>) {
  // CHECK: kiln.less %{{.+}}, %{{.+}} : tensor<2xi64>, tensor<i64> -> tensor<2xi1>
  %m = kiln.less %a, %b : tensor<2xi64>, tensor<i64> -> tensor<2xi1>
  // CHECK: kiln.select %{{.+}}, %{{.+}}, %{{.+}} : (tensor<2xi1>, tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %s = kiln.select %m, %a, %b : (tensor<2xi1>, tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  // CHECK: kiln.greater_equal %{{.+}}, %{{.+}} : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xi1>
  %g = kiln.greater_equal %x, %y : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xi1>
  %t = kiln.select %g, %x, %y : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %s, %t : tensor<2xi64>, tensor<2x3xf32>
}

// -----

// Integer ops with `is_unsigned`, remainders, shifts and the bitwise/logical
// ops; unsigned casts.
// CHECK-LABEL: func.func @integer_ops
func.func @integer_ops(%a: tensor<4xi8>, %b: tensor<i8>, %m: tensor<4xi1>, %n: tensor<4xi1>)
    -> (tensor<4xi8>, tensor<4xi8>, tensor<4xi8>, tensor<4xi1>, tensor<4xi1>, tensor<4xf32>) {
  // CHECK: kiln.div %{{.+}}, %{{.+}} {is_unsigned} : tensor<4xi8>, tensor<i8> -> tensor<4xi8>
  %0 = kiln.div %a, %b {is_unsigned} : tensor<4xi8>, tensor<i8> -> tensor<4xi8>
  // CHECK: kiln.max %{{.+}}, %{{.+}} {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  %1 = kiln.max %0, %a {is_unsigned} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  // CHECK: kiln.min %{{.+}}, %{{.+}} : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  %2 = kiln.min %1, %a : tensor<4xi8>, tensor<4xi8> -> tensor<4xi8>
  // CHECK: kiln.rem %{{.+}}, %{{.+}} : tensor<4xi8>, tensor<i8> -> tensor<4xi8>
  %3 = kiln.rem %2, %b : tensor<4xi8>, tensor<i8> -> tensor<4xi8>
  // CHECK: kiln.floor_mod %{{.+}}, %{{.+}} {is_unsigned} : tensor<4xi8>, tensor<i8> -> tensor<4xi8>
  %4 = kiln.floor_mod %3, %b {is_unsigned} : tensor<4xi8>, tensor<i8> -> tensor<4xi8>
  // CHECK: kiln.shift_left %{{.+}}, %{{.+}} : tensor<4xi8>, tensor<i8> -> tensor<4xi8>
  %5 = kiln.shift_left %4, %b : tensor<4xi8>, tensor<i8> -> tensor<4xi8>
  // CHECK: kiln.shift_right %{{.+}}, %{{.+}} {is_unsigned} : tensor<4xi8>, tensor<i8> -> tensor<4xi8>
  %6 = kiln.shift_right %5, %b {is_unsigned} : tensor<4xi8>, tensor<i8> -> tensor<4xi8>
  // CHECK: kiln.and %{{.+}}, %{{.+}} : tensor<4xi8>, tensor<i8> -> tensor<4xi8>
  %7 = kiln.and %6, %b : tensor<4xi8>, tensor<i8> -> tensor<4xi8>
  // CHECK: kiln.or %{{.+}}, %{{.+}} : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  %8 = kiln.or %m, %n : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  // CHECK: kiln.xor %{{.+}}, %{{.+}} : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  %9 = kiln.xor %8, %n : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  // CHECK: kiln.not %{{.+}} : tensor<4xi1>
  %10 = kiln.not %9 : tensor<4xi1>
  // CHECK: kiln.not %{{.+}} : tensor<4xi8>
  %11 = kiln.not %7 : tensor<4xi8>
  // CHECK: kiln.less %{{.+}}, %{{.+}} {is_unsigned} : tensor<4xi8>, tensor<i8> -> tensor<4xi1>
  %12 = kiln.less %11, %b {is_unsigned} : tensor<4xi8>, tensor<i8> -> tensor<4xi1>
  // CHECK: kiln.cast %{{.+}} {unsigned_input} : tensor<4xi8> -> tensor<4xf32>
  %13 = kiln.cast %11 {unsigned_input} : tensor<4xi8> -> tensor<4xf32>
  // CHECK: kiln.cast %{{.+}} {unsigned_result} : tensor<4xf32> -> tensor<4xi8>
  %14 = kiln.cast %13 {unsigned_result} : tensor<4xf32> -> tensor<4xi8>
  return %11, %14, %3, %10, %12, %13 : tensor<4xi8>, tensor<4xi8>, tensor<4xi8>, tensor<4xi1>, tensor<4xi1>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @trig_round_sign
func.func @trig_round_sign(%x: tensor<3xf32>, %i: tensor<3xi32>) -> (tensor<3xf32>, tensor<3xi32>) {
  // CHECK: kiln.tan %{{.+}} : tensor<3xf32>
  %0 = kiln.tan %x : tensor<3xf32>
  // CHECK: kiln.asin %{{.+}} : tensor<3xf32>
  %1 = kiln.asin %0 : tensor<3xf32>
  // CHECK: kiln.acos %{{.+}} : tensor<3xf32>
  %2 = kiln.acos %1 : tensor<3xf32>
  // CHECK: kiln.atan %{{.+}} : tensor<3xf32>
  %3 = kiln.atan %2 : tensor<3xf32>
  // CHECK: kiln.sinh %{{.+}} : tensor<3xf32>
  %4 = kiln.sinh %3 : tensor<3xf32>
  // CHECK: kiln.cosh %{{.+}} : tensor<3xf32>
  %5 = kiln.cosh %4 : tensor<3xf32>
  // CHECK: kiln.asinh %{{.+}} : tensor<3xf32>
  %6 = kiln.asinh %5 : tensor<3xf32>
  // CHECK: kiln.acosh %{{.+}} : tensor<3xf32>
  %7 = kiln.acosh %6 : tensor<3xf32>
  // CHECK: kiln.atanh %{{.+}} : tensor<3xf32>
  %8 = kiln.atanh %7 : tensor<3xf32>
  // CHECK: kiln.round %{{.+}} : tensor<3xf32>
  %9 = kiln.round %8 : tensor<3xf32>
  // CHECK: kiln.sign %{{.+}} : tensor<3xf32>
  %10 = kiln.sign %9 : tensor<3xf32>
  // CHECK: kiln.sign %{{.+}} : tensor<3xi32>
  %11 = kiln.sign %i : tensor<3xi32>
  return %10, %11 : tensor<3xf32>, tensor<3xi32>
}
