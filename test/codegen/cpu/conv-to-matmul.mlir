// RUN: kiln-opt %s --split-input-file --mlir-print-local-scope --pass-pipeline='builtin.module(func.func(kiln-cpu-conv-to-matmul))' | FileCheck %s

// NHWC: patches gathered into [N, OH, OW, KH, KW, C] viewed as the rows of
// A [N*OH*OW, KH*KW*C]; the HWCF filter is already B [KH*KW*C, F].
// CHECK-LABEL: func.func @nhwc
// CHECK-NOT:     linalg.conv_2d
// CHECK:         %[[COL:.+]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<1x6x6x2xf32>) outs(%{{.*}} : tensor<1x4x4x3x3x2xf32>)
// CHECK:         %[[A:.+]] = tensor.collapse_shape %[[COL]] {{\[\[}}0, 1, 2], [3, 4, 5]] : tensor<1x4x4x3x3x2xf32> into tensor<16x18xf32>
// CHECK:         %[[B:.+]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2], [3]] : tensor<3x3x2x8xf32> into tensor<18x8xf32>
// CHECK:         %[[C:.+]] = tensor.collapse_shape %{{.*}} : tensor<1x4x4x8xf32> into tensor<16x8xf32>
// CHECK:         %[[P:.+]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<16x18xf32>, tensor<18x8xf32>) outs(%[[C]] : tensor<16x8xf32>)
// CHECK:         %[[R:.+]] = tensor.expand_shape %[[P]] {{.*}} into tensor<1x4x4x8xf32>
// CHECK:         return %[[R]]
func.func @nhwc(%x: tensor<1x6x6x2xf32>, %w: tensor<3x3x2x8xf32>, %o: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x6x6x2xf32>, tensor<3x3x2x8xf32>) outs(%o : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

// NCHW (strided): output pixels are still the rows and filters the columns
// (F vectorizes, OH*OW often does not): patches [N, OH, OW, C, KH, KW] with
// the stride in the gather, B the transposed [F, C*KH*KW] filter, and the
// accumulator and result moved between NCHW and [N*OH*OW, F].
// CHECK-LABEL: func.func @nchw
// CHECK-NOT:     linalg.conv_2d
// CHECK:         %[[COL:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1 * 2 + d4, d2 * 2 + d5)>, {{.*}}outs(%{{.*}} : tensor<1x2x2x2x3x3xf32>)
// CHECK:         %[[A:.+]] = tensor.collapse_shape %[[COL]] {{.*}} into tensor<4x18xf32>
// CHECK:         %[[W:.+]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<8x2x3x3xf32> into tensor<8x18xf32>
// CHECK:         %[[B:.+]] = linalg.transpose ins(%[[W]] : tensor<8x18xf32>) {{.*}} permutation = [1, 0]
// CHECK:         %[[ACC:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>, {{.*}} ins(%arg2 : tensor<1x8x2x2xf32>)
// CHECK:         %[[C:.+]] = tensor.collapse_shape %[[ACC]] {{.*}} into tensor<4x8xf32>
// CHECK:         %[[P:.+]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<4x18xf32>, tensor<18x8xf32>) outs(%[[C]] : tensor<4x8xf32>)
// CHECK:         %[[E:.+]] = tensor.expand_shape %[[P]]
// CHECK:         %[[R:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>, {{.*}} ins(%[[E]] : tensor<1x2x2x8xf32>) outs(%{{.*}} : tensor<1x8x2x2xf32>)
// CHECK:         return %[[R]]
func.func @nchw(%x: tensor<1x2x5x5xf32>, %w: tensor<8x2x3x3xf32>, %o: tensor<1x8x2x2xf32>) -> tensor<1x8x2x2xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x5x5xf32>, tensor<8x2x3x3xf32>) outs(%o : tensor<1x8x2x2xf32>) -> tensor<1x8x2x2xf32>
  return %0 : tensor<1x8x2x2xf32>
}

// -----

