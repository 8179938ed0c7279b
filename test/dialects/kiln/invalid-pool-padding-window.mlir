// RUN: kiln-opt %s -split-input-file -verify-diagnostics
// A pooling window made only of padding has no defined max or average (the
// average would divide by a count of 0). "pads < kernel" rules that out only
// without dilation: with dilation 2, a 2x2 window over a 1x1 input padded by
// 1 on each side taps (-1, 1) in each dim, both padding.

func.func @avg_pool_dilated_window_all_padding(%x: tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32> {
  // expected-error @+1 {{'kiln.avg_pool' op}}
  %0 = kiln.avg_pool %x {layout = #kiln.layout<nchw>, kernel = array<i64: 2, 2>,
         strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
         : tensor<1x1x1x1xf32> -> tensor<1x1x1x1xf32>
  return %0 : tensor<1x1x1x1xf32>
}

// -----

func.func @max_pool_dilated_window_all_padding(%x: tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32> {
  // expected-error @+1 {{'kiln.max_pool' op}}
  %0 = kiln.max_pool %x {layout = #kiln.layout<nchw>, kernel = array<i64: 2, 2>,
         strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
         : tensor<1x1x1x1xf32> -> tensor<1x1x1x1xf32>
  return %0 : tensor<1x1x1x1xf32>
}
