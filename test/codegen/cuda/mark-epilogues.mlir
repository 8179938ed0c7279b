// RUN: kiln-opt %s -split-input-file -kiln-cuda-mark-epilogues | FileCheck %s
// On tensors: a GEMM whose result only feeds an elementwise op is marked
// with it, and moved right before it; the bias broadcast initializing the
// GEMM's output is marked and moved right before the GEMM.

#id = affine_map<(d0, d1) -> (d0, d1)>
#last = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @bias_relu(
// The residual is computed first now: the GEMM moved down to its consumer.
// CHECK: %[[RES:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<8x16xf32>)
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<16xf32>) {{.*}} attrs = {kiln.cuda_prefill}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: linalg.yield
// CHECK-NEXT: } -> tensor<8x16xf32>
// CHECK-NEXT: %[[MM:.*]] = linalg.matmul {kiln.cuda_fused_output} ins({{.*}}) outs(%[[B]] : tensor<8x16xf32>)
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[MM]], %[[RES]] : {{.*}}) {{.*}} attrs = {kiln.cuda_epilogue}
func.func @bias_relu(%a: tensor<8x4xf32>, %w: tensor<4x16xf32>, %bias: tensor<16xf32>, %r: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %e = tensor.empty() : tensor<8x16xf32>
  %b = linalg.generic {indexing_maps = [#last, #id], iterator_types = ["parallel", "parallel"]} ins(%bias : tensor<16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<8x16xf32>
  %mm = linalg.matmul ins(%a, %w : tensor<8x4xf32>, tensor<4x16xf32>) outs(%b : tensor<8x16xf32>) -> tensor<8x16xf32>
  %e2 = tensor.empty() : tensor<8x16xf32>
  %res = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%r : tensor<8x16xf32>) outs(%e2 : tensor<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<8x16xf32>
  %e3 = tensor.empty() : tensor<8x16xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%mm, %res : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e3 : tensor<8x16xf32>) {
  ^bb0(%x: f32, %s: f32, %out: f32):
    %0 = arith.addf %x, %s : f32
    %c0 = arith.constant 0.0 : f32
    %1 = arith.maximumf %0, %c0 : f32
    linalg.yield %1 : f32
  } -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
// One GEMM per consumer (the first, moved next to it); a result used twice is left
// alone, and so is one feeding a consumer that reads its output.
// CHECK-LABEL: func.func @others(
// CHECK: linalg.matmul ins
// CHECK: linalg.matmul {kiln.cuda_fused_output}
// CHECK: attrs = {kiln.cuda_epilogue}
// CHECK: linalg.matmul ins
// CHECK-NOT: kiln.cuda
func.func @others(%a: tensor<8x4xf32>, %w: tensor<4x16xf32>, %c: tensor<8x16xf32>) -> (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) {
  %m1 = linalg.matmul ins(%a, %w : tensor<8x4xf32>, tensor<4x16xf32>) outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
  %m2 = linalg.matmul ins(%a, %w : tensor<8x4xf32>, tensor<4x16xf32>) outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
  %e = tensor.empty() : tensor<8x16xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%m1, %m2 : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %out: f32):
    %0 = arith.addf %x, %y : f32
    linalg.yield %0 : f32
  } -> tensor<8x16xf32>
  %m3 = linalg.matmul ins(%a, %w : tensor<8x4xf32>, tensor<4x16xf32>) outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
  %t = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m3 : tensor<8x16xf32>) outs(%m3 : tensor<8x16xf32>) {
  ^bb0(%x: f32, %out: f32):
    %0 = arith.addf %x, %out : f32
    linalg.yield %0 : f32
  } -> tensor<8x16xf32>
  return %s, %t, %m3 : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>
}

// -----

// A depthwise convolution takes its bias and its elementwise consumer (a
// narrow clip here: ReLU6 stored in f16) as a GEMM does.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @depthwise(
// CHECK: linalg.generic {{.*}} attrs = {kiln.cuda_prefill}
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc {{{.*}}kiln.cuda_fused_output
// CHECK-NEXT: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x4x4x8xf16>) attrs = {kiln.cuda_epilogue}
func.func @depthwise(%x: tensor<1x6x6x8xf16>, %w: tensor<3x3x8xf32>, %bias: tensor<8xf32>) -> tensor<1x4x4x8xf16> {
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %b = linalg.generic {indexing_maps = [#ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<8xf32>) outs(%e : tensor<1x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x8xf32>
  %dw = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x6x6x8xf16>, tensor<3x3x8xf32>) outs(%b : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %e2 = tensor.empty() : tensor<1x4x4x8xf16>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%dw : tensor<1x4x4x8xf32>) outs(%e2 : tensor<1x4x4x8xf16>) {
  ^bb0(%v: f32, %out: f16):
    %lo = arith.constant 0.0 : f32
    %hi = arith.constant 6.0 : f32
    %0 = arith.maximumf %v, %lo : f32
    %1 = arith.minimumf %0, %hi : f32
    %2 = arith.truncf %1 : f32 to f16
    linalg.yield %2 : f16
  } -> tensor<1x4x4x8xf16>
  return %y : tensor<1x4x4x8xf16>
}

// -----

// Without an elementwise consumer, the bias broadcast still goes into the
// GEMM's kernel.
#id = affine_map<(d0, d1) -> (d0, d1)>
#last = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @bias_only(
// CHECK: %[[B:.*]] = linalg.generic {{.*}} attrs = {kiln.cuda_prefill}
// CHECK: linalg.matmul {kiln.cuda_fused_output} ins({{.*}}) outs(%[[B]] : tensor<8x16xf32>)
func.func @bias_only(%a: tensor<8x4xf32>, %w: tensor<4x16xf32>, %bias: tensor<16xf32>) -> tensor<8x16xf32> {
  %e = tensor.empty() : tensor<8x16xf32>
  %b = linalg.generic {indexing_maps = [#last, #id], iterator_types = ["parallel", "parallel"]} ins(%bias : tensor<16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<8x16xf32>
  %mm = linalg.matmul ins(%a, %w : tensor<8x4xf32>, tensor<4x16xf32>) outs(%b : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %mm : tensor<8x16xf32>
}

// -----

// One fill of zeros two GEMMs share (CSE merges equal fills): each gets a
// fill of its own right before it, marked for its kernel, instead of a copy
// of the shared one into its output after bufferization.
// CHECK-LABEL: func.func @shared_fill(
// CHECK: %[[F1:.*]] = linalg.fill {kiln.cuda_prefill} ins(%{{.*}} : f32) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK-NEXT: linalg.matmul {kiln.cuda_fused_output} ins(%{{.*}}, %{{.*}} : {{.*}}) outs(%[[F1]] : tensor<8x16xf32>)
// CHECK: %[[F2:.*]] = linalg.fill {kiln.cuda_prefill} ins(%{{.*}} : f32) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK-NEXT: linalg.matmul {kiln.cuda_fused_output} ins(%{{.*}}, %{{.*}} : {{.*}}) outs(%[[F2]] : tensor<8x16xf32>)
func.func @shared_fill(%a: tensor<8x4xf32>, %w1: tensor<4x16xf32>, %w2: tensor<4x16xf32>) -> (tensor<8x16xf32>, tensor<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  %m1 = linalg.matmul ins(%a, %w1 : tensor<8x4xf32>, tensor<4x16xf32>) outs(%z : tensor<8x16xf32>) -> tensor<8x16xf32>
  %m2 = linalg.matmul ins(%a, %w2 : tensor<8x4xf32>, tensor<4x16xf32>) outs(%z : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %m1, %m2 : tensor<8x16xf32>, tensor<8x16xf32>
}
