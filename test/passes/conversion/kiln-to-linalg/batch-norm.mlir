// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -mlir-print-local-scope | FileCheck %s
// Batch-norm becomes one parallel generic that reads the four parameters
// along the channel axis: (x - mean) * (scale / sqrt(var + eps)) + bias.

// CHECK-LABEL: func.func @batch_norm_nchw
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x2x2xf32>, %[[SCALE:.+]]: tensor<4xf32>, %[[BIAS:.+]]: tensor<4xf32>, %[[MEAN:.+]]: tensor<4xf32>, %[[VAR:.+]]: tensor<4xf32>)
func.func @batch_norm_nchw(%x: tensor<1x4x2x2xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x2x2xf32> {
  // CHECK: %[[INIT:.+]] = tensor.empty() : tensor<1x4x2x2xf32>
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
  // CHECK-SAME: ins(%[[X]], %[[SCALE]], %[[BIAS]], %[[MEAN]], %[[VAR]] : tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%[[INIT]] : tensor<1x4x2x2xf32>)
  // CHECK: ^bb0(%[[XV:.+]]: f32, %[[SV:.+]]: f32, %[[BV:.+]]: f32, %[[MV:.+]]: f32, %[[VV:.+]]: f32, %{{.+}}: f32):
  // CHECK: %[[EPS:.+]] = arith.constant 1.000000e-03 : f32
  // CHECK: %[[VE:.+]] = arith.addf %[[VV]], %[[EPS]] : f32
  // CHECK: %[[STD:.+]] = math.sqrt %[[VE]] : f32
  // CHECK: %[[INV:.+]] = arith.divf %[[SV]], %[[STD]] : f32
  // CHECK: %[[CENTERED:.+]] = arith.subf %[[XV]], %[[MV]] : f32
  // CHECK: %[[SCALED:.+]] = arith.mulf %[[CENTERED]], %[[INV]] : f32
  // CHECK: %[[Y:.+]] = arith.addf %[[SCALED]], %[[BV]] : f32
  // CHECK: linalg.yield %[[Y]] : f32
  // CHECK: return %[[R]]
  %0 = kiln.batch_norm %x, %s, %b, %m, %v {axis = 1 : i64, epsilon = 1.0e-3 : f32}
         : tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32> -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

// Channels-last: the parameters index the last dimension.
// CHECK-LABEL: func.func @batch_norm_channels_last
func.func @batch_norm_channels_last(%x: tensor<1x2x2x4xf32>, %p: tensor<4xf32>) -> tensor<1x2x2x4xf32> {
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
  // CHECK: arith.constant 9.99999974E-6 : f32
  %0 = kiln.batch_norm %x, %p, %p, %p, %p {axis = 3 : i64, epsilon = 1.0e-5 : f32}
         : tensor<1x2x2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32> -> tensor<1x2x2x4xf32>
  return %0 : tensor<1x2x2x4xf32>
}

// -----

// f16 computes in f16; epsilon is converted to the element type.
// CHECK-LABEL: func.func @batch_norm_f16
func.func @batch_norm_f16(%x: tensor<2x3xf16>, %p: tensor<3xf16>) -> tensor<2x3xf16> {
  // CHECK: ^bb0(%{{.+}}: f16, %{{.+}}: f16, %{{.+}}: f16, %{{.+}}: f16, %[[VV:.+]]: f16, %{{.+}}: f16):
  // CHECK: %[[EPS:.+]] = arith.constant 5.000000e-01 : f16
  // CHECK: arith.addf %[[VV]], %[[EPS]] : f16
  %0 = kiln.batch_norm %x, %p, %p, %p, %p {axis = 1 : i64, epsilon = 0.5 : f32}
         : tensor<2x3xf16>, tensor<3xf16>, tensor<3xf16>, tensor<3xf16>, tensor<3xf16> -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}
