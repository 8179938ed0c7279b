// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-cpu-select-strategy{vector-bits=256 vector-registers=16}))' | FileCheck %s
// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-cpu-select-strategy{vector-bits=512 vector-registers=32}))' | FileCheck %s --check-prefix=AVX512

// AVX2: 6x16 register tiles (12 accumulators of 8 lanes, 2 vectors of B
// and a broadcast of A: 15 of 16 registers), output blocks of at most
// 64x256, 256-deep reduction slices; AVX-512: 6x64 (24 + 4 + 1 of 32),
// 128-deep slices (128 x 64 columns of B, 32 KiB, stay in L1).
// 2 x 4 blocks of 60x256 would be 8 tasks, fewer than the 16 the threads
// should get: the columns are halved to 128. Register tiles go column by
// column (order: n, then m, then k), reusing B's slice from L1; B (2 MiB)
// does not fit L2 and its column block is the larger, so the tasks go
// column block by column block too. In the other cases B is small and the
// tasks go row block by row block.
// CHECK-LABEL: func.func @matmul
// CHECK: linalg.matmul {kiln.tiling = [{order = array<i64: 1, 0, 2>, sizes = array<i64: 60, 128, 0>}, array<i64: 0, 0, 256>, {order = array<i64: 1, 0, 2>, sizes = array<i64: 6, 16, 1>}]}
// AVX512-LABEL: func.func @matmul
// AVX512: linalg.matmul {kiln.tiling = [{order = array<i64: 1, 0, 2>, sizes = array<i64: 60, 128, 0>}, array<i64: 0, 0, 128>, {order = array<i64: 1, 0, 2>, sizes = array<i64: 6, 64, 1>}]}
func.func @matmul(%a: tensor<120x512xf32>, %b: tensor<512x1024xf32>, %c: tensor<120x1024xf32>) -> tensor<120x1024xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<120x512xf32>, tensor<512x1024xf32>) outs(%c : tensor<120x1024xf32>) -> tensor<120x1024xf32>
  return %0 : tensor<120x1024xf32>
}

// -----

// Square task blocks (64 x 64, the shape of BERT's [128, 3072] x [3072, 768]
// at 16 tasks) over a B larger than L2 (2 MiB) also go column block by
// column block: a column block's two row blocks run one after the other
// and read its slice of B from L2 (BERT b1, 1 thread: 6% faster than row
// blocks first, which stream B from L3 twice).
// CHECK-LABEL: func.func @square_blocks
// CHECK: kiln.tiling = [{order = array<i64: 1, 0, 2>, sizes = array<i64: 64, 64, 0>}, array<i64: 0, 0, 256>, {order = array<i64: 1, 0, 2>, sizes = array<i64: 4, 16, 1>}]
// AVX512-LABEL: func.func @square_blocks
// AVX512: kiln.tiling = [{order = array<i64: 1, 0, 2>, sizes = array<i64: 64, 64, 0>}, array<i64: 0, 0, 128>, {order = array<i64: 1, 0, 2>, sizes = array<i64: 4, 64, 1>}]
func.func @square_blocks(%a: tensor<128x1024xf32>, %b: tensor<1024x512xf32>, %c: tensor<128x512xf32>) -> tensor<128x512xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<128x1024xf32>, tensor<1024x512xf32>) outs(%c : tensor<128x512xf32>) -> tensor<128x512xf32>
  return %0 : tensor<128x512xf32>
}

// -----

// One row (batch 1): the register tile spends its accumulators on columns.
// CHECK-LABEL: func.func @row
// CHECK: linalg.matmul {kiln.tiling = [array<i64: 1, 96, 0>, array<i64: 0, 0, 200>, {order = array<i64: 1, 0, 2>, sizes = array<i64: 1, 32, 1>}]}
func.func @row(%a: tensor<1x200xf32>, %b: tensor<200x96xf32>, %c: tensor<1x96xf32>) -> tensor<1x96xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<1x200xf32>, tensor<200x96xf32>) outs(%c : tensor<1x96xf32>) -> tensor<1x96xf32>
  return %0 : tensor<1x96xf32>
}

