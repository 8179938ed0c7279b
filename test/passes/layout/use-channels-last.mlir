// RUN: kiln-opt %s --split-input-file --kiln-layout-use-channels-last --canonicalize | FileCheck %s

// A residual block in NCHW: both convolutions run NHWC with HWCF filters,
// the batch-norm constants are transposed at compile time, and the only
// layout changes left are at the function's input and output.
// CHECK-LABEL: func.func @residual_block
// CHECK-SAME:      (%[[X:.+]]: tensor<1x8x6x6xf32>)
// CHECK:         %[[XT:.+]] = kiln.transpose %[[X]] {perm = array<i64: 0, 2, 3, 1>} : tensor<1x8x6x6xf32> -> tensor<1x6x6x8xf32>
// CHECK-NOT:     kiln.transpose
// CHECK:         %[[C1:.+]] = kiln.conv_2d %[[XT]], %{{.*}}, %{{.*}} {{{.*}}layout = #kiln.layout<nhwc>{{.*}}} : (tensor<1x6x6x8xf32>, tensor<3x3x8x8xf32>, tensor<8xf32>) -> tensor<1x6x6x8xf32>
// CHECK-NOT:     kiln.transpose
// CHECK:         kiln.mul %[[C1]], %{{.*}} : tensor<1x6x6x8xf32>, tensor<1x1x1x8xf32> -> tensor<1x6x6x8xf32>
// CHECK-NOT:     kiln.transpose
// CHECK:         kiln.conv_2d {{.*}}layout = #kiln.layout<nhwc>
// CHECK-NOT:     kiln.transpose
// CHECK:         %[[SUM:.+]] = kiln.add {{.*}} : tensor<1x6x6x8xf32>, tensor<1x6x6x8xf32> -> tensor<1x6x6x8xf32>
// CHECK:         %[[R:.+]] = kiln.relu %[[SUM]] : tensor<1x6x6x8xf32>
// CHECK:         %[[Y:.+]] = kiln.transpose %[[R]] {perm = array<i64: 0, 3, 1, 2>} : tensor<1x6x6x8xf32> -> tensor<1x8x6x6xf32>
// CHECK:         return %[[Y]]
func.func @residual_block(%x: tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32> {
  %w = kiln.constant dense<0.5> : tensor<8x8x3x3xf32>
  %b = kiln.constant dense<0.25> : tensor<8xf32>
  %scale = kiln.constant dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]], [[5.0]], [[6.0]], [[7.0]], [[8.0]]]]> : tensor<1x8x1x1xf32>
  %c1 = kiln.conv_2d %x, %w, %b {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xf32>, tensor<8x8x3x3xf32>, tensor<8xf32>) -> tensor<1x8x6x6xf32>
  %m = kiln.mul %c1, %scale : tensor<1x8x6x6xf32>, tensor<1x8x1x1xf32> -> tensor<1x8x6x6xf32>
  %r1 = kiln.relu %m : tensor<1x8x6x6xf32>
  %c2 = kiln.conv_2d %r1, %w, %b {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xf32>, tensor<8x8x3x3xf32>, tensor<8xf32>) -> tensor<1x8x6x6xf32>
  %sum = kiln.add %c2, %r1 : tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32> -> tensor<1x8x6x6xf32>
  %y = kiln.relu %sum : tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

// The non-splat scale [1, 8, 1, 1] becomes [1, 1, 1, 8] with the same
// values; a rank-1 constant broadcasts along W and moves with it.
// CHECK-LABEL: func.func @constants
// CHECK-DAG:     kiln.constant dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]]]]> : tensor<1x1x1x4xf32>
// CHECK-DAG:     kiln.constant dense<{{\[\[\[\[}}1.000000e+01], [2.000000e+01], [3.000000e+01]]]]> : tensor<1x1x3x1xf32>
func.func @constants(%x: tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %w = kiln.constant dense<0.5> : tensor<4x4x1x1xf32>
  %scale = kiln.constant dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]]]]> : tensor<1x4x1x1xf32>
  %row = kiln.constant dense<[10.0, 20.0, 30.0]> : tensor<3xf32>
  %c = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x4x3x3xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x3x3xf32>
  %m = kiln.mul %scale, %c : tensor<1x4x1x1xf32>, tensor<1x4x3x3xf32> -> tensor<1x4x3x3xf32>
  %a = kiln.sub %m, %row : tensor<1x4x3x3xf32>, tensor<3xf32> -> tensor<1x4x3x3xf32>
  return %a : tensor<1x4x3x3xf32>
}

