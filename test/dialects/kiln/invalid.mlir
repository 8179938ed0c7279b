// RUN: kiln-opt %s -split-input-file -verify-diagnostics
// One case per invariant the kiln verifiers and type inference enforce.

func.func @broadcast_mismatch(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{operand shapes 'tensor<2x3xf32>' and 'tensor<4xf32>' do not broadcast}}
  // expected-error @+1 {{'kiln.add' op failed to infer returned types}}
  %0 = kiln.add %a, %b : tensor<2x3xf32>, tensor<4xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @element_type_mismatch(%a: tensor<4xf32>, %b: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @+2 {{operand element types differ: 'f32' vs 'f16'}}
  // expected-error @+1 {{'kiln.mul' op failed to infer returned types}}
  %0 = kiln.mul %a, %b : tensor<4xf32>, tensor<4xf16> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @binary_wrong_result(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{'kiln.sub' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{'kiln.sub' op failed to infer returned types}}
  %0 = kiln.sub %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @pow_integer(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'kiln.pow' op operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %0 = kiln.pow %a, %b : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @softmax_axis(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  // expected-error @+1 {{'kiln.softmax' op axis 2 is out of range for rank 2}}
  %0 = kiln.softmax %x {axis = 2 : i64} : tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

func.func @batch_norm_negative_axis(%x: tensor<1x16x4x4xf32>, %p: tensor<16xf32>) -> tensor<1x16x4x4xf32> {
  // expected-error @+1 {{'kiln.batch_norm' op axis -1 is out of range for rank 4}}
  %0 = kiln.batch_norm %x, %p, %p, %p, %p {axis = -1 : i64, epsilon = 1.0e-3 : f32}
         : tensor<1x16x4x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<1x16x4x4xf32>
  return %0 : tensor<1x16x4x4xf32>
}

// -----

func.func @batch_norm_size(%x: tensor<1x16x4x4xf32>, %p: tensor<16xf32>, %q: tensor<8xf32>) -> tensor<1x16x4x4xf32> {
  // expected-error @+1 {{'kiln.batch_norm' op parameter size 8 does not match 16 channels}}
  %0 = kiln.batch_norm %x, %p, %p, %q, %p {axis = 1 : i64, epsilon = 1.0e-3 : f32}
         : tensor<1x16x4x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<8xf32>, tensor<16xf32> -> tensor<1x16x4x4xf32>
  return %0 : tensor<1x16x4x4xf32>
}

// -----

func.func @batch_norm_rank(%x: tensor<1x16x4x4xf32>, %p: tensor<16xf32>, %q: tensor<1x16xf32>) -> tensor<1x16x4x4xf32> {
  // expected-error @+1 {{'kiln.batch_norm' op expects 1-D scale, bias, mean and variance, got 'tensor<1x16xf32>'}}
  %0 = kiln.batch_norm %x, %q, %p, %p, %p {axis = 1 : i64, epsilon = 1.0e-3 : f32}
         : tensor<1x16x4x4xf32>, tensor<1x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<1x16x4x4xf32>
  return %0 : tensor<1x16x4x4xf32>
}

// -----

func.func @batch_norm_axis(%x: tensor<1x16x4x4xf32>, %p: tensor<16xf32>) -> tensor<1x16x4x4xf32> {
  // expected-error @+1 {{'kiln.batch_norm' op axis 4 is out of range for rank 4}}
  %0 = kiln.batch_norm %x, %p, %p, %p, %p {axis = 4 : i64, epsilon = 1.0e-3 : f32}
         : tensor<1x16x4x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<1x16x4x4xf32>
  return %0 : tensor<1x16x4x4xf32>
}

// -----

func.func @batch_norm_epsilon(%x: tensor<1x16x4x4xf32>, %p: tensor<16xf32>) -> tensor<1x16x4x4xf32> {
  // expected-error @+1 {{'kiln.batch_norm' op epsilon must be >= 0}}
  %0 = kiln.batch_norm %x, %p, %p, %p, %p {axis = 1 : i64, epsilon = -1.0e-3 : f32}
         : tensor<1x16x4x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<1x16x4x4xf32>
  return %0 : tensor<1x16x4x4xf32>
}

// -----

func.func @batch_norm_element_types(%x: tensor<1x16x4x4xf32>, %p: tensor<16xf32>, %h: tensor<16xf16>) -> tensor<1x16x4x4xf32> {
  // expected-error @+1 {{'kiln.batch_norm' op failed to verify that all of {input, scale, bias, mean, variance} have same element type}}
  %0 = kiln.batch_norm %x, %p, %p, %p, %h {axis = 1 : i64, epsilon = 1.0e-3 : f32}
         : tensor<1x16x4x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf16> -> tensor<1x16x4x4xf32>
  return %0 : tensor<1x16x4x4xf32>
}

// -----

func.func @matmul_k_mismatch(%a: tensor<2x784xf32>, %b: tensor<128x10xf32>) -> tensor<2x10xf32> {
  // expected-error @+2 {{contraction sizes differ: 784 vs 128}}
  // expected-error @+1 {{'kiln.matmul' op failed to infer returned types}}
  %0 = kiln.matmul %a, %b : tensor<2x784xf32>, tensor<128x10xf32> -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

func.func @matmul_rank(%a: tensor<784xf32>, %b: tensor<784x10xf32>) -> tensor<10xf32> {
  // expected-error @+2 {{expects operands of rank >= 2, got 'tensor<784xf32>' and 'tensor<784x10xf32>'}}
  // expected-error @+1 {{'kiln.matmul' op failed to infer returned types}}
  %0 = kiln.matmul %a, %b : tensor<784xf32>, tensor<784x10xf32> -> tensor<10xf32>
  return %0 : tensor<10xf32>
}

// -----

func.func @matmul_batch(%a: tensor<3x2x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<3x2x5xf32> {
  // expected-error @+2 {{batch dims of 'tensor<3x2x4xf32>' and 'tensor<2x4x5xf32>' do not broadcast}}
  // expected-error @+1 {{'kiln.matmul' op failed to infer returned types}}
  %0 = kiln.matmul %a, %b : tensor<3x2x4xf32>, tensor<2x4x5xf32> -> tensor<3x2x5xf32>
  return %0 : tensor<3x2x5xf32>
}

// -----

func.func @gemm_k_mismatch(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+2 {{contraction sizes differ: 3 vs 4}}
  // expected-error @+1 {{'kiln.gemm' op failed to infer returned types}}
  %0 = kiln.gemm %a, %b : (tensor<4x3xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gemm_rank(%a: tensor<1x4x3xf32>, %b: tensor<3x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+2 {{expects rank-2 A and B, got 'tensor<1x4x3xf32>' and 'tensor<3x5xf32>'}}
  // expected-error @+1 {{'kiln.gemm' op failed to infer returned types}}
  %0 = kiln.gemm %a, %b : (tensor<1x4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gemm_c_broadcast(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c: tensor<4xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{'kiln.gemm' op C 'tensor<4xf32>' does not broadcast to the result 'tensor<4x5xf32>'}}
  %0 = kiln.gemm %a, %b, %c : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<4xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// C must broadcast *to* [M, N]; a larger C that [M, N] broadcasts to is wrong.
func.func @gemm_c_larger(%a: tensor<1x3xf32>, %b: tensor<3x5xf32>, %c: tensor<4x5xf32>) -> tensor<1x5xf32> {
  // expected-error @+1 {{'kiln.gemm' op C 'tensor<4x5xf32>' does not broadcast to the result 'tensor<1x5xf32>'}}
  %0 = kiln.gemm %a, %b, %c : (tensor<1x3xf32>, tensor<3x5xf32>, tensor<4x5xf32>) -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'kiln.conv_2d' op input has 3 channels but the filter expects 4 x 1 groups}}
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : (tensor<1x3x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_groups_channels(%x: tensor<1x8x8x8xf32>, %w: tensor<8x2x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'kiln.conv_2d' op input has 8 channels but the filter expects 2 x 3 groups}}
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, groups = 3 : i64}
         : (tensor<1x8x8x8xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_groups_output(%x: tensor<1x8x8x8xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'kiln.conv_2d' op output channels 6 are not divisible by groups 4}}
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, groups = 4 : i64}
         : (tensor<1x8x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

func.func @conv_groups_zero(%x: tensor<1x8x8x8xf32>, %w: tensor<8x8x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'kiln.conv_2d' op groups must be >= 1}}
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, groups = 0 : i64}
         : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_nhwc_channels(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x4x8xf32>) -> tensor<1x6x6x8xf32> {
  // expected-error @+1 {{'kiln.conv_2d' op input has 3 channels but the filter expects 4 x 1 groups}}
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nhwc>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : (tensor<1x8x8x3xf32>, tensor<3x3x4x8xf32>) -> tensor<1x6x6x8xf32>
  return %0 : tensor<1x6x6x8xf32>
}

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'kiln.conv_2d' op bias must be 1-D of size 8, got 'tensor<4xf32>'}}
  %0 = kiln.conv_2d %x, %w, %b {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<4xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_element_types(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf16>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'kiln.conv_2d' op input and filter element types differ}}
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf16>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_pads_count(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+2 {{expects 2 strides, 2 dilations and 4 pads [top, left, bottom, right]}}
  // expected-error @+1 {{'kiln.conv_2d' op failed to infer returned types}}
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0>}
         : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_negative_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x5x6xf32> {
  // expected-error @+2 {{pads must be >= 0}}
  // expected-error @+1 {{'kiln.conv_2d' op failed to infer returned types}}
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: -1, 0, 0, 0>}
         : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x5x6xf32>
  return %0 : tensor<1x8x5x6xf32>
}

// -----

func.func @conv_zero_stride(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+2 {{strides must be >= 1}}
  // expected-error @+1 {{'kiln.conv_2d' op failed to infer returned types}}
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 0, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_zero_dilation(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+2 {{dilations must be >= 1}}
  // expected-error @+1 {{'kiln.conv_2d' op failed to infer returned types}}
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 0>, pads = array<i64: 0, 0, 0, 0>}
         : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_window_too_big(%x: tensor<1x3x4x4xf32>, %w: tensor<8x3x5x5xf32>) -> tensor<1x8x1x1xf32> {
  // expected-error @+2 {{window 5x5 does not fit the padded input 'tensor<1x3x4x4xf32>'}}
  // expected-error @+1 {{'kiln.conv_2d' op failed to infer returned types}}
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : (tensor<1x3x4x4xf32>, tensor<8x3x5x5xf32>) -> tensor<1x8x1x1xf32>
  return %0 : tensor<1x8x1x1xf32>
}

// -----

func.func @conv_wrong_result(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32> {
  // expected-error @+2 {{'kiln.conv_2d' op inferred type(s) 'tensor<1x8x6x6xf32>' are incompatible with return type(s) of operation 'tensor<1x8x8x8xf32>'}}
  // expected-error @+1 {{'kiln.conv_2d' op failed to infer returned types}}
  %0 = kiln.conv_2d %x, %w {layout = #kiln.layout<nchw>, strides = array<i64: 1, 1>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

func.func @pool_window_too_big(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+2 {{window 3x3 does not fit the padded input 'tensor<1x4x2x2xf32>'}}
  // expected-error @+1 {{'kiln.max_pool' op failed to infer returned types}}
  %0 = kiln.max_pool %x {layout = #kiln.layout<nchw>, kernel = array<i64: 3, 3>,
         strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : tensor<1x4x2x2xf32> -> tensor<1x4x1x1xf32>
  return %0 : tensor<1x4x1x1xf32>
}

// -----

func.func @pool_dilated_window_too_big(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+2 {{window 3x3 does not fit the padded input 'tensor<1x4x4x4xf32>'}}
  // expected-error @+1 {{'kiln.avg_pool' op failed to infer returned types}}
  %0 = kiln.avg_pool %x {layout = #kiln.layout<nchw>, kernel = array<i64: 3, 3>,
         strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>}
         : tensor<1x4x4x4xf32> -> tensor<1x4x1x1xf32>
  return %0 : tensor<1x4x1x1xf32>
}

// -----

func.func @pool_pads_not_smaller_than_kernel(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x6x5xf32> {
  // expected-error @+1 {{'kiln.max_pool' op pads must be smaller than the kernel}}
  %0 = kiln.max_pool %x {layout = #kiln.layout<nchw>, kernel = array<i64: 2, 2>,
         strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 3, 2>}
         : tensor<1x4x4x4xf32> -> tensor<1x4x6x5xf32>
  return %0 : tensor<1x4x6x5xf32>
}

// -----

func.func @avg_pool_pads_equal_kernel(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x5x5xf32> {
  // expected-error @+1 {{'kiln.avg_pool' op pads must be smaller than the kernel}}
  %0 = kiln.avg_pool %x {layout = #kiln.layout<nchw>, kernel = array<i64: 2, 2>,
         strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 2, 0, 0, 0>}
         : tensor<1x4x4x4xf32> -> tensor<1x4x5x3xf32>
  return %0 : tensor<1x4x5x3xf32>
}

// -----

func.func @pool_kernel_rank(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x3x3xf32> {
  // expected-error @+2 {{expects a 2-D kernel}}
  // expected-error @+1 {{'kiln.max_pool' op failed to infer returned types}}
  %0 = kiln.max_pool %x {layout = #kiln.layout<nchw>, kernel = array<i64: 2, 2, 2>,
         strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : tensor<1x4x4x4xf32> -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

func.func @pool_not_image(%x: tensor<4x4x4xf32>) -> tensor<4x3x3xf32> {
  // expected-error @+1 {{'kiln.max_pool' op operand #0 must be 4D tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %0 = kiln.max_pool %x {layout = #kiln.layout<nchw>, kernel = array<i64: 2, 2>,
         strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
         : tensor<4x4x4xf32> -> tensor<4x3x3xf32>
  return %0 : tensor<4x3x3xf32>
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{'kiln.reshape' op cannot reshape 6 elements into 'tensor<7xf32>'}}
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

func.func @reshape_element_type(%x: tensor<2x3xf32>) -> tensor<6xf16> {
  // expected-error @+1 {{'kiln.reshape' op element types differ}}
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<6xf16>
  return %0 : tensor<6xf16>
}

// -----

func.func @transpose_perm_size(%x: tensor<2x3x4xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{perm has 2 entries for rank 3}}
  // expected-error @+1 {{'kiln.transpose' op failed to infer returned types}}
  %0 = kiln.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3x4xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_perm_repeat(%x: tensor<2x3x4xf32>) -> tensor<3x3x2xf32> {
  // expected-error @+2 {{perm is not a permutation}}
  // expected-error @+1 {{'kiln.transpose' op failed to infer returned types}}
  %0 = kiln.transpose %x {perm = array<i64: 1, 1, 0>} : tensor<2x3x4xf32> -> tensor<3x3x2xf32>
  return %0 : tensor<3x3x2xf32>
}

// -----

func.func @transpose_perm_range(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{perm is not a permutation}}
  // expected-error @+1 {{'kiln.transpose' op failed to infer returned types}}
  %0 = kiln.transpose %x {perm = array<i64: 2, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @concat_dims(%a: tensor<1x8x4x4xf32>, %b: tensor<1x8x5x4xf32>) -> tensor<1x16x4x4xf32> {
  // expected-error @+2 {{inputs differ in dim 2: 4 vs 5}}
  // expected-error @+1 {{'kiln.concat' op failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<1x8x5x4xf32>) -> tensor<1x16x4x4xf32>
  return %0 : tensor<1x16x4x4xf32>
}

// -----

func.func @concat_rank(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<5x3xf32> {
  // expected-error @+2 {{inputs differ in rank or element type}}
  // expected-error @+1 {{'kiln.concat' op failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 0 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'kiln.concat' op failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @concat_empty() -> tensor<2x3xf32> {
  // expected-error @+2 {{expects at least one input}}
  // expected-error @+1 {{'kiln.concat' op failed to infer returned types}}
  %0 = kiln.concat {axis = 0 : i64} : () -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @constant_unranked() -> tensor<*xf32> {
  // expected-error @+1 {{value must be a ranked tensor}}
  %0 = kiln.constant dense_resource<blob> : tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @bad_layout(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x1x1xf32> {
  // expected-error @+2 {{expected ::mlir::kiln::Layout to be one of: nchw, nhwc}}
  // expected-error @+1 {{failed to parse Kiln_LayoutAttr parameter 'value'}}
  %0 = kiln.global_avg_pool %x {layout = #kiln.layout<nchwc>} : tensor<1x4x4x4xf32> -> tensor<1x4x1x1xf32>
  return %0 : tensor<1x4x1x1xf32>
}

// -----

func.func @slice_out_of_bounds(%x: tensor<8xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.slice' op dimension 0 reads indices 4..8 outside [0, 8)}}
  %0 = kiln.slice %x {offsets = array<i64: 4>, sizes = array<i64: 3>, strides = array<i64: 2>} : tensor<8xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @slice_zero_stride(%x: tensor<8xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.slice' op stride of dimension 0 is 0}}
  %0 = kiln.slice %x {offsets = array<i64: 0>, sizes = array<i64: 3>, strides = array<i64: 0>} : tensor<8xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @reduce_unsorted_axes(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.reduce_sum' op axes must be sorted and unique}}
  %0 = kiln.reduce_sum %x {axes = array<i64: 2, 0>} : tensor<2x3x4xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @pad_negative(%x: tensor<8xf32>) -> tensor<7xf32> {
  // expected-error @+2 {{pads must be >= 0}}
  // expected-error @+1 {{'kiln.pad' op failed to infer returned types}}
  %0 = kiln.pad %x {low = array<i64: -1>, high = array<i64: 0>} : tensor<8xf32> -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

func.func @gather_axis(%x: tensor<8xf32>, %i: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error @+2 {{axis 1 is out of range for rank 1}}
  // expected-error @+1 {{'kiln.gather' op failed to infer returned types}}
  %0 = kiln.gather %x, %i {axis = 1 : i64} : (tensor<8xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gather_float_indices(%x: tensor<8xf32>, %i: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'kiln.gather' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = kiln.gather %x, %i {axis = 0 : i64} : (tensor<8xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @conv_transpose_channels(%x: tensor<1x8x8x4xf32>, %w: tensor<2x2x8x16xf32>) -> tensor<1x16x16x8xf32> {
  // expected-error @+1 {{'kiln.conv_transpose_2d' op input has 4 channels but the filter expects 16}}
  %0 = kiln.conv_transpose_2d %x, %w {layout = #kiln.layout<nhwc>, strides = array<i64: 2, 2>,
         dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>}
         : (tensor<1x8x8x4xf32>, tensor<2x2x8x16xf32>) -> tensor<1x16x16x8xf32>
  return %0 : tensor<1x16x16x8xf32>
}

// -----

func.func @div_unsigned_float(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.div' op is_unsigned needs integer operands wider than i1, got 'f32'}}
  %0 = kiln.div %a, %a {is_unsigned} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @less_unsigned_bool(%a: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{'kiln.less' op is_unsigned needs integer operands wider than i1, got 'i1'}}
  %0 = kiln.less %a, %a {is_unsigned} : tensor<4xi1>, tensor<4xi1> -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @and_float(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.and' op operand #0 must be ranked tensor of signless integer values, but got 'tensor<4xf32>'}}
  %0 = kiln.and %a, %a : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @not_float(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.not' op operand #0 must be ranked tensor of signless integer values, but got 'tensor<4xf32>'}}
  %0 = kiln.not %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @shift_float(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.shift_left' op operand #0 must be ranked tensor of signless integer values, but got 'tensor<4xf32>'}}
  %0 = kiln.shift_left %a, %a : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cast_unsigned_float_result(%a: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.cast' op unsigned_result needs an integer result wider than i1, got 'tensor<4xf32>'}}
  %0 = kiln.cast %a {unsigned_result} : tensor<4xi8> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cast_unsigned_bool_input(%a: tensor<4xi1>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.cast' op unsigned_input needs an integer input wider than i1, got 'tensor<4xi1>'}}
  %0 = kiln.cast %a {unsigned_input} : tensor<4xi1> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @tan_integer(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'kiln.tan' op operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values, but got 'tensor<4xi32>'}}
  %0 = kiln.tan %a : tensor<4xi32>
  return %0 : tensor<4xi32>
}
