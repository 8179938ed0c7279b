// RUN: kiln-opt %s -split-input-file -kiln-verify-batch-separable -verify-diagnostics | FileCheck %s
// A kiln.dynamic_batch module computes one sample (leading dimension 1).
// The pass follows the batch dimension through every op and refuses ops that
// would combine samples; modules without the attribute are left alone.

// CHECK-LABEL: func.func @separable
module attributes {kiln.dynamic_batch} {
  func.func @separable(%x: tensor<1x3x8x8xf32>) -> tensor<1x10xf32> {
    %w = kiln.constant dense<0.5> : tensor<4x3x3x3xf32>
    %m = kiln.constant dense<0.25> : tensor<16x10xf32>
    %c = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
    %t = kiln.transpose %c {perm = array<i64: 2, 3, 0, 1>} : tensor<1x4x4x4xf32> -> tensor<4x4x1x4xf32>
    %s = kiln.reduce_sum %t {axes = array<i64: 0, 1>} : tensor<4x4x1x4xf32> -> tensor<1x4xf32>
    %r = kiln.tile %s {multiples = array<i64: 1, 4>} : tensor<1x4xf32> -> tensor<1x16xf32>
    %y = kiln.matmul %r, %m : tensor<1x16xf32>, tensor<16x10xf32> -> tensor<1x10xf32>
    %z = kiln.softmax %y {axis = 1 : i64} : tensor<1x10xf32>
    return %z : tensor<1x10xf32>
  }
}

// -----

module attributes {kiln.dynamic_batch} {
  func.func @reduce_batch(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    // expected-error @+1 {{'kiln.reduce_sum' reduces over the batch dimension; --dynamic-batch needs every op to treat batch samples independently}}
    %s = kiln.reduce_sum %x {axes = array<i64: 0>, keep_dims = true} : tensor<1x4xf32> -> tensor<1x4xf32>
    return %s : tensor<1x4xf32>
  }
}

// -----

module attributes {kiln.dynamic_batch} {
  func.func @softmax_batch(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    // expected-error @+1 {{'kiln.softmax' works along the batch dimension}}
    %s = kiln.softmax %x {axis = 0 : i64} : tensor<1x4xf32>
    return %s : tensor<1x4xf32>
  }
}

// -----

module attributes {kiln.dynamic_batch} {
  func.func @contract_batch(%x: tensor<1x4xf32>) -> tensor<4x3xf32> {
    %w = kiln.constant dense<1.0> : tensor<1x3xf32>
    %t = kiln.transpose %x {perm = array<i64: 1, 0>} : tensor<1x4xf32> -> tensor<4x1xf32>
    // expected-error @+1 {{'kiln.matmul' contracts over the batch dimension}}
    %y = kiln.matmul %t, %w : tensor<4x1xf32>, tensor<1x3xf32> -> tensor<4x3xf32>
    return %y : tensor<4x3xf32>
  }
}

// -----

module attributes {kiln.dynamic_batch} {
  func.func @transposed_out(%x: tensor<1x4xf32>) -> tensor<4x1xf32> {
    // expected-error @+1 {{output 0 does not keep the batch as its leading dimension}}
    %t = kiln.transpose %x {perm = array<i64: 1, 0>} : tensor<1x4xf32> -> tensor<4x1xf32>
    return %t : tensor<4x1xf32>
  }
}

// -----

module attributes {kiln.dynamic_batch} {
  func.func @shared_rows(%x: tensor<1x4xf32>) -> tensor<3x4xf32> {
    %c = kiln.constant dense<1.0> : tensor<3x4xf32>
    // expected-error @+1 {{'kiln.add' combines per-sample and shared data along the batch dimension}}
    %y = kiln.add %x, %c : tensor<1x4xf32>, tensor<3x4xf32> -> tensor<3x4xf32>
    return %y : tensor<3x4xf32>
  }
}

// -----

// Without kiln.dynamic_batch nothing is checked.
// CHECK-LABEL: func.func @static
func.func @static(%x: tensor<2x4xf32>) -> tensor<1x4xf32> {
  %s = kiln.reduce_sum %x {axes = array<i64: 0>, keep_dims = true} : tensor<2x4xf32> -> tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}
