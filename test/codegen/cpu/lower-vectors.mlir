// RUN: kiln-opt %s --pass-pipeline='builtin.module(func.func(kiln-cpu-lower-vectors))' | FileCheck %s

// A 2x8x1 register tile: the column of A is broadcast element by element
// and multiplied into the row of B with one FMA per accumulator row; the
// 2-D accumulator is stored as 1-D rows.
// CHECK-LABEL: func.func @tile
// CHECK-NOT:     vector.contract
// CHECK-NOT:     vector.transfer_read
// CHECK:         %[[B:.+]] = vector.load %{{.*}} : memref<8x8xf32>, vector<8xf32>
// CHECK:         %[[A0:.+]] = vector.broadcast %{{.*}} : f32 to vector<8xf32>
// CHECK:         vector.fma %[[A0]], %[[B]], %{{.*}} : vector<8xf32>
// CHECK:         vector.fma %{{.*}}, %[[B]], %{{.*}} : vector<8xf32>
// CHECK-NOT:     vector.transfer_write
// CHECK:         vector.store %{{.*}} : memref<2x8xf32>, vector<8xf32>
// CHECK:         vector.store %{{.*}} : memref<2x8xf32>, vector<8xf32>
#lhs = affine_map<(m, n, k) -> (m, k)>
#rhs = affine_map<(m, n, k) -> (k, n)>
#out = affine_map<(m, n, k) -> (m, n)>
func.func @tile(%a: memref<2x8xf32>, %b: memref<8x8xf32>, %c: memref<2x8xf32>, %k: index) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %acc = vector.transfer_read %c[%c0, %c0], %pad {in_bounds = [true, true]} : memref<2x8xf32>, vector<2x8xf32>
  %x = vector.transfer_read %a[%c0, %k], %pad {in_bounds = [true, true]} : memref<2x8xf32>, vector<2x1xf32>
  %y = vector.transfer_read %b[%k, %c0], %pad {in_bounds = [true, true]} : memref<8x8xf32>, vector<1x8xf32>
  %r = vector.contract {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>}
      %x, %y, %acc : vector<2x1xf32>, vector<1x8xf32> into vector<2x8xf32>
  vector.transfer_write %r, %c[%c0, %c0] {in_bounds = [true, true]} : vector<2x8xf32>, memref<2x8xf32>
  return
}

// A transpose tile (8 input rows of 8 channels read as vectors, with a unit
// dimension between them) loses its unit dimensions and becomes one shuffle
// of the rows (LLVM lowers it to unpack/permute instructions): no
// element-by-element extracts and inserts.
// CHECK-LABEL: func.func @transpose_tile
// CHECK-COUNT-8: vector.load {{.*}} : memref<1x8x1x8xf32>, vector<8xf32>
// CHECK-NOT:     vector.extract %
// CHECK:         vector.shuffle %{{.+}}, %{{.+}} [0, 8, 16, 24, 32, 40, 48, 56, 1, 9,
// CHECK-NOT:     vector.extract %
// CHECK-COUNT-8: vector.store {{.*}} : memref<1x1x8x8xf32>, vector<8xf32>
func.func @transpose_tile(%in: memref<1x8x1x8xf32>, %out: memref<1x1x8x8xf32>) {
  %c0 = arith.constant 0 : index
  %p = ub.poison : f32
  %v = vector.transfer_read %in[%c0, %c0, %c0, %c0], %p {in_bounds = [true, true, true, true]} : memref<1x8x1x8xf32>, vector<1x8x1x8xf32>
  %t = vector.transpose %v, [0, 2, 3, 1] : vector<1x8x1x8xf32> to vector<1x1x8x8xf32>
  vector.transfer_write %t, %out[%c0, %c0, %c0, %c0] {in_bounds = [true, true, true, true]} : vector<1x1x8x8xf32>, memref<1x1x8x8xf32>
  return
}
