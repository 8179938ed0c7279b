// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -mlir-print-local-scope | FileCheck %s
// Binary ops become one parallel linalg.generic whose indexing maps broadcast
// by numpy rules; unary ops become a generic with the scalar function; constants
// become arith.constant; identity disappears.

// CHECK-LABEL: func.func @add_trailing_broadcast
// CHECK-SAME: (%[[LHS:.+]]: tensor<2x3xf32>, %[[RHS:.+]]: tensor<3xf32>)
func.func @add_trailing_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[INIT:.+]] = tensor.empty() : tensor<2x3xf32>
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel"]
  // CHECK-SAME: ins(%[[LHS]], %[[RHS]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[INIT]] : tensor<2x3xf32>)
  // CHECK: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
  // CHECK: %[[SUM:.+]] = arith.addf %[[A]], %[[B]] : f32
  // CHECK: linalg.yield %[[SUM]] : f32
  // CHECK-NOT: kiln.
  // CHECK: return %[[R]]
  %0 = kiln.add %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A size-1 dimension that stretches reads index 0.
// CHECK-LABEL: func.func @sub_unit_dim
// CHECK-SAME: (%[[LHS:.+]]: tensor<2x3xf32>, %[[RHS:.+]]: tensor<2x1xf32>)
func.func @sub_unit_dim(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x3xf32> {
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: ins(%[[LHS]], %[[RHS]] : tensor<2x3xf32>, tensor<2x1xf32>)
  // CHECK: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
  // CHECK: arith.subf %[[A]], %[[B]] : f32
  %0 = kiln.sub %a, %b : tensor<2x3xf32>, tensor<2x1xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Both operands broadcast: [3, 1] x [1, 4] -> [3, 4].
// CHECK-LABEL: func.func @mul_outer
// CHECK-SAME: (%[[LHS:.+]]: tensor<3x1xf32>, %[[RHS:.+]]: tensor<1x4xf32>)
func.func @mul_outer(%a: tensor<3x1xf32>, %b: tensor<1x4xf32>) -> tensor<3x4xf32> {
  // CHECK: %[[INIT:.+]] = tensor.empty() : tensor<3x4xf32>
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (0, d1)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: ins(%[[LHS]], %[[RHS]] : tensor<3x1xf32>, tensor<1x4xf32>) outs(%[[INIT]] : tensor<3x4xf32>)
  // CHECK: arith.mulf
  %0 = kiln.mul %a, %b : tensor<3x1xf32>, tensor<1x4xf32> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func.func @div_max_min
func.func @div_max_min(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // CHECK: linalg.generic
  // CHECK: arith.divf
  %0 = kiln.div %a, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  // NaN-propagating max/min: maximumf/minimumf, not maxnumf/minnumf.
  // CHECK: linalg.generic
  // CHECK: arith.maximumf
  %1 = kiln.max %a, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: arith.minimumf
  %2 = kiln.min %a, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @relu
// CHECK-SAME: (%[[X:.+]]: tensor<1x8xf32>)
func.func @relu(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: ins(%[[X]] : tensor<1x8xf32>)
  // CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
  // CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[MAX:.+]] = arith.maximumf %[[IN]], %[[ZERO]] : f32
  // CHECK: linalg.yield %[[MAX]]
  %0 = kiln.relu %x : tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}

// -----

// CHECK-LABEL: func.func @sigmoid_f16
func.func @sigmoid_f16(%x: tensor<4xf16>) -> tensor<4xf16> {
  // CHECK: ^bb0(%[[IN:.+]]: f16, %{{.+}}: f16):
  // CHECK: %[[NEG:.+]] = arith.negf %[[IN]] : f16
  // CHECK: %[[EXP:.+]] = math.exp %[[NEG]] : f16
  // CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f16
  // CHECK: %[[DEN:.+]] = arith.addf %[[ONE]], %[[EXP]] : f16
  // CHECK: %[[R:.+]] = arith.divf %[[ONE]], %[[DEN]] : f16
  // CHECK: linalg.yield %[[R]] : f16
  %0 = kiln.sigmoid %x : tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// CHECK-LABEL: func.func @unary_math
func.func @unary_math(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: linalg.generic
  // CHECK: math.tanh
  %0 = kiln.tanh %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.exp
  %1 = kiln.exp %0 : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.log
  %2 = kiln.log %1 : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: math.sqrt
  %3 = kiln.sqrt %2 : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: arith.negf
  %4 = kiln.neg %3 : tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
func.func @identity(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NEXT: return %[[X]] : tensor<4xf32>
  %0 = kiln.identity %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Constants keep their value, including resource-backed weights.
// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<4xf32>, tensor<2xi64>) {
  // CHECK: %[[W:.+]] = arith.constant dense_resource<weights> : tensor<4xf32>
  %0 = kiln.constant dense_resource<weights> : tensor<4xf32>
  // CHECK: %[[S:.+]] = arith.constant dense<[1, 2]> : tensor<2xi64>
  %1 = kiln.constant dense<[1, 2]> : tensor<2xi64>
  // CHECK: return %[[W]], %[[S]]
  return %0, %1 : tensor<4xf32>, tensor<2xi64>
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
