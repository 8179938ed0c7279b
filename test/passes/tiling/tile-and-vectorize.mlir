// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-tiling-tile-and-vectorize))' --verify-diagnostics | FileCheck %s

// Three levels: 32x32 output blocks (an scf.forall: independent tiles the
// thread pool may share out), 64-deep reduction slices, 4x16 register
// tiles stepping the reduction one element at a time. The register tile's
// accumulator is a loop-carried vector of the innermost loop.
// CHECK-LABEL: func.func @matmul
// CHECK-NOT:     linalg.matmul
// CHECK:         scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (64, 64) step (32, 32)
// CHECK:             scf.for {{.*}} step %c64
// CHECK:               scf.for {{.*}} step %c4
// CHECK:                 scf.for {{.*}} step %c16
// CHECK:                   %[[ACC:.+]] = vector.transfer_read {{.*}} : tensor<32x32xf32>, vector<4x16xf32>
// CHECK:                   %[[SUM:.+]] = scf.for {{.*}} iter_args(%[[IT:.+]] = %[[ACC]]) -> (vector<4x16xf32>)
// CHECK:                     vector.contract {{.*}} %[[IT]] : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
// CHECK:                   vector.transfer_write %[[SUM]]
// CHECK:         scf.forall.in_parallel
// CHECK-NEXT:      tensor.parallel_insert_slice {{.*}} [32, 32] [1, 1] : tensor<32x32xf32> into tensor<64x64xf32>
func.func @matmul(%a: tensor<64x128xf32>, %b: tensor<128x64xf32>, %c: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = linalg.matmul {kiln.tiling = [array<i64: 32, 32, 0>, array<i64: 0, 0, 64>, array<i64: 4, 16, 1>]}
      ins(%a, %b : tensor<64x128xf32>, tensor<128x64xf32>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

// Ops without kiln.tiling stay as they are.
// CHECK-LABEL: func.func @untouched
// CHECK:         linalg.matmul ins
func.func @untouched(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @wrong_rank(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{has a tiling level that does not give one size per loop}}
  %0 = linalg.matmul {kiln.tiling = [array<i64: 2, 2>]}
      ins(%a, %b : tensor<4x8xf32>, tensor<8x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @ragged(%a: tensor<6x8xf32>, %b: tensor<8x4xf32>, %c: tensor<6x4xf32>) -> tensor<6x4xf32> {
  // A register tile that does not divide its block leaves a dynamic tile.
  // expected-error @below {{tile could not be vectorized}}
  %0 = linalg.matmul {kiln.tiling = [array<i64: 4, 4, 1>]}
      ins(%a, %b : tensor<6x8xf32>, tensor<8x4xf32>) outs(%c : tensor<6x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// -----

// Elementwise levels (what kiln-cpu-select-strategy gives bias + relu):
// an scf.forall over the rows, then vectors of 16 along each row (unit
// dimensions go in kiln-cpu-lower-vectors); nothing stays scalar.
#nhwc = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @bias_relu
// CHECK:         scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (2, 4, 4)
// CHECK:           scf.for %{{.*}} = %c0 to %c48 step %c16
// CHECK-DAG:         vector.transfer_read {{.*}} : tensor<2x4x4x48xf32>, vector<1x1x1x16xf32>
// CHECK-DAG:         vector.transfer_read {{.*}} : tensor<48xf32>, vector<16xf32>
// CHECK:             arith.addf {{.*}} : vector<1x1x1x16xf32>
// CHECK:             arith.maximumf {{.*}} : vector<1x1x1x16xf32>
// CHECK:             vector.transfer_write
// CHECK-NOT:     linalg.generic
func.func @bias_relu(%x: tensor<2x4x4x48xf32>, %b: tensor<48xf32>) -> tensor<2x4x4x48xf32> {
  %e = tensor.empty() : tensor<2x4x4x48xf32>
  %c0 = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#nhwc, #chan, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %b : tensor<2x4x4x48xf32>, tensor<48xf32>) outs(%e : tensor<2x4x4x48xf32>)
      attrs = {kiln.tiling = [array<i64: 1, 1, 1, 0>, array<i64: 1, 1, 1, 16>]} {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    %m = arith.maximumf %s, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<2x4x4x48xf32>
  return %r : tensor<2x4x4x48xf32>
}

// -----

// Depthwise levels: rows in parallel, then a tile one filter row high,
// rewritten as a 1-D depthwise convolution and vectorized: FMAs of the
// three filter columns over 8 pixels x 16 channels, no scalar loop left.
// CHECK-LABEL: func.func @depthwise
// CHECK:         scf.forall (%{{.*}}, %{{.*}}) in (1, 16)
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               scf.for
// CHECK-COUNT-3:         vector.fma {{.*}} : vector<1x8x16xf32>
// CHECK-NOT:     linalg.depthwise
func.func @depthwise(%x: tensor<1x18x18x32xf32>, %w: tensor<3x3x32xf32>, %o: tensor<1x16x16x32xf32>) -> tensor<1x16x16x32xf32> {
  %r = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>,
                                           kiln.tiling = [array<i64: 1, 1, 0, 0, 0, 0>, array<i64: 1, 1, 8, 16, 1, 0>]}
      ins(%x, %w : tensor<1x18x18x32xf32>, tensor<3x3x32xf32>) outs(%o : tensor<1x16x16x32xf32>) -> tensor<1x16x16x32xf32>
  return %r : tensor<1x16x16x32xf32>
}

// -----

// A fusion group: the bias broadcast that initializes the accumulator and
// the activation that reads the result are computed inside the matmul's
// output blocks. One scf.forall over 32-row blocks; the reduction (K = 8)
// is cut into two slices of 4, and each slice sweeps the block's 4 x 32
// register tiles: the first slice's accumulators start from the bias
// vector in registers, the last's from the block (the first slice's sums)
// and get relu before their store into the same tile, which is the
// forall's only output. No pass of its own writes the bias or applies
// relu, and no generic is left outside the forall.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @bias_matmul_relu
// CHECK:         %[[E:.+]] = tensor.empty() : tensor<64x32xf32>
// CHECK:         scf.forall (%{{.+}}) = (0) to (64) step (32) shared_outs(%[[OUT:.+]] = %[[E]])
// CHECK:           %[[T:.+]] = tensor.extract_slice %[[OUT]]
// CHECK:           %[[FIRST:.+]] = scf.for %{{.+}} = %c0 to %c32 step %c4 iter_args(%{{.+}} = %[[T]])
// CHECK:             %[[B:.+]] = vector.transfer_read %{{.+}} : tensor<32xf32>, vector<32xf32>
// CHECK:             %[[INIT:.+]] = vector.broadcast %[[B]] : vector<32xf32> to vector<4x32xf32>
// CHECK:             %[[ACC:.+]] = scf.for {{.*}} iter_args(%{{.+}} = %[[INIT]]) -> (vector<4x32xf32>)
// CHECK:               vector.contract
// CHECK:             vector.transfer_write %[[ACC]]
// CHECK:           %[[LAST:.+]] = scf.for %{{.+}} = %c0 to %c32 step %c4 iter_args(%[[BLOCK:.+]] = %[[FIRST]])
// CHECK:             %[[TILE:.+]] = tensor.extract_slice %[[BLOCK]]
// CHECK:             %[[SUMS:.+]] = vector.transfer_read %[[TILE]]
// CHECK:             %[[ACC2:.+]] = scf.for {{.*}} iter_args(%{{.+}} = %[[SUMS]]) -> (vector<4x32xf32>)
// CHECK:               vector.contract
// CHECK:             %[[R:.+]] = arith.maximumf %[[ACC2]], %{{.+}} : vector<4x32xf32>
// CHECK:             vector.transfer_write %[[R]], %[[BLOCK]]
// CHECK:           tensor.parallel_insert_slice %[[LAST]] into %[[OUT]]
// CHECK-NOT:     linalg.generic
func.func @bias_matmul_relu(%a: tensor<64x8xf32>, %b: tensor<8x32xf32>, %bias: tensor<32xf32>) -> tensor<64x32xf32> {
  %e = tensor.empty() : tensor<64x32xf32>
  %c0 = arith.constant 0.0 : f32
  %init = linalg.generic {indexing_maps = [#col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%bias : tensor<32xf32>) outs(%e : tensor<64x32xf32>)
      attrs = {kiln.tiling = [array<i64: 1, 0>, array<i64: 1, 32>]} {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<64x32xf32>
  %mm = linalg.matmul {kiln.tiling = [array<i64: 32, 0, 0>, array<i64: 0, 0, 4>, array<i64: 4, 32, 1>]}
      ins(%a, %b : tensor<64x8xf32>, tensor<8x32xf32>) outs(%init : tensor<64x32xf32>) -> tensor<64x32xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<64x32xf32>) outs(%e : tensor<64x32xf32>)
      attrs = {kiln.tiling = [array<i64: 1, 0>, array<i64: 1, 16>]} {
  ^bb0(%p: f32, %o: f32):
    %m = arith.maximumf %p, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<64x32xf32>
  return %r : tensor<64x32xf32>
}

// -----

// Without a consumer, the zero fill of the accumulator still joins the
// matmul's blocks: the first of the two reduction slices starts from
// zeros in registers, the second from the block, and the last slice is
// not peeled off (nothing to fuse into it).
// CHECK-LABEL: func.func @fill_matmul
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant dense<0.000000e+00> : vector<4x32xf32>
// CHECK:         scf.forall (%{{.+}}) = (0) to (64) step (32)
// CHECK:           scf.for
// CHECK:             scf.for {{.*}} iter_args(%{{.+}} = %[[ZERO]]) -> (vector<4x32xf32>)
// CHECK:               vector.contract
// CHECK:           scf.for
// CHECK:             %[[SUMS:.+]] = vector.transfer_read
// CHECK:             scf.for {{.*}} iter_args(%{{.+}} = %[[SUMS]]) -> (vector<4x32xf32>)
// CHECK:               vector.contract
// CHECK-NOT:     linalg.fill
func.func @fill_matmul(%a: tensor<64x8xf32>, %b: tensor<8x32xf32>) -> tensor<64x32xf32> {
  %e = tensor.empty() : tensor<64x32xf32>
  %c0 = arith.constant 0.0 : f32
  %init = linalg.fill ins(%c0 : f32) outs(%e : tensor<64x32xf32>) -> tensor<64x32xf32>
  %mm = linalg.matmul {kiln.tiling = [array<i64: 32, 0, 0>, array<i64: 0, 0, 4>, array<i64: 4, 32, 1>]}
      ins(%a, %b : tensor<64x8xf32>, tensor<8x32xf32>) outs(%init : tensor<64x32xf32>) -> tensor<64x32xf32>
  return %mm : tensor<64x32xf32>
}

// -----

// A direct convolution's register tile (4 pixels of a row by one panel of
// 16, one window position and channel per step) reads its pixels through
// a stride-2 slice and becomes a contraction whose accumulator is carried
// in registers across the window and channel loops.
#x = affine_map<(n, f1, oh, ow, f0, kh, kw, c) -> (n, oh * 2 + kh, ow * 2 + kw, c)>
#w = affine_map<(n, f1, oh, ow, f0, kh, kw, c) -> (f1, kh, kw, c, f0)>
#y = affine_map<(n, f1, oh, ow, f0, kh, kw, c) -> (n, oh, ow, f1, f0)>
// CHECK-LABEL: func.func @direct_conv
// CHECK:         scf.forall
// CHECK:           %[[ACC:.+]] = vector.transfer_read {{.*}} vector<1x1x4x1x16xf32>
// CHECK:           scf.for {{.*}} iter_args({{.*}} = %[[ACC]])
// CHECK:             scf.for
// CHECK:               scf.for
// CHECK:                 tensor.extract_slice {{.*}} [1, 1, 4, 1] [1, 1, 2, 1] : tensor<{{.*}}> to tensor<1x1x4x1xf32>
// CHECK:                 vector.contract
// CHECK-NOT:     linalg.generic
func.func @direct_conv(%x: tensor<1x9x9x3xf32>, %w: tensor<1x3x3x3x16xf32>, %o: tensor<1x4x4x1x16xf32>) -> tensor<1x4x4x1x16xf32> {
  %0 = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x9x9x3xf32>, tensor<1x3x3x3x16xf32>) outs(%o : tensor<1x4x4x1x16xf32>)
      attrs = {kiln.conv_window = array<i64: 2, 2, 1, 1>,
               kiln.tiling = [array<i64: 1, 1, 1, 0, 0, 0, 0, 0>, array<i64: 1, 1, 1, 4, 0, 1, 1, 1>]} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x1x16xf32>
  return %0 : tensor<1x4x4x1x16xf32>
}

// -----

// A max-pooling register tile (4 pixels of a row by 16 channels, one
// window position per step) reads its pixels through a stride-2 slice and
// becomes a max of vectors (a reduction over the unit window dimensions,
// which canonicalization folds), carried across the 3x3 window.
// CHECK-LABEL: func.func @max_pool
// CHECK:         scf.forall
// CHECK:           %[[ACC:.+]] = vector.transfer_read {{.*}} vector<1x1x4x16xf32>
// CHECK:           scf.for {{.*}} iter_args(%{{.+}} = %[[ACC]])
// CHECK:             scf.for
// CHECK:               tensor.extract_slice {{.*}} [1, 1, 4, 16] [1, 1, 2, 1]
// CHECK:               vector.multi_reduction <maximumf>, {{.*}} to vector<1x1x4x16xf32>
// CHECK-NOT:     linalg.pooling
func.func @max_pool(%x: tensor<1x9x9x16xf32>, %o: tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32> {
  %w = tensor.empty() : tensor<3x3xf32>
  %0 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>,
                                kiln.tiling = [array<i64: 1, 1, 0, 0, 0, 0>, array<i64: 1, 1, 4, 16, 1, 1>]}
      ins(%x, %w : tensor<1x9x9x16xf32>, tensor<3x3xf32>) outs(%o : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  return %0 : tensor<1x4x4x16xf32>
}

// -----

// Levels with an order: the forall runs over column blocks first, and the
// register tiles sweep the rows (m) inside each column (n), with the
// reduction innermost.
// CHECK-LABEL: func.func @ordered
// CHECK:         scf.forall (%[[N:.+]], %[[M:.+]]) = (0, 0) to (64, 64) step (32, 16)
// CHECK:           scf.for {{.*}} step %c64
// CHECK:             scf.for %[[RN:.+]] = %c0 to %c32 step %c16
// CHECK:               scf.for %[[RM:.+]] = %c0 to %c16 step %c4
// CHECK:                 vector.transfer_read {{.*}}[%[[RM]], %[[RN]]]
// CHECK:                 scf.for {{.*}} step %c1
// CHECK:                   vector.contract
func.func @ordered(%a: tensor<64x128xf32>, %b: tensor<128x64xf32>, %c: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = linalg.matmul {kiln.tiling = [{sizes = array<i64: 16, 32, 0>, order = array<i64: 1, 0, 2>},
                                     array<i64: 0, 0, 64>,
                                     {sizes = array<i64: 4, 16, 1>, order = array<i64: 1, 0, 2>}]}
      ins(%a, %b : tensor<64x128xf32>, tensor<128x64xf32>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

// An ordered first level also orders a fusion group's forall: here the
// consumer's (the relu's loops are the output's, rows then columns).
// CHECK-LABEL: func.func @ordered_group
// CHECK:         scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (32, 64) step (16, 32)
// CHECK:           vector.contract
// CHECK:           vector.contract
// CHECK:           arith.maximumf {{.*}} : vector<4x16xf32>
// CHECK-NOT:     linalg.
func.func @ordered_group(%a: tensor<64x8xf32>, %b: tensor<8x32xf32>) -> tensor<64x32xf32> {
  %e = tensor.empty() : tensor<64x32xf32>
  %c0 = arith.constant 0.0 : f32
  %init = linalg.fill ins(%c0 : f32) outs(%e : tensor<64x32xf32>) -> tensor<64x32xf32>
  %mm = linalg.matmul {kiln.tiling = [{sizes = array<i64: 32, 16, 0>, order = array<i64: 1, 0, 2>},
                                      array<i64: 0, 0, 4>, array<i64: 4, 16, 1>]}
      ins(%a, %b : tensor<64x8xf32>, tensor<8x32xf32>) outs(%init : tensor<64x32xf32>) -> tensor<64x32xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"],
                       kiln.tiling = [array<i64: 1, 0>, array<i64: 1, 16>]}
      ins(%mm : tensor<64x32xf32>) outs(%e : tensor<64x32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m = arith.maximumf %x, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<64x32xf32>
  return %r : tensor<64x32xf32>
}

// -----

func.func @bad_order(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @below {{has a tiling level whose order is not a permutation of its loops}}
  %0 = linalg.matmul {kiln.tiling = [{sizes = array<i64: 2, 2, 0>, order = array<i64: 0, 0, 1>}]}
      ins(%a, %b : tensor<4x8xf32>, tensor<8x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// Where the levels after the first leave the reduction whole (here K = 8,
// no slice), the group is fused at the register level too: each 4 x 32
// register tile starts from the bias vector (no pass writing it to the
// output first), carries the accumulators through the reduction and
// applies relu to them before its one store.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @bias_matmul_relu_registers
// CHECK:         scf.forall (%{{.+}}) = (0) to (64) step (32)
// CHECK:           scf.for %[[ROW:.+]] = %c0 to %c32 step %c4
// CHECK:             %[[B:.+]] = vector.transfer_read %{{.+}} : tensor<32xf32>, vector<32xf32>
// CHECK:             %[[INIT:.+]] = vector.broadcast %[[B]] : vector<32xf32> to vector<4x32xf32>
// CHECK-NOT:         vector.transfer_write
// CHECK:             %[[ACC:.+]] = scf.for {{.*}} iter_args(%[[A:.+]] = %[[INIT]]) -> (vector<4x32xf32>)
// CHECK:               vector.contract {{.*}} %[[A]]
// CHECK:             %[[R:.+]] = arith.maximumf %[[ACC]], %{{.+}} : vector<4x32xf32>
// CHECK:             vector.transfer_write %[[R]], %{{.+}}[%[[ROW]], %{{.+}}] {{.*}} : vector<4x32xf32>, tensor<32x32xf32>
// CHECK-NOT:     linalg.
func.func @bias_matmul_relu_registers(%a: tensor<64x8xf32>, %b: tensor<8x32xf32>, %bias: tensor<32xf32>) -> tensor<64x32xf32> {
  %e = tensor.empty() : tensor<64x32xf32>
  %c0 = arith.constant 0.0 : f32
  %init = linalg.generic {indexing_maps = [#col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%bias : tensor<32xf32>) outs(%e : tensor<64x32xf32>)
      attrs = {kiln.tiling = [array<i64: 1, 0>, array<i64: 1, 32>]} {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<64x32xf32>
  %mm = linalg.matmul {kiln.tiling = [array<i64: 32, 0, 0>, array<i64: 0, 0, 8>, array<i64: 4, 32, 1>]}
      ins(%a, %b : tensor<64x8xf32>, tensor<8x32xf32>) outs(%init : tensor<64x32xf32>) -> tensor<64x32xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<64x32xf32>) outs(%e : tensor<64x32xf32>)
      attrs = {kiln.tiling = [array<i64: 1, 0>, array<i64: 1, 16>]} {
  ^bb0(%p: f32, %o: f32):
    %m = arith.maximumf %p, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<64x32xf32>
  return %r : tensor<64x32xf32>
}

// -----

// The same without an epilogue: the zero fill becomes the accumulators'
// first value, and each register tile is stored once.
// CHECK-LABEL: func.func @fill_matmul_registers
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant dense<0.000000e+00> : vector<4x32xf32>
// CHECK:         scf.forall
// CHECK-NOT:       vector.transfer_write
// CHECK:           %[[ACC:.+]] = scf.for {{.*}} iter_args(%{{.+}} = %[[ZERO]]) -> (vector<4x32xf32>)
// CHECK:             vector.contract
// CHECK:           vector.transfer_write %[[ACC]]
// CHECK-NOT:     linalg.fill
func.func @fill_matmul_registers(%a: tensor<64x8xf32>, %b: tensor<8x32xf32>) -> tensor<64x32xf32> {
  %e = tensor.empty() : tensor<64x32xf32>
  %c0 = arith.constant 0.0 : f32
  %init = linalg.fill ins(%c0 : f32) outs(%e : tensor<64x32xf32>) -> tensor<64x32xf32>
  %mm = linalg.matmul {kiln.tiling = [array<i64: 32, 0, 0>, array<i64: 4, 32, 1>]}
      ins(%a, %b : tensor<64x8xf32>, tensor<8x32xf32>) outs(%init : tensor<64x32xf32>) -> tensor<64x32xf32>
  return %mm : tensor<64x32xf32>
}

// -----

// Four reduction slices (K = 16 by 4): the first (from the bias) and the
// last (with relu) are peeled off the slice loop; the two between stay in
// it and go through the block.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @four_slices
// CHECK:         scf.forall
// CHECK:           %[[FIRST:.+]] = scf.for %{{.+}} = %c0 to %c32 step %c4
// CHECK:             vector.broadcast
// CHECK:             vector.contract
// CHECK:           %[[MID:.+]] = scf.for %{{.+}} = %c4 to %c12 step %c4 iter_args(%{{.+}} = %[[FIRST]])
// CHECK:             scf.for
// CHECK:               vector.transfer_read
// CHECK:               vector.contract
// CHECK-NOT:           arith.maximumf
// CHECK:           scf.for %{{.+}} = %c0 to %c32 step %c4 iter_args(%{{.+}} = %[[MID]])
// CHECK:             vector.contract
// CHECK:             arith.maximumf {{.*}} : vector<4x32xf32>
// CHECK-NOT:     linalg.
func.func @four_slices(%a: tensor<64x16xf32>, %b: tensor<16x32xf32>, %bias: tensor<32xf32>) -> tensor<64x32xf32> {
  %e = tensor.empty() : tensor<64x32xf32>
  %c0 = arith.constant 0.0 : f32
  %init = linalg.generic {indexing_maps = [#col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%bias : tensor<32xf32>) outs(%e : tensor<64x32xf32>)
      attrs = {kiln.tiling = [array<i64: 1, 0>, array<i64: 1, 32>]} {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<64x32xf32>
  %mm = linalg.matmul {kiln.tiling = [array<i64: 32, 0, 0>, array<i64: 0, 0, 4>, array<i64: 4, 32, 1>]}
      ins(%a, %b : tensor<64x16xf32>, tensor<16x32xf32>) outs(%init : tensor<64x32xf32>) -> tensor<64x32xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<64x32xf32>) outs(%e : tensor<64x32xf32>)
      attrs = {kiln.tiling = [array<i64: 1, 0>, array<i64: 1, 16>]} {
  ^bb0(%p: f32, %o: f32):
    %m = arith.maximumf %p, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<64x32xf32>
  return %r : tensor<64x32xf32>
}

// -----

// A register level that tiles no parallel loop (one 32 x 32 tile per
// block) cannot fuse the init or the epilogue: the sliced group keeps
// its bias and relu passes over the block instead of failing.
// CHECK-LABEL: func.func @slices_no_register_rows
// CHECK:         scf.forall
// CHECK:           vector.transfer_write {{.*}} : vector<1x16xf32>
// CHECK:           vector.contract {{.*}} into vector<32x32xf32>
// CHECK:           arith.maximumf {{.*}} : vector<1x16xf32>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @slices_no_register_rows(%a: tensor<64x8xf32>, %b: tensor<8x32xf32>, %bias: tensor<32xf32>) -> tensor<64x32xf32> {
  %e = tensor.empty() : tensor<64x32xf32>
  %c0 = arith.constant 0.0 : f32
  %init = linalg.generic {indexing_maps = [#col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%bias : tensor<32xf32>) outs(%e : tensor<64x32xf32>)
      attrs = {kiln.tiling = [array<i64: 1, 0>, array<i64: 1, 32>]} {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<64x32xf32>
  %mm = linalg.matmul {kiln.tiling = [array<i64: 32, 0, 0>, array<i64: 0, 0, 4>, array<i64: 0, 0, 1>]}
      ins(%a, %b : tensor<64x8xf32>, tensor<8x32xf32>) outs(%init : tensor<64x32xf32>) -> tensor<64x32xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<64x32xf32>) outs(%e : tensor<64x32xf32>)
      attrs = {kiln.tiling = [array<i64: 1, 0>, array<i64: 1, 16>]} {
  ^bb0(%p: f32, %o: f32):
    %m = arith.maximumf %p, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<64x32xf32>
  return %r : tensor<64x32xf32>
}

// -----

// A reduction over the outer dimension whose strategy has no first level
// (a small op: [0, 0]) fuses its fill at the register level without a
// first-level loop (it failed as "an op of a fusion group was not fused").
// CHECK-LABEL: func.func @column_sum_no_first_level
// CHECK-NOT:     scf.forall
// CHECK-NOT:     linalg.fill
// CHECK:         %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK:         scf.for
// CHECK:           scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]]) -> (vector<4xf32>)
// CHECK:             vector.transfer_read {{.*}} : tensor<10x100xf32>, vector<1x4xf32>
// CHECK:             vector.multi_reduction <add>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @column_sum_no_first_level(%a: tensor<10x100xf32>) -> tensor<100xf32> {
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<100xf32>
  %f = linalg.fill ins(%c0 : f32) outs(%e : tensor<100xf32>) -> tensor<100xf32>
  %s = linalg.generic {indexing_maps = [#id2, #col], iterator_types = ["reduction", "parallel"]}
      ins(%a : tensor<10x100xf32>) outs(%f : tensor<100xf32>)
      attrs = {kiln.tiling = [array<i64: 0, 0>, array<i64: 1, 4>]} {
  ^bb0(%in: f32, %o: f32):
    %r = arith.addf %in, %o : f32
    linalg.yield %r : f32
  } -> tensor<100xf32>
  return %s : tensor<100xf32>
}
