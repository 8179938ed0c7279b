// RUN: kiln-opt %s -split-input-file -verify-diagnostics
// A negative softmax axis is rejected and the message shows the axis as the
// user wrote it (kept apart from invalid.mlir so a wrong message here does not
// hide the other verifier cases).

func.func @softmax_negative_axis(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  // expected-error @+1 {{'kiln.softmax' op axis -1 is out of range for rank 2}}
  %0 = kiln.softmax %x {axis = -1 : i64} : tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

func.func @softmax_negative_axis_3d(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{'kiln.softmax' op axis -3 is out of range for rank 3}}
  %0 = kiln.softmax %x {axis = -3 : i64} : tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}
