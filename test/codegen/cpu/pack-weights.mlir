// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(kiln-cpu-pack-weights{vector-bits=128})' | FileCheck %s

// B (K = 2, N = 16) holds 0..31 row-major; panels of nr = 8 columns (two
// vectors: A's 6 rows take a 6-row register tile, which 4-vector panels
// would not leave registers for):
// Bp[n1][k][n0] = B[k][8 * n1 + n0].
// CHECK-LABEL: func.func @constant_b
// CHECK:         %[[BP:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00], {{\[}}1.600000e+01, 1.700000e+01, 1.800000e+01, 1.900000e+01, 2.000000e+01, 2.100000e+01, 2.200000e+01, 2.300000e+01]], {{\[}}{{\[}}8.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01, 1.300000e+01, 1.400000e+01, 1.500000e+01], {{\[}}2.400000e+01, 2.500000e+01, 2.600000e+01, 2.700000e+01, 2.800000e+01, 2.900000e+01, 3.000000e+01, 3.100000e+01]]]> : tensor<2x2x8xf32>
// CHECK:         %[[INIT:.+]] = tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [6, 2, 8] : tensor<6x16xf32> into tensor<6x2x8xf32>
// CHECK:         %[[R:.+]] = linalg.generic
// CHECK-SAME:        iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:        ins(%{{.*}}, %[[BP]] : tensor<6x2xf32>, tensor<2x2x8xf32>) outs(%[[INIT]] : tensor<6x2x8xf32>)
// CHECK:         tensor.collapse_shape %[[R]] {{\[}}[0], [1, 2]] : tensor<6x2x8xf32> into tensor<6x16xf32>
func.func @constant_b(%a: tensor<6x2xf32>, %c: tensor<6x16xf32>) -> tensor<6x16xf32> {
  %b = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0]]> : tensor<2x16xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<6x2xf32>, tensor<2x16xf32>) outs(%c : tensor<6x16xf32>) -> tensor<6x16xf32>
  return %0 : tensor<6x16xf32>
}

// -----

// Gemm transB: B = transpose(W), W [N = 4, K = 2]; panels read W directly
// and no transpose is left.
// CHECK-LABEL: func.func @transposed_b
// CHECK-NOT:     linalg.transpose
// CHECK:         arith.constant dense<{{\[}}{{\[}}[0.000000e+00, 2.000000e+00, 4.000000e+00, 6.000000e+00], [1.000000e+00, 3.000000e+00, 5.000000e+00, 7.000000e+00]]]> : tensor<1x2x4xf32>
// CHECK-NOT:     linalg.transpose
func.func @transposed_b(%a: tensor<4x2xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %w = arith.constant dense<[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]> : tensor<4x2xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %b = linalg.transpose ins(%w : tensor<4x2xf32>) outs(%e : tensor<2x4xf32>) permutation = [1, 0]
  %0 = linalg.matmul ins(%a, %b : tensor<4x2xf32>, tensor<2x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// N = 6 is no multiple of 4 lanes: one panel of 8 whose last two columns
// are zeros; the output is computed padded and sliced back.
// CHECK-LABEL: func.func @padded
// CHECK:         arith.constant dense<{{\[}}{{\[}}{{\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 0.000000e+00, 0.000000e+00], {{\[}}7.000000e+00, 8.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01, 0.000000e+00, 0.000000e+00]]]> : tensor<1x2x8xf32>
// CHECK:         tensor.pad %{{.*}} low[0, 0] high[0, 2]
// CHECK:         linalg.generic
// CHECK:         %[[C:.+]] = tensor.collapse_shape {{.*}} into tensor<4x8xf32>
// CHECK:         tensor.extract_slice %[[C]][0, 0] [4, 6] [1, 1] : tensor<4x8xf32> to tensor<4x6xf32>
func.func @padded(%a: tensor<4x2xf32>, %d: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %v = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [7.0, 8.0, 9.0, 10.0, 11.0, 12.0]]> : tensor<2x6xf32>
  %1 = linalg.matmul ins(%a, %v : tensor<4x2xf32>, tensor<2x6xf32>) outs(%d : tensor<4x6xf32>) -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// The same with a bias broadcast as the accumulator, seen through the
// collapse a 1x1 convolution gives: the broadcast is rebuilt at the padded
// width from the bias row padded with zeros (no pad of the whole
// accumulator), so it can join the matmul's tiles; a zero fill likewise.
// CHECK-LABEL: func.func @padded_bias
// CHECK-NOT:     tensor.pad
// CHECK-DAG:     %[[BIAS:.+]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<8xf32>
// CHECK-DAG:     %[[E:.+]] = tensor.empty() : tensor<1x2x2x8xf32>
// CHECK:         %[[B:.+]] = linalg.generic {{.*}} ins(%[[BIAS]] : tensor<8xf32>) outs(%[[E]] : tensor<1x2x2x8xf32>)
// CHECK:         %[[C:.+]] = tensor.collapse_shape %[[B]] {{\[}}[0, 1, 2], [3]] : tensor<1x2x2x8xf32> into tensor<4x8xf32>
// CHECK:         tensor.expand_shape %[[C]] {{\[}}[0], [1, 2]] output_shape [4, 1, 8]
// CHECK-LABEL: func.func @padded_fill
// CHECK-NOT:     tensor.pad
// CHECK:         %[[F:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4x8xf32>)
// CHECK:         tensor.expand_shape %[[F]] {{\[}}[0], [1, 2]] output_shape [4, 1, 8]
func.func @padded_bias(%a: tensor<4x2xf32>) -> tensor<4x6xf32> {
  %v = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [7.0, 8.0, 9.0, 10.0, 11.0, 12.0]]> : tensor<2x6xf32>
  %bias = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>
  %e = tensor.empty() : tensor<1x2x2x6xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bias : tensor<6xf32>) outs(%e : tensor<1x2x2x6xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  } -> tensor<1x2x2x6xf32>
  %c = tensor.collapse_shape %b [[0, 1, 2], [3]] : tensor<1x2x2x6xf32> into tensor<4x6xf32>
  %1 = linalg.matmul ins(%a, %v : tensor<4x2xf32>, tensor<2x6xf32>) outs(%c : tensor<4x6xf32>) -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}