// NCHW with a broadcast bias as the accumulator and a Relu after: the
// layout moves fuse into them (the bias is broadcast straight into
// [N, OH, OW, F]; the Relu reads the matmul result transposed), so the
// convolution adds no copies of its own besides the patches.
// CHECK-LABEL: func.func @nchw_bias_relu
// CHECK-NOT:     linalg.generic
// CHECK:         linalg.generic {{.*}} ins(%arg0 : tensor<1x2x5x5xf32>)
// CHECK-NOT:     linalg.generic
// CHECK:         %[[ACC:.+]] = linalg.generic {{.*}} ins(%arg2 : tensor<8xf32>) outs(%{{.*}} : tensor<1x2x2x8xf32>)
// CHECK:         %[[C:.+]] = tensor.collapse_shape %[[ACC]]
// CHECK:         %[[P:.+]] = linalg.matmul {{.*}} outs(%[[C]] : tensor<4x8xf32>)
// CHECK:         %[[E:.+]] = tensor.expand_shape %[[P]]
// CHECK:         %[[R:.+]] = linalg.generic {{.*}} ins(%[[E]] : tensor<1x2x2x8xf32>)
// CHECK:           arith.maximumf
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[R]]
func.func @nchw_bias_relu(%x: tensor<1x2x5x5xf32>, %w: tensor<8x2x3x3xf32>, %bias: tensor<8xf32>) -> tensor<1x8x2x2xf32> {
  %e = tensor.empty() : tensor<1x8x2x2xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bias : tensor<8xf32>) outs(%e : tensor<1x8x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x8x2x2xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x5x5xf32>, tensor<8x2x3x3xf32>) outs(%b : tensor<1x8x2x2xf32>) -> tensor<1x8x2x2xf32>
  %c0 = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%0 : tensor<1x8x2x2xf32>) outs(%e : tensor<1x8x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<1x8x2x2xf32>
  return %r : tensor<1x8x2x2xf32>
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

// -----

// A 1x1, stride-1 NHWC convolution needs no patches: A is the input viewed
// as [N*H*W, C].
// CHECK-LABEL: func.func @pointwise_nhwc
// CHECK-NOT:     linalg.generic
// CHECK:         %[[A:.+]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2], [3]] : tensor<1x5x5x8xf32> into tensor<25x8xf32>
// CHECK:         linalg.matmul ins(%[[A]], %{{.*}} : tensor<25x8xf32>, tensor<8x16xf32>)
func.func @pointwise_nhwc(%x: tensor<1x5x5x8xf32>, %w: tensor<1x1x8x16xf32>, %o: tensor<1x5x5x16xf32>) -> tensor<1x5x5x16xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x5x5x8xf32>, tensor<1x1x8x16xf32>) outs(%o : tensor<1x5x5x16xf32>) -> tensor<1x5x5x16xf32>
  return %0 : tensor<1x5x5x16xf32>
}

// -----

// NHWC whose accumulator is a generic with no inputs (a constant bias
// folded into the init): nothing to fuse, and no crash looking for one.
// CHECK-LABEL: func.func @nhwc_generic_init
// CHECK:         linalg.generic {{.*}} outs(
// CHECK:         linalg.matmul
func.func @nhwc_generic_init(%x: tensor<1x5x5x8xf32>, %w: tensor<1x1x8x16xf32>) -> tensor<1x5x5x16xf32> {
  %e = tensor.empty() : tensor<1x5x5x16xf32>
  %init = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%e : tensor<1x5x5x16xf32>) {
  ^bb0(%o: f32):
    %c = arith.constant 0.5 : f32
    linalg.yield %c : f32
  } -> tensor<1x5x5x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x5x5x8xf32>, tensor<1x1x8x16xf32>) outs(%init : tensor<1x5x5x16xf32>) -> tensor<1x5x5x16xf32>
  return %y : tensor<1x5x5x16xf32>
}

// -----

// A 3x3 NHWC convolution whose filter is a constant is left for
// kiln-cpu-pack-weights, which makes it a direct convolution: no im2col.
// CHECK-LABEL: func.func @direct_left
// CHECK-NOT:     linalg.matmul
// CHECK:         linalg.conv_2d_nhwc_hwcf
func.func @direct_left(%x: tensor<1x6x6x2xf32>, %o: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]],
                              [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]],
                              [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]],
                             [[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]],
                              [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]],
                              [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]],
                             [[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]],
                              [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]],
                              [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]]]> : tensor<3x3x2x8xf32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x6x6x2xf32>, tensor<3x3x2x8xf32>) outs(%o : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

// A 1x1 convolution whose output is padded (for a depthwise convolution
// next) also stays a convolution: as a direct convolution its rows land
// in the padded buffer in place. Unpadded, the same convolution is a
// matmul.
// CHECK-LABEL: func.func @pointwise_padded
// CHECK:         linalg.conv_2d_nhwc_hwcf
// CHECK:         tensor.pad
// CHECK-LABEL: func.func @pointwise_unpadded
// CHECK:         linalg.matmul
func.func @pointwise_padded(%x: tensor<1x4x4x2xf32>, %o: tensor<1x4x4x8xf32>) -> tensor<1x6x6x8xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]]]> : tensor<1x1x2x8xf32>
  %cst = arith.constant 0.0 : f32
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x4x4x2xf32>, tensor<1x1x2x8xf32>) outs(%o : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %p = tensor.pad %0 low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %d: index, %f: index):
    tensor.yield %cst : f32
  } : tensor<1x4x4x8xf32> to tensor<1x6x6x8xf32>
  return %p : tensor<1x6x6x8xf32>
}
func.func @pointwise_unpadded(%x: tensor<1x4x4x2xf32>, %o: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]]]> : tensor<1x1x2x8xf32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x4x4x2xf32>, tensor<1x1x2x8xf32>) outs(%o : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}