// -----

// No register tile divides N = 10, and f64 is not handled yet: untouched.
// CHECK-LABEL: func.func @untiled
// CHECK-NOT: kiln.tiling
func.func @untiled(%a: tensor<4x8xf32>, %b: tensor<8x10xf32>, %c: tensor<4x10xf32>,
                   %d: tensor<4x8xf64>, %e: tensor<8x16xf64>, %f: tensor<4x16xf64>) -> (tensor<4x10xf32>, tensor<4x16xf64>) {
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x10xf32>) outs(%c : tensor<4x10xf32>) -> tensor<4x10xf32>
  %1 = linalg.matmul ins(%d, %e : tensor<4x8xf64>, tensor<8x16xf64>) outs(%f : tensor<4x16xf64>) -> tensor<4x16xf64>
  return %0, %1 : tensor<4x10xf32>, tensor<4x16xf64>
}

// -----

// Batched contraction (a generic): batch tiles of 1.
#lhs = affine_map<(b, m, n, k) -> (b, m, k)>
#rhs = affine_map<(b, m, n, k) -> (b, k, n)>
#out = affine_map<(b, m, n, k) -> (b, m, n)>
// CHECK-LABEL: func.func @batched
// CHECK: kiln.tiling = [array<i64: 1, 12, 32, 0>, array<i64: 0, 0, 0, 16>, {order = array<i64: 0, 2, 1, 3>, sizes = array<i64: 0, 6, 16, 1>}]
func.func @batched(%a: tensor<3x12x16xf32>, %b: tensor<3x16x32xf32>, %c: tensor<3x12x32xf32>) -> tensor<3x12x32xf32> {
  %0 = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<3x12x16xf32>, tensor<3x16x32xf32>) outs(%c : tensor<3x12x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x12x32xf32>
  return %0 : tensor<3x12x32xf32>
}

// -----