// -----

// A channels-last input that the ONNX export transposed to NCHW: the two
// transposes cancel, so the model reads its input as is; the transpose back
// to NCHW meets the reshape after global average pooling.
// CHECK-LABEL: func.func @exported_from_nhwc
// CHECK-SAME:      (%[[X:.+]]: tensor<1x8x8x3xf32>)
// CHECK:         %[[P:.+]] = kiln.pad %[[X]] {high = array<i64: 0, 1, 1, 0>, low = array<i64: 0, 1, 1, 0>{{.*}}} : tensor<1x8x8x3xf32> -> tensor<1x10x10x3xf32>
// CHECK:         %[[M:.+]] = kiln.max_pool %[[P]] {{{.*}}layout = #kiln.layout<nhwc>{{.*}}} : tensor<1x10x10x3xf32> -> tensor<1x4x4x3xf32>
// CHECK:         kiln.conv_2d %[[M]], {{.*}}groups = 3 : i64, layout = #kiln.layout<nhwc>{{.*}} : (tensor<1x4x4x3xf32>, tensor<3x3x1x3xf32>) -> tensor<1x4x4x3xf32>
// CHECK:         %[[G:.+]] = kiln.global_avg_pool %{{.*}} {layout = #kiln.layout<nhwc>} : tensor<1x4x4x3xf32> -> tensor<1x1x1x3xf32>
// CHECK:         %[[T:.+]] = kiln.transpose %[[G]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK:         kiln.reshape %[[T]]
func.func @exported_from_nhwc(%x: tensor<1x8x8x3xf32>) -> tensor<1x3xf32> {
  %t = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : tensor<1x8x8x3xf32> -> tensor<1x3x8x8xf32>
  %p = kiln.pad %t {high = array<i64: 0, 0, 1, 1>, low = array<i64: 0, 0, 1, 1>} : tensor<1x3x8x8xf32> -> tensor<1x3x10x10xf32>
  %m = kiln.max_pool %p {dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, layout = #kiln.layout<nchw>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x3x10x10xf32> -> tensor<1x3x4x4xf32>
  %dw = kiln.constant dense<1.0> : tensor<3x1x3x3xf32>
  %d = kiln.conv_2d %m, %dw {groups = 3 : i64, layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x4x4xf32>, tensor<3x1x3x3xf32>) -> tensor<1x3x4x4xf32>
  %g = kiln.global_avg_pool %d {layout = #kiln.layout<nchw>} : tensor<1x3x4x4xf32> -> tensor<1x3x1x1xf32>
  %r = kiln.reshape %g : tensor<1x3x1x1xf32> -> tensor<1x3xf32>
  return %r : tensor<1x3xf32>
}

// -----

// Grouped convolutions that are not depthwise have no NHWC lowering: they
// stay NCHW, and nothing moves around them.
// CHECK-LABEL: func.func @grouped
// CHECK-NOT:     kiln.transpose
// CHECK:         kiln.conv_2d {{.*}}groups = 2 : i64, layout = #kiln.layout<nchw>
// CHECK-NOT:     kiln.transpose
func.func @grouped(%x: tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32> {
  %w = kiln.constant dense<1.0> : tensor<4x2x1x1xf32>
  %c = kiln.conv_2d %x, %w {groups = 2 : i64, layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x4x5x5xf32>, tensor<4x2x1x1xf32>) -> tensor<1x4x5x5xf32>
  %r = kiln.relu %c : tensor<1x4x5x5xf32>
  return %r : tensor<1x4x5x5xf32>
}
