// RUN: kiln-opt %s --split-input-file --kiln-fusion-align-epilogues | FileCheck %s

// A 1x1 convolution as kiln-cpu-conv-to-matmul and kiln-cpu-pack-weights
// leave it: the bias broadcast and the relu stay in the NHWC shape, with
// reshapes between them and the packed contraction over [M, N1, N0]. After
// the pass both generics iterate over [M, N1, N0] and touch the
// contraction directly; the reshapes sit on their far side.
#nhwc = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d3)>
#a = affine_map<(m, n1, n0, k) -> (m, k)>
#b = affine_map<(m, n1, n0, k) -> (n1, k, n0)>
#c = affine_map<(m, n1, n0, k) -> (m, n1, n0)>
// CHECK-LABEL: func.func @conv_bias_relu
// CHECK:         %[[BIAS:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]{{.*}} outs(%{{.+}} : tensor<32x2x16xf32>)
// CHECK:         %[[MM:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}} outs(%[[BIAS]] : tensor<32x2x16xf32>)
// CHECK:         %[[RELU:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]{{.*}} ins(%[[MM]] : tensor<32x2x16xf32>)
// CHECK:           arith.maximumf
// CHECK:         tensor.collapse_shape %[[RELU]]
// CHECK:         tensor.expand_shape
// CHECK-SAME:      into tensor<2x4x4x32xf32>
func.func @conv_bias_relu(%x: tensor<2x4x4x8xf32>, %bias: tensor<32xf32>) -> tensor<2x4x4x32xf32> {
  %w = arith.constant dense<1.0> : tensor<2x8x16xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x4x32xf32>
  %init = linalg.generic {indexing_maps = [#chan, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bias : tensor<32xf32>) outs(%e : tensor<2x4x4x32xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<2x4x4x32xf32>
  %xa = tensor.collapse_shape %x [[0, 1, 2], [3]] : tensor<2x4x4x8xf32> into tensor<32x8xf32>
  %i2 = tensor.collapse_shape %init [[0, 1, 2], [3]] : tensor<2x4x4x32xf32> into tensor<32x32xf32>
  %i3 = tensor.expand_shape %i2 [[0], [1, 2]] output_shape [32, 2, 16] : tensor<32x32xf32> into tensor<32x2x16xf32>
  %mm = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%xa, %w : tensor<32x8xf32>, tensor<2x8x16xf32>) outs(%i3 : tensor<32x2x16xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<32x2x16xf32>
  %r2 = tensor.collapse_shape %mm [[0], [1, 2]] : tensor<32x2x16xf32> into tensor<32x32xf32>
  %r4 = tensor.expand_shape %r2 [[0, 1, 2], [3]] output_shape [2, 4, 4, 32] : tensor<32x32xf32> into tensor<2x4x4x32xf32>
  %relu = linalg.generic {indexing_maps = [#nhwc, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%r4 : tensor<2x4x4x32xf32>) outs(%e : tensor<2x4x4x32xf32>) {
  ^bb0(%p: f32, %o: f32):
    %m = arith.maximumf %p, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<2x4x4x32xf32>
  return %relu : tensor<2x4x4x32xf32>
}

// -----

// Reshapes elsewhere do not move: an elementwise generic reading a reshaped
// function argument keeps its shape.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @no_contraction
// CHECK:         tensor.expand_shape
// CHECK:         linalg.generic {{.*}}ins(%{{.+}} : tensor<2x4x4x8xf32>)
func.func @no_contraction(%x: tensor<32x8xf32>) -> tensor<2x4x4x8xf32> {
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %x4 = tensor.expand_shape %x [[0, 1, 2], [3]] output_shape [2, 4, 4, 8] : tensor<32x8xf32> into tensor<2x4x4x8xf32>
  %relu = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x4 : tensor<2x4x4x8xf32>) outs(%e : tensor<2x4x4x8xf32>) {
  ^bb0(%p: f32, %o: f32):
    %m = arith.maximumf %p, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<2x4x4x8xf32>
  return %relu : tensor<2x4x4x8xf32>
}

// -----

// A matmul's bias added after it (MatMul then Add, as exporters write
// dense layers) becomes its accumulator's initial value: the zero fill
// goes, the bias (its reshape moved up before the matmul) is broadcast
// into the accumulator, and the epilogue keeps only the relu.
#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @bias_into_accumulator
// CHECK-NOT:     linalg.fill
// CHECK:         %[[B:.+]] = tensor.collapse_shape %{{.+}} {{\[\[}}0, 1]] : tensor<2x16xf32> into tensor<32xf32>
// CHECK:         %[[INIT:.+]] = linalg.generic {{.*}} ins(%[[B]] : tensor<32xf32>)
// CHECK-NEXT:    ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT:      linalg.yield %[[IN]]
// CHECK:         %[[MM:.+]] = linalg.generic {{.*}} outs(%[[INIT]] : tensor<16x32xf32>)
// CHECK:         linalg.generic {{.*}} ins(%[[MM]] : tensor<16x32xf32>)
// CHECK-NOT:       arith.addf
// CHECK:           arith.maximumf
func.func @bias_into_accumulator(%a: tensor<16x8xf32>, %w: tensor<8x32xf32>, %b2: tensor<2x16xf32>) -> tensor<16x32xf32> {
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x32xf32>
  %zero = linalg.fill ins(%c0 : f32) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
  %mm = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<16x8xf32>, tensor<8x32xf32>) outs(%zero : tensor<16x32xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x32xf32>
  %b = tensor.collapse_shape %b2 [[0, 1]] : tensor<2x16xf32> into tensor<32xf32>
  %r = linalg.generic {indexing_maps = [#id2, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<16x32xf32>, tensor<32xf32>) outs(%e : tensor<16x32xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    %m = arith.maximumf %s, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// -----

// An addend computed from the matmul's result itself cannot start it: the
// epilogue stays as it is.
#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @addend_after
// CHECK:         linalg.fill
// CHECK:         %[[MM:.+]] = linalg.generic
// CHECK:         %[[T:.+]] = linalg.transpose ins(%[[MM]]
// CHECK:         linalg.generic {{.*}} ins(%[[MM]], %[[T]] :
// CHECK:           arith.addf
func.func @addend_after(%a: tensor<16x8xf32>, %w: tensor<8x16xf32>) -> tensor<16x16xf32> {
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x16xf32>
  %zero = linalg.fill ins(%c0 : f32) outs(%e : tensor<16x16xf32>) -> tensor<16x16xf32>
  %mm = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<16x8xf32>, tensor<8x16xf32>) outs(%zero : tensor<16x16xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x16xf32>
  %t = linalg.transpose ins(%mm : tensor<16x16xf32>) outs(%e : tensor<16x16xf32>) permutation = [1, 0]
  %r = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %t : tensor<16x16xf32>, tensor<16x16xf32>) outs(%e : tensor<16x16xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<16x16xf32>
  return %r : tensor<16x16xf32>
}

// -----

// One zero fill shared by two matmuls (CSE merges every layer's) is cloned
// for each, so that each can take its own bias as its accumulator.
#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @shared_fill
// CHECK-NOT:     linalg.fill
// CHECK:         %[[I1:.+]] = linalg.generic {{.*}} ins(%{{.+}} : tensor<16xf32>)
// CHECK:         %[[M1:.+]] = linalg.generic {{.*}} outs(%[[I1]] : tensor<16x16xf32>)
// CHECK:         %[[I2:.+]] = linalg.generic {{.*}} ins(%{{.+}} : tensor<16xf32>)
// CHECK:         %[[M2:.+]] = linalg.generic {{.*}} ins(%[[M1]], %{{.+}} : {{.*}}) outs(%[[I2]] : tensor<16x16xf32>)
// CHECK:         return %[[M2]]
func.func @shared_fill(%a: tensor<16x16xf32>, %w1: tensor<16x16xf32>, %w2: tensor<16x16xf32>,
                       %b1: tensor<16xf32>, %b2: tensor<16xf32>) -> tensor<16x16xf32> {
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x16xf32>
  %zero = linalg.fill ins(%c0 : f32) outs(%e : tensor<16x16xf32>) -> tensor<16x16xf32>
  %m1 = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w1 : tensor<16x16xf32>, tensor<16x16xf32>) outs(%zero : tensor<16x16xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x16xf32>
  %r1 = linalg.generic {indexing_maps = [#id2, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%m1, %b1 : tensor<16x16xf32>, tensor<16xf32>) outs(%e : tensor<16x16xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<16x16xf32>
  %m2 = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%r1, %w2 : tensor<16x16xf32>, tensor<16x16xf32>) outs(%zero : tensor<16x16xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x16xf32>
  %r2 = linalg.generic {indexing_maps = [#id2, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%m2, %b2 : tensor<16x16xf32>, tensor<16xf32>) outs(%e : tensor<16x16xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<16x16xf32>
  return %r2 : tensor<16x16xf32>
}
