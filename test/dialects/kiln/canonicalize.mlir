// RUN: kiln-opt %s -split-input-file -canonicalize | FileCheck %s
// Folders and canonicalization patterns of kiln ops: exact rewrites only.

// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
func.func @identity(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NOT: kiln.identity
  // CHECK: return %[[X]]
  %0 = kiln.identity %x : tensor<4xf32>
  %1 = kiln.identity %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// -0.0 is the additive identity for every x (x + -0.0 == x even for x = -0.0).
// CHECK-LABEL: func.func @add_zero
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
func.func @add_zero(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %zero = kiln.constant dense<-0.0> : tensor<3xf32>
  // CHECK-NOT: kiln.add
  %0 = kiln.add %x, %zero : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // Commutative: zero on the left folds too.
  %1 = kiln.add %zero, %x : tensor<3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: return %[[X]], %[[X]]
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// A neutral operand that widens the result (broadcast) is not a no-op.
// CHECK-LABEL: func.func @add_zero_broadcasts
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>)
func.func @add_zero_broadcasts(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[ZERO:.+]] = kiln.constant dense<0.000000e+00> : tensor<2x3xf32>
  %zero = kiln.constant dense<0.0> : tensor<2x3xf32>
  // CHECK: %[[ADD:.+]] = kiln.add %[[X]], %[[ZERO]]
  %0 = kiln.add %x, %zero : tensor<3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: return %[[ADD]]
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @add_nonzero
func.func @add_nonzero(%x: tensor<3xf32>) -> tensor<3xf32> {
  %c = kiln.constant dense<1.0> : tensor<3xf32>
  // CHECK: kiln.add
  %0 = kiln.add %x, %c : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// x - +0.0 == x for every x.
// CHECK-LABEL: func.func @sub_zero
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>)
func.func @sub_zero(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  // CHECK: %[[ZERO:.+]] = kiln.constant dense<0.000000e+00>
  %zero = kiln.constant dense<0.0> : tensor<3xf32>
  %0 = kiln.sub %x, %zero : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  // 0 - x is not x.
  // CHECK: %[[NEG:.+]] = kiln.sub %[[ZERO]], %[[X]]
  %1 = kiln.sub %zero, %x : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  // CHECK: return %[[X]], %[[NEG]]
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @mul_one
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
func.func @mul_one(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %one = kiln.constant dense<1.0> : tensor<1xf32>
  // CHECK-NOT: kiln.mul
  %0 = kiln.mul %x, %one : tensor<2x3xf32>, tensor<1xf32> -> tensor<2x3xf32>
  %1 = kiln.mul %one, %x : tensor<1xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: return %[[X]], %[[X]]
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @mul_zero_kept
func.func @mul_zero_kept(%x: tensor<3xf32>) -> tensor<3xf32> {
  %zero = kiln.constant dense<0.0> : tensor<3xf32>
  // x * 0 is not 0 for NaN and infinity: kept.
  // CHECK: kiln.mul
  %0 = kiln.mul %x, %zero : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @div_one
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>)
func.func @div_one(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  // CHECK: %[[ONE:.+]] = kiln.constant dense<1.000000e+00>
  %one = kiln.constant dense<1.0> : tensor<3xf32>
  %0 = kiln.div %x, %one : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  // CHECK: %[[RECIP:.+]] = kiln.div %[[ONE]], %[[X]]
  %1 = kiln.div %one, %x : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  // CHECK: return %[[X]], %[[RECIP]]
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @max_min_self
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32>, %[[Y:.+]]: tensor<3xf32>)
func.func @max_min_self(%x: tensor<3xf32>, %y: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %0 = kiln.max %x, %x : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %1 = kiln.min %x, %x : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  // CHECK: %[[MAX:.+]] = kiln.max %[[X]], %[[Y]]
  %2 = kiln.max %x, %y : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  // CHECK: return %[[X]], %[[X]], %[[MAX]]
  return %0, %1, %2 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_of_reshape
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
func.func @reshape_of_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  // CHECK: %[[R:.+]] = kiln.reshape %[[X]] : tensor<2x3x4xf32> -> tensor<4x6xf32>
  // CHECK-NOT: kiln.reshape
  %0 = kiln.reshape %x : tensor<2x3x4xf32> -> tensor<24xf32>
  %1 = kiln.reshape %0 : tensor<24xf32> -> tensor<6x4xf32>
  %2 = kiln.reshape %1 : tensor<6x4xf32> -> tensor<4x6xf32>
  // CHECK: return %[[R]]
  return %2 : tensor<4x6xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_round_trip
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
func.func @reshape_round_trip(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK-NOT: kiln.reshape
  %0 = kiln.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %1 = kiln.reshape %0 : tensor<6xf32> -> tensor<2x3xf32>
  // CHECK: return %[[X]]
  return %1 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_constant
func.func @reshape_constant() -> tensor<2x2xi64> {
  // CHECK: %[[C:.+]] = kiln.constant dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi64>
  // CHECK-NOT: kiln.reshape
  %c = kiln.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %0 = kiln.reshape %c : tensor<4xi64> -> tensor<2x2xi64>
  // CHECK: return %[[C]]
  return %0 : tensor<2x2xi64>
}

// -----

// Resource-backed weights are not copied into a reshaped inline constant.
// CHECK-LABEL: func.func @reshape_resource_constant
func.func @reshape_resource_constant() -> tensor<2x2xf32> {
  // CHECK: %[[W:.+]] = kiln.constant dense_resource<weights> : tensor<4xf32>
  %w = kiln.constant dense_resource<weights> : tensor<4xf32>
  // CHECK: %[[R:.+]] = kiln.reshape %[[W]] : tensor<4xf32> -> tensor<2x2xf32>
  %0 = kiln.reshape %w : tensor<4xf32> -> tensor<2x2xf32>
  // CHECK: return %[[R]]
  return %0 : tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
func.func @transpose_identity(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // CHECK-NOT: kiln.transpose
  %0 = kiln.transpose %x {perm = array<i64: 0, 1, 2>} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  // CHECK: return %[[X]]
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_of_transpose
// CHECK-SAME: (%[[X:.+]]: tensor<1x28x28x3xf32>)
func.func @transpose_of_transpose(%x: tensor<1x28x28x3xf32>) -> tensor<3x1x28x28xf32> {
  // out dim i = x dim inner[outer[i]]: [0, 3, 1, 2] then [1, 0, 2, 3]
  // composes to [3, 0, 1, 2].
  // CHECK: %[[T:.+]] = kiln.transpose %[[X]] {perm = array<i64: 3, 0, 1, 2>} : tensor<1x28x28x3xf32> -> tensor<3x1x28x28xf32>
  // CHECK-NOT: kiln.transpose
  %0 = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : tensor<1x28x28x3xf32> -> tensor<1x3x28x28xf32>
  %1 = kiln.transpose %0 {perm = array<i64: 1, 0, 2, 3>} : tensor<1x3x28x28xf32> -> tensor<3x1x28x28xf32>
  // CHECK: return %[[T]]
  return %1 : tensor<3x1x28x28xf32>
}

// -----

// NHWC -> NCHW -> NHWC composes to the identity and disappears.
// CHECK-LABEL: func.func @transpose_inverse
// CHECK-SAME: (%[[X:.+]]: tensor<1x28x28x3xf32>)
func.func @transpose_inverse(%x: tensor<1x28x28x3xf32>) -> tensor<1x28x28x3xf32> {
  // CHECK-NOT: kiln.transpose
  %0 = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : tensor<1x28x28x3xf32> -> tensor<1x3x28x28xf32>
  %1 = kiln.transpose %0 {perm = array<i64: 0, 2, 3, 1>} : tensor<1x3x28x28xf32> -> tensor<1x28x28x3xf32>
  // CHECK: return %[[X]]
  return %1 : tensor<1x28x28x3xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_splat
func.func @transpose_splat() -> tensor<3x2xf32> {
  // CHECK: %[[C:.+]] = kiln.constant dense<2.500000e+00> : tensor<3x2xf32>
  // CHECK-NOT: kiln.transpose
  %c = kiln.constant dense<2.5> : tensor<2x3xf32>
  %0 = kiln.transpose %c {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  // CHECK: return %[[C]]
  return %0 : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @concat_single
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x4x4xf32>)
func.func @concat_single(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  // CHECK-NOT: kiln.concat
  %0 = kiln.concat %x {axis = 1 : i64} : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: return %[[X]]
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @concat_two
func.func @concat_two(%x: tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32> {
  // CHECK: kiln.concat
  %0 = kiln.concat %x, %x {axis = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32>
  return %0 : tensor<1x16x4x4xf32>
}
