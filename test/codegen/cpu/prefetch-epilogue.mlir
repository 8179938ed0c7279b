// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-cpu-prefetch-epilogue))' | FileCheck %s

// A 2x32 register tile of a 1x1 convolution with a residual: the epilogue
// reads the residual tile and writes the output tile at a row computed after
// the reduction. Before the reduction, that row is computed again, and a
// loop over each tile's 2 rows x 2 lines (32 f32 = 128 bytes) prefetches
// them: line j at row + j / 2, column (j % 2) * 16; reads for the
// residual, writes for the output.
// CHECK-DAG:   #[[$ROWS:.+]] = affine_map<(d0)[s0] -> ((d0 floordiv 2) mod 2 + s0)>
// CHECK-DAG:   #[[$COLS:.+]] = affine_map<(d0)[s0] -> ((d0 mod 2) * 16 + s0)>
#row = affine_map<()[s0, s1] -> (s0 + s1)>
// CHECK-LABEL: func.func @residual
// CHECK-SAME:    (%[[A:.+]]: memref<64x16xf32>, %[[B:.+]]: memref<16x32xf32>, %[[RES:.+]]: memref<64x32xf32>, %[[OUT:.+]]: memref<64x32xf32>, %[[M:.+]]: index, %[[I:.+]]: index
// CHECK:         %[[R:.+]] = affine.apply #{{.+}}()[%[[M]], %[[I]]]
// CHECK:         %[[FOUR:.+]] = arith.constant 4 : index
// CHECK-NEXT:    scf.for %[[J:.+]] = %{{.+}} to %[[FOUR]] step
// CHECK-NEXT:      %[[Y:.+]] = affine.apply #[[$ROWS]](%[[J]])[%[[R]]]
// CHECK-NEXT:      %[[X:.+]] = affine.apply #[[$COLS]](%[[J]])[%{{.+}}]
// CHECK-NEXT:      memref.prefetch %[[RES]][%[[Y]], %[[X]]], read, locality<3>, data
// CHECK:         scf.for %[[J2:.+]] = %{{.+}} to %{{.+}} step
// CHECK-NEXT:      %[[Y2:.+]] = affine.apply #[[$ROWS]](%[[J2]])[%[[R]]]
// CHECK-NEXT:      %[[X2:.+]] = affine.apply #[[$COLS]](%[[J2]])[%{{.+}}]
// CHECK-NEXT:      memref.prefetch %[[OUT]][%[[Y2]], %[[X2]]], write, locality<3>, data
// CHECK-NOT:     memref.prefetch
// CHECK:         scf.for {{.*}} iter_args
// CHECK-NOT:       memref.prefetch
// CHECK:         }
// CHECK:         affine.apply
// CHECK:         vector.transfer_read %[[RES]]
// CHECK:         vector.transfer_write %{{.+}}, %[[OUT]]
func.func @residual(%a: memref<64x16xf32>, %b: memref<16x32xf32>,
                    %res: memref<64x32xf32>, %out: memref<64x32xf32>,
                    %m: index, %i: index, %init: vector<2x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %f0 = arith.constant 0.0 : f32
  %acc = scf.for %k = %c0 to %c16 step %c1 iter_args(%x = %init) -> (vector<2x32xf32>) {
    %r = affine.apply #row()[%m, %i]
    %va = vector.transfer_read %a[%r, %k], %f0 {in_bounds = [true, true]} : memref<64x16xf32>, vector<2x1xf32>
    %vb = vector.transfer_read %b[%k, %c0], %f0 {in_bounds = [true, true]} : memref<16x32xf32>, vector<1x32xf32>
    %y = vector.contract {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %va, %vb, %x : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
    scf.yield %y : vector<2x32xf32>
  }
  %r = affine.apply #row()[%m, %i]
  %vr = vector.transfer_read %res[%r, %c0], %f0 {in_bounds = [true, true]} : memref<64x32xf32>, vector<2x32xf32>
  %sum = arith.addf %acc, %vr : vector<2x32xf32>
  vector.transfer_write %sum, %out[%r, %c0] {in_bounds = [true, true]} : vector<2x32xf32>, memref<64x32xf32>
  return
}

// -----

// One reduction slice of several: the accumulators start from the output
// tile (read before the loop, so in cache) and go back to it; nothing to
// prefetch. A loop that carries no vectors (a plain row loop) is not a
// register tile.
// CHECK-LABEL: func.func @slice
// CHECK-NOT:     memref.prefetch
func.func @slice(%a: memref<8x16xf32>, %b: memref<16x32xf32>,
                 %c: memref<8x32xf32>, %i: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %f0 = arith.constant 0.0 : f32
  %init = vector.transfer_read %c[%i, %c0], %f0 {in_bounds = [true]} : memref<8x32xf32>, vector<32xf32>
  %acc = scf.for %k = %c0 to %c16 step %c1 iter_args(%x = %init) -> (vector<32xf32>) {
    %s = memref.load %a[%i, %k] : memref<8x16xf32>
    %va = vector.broadcast %s : f32 to vector<32xf32>
    %vb = vector.transfer_read %b[%k, %c0], %f0 {in_bounds = [true]} : memref<16x32xf32>, vector<32xf32>
    %y = vector.fma %va, %vb, %x : vector<32xf32>
    scf.yield %y : vector<32xf32>
  }
  vector.transfer_write %acc, %c[%i, %c0] {in_bounds = [true]} : vector<32xf32>, memref<8x32xf32>
  scf.for %j = %c0 to %c16 step %c1 {
    %v = vector.transfer_read %b[%j, %c0], %f0 {in_bounds = [true]} : memref<16x32xf32>, vector<32xf32>
    vector.transfer_write %v, %c[%i, %c0] {in_bounds = [true]} : vector<32xf32>, memref<8x32xf32>
  }
  return
}

// -----

// The epilogue writes through a view made after the reduction: the view is
// made again before the loop for the prefetches. A memref allocated after
// the loop cannot be, and gets none.
// CHECK-LABEL: func.func @view_after
// CHECK:         %[[V:.+]] = memref.subview %{{.+}}[%{{.+}}, 0] [1, 16] [1, 1]
// CHECK:         scf.for
// CHECK-NEXT:      memref.prefetch %[[V]][%{{.+}}, %{{.+}}], write, locality<3>, data
// CHECK-NOT:     memref.prefetch
// CHECK:         scf.for
func.func @view_after(%out: memref<8x16xf32>, %i: index, %init: vector<16xf32>) -> memref<16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %acc = scf.for %k = %c0 to %c4 step %c1 iter_args(%x = %init) -> (vector<16xf32>) {
    %y = arith.addf %x, %x : vector<16xf32>
    scf.yield %y : vector<16xf32>
  }
  %row = memref.subview %out[%i, 0] [1, 16] [1, 1] : memref<8x16xf32> to memref<1x16xf32, strided<[16, 1], offset: ?>>
  vector.transfer_write %acc, %row[%c0, %c0] {in_bounds = [true]} : vector<16xf32>, memref<1x16xf32, strided<[16, 1], offset: ?>>
  %fresh = memref.alloc() : memref<16xf32>
  vector.transfer_write %acc, %fresh[%c0] {in_bounds = [true]} : vector<16xf32>, memref<16xf32>
  return %fresh : memref<16xf32>
}