func.func @padded_fill(%a: tensor<4x2xf32>) -> tensor<4x6xf32> {
  %v = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [7.0, 8.0, 9.0, 10.0, 11.0, 12.0]]> : tensor<2x6xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x6xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x6xf32>) -> tensor<4x6xf32>
  %1 = linalg.matmul ins(%a, %v : tensor<4x2xf32>, tensor<2x6xf32>) outs(%f : tensor<4x6xf32>) -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// B computed at run time, or a splat constant: left alone.
// CHECK-LABEL: func.func @not_packed
// CHECK-COUNT-2: linalg.matmul
func.func @not_packed(%a: tensor<4x2xf32>, %b: tensor<2x8xf32>, %c: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %w = arith.constant dense<1.5> : tensor<2x8xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x2xf32>, tensor<2x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = linalg.matmul ins(%a, %w : tensor<4x2xf32>, tensor<2x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// A convolution's filter reaches the matmul as transpose(collapse_shape(W))
// [C*KH*KW, F]: the reshape keeps W's row-major order, so it is packed like
// a Gemm transB weight and the reshape, transpose and blob go away.
// CHECK-LABEL: func.func @conv_filter
// CHECK-NOT:     linalg.transpose
// CHECK-NOT:     tensor.collapse_shape %cst
// CHECK:         %[[BP:.+]] = arith.constant dense<{{\[\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00, 7.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00, 8.000000e+00]]]> : tensor<1x2x4xf32>
// CHECK:         linalg.generic {{.*}} ins(%arg0, %[[BP]] : tensor<3x2xf32>, tensor<1x2x4xf32>)
func.func @conv_filter(%a: tensor<3x2xf32>, %c: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]], [[[5.0]], [[6.0]]], [[[7.0]], [[8.0]]]]> : tensor<4x2x1x1xf32>
  %fk = tensor.collapse_shape %w [[0], [1, 2, 3]] : tensor<4x2x1x1xf32> into tensor<4x2xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %b = linalg.transpose ins(%fk : tensor<4x2xf32>) outs(%e : tensor<2x4xf32>) permutation = [1, 0]
  %0 = linalg.matmul ins(%a, %b : tensor<3x2xf32>, tensor<2x4xf32>) outs(%c : tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// A 2x2 stride-2 NHWC convolution with a constant filter W [2, 2, 1, 16]
// holding 0..63 becomes a direct convolution: the filter packed in panels
// of nr = 8 output channels (two vectors: a 6-pixel register tile divides
// the rows of 6; four vectors would allow only 2 pixels), Wp[f1][i][j][c][f0] = W[i][j][c][8 * f1 + f0]
// (the first panel starts 0..7 then 16..23, the second 8..15), loops
// (n, f1, oh, ow, f0, kh, kw, c), the input read at (oh * 2 + kh,
// ow * 2 + kw), and the output viewed as [N, OH, OW, 2, 8].
// CHECK-DAG:   #[[$X:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d2 * 2 + d5, d3 * 2 + d6, d7)>
// CHECK-DAG:   #[[$W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d5, d6, d7, d4)>
// CHECK-DAG:   #[[$Y:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d2, d3, d1, d4)>
// CHECK-LABEL: func.func @direct_conv
// CHECK-NOT:     linalg.conv_2d
// CHECK:         %[[WP:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00]], {{\[}}[1.600000e+01,
// CHECK-SAME:      {{\[}}[8.000000e+00, 9.000000e+00,
// CHECK-SAME:      : tensor<2x2x2x1x8xf32>
// CHECK:         %[[INIT:.+]] = tensor.expand_shape %{{.*}} {{\[}}[0], [1], [2], [3, 4]] output_shape [1, 6, 6, 2, 8] : tensor<1x6x6x16xf32> into tensor<1x6x6x2x8xf32>
// CHECK:         %[[R:.+]] = linalg.generic {indexing_maps = [#[[$X]], #[[$W]], #[[$Y]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME:        ins(%arg0, %[[WP]] : tensor<1x12x12x1xf32>, tensor<2x2x2x1x8xf32>) outs(%[[INIT]] : tensor<1x6x6x2x8xf32>)
// CHECK-SAME:        kiln.conv_window = array<i64: 2, 2, 1, 1>
// CHECK:         tensor.collapse_shape %[[R]] {{\[}}[0], [1], [2], [3, 4]] : tensor<1x6x6x2x8xf32> into tensor<1x6x6x16xf32>
func.func @direct_conv(%x: tensor<1x12x12x1xf32>, %o: tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32> {
  %w = arith.constant dense<[[[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]], [[16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0]]], [[[32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0]], [[48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0]]]]> : tensor<2x2x1x16xf32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x12x12x1xf32>, tensor<2x2x1x16xf32>) outs(%o : tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  return %0 : tensor<1x6x6x16xf32>
}
