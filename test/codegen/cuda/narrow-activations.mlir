// RUN: kiln-opt %s -split-input-file -kiln-cuda-narrow-activations=precision=fp16 | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-cuda-narrow-activations=precision=fp16 -linalg-generalize-named-ops | FileCheck %s --check-prefix=GEN
// RUN: kiln-opt %s -split-input-file -kiln-cuda-narrow-activations=precision=bf16 | FileCheck %s --check-prefix=BF16
// RUN: kiln-opt %s -split-input-file -kiln-cuda-narrow-activations=precision=tf32 | FileCheck %s --check-prefix=KEEP
// RUN: not kiln-opt %s -split-input-file -kiln-cuda-narrow-activations=precision=fp8 2>&1 | FileCheck %s --check-prefix=BAD
// With fp16/bf16 tensor cores, a tensor one elementwise kernel hands to
// others is stored in that type: rounded where it is produced, extended
// where it is read (a generic's block argument; a convolution or pooling
// rebuilt on the narrow input), through pads and reshapes. What reaches a
// model output, an accumulator or a scalar read stays f32; tf32 and fp32
// keep every tensor f32.

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @relu_conv(
// CHECK: %[[OUT:.*]] = tensor.empty() : tensor<4x4x8xf16>
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<4x4x8xf32>) outs(%[[OUT]] : tensor<4x4x8xf16>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f16):
// CHECK: %[[MAX:.*]] = arith.maximumf %[[IN]]
// CHECK: %[[NARROW:.*]] = arith.truncf %{{.*}} : f32 to f16
// CHECK: linalg.yield %[[NARROW]] : f16
// CHECK: } -> tensor<4x4x8xf16>
// The pad's zero in f16 (the constant is built inside its region).
// CHECK: %[[PAD:.*]] = tensor.pad %[[RELU]] low[1, 1, 0] high[1, 1, 0]
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f16
// CHECK: tensor.yield %[[ZERO]] : f16
// CHECK: } : tensor<4x4x8xf16> to tensor<6x6x8xf16>
// CHECK: %[[X:.*]] = tensor.expand_shape %[[PAD]] {{.*}} : tensor<6x6x8xf16> into tensor<1x6x6x8xf16>
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[X]], %{{.*}} : tensor<1x6x6x8xf16>, tensor<3x3x8x16xf32>) outs(%{{.*}} : tensor<1x4x4x16xf32>)
// CHECK: %[[ADD:.*]] = linalg.generic {{.*}} ins(%[[RELU]], %{{.*}} : tensor<4x4x8xf16>, tensor<8xf32>) outs(%{{.*}} : tensor<4x4x8xf32>)
// CHECK: ^bb0(%[[A:.*]]: f16, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[WIDE:.*]] = arith.extf %[[A]] : f16 to f32
// CHECK: arith.addf %[[WIDE]], %[[B]]
// CHECK: return %[[CONV]], %[[ADD]]
// The rebuilt convolution extends its narrow input in its body.
// GEN-LABEL: func.func @relu_conv(
// GEN: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x6x6x8xf16>, tensor<3x3x8x16xf32>) outs(%{{.*}} : tensor<1x4x4x16xf32>)
// GEN-NEXT: ^bb0(%[[IN:.*]]: f16, %[[W:.*]]: f32, %[[OUT:.*]]: f32):
// GEN-NEXT: %[[WIDE:.*]] = arith.extf %[[IN]] : f16 to f32
// GEN-NEXT: arith.mulf %[[WIDE]], %[[W]] : f32
// BF16-LABEL: func.func @relu_conv(
// BF16: tensor.empty() : tensor<4x4x8xbf16>
// BF16: arith.truncf %{{.*}} : f32 to bf16
// BF16: linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x6x6x8xbf16>, tensor<3x3x8x16xf32>)
// BF16: arith.extf %{{.*}} : bf16 to f32
// KEEP-NOT: f16
// BAD: unknown precision 'fp8'
func.func @relu_conv(%x: tensor<4x4x8xf32>, %w: tensor<3x3x8x16xf32>,
                     %bias: tensor<8xf32>)
    -> (tensor<1x4x4x16xf32>, tensor<4x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4x8xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id],
                          iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<4x4x8xf32>) outs(%e : tensor<4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x4x8xf32>
  %pad = tensor.pad %relu low[1, 1, 0] high[1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %zero : f32
  } : tensor<4x4x8xf32> to tensor<6x6x8xf32>
  %in = tensor.expand_shape %pad [[0, 1], [2], [3]] output_shape [1, 6, 6, 8]
      : tensor<6x6x8xf32> into tensor<1x6x6x8xf32>
  %e2 = tensor.empty() : tensor<1x4x4x16xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>,
                                    strides = dense<1> : tensor<2xi64>}
      ins(%in, %w : tensor<1x6x6x8xf32>, tensor<3x3x8x16xf32>)
      outs(%fill : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %add = linalg.generic {indexing_maps = [#id, #c, #id],
                         iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%relu, %bias : tensor<4x4x8xf32>, tensor<8xf32>)
      outs(%e : tensor<4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x4x8xf32>
  return %conv, %add : tensor<1x4x4x16xf32>, tensor<4x4x8xf32>
}

// -----

// A max pooling's -inf padding rounds to f16's -inf; the pooling reads the
// narrow input.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @pool(
// CHECK: arith.truncf
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFC00 : f16
// CHECK: tensor.yield %[[NEGINF]] : f16
// CHECK: linalg.pooling_nhwc_max {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x6x6x8xf16>, tensor<3x3xf32>) outs(%{{.*}} : tensor<1x4x4x8xf32>)
// GEN-LABEL: func.func @pool(
// GEN: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x6x6x8xf16>, tensor<3x3xf32>) outs(%{{.*}} : tensor<1x4x4x8xf32>)
// GEN-NEXT: ^bb0(%[[IN:.*]]: f16, %{{.*}}: f32, %[[OUT:.*]]: f32):
// GEN-NEXT: %[[WIDE:.*]] = arith.extf %[[IN]] : f16 to f32
// GEN-NEXT: arith.maximumf %[[OUT]], %[[WIDE]] : f32
func.func @pool(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %neg = linalg.generic {indexing_maps = [#id, #id],
                         iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x4x4x8xf32>) outs(%e : tensor<1x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x8xf32>
  %pad = tensor.pad %neg low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x4x4x8xf32> to tensor<1x6x6x8xf32>
  %window = tensor.empty() : tensor<3x3xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %pool = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>,
                                   strides = dense<1> : tensor<2xi64>}
      ins(%pad, %window : tensor<1x6x6x8xf32>, tensor<3x3xf32>)
      outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %pool : tensor<1x4x4x8xf32>
}

// -----

// Kept f32: a result the model returns, one also read as an accumulator
// (a GEMM's initial value), one read by a transpose (one element type), a
// pad with a computed padding value, and a generic that reads its
// output's old value.
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @kept(
// CHECK-NOT: f16
// CHECK: return
func.func @kept(%x: tensor<4x4xf32>, %w: tensor<4x4xf32>, %v: f32)
    -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<6x6xf32>,
        tensor<4x4xf32>) {
  %e = tensor.empty() : tensor<4x4xf32>
  %neg = linalg.generic {indexing_maps = [#id, #id],
                         iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  %abs = linalg.generic {indexing_maps = [#id, #id],
                         iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.absf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  %mm = linalg.matmul ins(%neg, %w : tensor<4x4xf32>, tensor<4x4xf32>)
      outs(%abs : tensor<4x4xf32>) -> tensor<4x4xf32>
  %exp = linalg.generic {indexing_maps = [#id, #id],
                         iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.exp %in : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  %t = linalg.transpose ins(%exp : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>)
      permutation = [1, 0]
  %sq = linalg.generic {indexing_maps = [#id, #id],
                        iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  %pad = tensor.pad %sq low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %v : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  %acc = linalg.generic {indexing_maps = [#id, #id],
                         iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x4xf32>) outs(%w : tensor<4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  %use = linalg.generic {indexing_maps = [#id, #id],
                         iterator_types = ["parallel", "parallel"]}
      ins(%acc : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  return %neg, %mm, %t, %pad, %use
      : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<6x6xf32>,
        tensor<4x4xf32>
}

// -----

// A convolution whose result only other convolutions read (a projection
// feeding the next layer) gets a rounding generic after it, which
// kiln-cuda-mark-epilogues makes its epilogue: its kernel stores halves.
// CHECK-LABEL: func.func @projection(
// CHECK: %[[P:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x4x4x8xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x4x4x8xf16>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[P]] : tensor<1x4x4x8xf32>) outs(%[[E]] : tensor<1x4x4x8xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[R]], %{{.*}} : tensor<1x4x4x8xf16>, tensor<1x1x8x8xf32>)
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[R]], %{{.*}} : tensor<1x4x4x8xf16>, tensor<1x1x8x8xf32>)
// KEEP-LABEL: func.func @projection(
// KEEP-NOT: linalg.generic
func.func @projection(%x: tensor<1x4x4x8xf32>, %w: tensor<1x1x8x8xf32>, %init: tensor<1x4x4x8xf32>)
    -> (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) {
  %p = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x4x4x8xf32>, tensor<1x1x8x8xf32>) outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %a = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x4x4x8xf32>, tensor<1x1x8x8xf32>) outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %b = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x4x4x8xf32>, tensor<1x1x8x8xf32>) outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %a, %b : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>
}

// -----

// Kept f32: integers converted to floats (positions: fp16 is exact only to
// 2048) and a value its reader converts back to an integer. A huge finite
// value (a mask's -3.4e38) saturates at fp16's -65504, not -inf.
#id = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @exact(
// KEEP-LABEL: func.func @exact(
// CHECK: arith.sitofp
// CHECK-NEXT: linalg.yield %{{.*}} : f32
// CHECK: arith.fptosi
// CHECK: %[[LIM:.*]] = arith.constant 6.550400e+04 : f32
// CHECK: %[[NLIM:.*]] = arith.constant -6.550400e+04 : f32
// CHECK: %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK: %[[LO:.*]] = arith.maximumf %[[V:.*]], %[[NLIM]] : f32
// CHECK: %[[C:.*]] = arith.minimumf %[[LO]], %[[LIM]] : f32
// CHECK: %[[ABS:.*]] = math.absf %[[V]] : f32
// CHECK: %[[ISINF:.*]] = arith.cmpf oeq, %[[ABS]], %[[INF]] : f32
// CHECK: %[[S:.*]] = arith.select %[[ISINF]], %[[V]], %[[C]] : f32
// CHECK: arith.truncf %[[S]] : f32 to f16
func.func @exact(%pos: tensor<8xi64>, %x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xi32>, tensor<8xf32>) {
  %e = tensor.empty() : tensor<8xf32>
  %p = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%pos : tensor<8xi64>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: i64, %out: f32):
    %f = arith.sitofp %in : i64 to f32
    linalg.yield %f : f32
  } -> tensor<8xf32>
  %q = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%p : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %ei = tensor.empty() : tensor<8xi32>
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.negf %in : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %i = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%m : tensor<8xf32>) outs(%ei : tensor<8xi32>) {
  ^bb0(%in: f32, %out: i32):
    %s = arith.fptosi %in : f32 to i32
    linalg.yield %s : i32
  } -> tensor<8xi32>
  %mask = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %big = arith.constant -3.40282347E+38 : f32
    %s = arith.mulf %in, %big : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%mask : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = math.exp %in : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %q, %i, %r : tensor<8xf32>, tensor<8xi32>, tensor<8xf32>
}
