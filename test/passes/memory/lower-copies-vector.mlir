// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kiln-memory-lower-copies{vector-bits=256}))' | FileCheck %s
// With a vector width, copies whose rows are whole vectors become a parallel
// loop over the rows and vector transfers along each row; the rest stay
// linalg.copy (lower-copies.mlir).

// An NHWC image into the interior of its padded buffer: rows of 48
// channels, copied 24 at a time (three 8-lane vectors; four, 32, do not
// divide 48).
// CHECK-LABEL: func.func @into_padded_nhwc
// CHECK-SAME: (%[[SRC:.+]]: memref<2x6x6x48xf32>, %[[PADDED:.+]]: memref<2x8x8x48xf32>)
// CHECK:       %[[WINDOW:.+]] = memref.subview %[[PADDED]][0, 1, 1, 0]
// CHECK:       scf.parallel (%[[N:.+]], %[[H:.+]], %[[W:.+]]) = (%c0, %c0, %c0) to (%c2, %c6, %c6) step (%c1, %c1, %c1)
// CHECK:         scf.for %[[C:.+]] = %c0 to %c48 step %c24
// CHECK:           %[[V:.+]] = vector.transfer_read %[[SRC]][%[[N]], %[[H]], %[[W]], %[[C]]]{{.*}}{in_bounds = [true]} : memref<2x6x6x48xf32>, vector<24xf32>
// CHECK:           vector.transfer_write %[[V]], %[[WINDOW]][%[[N]], %[[H]], %[[W]], %[[C]]] {in_bounds = [true]}
// CHECK-NOT:   memref.copy
// CHECK-NOT:   linalg.copy
func.func @into_padded_nhwc(%src: memref<2x6x6x48xf32>, %padded: memref<2x8x8x48xf32>) {
  %window = memref.subview %padded[0, 1, 1, 0] [2, 6, 6, 48] [1, 1, 1, 1]
      : memref<2x8x8x48xf32> to memref<2x6x6x48xf32, strided<[3072, 384, 48, 1], offset: 432>>
  memref.copy %src, %window : memref<2x6x6x48xf32> to memref<2x6x6x48xf32, strided<[3072, 384, 48, 1], offset: 432>>
  return
}

// -----

// Rows that are not whole vectors (3 channels), a strided innermost
// dimension, and f64 stay linalg.copy.
// CHECK-LABEL: func.func @not_rows
// CHECK-COUNT-3: linalg.copy
// CHECK-NOT:     vector.transfer
func.func @not_rows(%a: memref<4x3xf32>, %b: memref<4x3xf32>, %c: memref<4x8xf32, strided<[1, 4]>>, %d: memref<4x8xf32>,
                    %e: memref<4x8xf64>, %f: memref<4x8xf64>) {
  memref.copy %a, %b : memref<4x3xf32> to memref<4x3xf32>
  memref.copy %c, %d : memref<4x8xf32, strided<[1, 4]>> to memref<4x8xf32>
  memref.copy %e, %f : memref<4x8xf64> to memref<4x8xf64>
  return
}
