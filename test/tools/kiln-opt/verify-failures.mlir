// The phase contract checks fail loudly when something survived a phase.
// RUN: kiln-opt %s -verify-diagnostics --kiln-verify-linalg

func.func @kiln_left(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.relu' could not be lowered to linalg}}
  %0 = kiln.relu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
