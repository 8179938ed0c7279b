// RUN: kiln-opt %s -kiln-fused-pipeline -mlir-print-local-scope | FileCheck %s
// The fused phase: kiln lowers to linalg on tensors, elementwise producers
// fuse into their consumers, and no kiln op is left.

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x4xf32> {kiln.name = "x"}) -> (tensor<2x3xf32> {kiln.name = "y"})
// CHECK-NOT: kiln.
func.func @main(%x: tensor<2x4xf32> {kiln.name = "x"}) -> (tensor<2x3xf32> {kiln.name = "y"}) {
  // CHECK-DAG: %[[W:.+]] = arith.constant dense<{{.+}}> : tensor<4x3xf32>
  // CHECK-DAG: %[[B:.+]] = arith.constant dense<[5.000000e-01, -5.000000e-01, 1.000000e+00]> : tensor<3xf32>
  // CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
  %w = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.0, 1.0, 1.0]]> : tensor<4x3xf32>
  %b = kiln.constant dense<[0.5, -0.5, 1.0]> : tensor<3xf32>
  // CHECK: %[[MM:.+]] = linalg.matmul ins(%[[X]], %[[W]] : tensor<2x4xf32>, tensor<4x3xf32>)
  %0 = kiln.matmul %x, %w : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  // Bias add and relu run as one loop nest.
  // CHECK: %[[ACT:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[MM]], %[[B]] : tensor<2x3xf32>, tensor<3xf32>)
  // CHECK: ^bb0(%[[V:.+]]: f32, %[[BV:.+]]: f32, %{{.+}}: f32):
  // CHECK-NEXT: %[[SUM:.+]] = arith.addf %[[V]], %[[BV]] : f32
  // CHECK-NEXT: %[[RELU:.+]] = arith.maximumf %[[SUM]], %[[ZERO]] : f32
  // CHECK-NEXT: linalg.yield %[[RELU]] : f32
  %1 = kiln.add %0, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %2 = kiln.relu %1 : tensor<2x3xf32>
  // Softmax stages: max, exp, sum, divide.
  // CHECK: %[[MAX:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]} ins(%[[ACT]] : tensor<2x3xf32>)
  // CHECK: arith.maximumf
  // CHECK: %[[EXP:.+]] = linalg.generic {{.+}} ins(%[[ACT]], %[[MAX]] : tensor<2x3xf32>, tensor<2xf32>)
  // CHECK: math.exp
  // CHECK: %[[SUMS:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]} ins(%[[EXP]] : tensor<2x3xf32>)
  // CHECK: %[[Y:.+]] = linalg.generic {{.+}} ins(%[[EXP]], %[[SUMS]] : tensor<2x3xf32>, tensor<2xf32>)
  // CHECK: arith.divf
  // CHECK: return %[[Y]] : tensor<2x3xf32>
  %3 = kiln.softmax %2 {axis = 1 : i64} : tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}