// im2col of an NCHW convolution: the batch is in B and the output but not
// in A; it gets tiles of 1 and the register tile runs along OH*OW.
#fa = affine_map<(b, m, n, k) -> (m, k)>
#fb = affine_map<(b, m, n, k) -> (b, k, n)>
#fc = affine_map<(b, m, n, k) -> (b, m, n)>
// CHECK-LABEL: func.func @im2col
// CHECK: kiln.tiling = [array<i64: 1, 24, 64, 0>, array<i64: 0, 0, 0, 27>, {order = array<i64: 0, 2, 1, 3>, sizes = array<i64: 0, 6, 16, 1>}]
// AVX512-LABEL: func.func @im2col
// AVX512: kiln.tiling = [array<i64: 1, 24, 64, 0>, array<i64: 0, 0, 0, 27>, {order = array<i64: 0, 2, 1, 3>, sizes = array<i64: 0, 6, 64, 1>}]
func.func @im2col(%w: tensor<24x27xf32>, %col: tensor<2x27x64xf32>, %c: tensor<2x24x64xf32>) -> tensor<2x24x64xf32> {
  %0 = linalg.generic {indexing_maps = [#fa, #fb, #fc], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%w, %col : tensor<24x27xf32>, tensor<2x27x64xf32>) outs(%c : tensor<2x24x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x24x64xf32>
  return %0 : tensor<2x24x64xf32>
}

// -----

// [1, 128, 768]-style activations times a 2-D weight, the reshape folded
// into the contraction: two M dimensions; the outer one is tiled by 1.
#ga = affine_map<(b, s, n, k) -> (b, s, k)>
#gb = affine_map<(b, s, n, k) -> (k, n)>
#gc = affine_map<(b, s, n, k) -> (b, s, n)>
// CHECK-LABEL: func.func @folded_reshape
// CHECK: kiln.tiling = [array<i64: 1, 60, 32, 0>, array<i64: 0, 0, 0, 48>, {order = array<i64: 0, 2, 1, 3>, sizes = array<i64: 0, 6, 16, 1>}]
func.func @folded_reshape(%a: tensor<2x120x48xf32>, %w: tensor<48x32xf32>, %c: tensor<2x120x32xf32>) -> tensor<2x120x32xf32> {
  %0 = linalg.generic {indexing_maps = [#ga, #gb, #gc], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<2x120x48xf32>, tensor<48x32xf32>) outs(%c : tensor<2x120x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x120x32xf32>
  return %0 : tensor<2x120x32xf32>
}

// -----

// M = 49 (7 x 7 output pixels) on AVX2 with 16-column panels: only 1- or
// 7-row tiles divide 49, and 7 x 2 accumulators do not fit, so the op is
// split into 48 rows of 6-row tiles and a 1-row rest.
// CHECK-LABEL: func.func @peel_rows
// CHECK:         %[[A0:.+]] = tensor.extract_slice %arg0[0, 0] [48, 64] [1, 1]
// CHECK:         linalg.generic {{.*}}ins(%[[A0]]
// CHECK-SAME:      kiln.tiling = [array<i64: 48, 4, 0, 0>, array<i64: 0, 0, 0, 64>, {order = array<i64: 1, 2, 0, 3>, sizes = array<i64: 6, 1, 0, 1>}]
// CHECK:         %[[HEAD:.+]] = tensor.insert_slice %{{.*}} into %arg2[0, 0, 0] [48, 4, 16] [1, 1, 1]
// CHECK:         %[[A1:.+]] = tensor.extract_slice %arg0[48, 0] [1, 64] [1, 1]
// CHECK:         linalg.generic {{.*}}ins(%[[A1]]
// CHECK-SAME:      kiln.tiling = [array<i64: 1, 4, 0, 0>, array<i64: 0, 0, 0, 64>, {order = array<i64: 1, 2, 0, 3>, sizes = array<i64: 1, 1, 0, 1>}]
// CHECK:         tensor.insert_slice %{{.*}} into %[[HEAD]][48, 0, 0] [1, 4, 16] [1, 1, 1]
func.func @peel_rows(%a: tensor<49x64xf32>, %b: tensor<4x64x16xf32>, %c: tensor<49x4x16xf32>) -> tensor<49x4x16xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(m, n1, n0, k) -> (m, k)>, affine_map<(m, n1, n0, k) -> (n1, k, n0)>, affine_map<(m, n1, n0, k) -> (m, n1, n0)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%a, %b : tensor<49x64xf32>, tensor<4x64x16xf32>) outs(%c : tensor<49x4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  } -> tensor<49x4x16xf32>
  return %0 : tensor<49x4x16xf32>
}

// -----

// Elementwise: bias + relu over NHWC rows with a broadcast channel vector.
// Each parallel task is one row of the innermost dimension (tiles of 1 on
// the others, 0 = whole on the last); vectors of up to four registers
// (AVX2: 4 x 8 lanes = 32 of 96; AVX-512: 4 x 16 = 64 does not divide 96,
// so 3 x 16 = 48).
#nhwc = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @bias_relu
// CHECK: kiln.tiling = [array<i64: 1, 1, 1, 0>, array<i64: 1, 1, 1, 32>]
// AVX512-LABEL: func.func @bias_relu
// AVX512: kiln.tiling = [array<i64: 1, 1, 1, 0>, array<i64: 1, 1, 1, 48>]
func.func @bias_relu(%x: tensor<2x4x4x96xf32>, %b: tensor<96xf32>) -> tensor<2x4x4x96xf32> {
  %e = tensor.empty() : tensor<2x4x4x96xf32>
  %c0 = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#nhwc, #chan, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %b : tensor<2x4x4x96xf32>, tensor<96xf32>) outs(%e : tensor<2x4x4x96xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    %m = arith.maximumf %s, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<2x4x4x96xf32>
  return %r : tensor<2x4x4x96xf32>
}

// -----

// A 1-D elementwise op is cut into chunks of at most 1024 values.
#id1 = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @flat
// CHECK: kiln.tiling = [array<i64: 1024>, array<i64: 32>]
// AVX512-LABEL: func.func @flat
// AVX512: kiln.tiling = [array<i64: 1024>, array<i64: 64>]
func.func @flat(%x: tensor<4096xf32>, %y: tensor<4096xf32>) -> tensor<4096xf32> {
  %r = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%x, %y : tensor<4096xf32>, tensor<4096xf32>) outs(%x : tensor<4096xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.mulf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<4096xf32>
  return %r : tensor<4096xf32>
}

// -----

// Left to LLVM: a transposed read, a transcendental body (log; erf and
// exp have vector expansions), and a row that is not a whole number of
// vectors.
#t = affine_map<(d0, d1) -> (d1, d0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @not_elementwise
// CHECK-NOT: kiln.tiling
// AVX512-LABEL: func.func @not_elementwise
// AVX512-NOT: kiln.tiling
func.func @not_elementwise(%x: tensor<64x64xf32>, %z: tensor<64x12xf32>) -> (tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x12xf32>) {
  %e = tensor.empty() : tensor<64x64xf32>
  %t = linalg.generic {indexing_maps = [#t, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) {
  ^bb0(%p: f32, %o: f32):
    linalg.yield %p : f32
  } -> tensor<64x64xf32>
  %x2 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) {
  ^bb0(%p: f32, %o: f32):
    %v = math.log %p : f32
    linalg.yield %v : f32
  } -> tensor<64x64xf32>
  %e12 = tensor.empty() : tensor<64x12xf32>
  %n = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%z : tensor<64x12xf32>) outs(%e12 : tensor<64x12xf32>) {
  ^bb0(%p: f32, %o: f32):
    %v = arith.negf %p : f32
    linalg.yield %v : f32
  } -> tensor<64x12xf32>
  return %t, %x2, %n : tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x12xf32>
}

// -----

// A row reduction (softmax's sum) is split into a column reduction into
// one vector per row ([64] -> [64 / lanes, lanes], vectors carried across
// the rows' blocks: a task per row) and the small reduction of that
// vector, which stays a loop.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @row_reduction
// CHECK:         tensor.expand_shape {{.*}} into tensor<64x8x8xf32>
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}}kiln.tiling = [array<i64: 1, 0, 0>, array<i64: 1, 1, 8>]
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK-NOT:       kiln.tiling
// AVX512-LABEL: func.func @row_reduction
// AVX512:         tensor.expand_shape {{.*}} into tensor<64x4x16xf32>
// AVX512:         kiln.tiling = [array<i64: 1, 0, 0>, array<i64: 1, 1, 16>]
func.func @row_reduction(%x: tensor<64x64xf32>) -> tensor<64xf32> {
  %c0 = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<64xf32>
  %z = linalg.fill ins(%c0 : f32) outs(%e1 : tensor<64xf32>) -> tensor<64xf32>
  %s = linalg.generic {indexing_maps = [#id2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<64x64xf32>) outs(%z : tensor<64xf32>) {
  ^bb0(%p: f32, %o: f32):
    %v = arith.addf %p, %o : f32
    linalg.yield %v : f32
  } -> tensor<64xf32>
  return %s : tensor<64xf32>
}

// -----

// A column reduction (a layer norm's mean over [H, S] read as columns):
// vectors of up to four registers along the columns, one row at a time,
// and a parallel task per block of columns (a reduced value weighs 16
// multiply-adds: 98304 of them make 4 tasks of 32 with AVX2, 2 of 64 with
// AVX-512).
#cm = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @column_reduction
// CHECK:         kiln.tiling = [array<i64: 0, 32>, array<i64: 1, 32>]
// AVX512-LABEL: func.func @column_reduction
// AVX512:         kiln.tiling = [array<i64: 0, 64>, array<i64: 1, 64>]
func.func @column_reduction(%x: tensor<768x128xf32>) -> tensor<128xf32> {
  %c0 = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<128xf32>
  %z = linalg.fill ins(%c0 : f32) outs(%e1 : tensor<128xf32>) -> tensor<128xf32>
  %s = linalg.generic {indexing_maps = [#cm, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<768x128xf32>) outs(%z : tensor<128xf32>) {
  ^bb0(%p: f32, %o: f32):
    %v = arith.addf %p, %o : f32
    linalg.yield %v : f32
  } -> tensor<128xf32>
  return %s : tensor<128xf32>
}

// -----

// Depthwise NHWC: a parallel task per output row (n, oh), then 8 pixels x
// channel vectors (two with 32 registers), one filter row at a time, the
// whole filter width.
// CHECK-LABEL: func.func @depthwise
// CHECK: kiln.tiling = [array<i64: 1, 1, 0, 0, 0, 0>, array<i64: 1, 1, 8, 8, 1, 0>]
// AVX512-LABEL: func.func @depthwise
// AVX512: kiln.tiling = [array<i64: 1, 1, 0, 0, 0, 0>, array<i64: 1, 1, 8, 32, 1, 0>]
func.func @depthwise(%x: tensor<1x18x18x32xf32>, %w: tensor<3x3x32xf32>, %o: tensor<1x16x16x32xf32>) -> tensor<1x16x16x32xf32> {
  %r = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x18x18x32xf32>, tensor<3x3x32xf32>) outs(%o : tensor<1x16x16x32xf32>) -> tensor<1x16x16x32xf32>
  return %r : tensor<1x16x16x32xf32>
}

// -----

// A direct convolution (loops n, f1, oh, ow, f0, kh, kw, c): tasks of
// 2 panels x 4 output rows (64 pixels) would be only 4, so they shrink to
// one panel by 2 rows (16 tasks); all 56 input channels in one slice
// (56 x 9 window positions x 16 columns of the filter panel, 32 KiB, fit
// L1), and register tiles
// of one panel by 4 pixels (AVX2: 2 ymm per panel, 16 registers; 6 pixels
// would not divide the row of 16 and gain too little to split it) or by
// 8 pixels (AVX-512: one zmm per panel).
#x = affine_map<(n, f1, oh, ow, f0, kh, kw, c) -> (n, oh + kh, ow + kw, c)>
#w = affine_map<(n, f1, oh, ow, f0, kh, kw, c) -> (f1, kh, kw, c, f0)>
#y = affine_map<(n, f1, oh, ow, f0, kh, kw, c) -> (n, oh, ow, f1, f0)>
// CHECK-LABEL: func.func @direct_conv
// CHECK:         kiln.tiling = [array<i64: 1, 1, 2, 0, 0, 0, 0, 0>, array<i64: 0, 0, 0, 0, 0, 0, 0, 56>, array<i64: 1, 1, 1, 4, 0, 1, 1, 1>]
// AVX512-LABEL: func.func @direct_conv
// AVX512:         kiln.tiling = [array<i64: 1, 1, 2, 0, 0, 0, 0, 0>, array<i64: 0, 0, 0, 0, 0, 0, 0, 56>, array<i64: 1, 1, 1, 8, 0, 1, 1, 1>]
func.func @direct_conv(%x: tensor<1x18x18x56xf32>, %w: tensor<2x3x3x56x16xf32>, %o: tensor<1x16x16x2x16xf32>) -> tensor<1x16x16x2x16xf32> {
  %0 = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x18x18x56xf32>, tensor<2x3x3x56x16xf32>) outs(%o : tensor<1x16x16x2x16xf32>)
      attrs = {kiln.conv_window = array<i64: 1, 1, 1, 1>} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x16x16x2x16xf32>
  return %0 : tensor<1x16x16x2x16xf32>
}

