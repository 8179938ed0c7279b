// RUN: kiln-opt %s -kiln-fused-pipeline -verify-diagnostics
// The fused phase fails, naming the op, when a kiln op cannot be lowered
// (here a dynamic shape no pattern accepts).

func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{failed to legalize operation 'kiln.sigmoid' that was explicitly marked illegal}}
  %0 = kiln.sigmoid %x : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
