// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s
// The index ops (KilnIndexOps.td) print and parse back to themselves;
// defaulted attributes stay elided and given ones survive.

// CHECK-LABEL: func.func @arg_reduce
func.func @arg_reduce(%x: tensor<2x10xf32>, %i: tensor<3x4xi32>) -> (tensor<2x1xi64>, tensor<10xi64>, tensor<3xi64>) {
  // CHECK: kiln.arg_max %{{.+}} {axis = 1 : i64, keep_dims = true} : tensor<2x10xf32> -> tensor<2x1xi64>
  %0 = kiln.arg_max %x {axis = 1 : i64, keep_dims = true} : tensor<2x10xf32> -> tensor<2x1xi64>
  // CHECK: kiln.arg_min %{{.+}} {axis = 0 : i64, select_last_index = true} : tensor<2x10xf32> -> tensor<10xi64>
  %1 = kiln.arg_min %x {axis = 0 : i64, select_last_index = true} : tensor<2x10xf32> -> tensor<10xi64>
  // CHECK: kiln.arg_max %{{.+}} {axis = 1 : i64} : tensor<3x4xi32> -> tensor<3xi64>
  %2 = kiln.arg_max %i {axis = 1 : i64} : tensor<3x4xi32> -> tensor<3xi64>
  return %0, %1, %2 : tensor<2x1xi64>, tensor<10xi64>, tensor<3xi64>
}

// -----

// CHECK-LABEL: func.func @arg_top_k
func.func @arg_top_k(%x: tensor<2x10xf32>) -> (tensor<2x3xi64>, tensor<2x10xi64>) {
  // CHECK: kiln.arg_top_k %{{.+}} {axis = 1 : i64, k = 3 : i64} : tensor<2x10xf32> -> tensor<2x3xi64>
  %0 = kiln.arg_top_k %x {axis = 1 : i64, k = 3 : i64} : tensor<2x10xf32> -> tensor<2x3xi64>
  // CHECK: kiln.arg_top_k %{{.+}} {axis = 1 : i64, k = 10 : i64, largest = false} : tensor<2x10xf32> -> tensor<2x10xi64>
  %1 = kiln.arg_top_k %x {axis = 1 : i64, k = 10 : i64, largest = false} : tensor<2x10xf32> -> tensor<2x10xi64>
  return %0, %1 : tensor<2x3xi64>, tensor<2x10xi64>
}

// -----

// CHECK-LABEL: func.func @gathers
func.func @gathers(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>, %d: tensor<2x2x3xf32>, %n: tensor<2x1xi32>) -> (tensor<3x2xf32>, tensor<2x3xf32>) {
  // CHECK: kiln.gather_elements %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  %0 = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  // CHECK: kiln.gather_nd %{{.+}}, %{{.+}} {batch_dims = 1 : i64} : (tensor<2x2x3xf32>, tensor<2x1xi32>) -> tensor<2x3xf32>
  %1 = kiln.gather_nd %d, %n {batch_dims = 1 : i64} : (tensor<2x2x3xf32>, tensor<2x1xi32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @scatters
func.func @scatters(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>,
                    %n: tensor<2x1xi64>, %v: tensor<2x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>) {
  // CHECK: kiln.scatter_elements %{{.+}}, %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x4xf32>
  %0 = kiln.scatter_elements %x, %i, %u {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.scatter_elements %{{.+}}, %{{.+}}, %{{.+}} {axis = 1 : i64, reduction = #kiln.scatter_reduction<max>}
  %1 = kiln.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = #kiln.scatter_reduction<max>} : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.scatter_nd %{{.+}}, %{{.+}}, %{{.+}} {reduction = #kiln.scatter_reduction<mul>} : (tensor<3x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  %2 = kiln.scatter_nd %x, %n, %v {reduction = #kiln.scatter_reduction<mul>} : (tensor<3x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %0, %1, %2 : tensor<3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func.func @cumsum
func.func @cumsum(%x: tensor<5xf32>, %y: tensor<2x3xi64>) -> (tensor<5xf32>, tensor<2x3xi64>) {
  // CHECK: kiln.cumsum %{{.+}} {axis = 0 : i64} : tensor<5xf32>
  %0 = kiln.cumsum %x {axis = 0 : i64} : tensor<5xf32>
  // CHECK: kiln.cumsum %{{.+}} {axis = 1 : i64, exclusive = true, reverse = true} : tensor<2x3xi64>
  %1 = kiln.cumsum %y {axis = 1 : i64, exclusive = true, reverse = true} : tensor<2x3xi64>
  return %0, %1 : tensor<5xf32>, tensor<2x3xi64>
}
