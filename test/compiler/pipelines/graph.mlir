// RUN: kiln-opt %s -kiln-graph-pipeline | FileCheck %s
// The graph phase: identities and neutral elementwise ops fold away,
// transposes compose, duplicate constants merge; everything stays kiln.

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x28x28x1xf32> {kiln.name = "x"})
func.func @main(%x: tensor<1x28x28x1xf32> {kiln.name = "x"}) -> (tensor<1x10xf32> {kiln.name = "y"}) {
  // Two equal weight constants become one.
  // CHECK: %[[W:.+]] = kiln.constant dense<1.000000e+00> : tensor<784x10xf32>
  // CHECK-NOT: kiln.constant dense<1.000000e+00> : tensor<784x10xf32>
  %w0 = kiln.constant dense<1.0> : tensor<784x10xf32>
  %w1 = kiln.constant dense<1.0> : tensor<784x10xf32>
  %one = kiln.constant dense<1.0> : tensor<10xf32>
  %zero = kiln.constant dense<-0.0> : tensor<10xf32>
  // CHECK-NOT: kiln.identity
  %i = kiln.identity %x : tensor<1x28x28x1xf32>
  // NHWC -> NCHW -> NHWC cancels.
  // CHECK-NOT: kiln.transpose
  %t0 = kiln.transpose %i {perm = array<i64: 0, 3, 1, 2>} : tensor<1x28x28x1xf32> -> tensor<1x1x28x28xf32>
  %t1 = kiln.transpose %t0 {perm = array<i64: 0, 2, 3, 1>} : tensor<1x1x28x28xf32> -> tensor<1x28x28x1xf32>
  // Reshape of reshape keeps only the last shape.
  // CHECK: %[[FLAT:.+]] = kiln.reshape %[[X]] : tensor<1x28x28x1xf32> -> tensor<1x784xf32>
  %r0 = kiln.reshape %t1 : tensor<1x28x28x1xf32> -> tensor<784xf32>
  %r1 = kiln.reshape %r0 : tensor<784xf32> -> tensor<1x784xf32>
  // Once the weights are merged, the two matmuls are one.
  // CHECK: %[[A:.+]] = kiln.matmul %[[FLAT]], %[[W]]
  // CHECK-NOT: kiln.matmul
  %a = kiln.matmul %r1, %w0 : tensor<1x784xf32>, tensor<784x10xf32> -> tensor<1x10xf32>
  %b = kiln.matmul %r1, %w1 : tensor<1x784xf32>, tensor<784x10xf32> -> tensor<1x10xf32>
  // x * 1 and x + 0 disappear.
  // CHECK-NOT: kiln.mul
  %m = kiln.mul %a, %one : tensor<1x10xf32>, tensor<10xf32> -> tensor<1x10xf32>
  %z = kiln.add %b, %zero : tensor<1x10xf32>, tensor<10xf32> -> tensor<1x10xf32>
  // CHECK: %[[S:.+]] = kiln.sub %[[A]], %[[A]]
  %s = kiln.sub %m, %z : tensor<1x10xf32>, tensor<1x10xf32> -> tensor<1x10xf32>
  // CHECK: %[[P:.+]] = kiln.softmax %[[S]] {axis = 1 : i64}
  %p = kiln.softmax %s {axis = 1 : i64} : tensor<1x10xf32>
  // CHECK: return %[[P]]
  return %p : tensor<1x10xf32>
}
