// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg | FileCheck %s
// Reshapes become tensor.collapse_shape/expand_shape (through 1-D when no
// single one fits), transposes linalg.transpose, concats a chain of
// tensor.insert_slice into an empty tensor.

// CHECK-LABEL: func.func @reshape_collapse
// CHECK-SAME: (%[[X:.+]]: tensor<1x13x13x32xf32>)
func.func @reshape_collapse(%x: tensor<1x13x13x32xf32>) -> tensor<1x5408xf32> {
  // CHECK: %[[R:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1, 2, 3]] : tensor<1x13x13x32xf32> into tensor<1x5408xf32>
  // CHECK: return %[[R]]
  %0 = kiln.reshape %x : tensor<1x13x13x32xf32> -> tensor<1x5408xf32>
  return %0 : tensor<1x5408xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_expand
// CHECK-SAME: (%[[X:.+]]: tensor<6xf32>)
func.func @reshape_expand(%x: tensor<6xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[R:.+]] = tensor.expand_shape %[[X]] {{\[\[}}0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
  // CHECK: return %[[R]]
  %0 = kiln.reshape %x : tensor<6xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// [2, 3] -> [3, 2] is neither a collapse nor an expand: go through [6].
// CHECK-LABEL: func.func @reshape_through_flat
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
func.func @reshape_through_flat(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1]] : tensor<2x3xf32> into tensor<6xf32>
  // CHECK: %[[R:.+]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
  // CHECK: return %[[R]]
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_to_scalar
// CHECK-SAME: (%[[X:.+]]: tensor<1x1xf32>)
func.func @reshape_to_scalar(%x: tensor<1x1xf32>) -> tensor<f32> {
  // CHECK: %[[R:.+]] = tensor.collapse_shape %[[X]] [] : tensor<1x1xf32> into tensor<f32>
  // CHECK: return %[[R]]
  %0 = kiln.reshape %x : tensor<1x1xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @reshape_same_type
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
func.func @reshape_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK-NEXT: return %[[X]]
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.+]]: tensor<1x28x28x3xf32>)
func.func @transpose(%x: tensor<1x28x28x3xf32>) -> tensor<1x3x28x28xf32> {
  // CHECK: %[[INIT:.+]] = tensor.empty() : tensor<1x3x28x28xf32>
  // CHECK: %[[T:.+]] = linalg.transpose ins(%[[X]] : tensor<1x28x28x3xf32>) outs(%[[INIT]] : tensor<1x3x28x28xf32>) permutation = [0, 3, 1, 2]
  // CHECK: return %[[T]]
  %0 = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : tensor<1x28x28x3xf32> -> tensor<1x3x28x28xf32>
  return %0 : tensor<1x3x28x28xf32>
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.+]]: tensor<1x8x4x4xf32>, %[[B:.+]]: tensor<1x2x4x4xf32>, %[[C:.+]]: tensor<1x6x4x4xf32>)
func.func @concat(%a: tensor<1x8x4x4xf32>, %b: tensor<1x2x4x4xf32>, %c: tensor<1x6x4x4xf32>) -> tensor<1x16x4x4xf32> {
  // CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<1x16x4x4xf32>
  // CHECK: %[[S0:.+]] = tensor.insert_slice %[[A]] into %[[EMPTY]][0, 0, 0, 0] [1, 8, 4, 4] [1, 1, 1, 1]
  // CHECK: %[[S1:.+]] = tensor.insert_slice %[[B]] into %[[S0]][0, 8, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
  // CHECK: %[[S2:.+]] = tensor.insert_slice %[[C]] into %[[S1]][0, 10, 0, 0] [1, 6, 4, 4] [1, 1, 1, 1]
  // CHECK: return %[[S2]]
  %0 = kiln.concat %a, %b, %c {axis = 1 : i64}
         : (tensor<1x8x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x6x4x4xf32>) -> tensor<1x16x4x4xf32>
  return %0 : tensor<1x16x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @concat_last_axis
// CHECK-SAME: (%[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<2x5xf32>)
func.func @concat_last_axis(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  // CHECK: %[[S0:.+]] = tensor.insert_slice %[[A]] into %{{.+}}[0, 0] [2, 3] [1, 1]
  // CHECK: tensor.insert_slice %[[B]] into %[[S0]][0, 3] [2, 5] [1, 1]
  %0 = kiln.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
