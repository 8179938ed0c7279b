// RUN: kiln-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(kiln-cpu-prefetch-weights))' | FileCheck %s

// A register tile's reduction loop over a 128-row slice of a packed weight
// panel (64 columns = 256 bytes a row): each row read is accompanied by
// four L2 prefetches (one per 64-byte line) of the row 128 further on, the
// same rows of the next slice, clamped to the panel's last row.
#ahead = affine_map<()[s0, s1] -> (s0 + s1)>
memref.global "private" constant @w : memref<4x768x64xf32> = dense<1.0>
// CHECK-LABEL: func.func @slice
// CHECK:         memref.get_global @w
// CHECK-NEXT:    %[[D:.+]] = arith.constant 128 : index
// CHECK-NEXT:    %[[LAST:.+]] = arith.constant 767 : index
// CHECK:         scf.for
// CHECK:           %[[ROW:.+]] = affine.apply
// CHECK:           %[[NEXT:.+]] = arith.addi %[[ROW]], %[[D]]
// CHECK:           %[[CLAMPED:.+]] = arith.minsi %[[NEXT]], %[[LAST]]
// CHECK:           memref.prefetch %{{.+}}[%{{.+}}, %[[CLAMPED]], %{{.+}}], read, locality<2>, data
// CHECK-COUNT-3:   memref.prefetch %{{.+}}[%{{.+}}, %[[CLAMPED]], %{{.+}}], read, locality<2>, data
// CHECK-NOT:       memref.prefetch
// CHECK:           vector.transfer_read
func.func @slice(%p: index, %s: index, %acc: vector<64xf32>) -> vector<64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  %f0 = arith.constant 0.0 : f32
  %w = memref.get_global @w : memref<4x768x64xf32>
  %r = scf.for %k = %c0 to %c128 step %c1 iter_args(%a = %acc) -> (vector<64xf32>) {
    %row = affine.apply #ahead()[%s, %k]
    %b = vector.transfer_read %w[%p, %row, %c0], %f0 {in_bounds = [true]} : memref<4x768x64xf32>, vector<64xf32>
    %n = arith.addf %a, %b : vector<64xf32>
    scf.yield %n : vector<64xf32>
  }
  return %r : vector<64xf32>
}

// -----

// Activations (a function argument, not a constant global) and a loop that
// spans a whole small dimension (a 3-tap filter) get no prefetch.
memref.global "private" constant @taps : memref<3x16xf32> = dense<1.0>
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT:     memref.prefetch
func.func @left_alone(%x: memref<64x16xf32>, %acc: vector<16xf32>) -> vector<16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c64 = arith.constant 64 : index
  %f0 = arith.constant 0.0 : f32
  %t = memref.get_global @taps : memref<3x16xf32>
  %r = scf.for %k = %c0 to %c3 step %c1 iter_args(%a = %acc) -> (vector<16xf32>) {
    %v = vector.transfer_read %t[%k, %c0], %f0 {in_bounds = [true]} : memref<3x16xf32>, vector<16xf32>
    %n = arith.addf %a, %v : vector<16xf32>
    scf.yield %n : vector<16xf32>
  }
  %r2 = scf.for %i = %c0 to %c64 step %c1 iter_args(%a = %r) -> (vector<16xf32>) {
    %v = vector.transfer_read %x[%i, %c0], %f0 {in_bounds = [true]} : memref<64x16xf32>, vector<16xf32>
    %n = arith.addf %a, %v : vector<16xf32>
    scf.yield %n : vector<16xf32>
  }
  return %r2 : vector<16xf32>
}
