// RUN: kiln-opt %s --split-input-file --kiln-fusion-fold-into-conv | FileCheck %s

// NHWC (filter [KH, KW, C, F]): conv * s + t with s, t per output channel
// becomes one conv; filter column f is scaled by s[f], bias b[f]*s[f]+t[f].
// CHECK-LABEL: func.func @mul_add_nhwc
// CHECK-DAG:     %[[W:.*]] = kiln.constant dense<{{\[\[\[}}[2.000000e+00, -3.000000e+00], [4.000000e+00, -6.000000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK-DAG:     %[[B:.*]] = kiln.constant dense<[1.500000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK:         %[[Y:.*]] = kiln.conv_2d %arg0, %[[W]], %[[B]] {{.*}}layout = #kiln.layout<nhwc>
// CHECK-NOT:     kiln.mul
// CHECK-NOT:     kiln.add
// CHECK:         return %[[Y]]
func.func @mul_add_nhwc(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = kiln.constant dense<[[[[1.0, 1.0], [2.0, 2.0]]]]> : tensor<1x1x2x2xf32>
  %b = kiln.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %s = kiln.constant dense<[[[[2.0, -3.0]]]]> : tensor<1x1x1x2xf32>
  %t = kiln.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %y = kiln.conv_2d %x, %w, %b {dilations = array<i64: 1, 1>, layout = #kiln.layout<nhwc>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  %m = kiln.mul %s, %y : tensor<1x1x1x2xf32>, tensor<1x4x4x2xf32> -> tensor<1x4x4x2xf32>
  %a = kiln.add %m, %t : tensor<1x4x4x2xf32>, tensor<2xf32> -> tensor<1x4x4x2xf32>
  return %a : tensor<1x4x4x2xf32>
}

// -----

// NCHW (filter [F, C, KH, KW]) without a bias, then inference batch norm
// along axis 1: k = scale / sqrt(var + eps) = [2, 0.5],
// bias = beta - mean * k = [1 - 2*2, 0 - 4*0.5] = [-3, -2].
// CHECK-LABEL: func.func @batch_norm_nchw
// CHECK-DAG:     %[[W:.*]] = kiln.constant dense<{{\[\[\[\[}}2.000000e+00]], {{\[\[}}4.000000e+00]]], {{\[\[\[}}5.000000e-01]], {{\[\[}}1.500000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG:     %[[B:.*]] = kiln.constant dense<[-3.000000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK:         %[[Y:.*]] = kiln.conv_2d %arg0, %[[W]], %[[B]]
// CHECK-NOT:     kiln.batch_norm
// CHECK:         return %[[Y]]
func.func @batch_norm_nchw(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = kiln.constant dense<[[[[1.0]], [[2.0]]], [[[1.0]], [[3.0]]]]> : tensor<2x2x1x1xf32>
  %scale = kiln.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %beta = kiln.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = kiln.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %var = kiln.constant dense<[4.0, 4.0]> : tensor<2xf32>
  %y = kiln.conv_2d %x, %w {dilations = array<i64: 1, 1>, layout = #kiln.layout<nchw>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %n = kiln.batch_norm %y, %scale, %beta, %mean, %var {axis = 1 : i64, epsilon = 0.0 : f32} : tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32> -> tensor<1x2x3x3xf32>
  return %n : tensor<1x2x3x3xf32>
}

// -----

// Not folded: a scale that varies along a spatial axis, a residual (not a
// constant), a conv with a second use, and c - conv.
// CHECK-LABEL: func.func @not_folded
// CHECK:         kiln.conv_2d
// CHECK:         kiln.mul
// CHECK:         kiln.conv_2d
// CHECK:         kiln.add
// CHECK:         kiln.sub
func.func @not_folded(%x: tensor<1x4x4x2xf32>, %r: tensor<1x4x4x2xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) {
  %w = kiln.constant dense<1.0> : tensor<1x1x2x2xf32>
  %s = kiln.constant dense<[[[[2.0]], [[3.0]], [[4.0]], [[5.0]]]]> : tensor<1x4x1x1xf32>
  %c = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = kiln.conv_2d %x, %w {dilations = array<i64: 1, 1>, layout = #kiln.layout<nhwc>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x4x4x2xf32>
  %m = kiln.mul %y, %s : tensor<1x4x4x2xf32>, tensor<1x4x1x1xf32> -> tensor<1x4x4x2xf32>
  %z = kiln.conv_2d %x, %w {dilations = array<i64: 1, 1>, layout = #kiln.layout<nhwc>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x4x4x2xf32>
  %a = kiln.add %z, %r : tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32> -> tensor<1x4x4x2xf32>
  %d = kiln.sub %c, %z : tensor<2xf32>, tensor<1x4x4x2xf32> -> tensor<1x4x4x2xf32>
  return %m, %a, %d : tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>
}

// -----

// A dynamic batch folds (channels are known); a dynamic channel count does
// not.
// CHECK-LABEL: func.func @dynamic
// CHECK:         %[[A:.*]] = kiln.conv_2d %arg0
// CHECK-NOT:     kiln.mul
// CHECK:         %[[B:.*]] = kiln.conv_2d %arg1, %arg2
// CHECK:         kiln.add %[[B]]
func.func @dynamic(%x: tensor<?x4x4x2xf32>, %x2: tensor<1x4x4x2xf32>, %w2: tensor<1x1x2x?xf32>) -> (tensor<?x4x4x2xf32>, tensor<1x4x4x?xf32>) {
  %w = kiln.constant dense<1.0> : tensor<1x1x2x2xf32>
  %s = kiln.constant dense<2.0> : tensor<2xf32>
  %y = kiln.conv_2d %x, %w {dilations = array<i64: 1, 1>, layout = #kiln.layout<nhwc>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x4x4x2xf32>, tensor<1x1x2x2xf32>) -> tensor<?x4x4x2xf32>
  %m = kiln.mul %y, %s : tensor<?x4x4x2xf32>, tensor<2xf32> -> tensor<?x4x4x2xf32>
  %c = kiln.constant dense<1.0> : tensor<1xf32>
  %z = kiln.conv_2d %x2, %w2 {dilations = array<i64: 1, 1>, layout = #kiln.layout<nhwc>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x?xf32>) -> tensor<1x4x4x?xf32>
  %a = kiln.add %z, %c : tensor<1x4x4x?xf32>, tensor<1xf32> -> tensor<1x4x4x?xf32>
  return %m, %a : tensor<?x4x4x2xf32>, tensor<1x4x4x?xf32>
}