// -----

// Rows of 14 pixels, panels of 32 filters (ResNet-50's 3x3 convolutions at
// 14x14): AVX-512 takes the whole row, 2 vectors x 14 pixels = 28
// accumulators (31 of 32 registers with the panel's 2 vectors and the
// broadcast), 12% more FMAs per load than 2 x 7; AVX2 2 pixels x 4 ymm.
// Tasks of one output row; 16 input channels per slice (16 x 9 x 32
// filter values, 18 KiB, stay in L1).
#x = affine_map<(n, f1, oh, ow, f0, kh, kw, c) -> (n, oh + kh, ow + kw, c)>
#w = affine_map<(n, f1, oh, ow, f0, kh, kw, c) -> (f1, kh, kw, c, f0)>
#y = affine_map<(n, f1, oh, ow, f0, kh, kw, c) -> (n, oh, ow, f1, f0)>
// CHECK-LABEL: func.func @rows_of_14
// CHECK:         kiln.tiling = [array<i64: 1, 1, 1, 0, 0, 0, 0, 0>, array<i64: 0, 0, 0, 0, 0, 0, 0, 16>, array<i64: 1, 1, 1, 2, 0, 1, 1, 1>]
// AVX512-LABEL: func.func @rows_of_14
// AVX512:         kiln.tiling = [array<i64: 1, 1, 1, 0, 0, 0, 0, 0>, array<i64: 0, 0, 0, 0, 0, 0, 0, 16>, array<i64: 1, 1, 1, 14, 0, 1, 1, 1>]
func.func @rows_of_14(%x: tensor<1x16x16x64xf32>, %w: tensor<2x3x3x64x32xf32>, %o: tensor<1x14x14x2x32xf32>) -> tensor<1x14x14x2x32xf32> {
  %0 = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x16x16x64xf32>, tensor<2x3x3x64x32xf32>) outs(%o : tensor<1x14x14x2x32xf32>)
      attrs = {kiln.conv_window = array<i64: 1, 1, 1, 1>} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x14x14x2x32xf32>
  return %0 : tensor<1x14x14x2x32xf32>
}

