// RUN: kiln-opt %s -split-input-file -verify-diagnostics -kiln-verify-linalg | FileCheck %s
// The end of the fused phase: any surviving kiln op is an error naming it;
// IR without kiln ops passes unchanged.

// CHECK-LABEL: func.func @lowered
// CHECK: linalg.matmul
func.func @lowered(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>, %c: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<2x4xf32>, tensor<4x3xf32>) outs(%c : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @survivor(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'kiln.relu' could not be lowered to linalg}}
  %0 = kiln.relu %x : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Every survivor is reported, not only the first.
func.func @several(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'kiln.identity' could not be lowered to linalg}}
  %0 = kiln.identity %x : tensor<?x4xf32>
  // expected-error @+1 {{'kiln.softmax' could not be lowered to linalg}}
  %1 = kiln.softmax %0 {axis = 1 : i64} : tensor<?x4xf32>
  return %1 : tensor<?x4xf32>
}

// -----

// Ops nested in regions are found too.
func.func @nested(%x: tensor<4xf32>, %n: index) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> (tensor<4xf32>) {
    // expected-error @+1 {{'kiln.exp' could not be lowered to linalg}}
    %e = kiln.exp %acc : tensor<4xf32>
    scf.yield %e : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
