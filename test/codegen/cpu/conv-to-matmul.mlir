// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-cpu-conv-to-matmul))' | FileCheck %s

// NHWC: patches gathered into [N, OH*OW, KH*KW*C], then a contraction with
// the filter as a [KH*KW*C, F] matrix.
// CHECK-LABEL: func.func @nhwc
// CHECK-NOT:     linalg.conv_2d
// CHECK:         %[[COL:.+]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x16x18xf32>)
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:        ins(%[[COL]], %{{.*}} : tensor<1x16x18xf32>, tensor<18x8xf32>)
func.func @nhwc(%x: tensor<1x6x6x2xf32>, %w: tensor<3x3x2x8xf32>, %o: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x6x6x2xf32>, tensor<3x3x2x8xf32>) outs(%o : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

// NCHW (strided): the filter [F, C*KH*KW] times patches [N, C*KH*KW, OH*OW].
// CHECK-LABEL: func.func @nchw
// CHECK-NOT:     linalg.conv_2d
// CHECK:         %[[COL:.+]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x18x4xf32>)
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:        ins(%{{.*}}, %[[COL]] : tensor<8x18xf32>, tensor<1x18x4xf32>)
func.func @nchw(%x: tensor<1x2x5x5xf32>, %w: tensor<8x2x3x3xf32>, %o: tensor<1x8x2x2xf32>) -> tensor<1x8x2x2xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x5x5xf32>, tensor<8x2x3x3xf32>) outs(%o : tensor<1x8x2x2xf32>) -> tensor<1x8x2x2xf32>
  return %0 : tensor<1x8x2x2xf32>
}

// -----

// Depthwise convolutions and integer convolutions stay.
// CHECK-LABEL: func.func @kept
// CHECK:         linalg.depthwise_conv_2d_nhwc_hwc
// CHECK:         linalg.conv_2d_nhwc_hwcf
func.func @kept(%x: tensor<1x6x6x2xf32>, %w: tensor<3x3x2xf32>, %o: tensor<1x4x4x2xf32>,
                %xi: tensor<1x6x6x2xi32>, %wi: tensor<3x3x2x8xi32>, %oi: tensor<1x4x4x8xi32>) -> (tensor<1x4x4x2xf32>, tensor<1x4x4x8xi32>) {
  %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x6x6x2xf32>, tensor<3x3x2xf32>) outs(%o : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %1 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%xi, %wi : tensor<1x6x6x2xi32>, tensor<3x3x2x8xi32>) outs(%oi : tensor<1x4x4x8xi32>) -> tensor<1x4x4x8xi32>
  return %0, %1 : tensor<1x4x4x2xf32>, tensor<1x4x4x8xi32>
}