// -----

// NHWC max pooling: a task per output row, register tiles of 8 pixels by
// 2 vectors of channels (AVX2: 16 of 32), one window position at a time.
// CHECK-LABEL: func.func @max_pool
// CHECK:         linalg.pooling_nhwc_max {{.*}}kiln.tiling = [array<i64: 1, 1, 0, 0, 0, 0>, array<i64: 1, 1, 8, 16, 1, 1>]
// AVX512-LABEL: func.func @max_pool
// AVX512:         kiln.tiling = [array<i64: 1, 1, 0, 0, 0, 0>, array<i64: 1, 1, 8, 32, 1, 1>]
func.func @max_pool(%x: tensor<1x33x33x64xf32>, %o: tensor<1x16x16x64xf32>) -> tensor<1x16x16x64xf32> {
  %w = tensor.empty() : tensor<3x3xf32>
  %0 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x33x33x64xf32>, tensor<3x3xf32>) outs(%o : tensor<1x16x16x64xf32>) -> tensor<1x16x16x64xf32>
  return %0 : tensor<1x16x16x64xf32>
}

// -----

// Exact GELU (erf) is elementwise arithmetic too: it gets vector tiles.
// CHECK-LABEL: func.func @gelu
// CHECK:         kiln.tiling = [array<i64: 1, 0>, array<i64: 1, 32>]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @gelu(%x: tensor<4x96xf32>) -> tensor<4x96xf32> {
  %e = tensor.empty() : tensor<4x96xf32>
  %half = arith.constant 0.5 : f32
  %one = arith.constant 1.0 : f32
  %rsqrt2 = arith.constant 0.707106769 : f32
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x96xf32>) outs(%e : tensor<4x96xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %rsqrt2 : f32
    %f = math.erf %s : f32
    %p = arith.addf %f, %one : f32
    %h = arith.mulf %in, %half : f32
    %g = arith.mulf %h, %p : f32
    linalg.yield %g : f32
  } -> tensor<4x96xf32>
  return %0 : tensor<4x96xf32>
}

