// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(kiln-memory-lower-copies))' | FileCheck %s
// memref.copy becomes linalg.copy, which lowers to loops instead of a call to
// the C runner library's memrefCopy.

// CHECK-LABEL: func.func @contiguous
// CHECK-SAME: (%[[SRC:.+]]: memref<4x8xf32>, %[[DST:.+]]: memref<4x8xf32>)
func.func @contiguous(%src: memref<4x8xf32>, %dst: memref<4x8xf32>) {
  // CHECK-NOT: memref.copy
  // CHECK: linalg.copy ins(%[[SRC]] : memref<4x8xf32>) outs(%[[DST]] : memref<4x8xf32>)
  memref.copy %src, %dst : memref<4x8xf32> to memref<4x8xf32>
  return
}

// -----

// A copy into a strided window of a padded buffer.
// CHECK-LABEL: func.func @into_subview
// CHECK-SAME: (%[[SRC:.+]]: memref<1x3x8x8xf32>, %[[PADDED:.+]]: memref<1x3x10x10xf32>)
func.func @into_subview(%src: memref<1x3x8x8xf32>, %padded: memref<1x3x10x10xf32>) {
  // CHECK: %[[WINDOW:.+]] = memref.subview %[[PADDED]][0, 0, 1, 1] [1, 3, 8, 8] [1, 1, 1, 1]
  %window = memref.subview %padded[0, 0, 1, 1] [1, 3, 8, 8] [1, 1, 1, 1]
      : memref<1x3x10x10xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
  // CHECK-NOT: memref.copy
  // CHECK: linalg.copy ins(%[[SRC]] : memref<1x3x8x8xf32>) outs(%[[WINDOW]] : memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>)
  memref.copy %src, %window : memref<1x3x8x8xf32> to memref<1x3x8x8xf32, strided<[300, 100, 10, 1], offset: 11>>
  return
}

// -----

// Copies nested in loops are rewritten too.
// CHECK-LABEL: func.func @nested
func.func @nested(%src: memref<8xf16>, %dst: memref<8xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  // CHECK: scf.for
  // CHECK-NEXT: linalg.copy ins(%{{.+}} : memref<8xf16>) outs(%{{.+}} : memref<8xf16>)
  // CHECK-NOT: memref.copy
  scf.for %i = %c0 to %c2 step %c1 {
    memref.copy %src, %dst : memref<8xf16> to memref<8xf16>
  }
  return
}