// -----

// A transpose that moves the innermost dimension (NHWC -> NCHW): register
// tiles of 8 channels (the input's rows) by 8 pixels (the output's rows;
// at most 8 x 8 even with AVX-512, whose 16 x 16 tiles are slow to
// compile), a task per
// channel row; 56 tasks are enough, so the transposed dimensions stay whole
// at the task level. A transpose that keeps the innermost dimension moves
// whole rows: a task per row, copied in vectors of up to 4 registers.
// CHECK-LABEL: func.func @transpose(
// CHECK:         linalg.transpose {{.*}}kiln.tiling = [array<i64: 1, 64, 1, 56>, array<i64: 1, 8, 1, 8>]
// CHECK:         linalg.transpose {{.*}}kiln.tiling = [array<i64: 1, 1, 1, 0>, array<i64: 1, 1, 1, 32>]
// AVX512-LABEL: func.func @transpose(
// AVX512:         linalg.transpose {{.*}}kiln.tiling = [array<i64: 1, 64, 1, 56>, array<i64: 1, 8, 1, 8>]
// AVX512:         linalg.transpose {{.*}}kiln.tiling = [array<i64: 1, 1, 1, 0>, array<i64: 1, 1, 1, 64>]
func.func @transpose(%x: tensor<1x56x56x64xf32>, %y: tensor<1x64x56x56xf32>, %z: tensor<56x1x56x64xf32>) -> (tensor<1x64x56x56xf32>, tensor<56x1x56x64xf32>) {
  %0 = linalg.transpose ins(%x : tensor<1x56x56x64xf32>) outs(%y : tensor<1x64x56x56xf32>) permutation = [0, 3, 1, 2]
  %1 = linalg.transpose ins(%x : tensor<1x56x56x64xf32>) outs(%z : tensor<56x1x56x64xf32>) permutation = [1, 0, 2, 3]
  return %0, %1 : tensor<1x64x56x56xf32>, tensor<56x1x56x64xf32>
}

// -----

// Unit dimensions do not count: the [1, 128, 768, 1] -> [1, 768, 1, 128]
// transpose (tf2onnx's layer norm) is a 128 x 768 matrix's. A moved value
// weighs 16 multiply-adds, so its 98304 values make 8 tasks.
// CHECK-LABEL: func.func @transpose_unit_dims
// CHECK:         linalg.transpose {{.*}}kiln.tiling = [array<i64: 1, 96, 1, 128>, array<i64: 1, 8, 1, 8>]
// AVX512-LABEL: func.func @transpose_unit_dims
// AVX512:         linalg.transpose {{.*}}kiln.tiling = [array<i64: 1, 96, 1, 128>, array<i64: 1, 8, 1, 8>]
func.func @transpose_unit_dims(%x: tensor<1x128x768x1xf32>, %y: tensor<1x768x1x128xf32>) -> tensor<1x768x1x128xf32> {
  %0 = linalg.transpose ins(%x : tensor<1x128x768x1xf32>) outs(%y : tensor<1x768x1x128xf32>) permutation = [0, 2, 3, 1]
  return %0 : tensor<1x768x1x128xf32>
}

// -----

// Elementwise ops on [1, S, H, 1] (tf2onnx's layer norms) vectorize along
// H, the innermost dimension that is not a unit one, a task per row, and
// read their [1, S, 1, 1] operand (a constant 0 in its map) as a
// broadcast.
#x4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#m4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
// CHECK-LABEL: func.func @unit_inner
// CHECK:         linalg.generic {{.*}}kiln.tiling = [array<i64: 1, 1, 0, 1>, array<i64: 1, 1, 32, 1>]
// AVX512-LABEL: func.func @unit_inner
// AVX512:         linalg.generic {{.*}}kiln.tiling = [array<i64: 1, 1, 0, 1>, array<i64: 1, 1, 64, 1>]
func.func @unit_inner(%x: tensor<1x128x768x1xf32>, %m: tensor<1x128x1x1xf32>) -> tensor<1x128x768x1xf32> {
  %e = tensor.empty() : tensor<1x128x768x1xf32>
  %0 = linalg.generic {indexing_maps = [#x4, #m4, #x4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %m : tensor<1x128x768x1xf32>, tensor<1x128x1x1xf32>) outs(%e : tensor<1x128x768x1xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.subf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x128x768x1xf32>
  return %0 : tensor<1x128x768x1xf32>
}
