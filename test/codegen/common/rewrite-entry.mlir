// RUN: kiln-opt %s -split-input-file -verify-diagnostics -kiln-abi-rewrite-entry | FileCheck %s
// The public model function becomes (inputs..., outputs..., arena) on
// memrefs: inputs enter as read-only tensors, results are materialized into
// the output buffers, and the function is marked kiln.entry.

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:[^:]+]]: memref<2x4xf32> {kiln.name = "x"}, %[[W:[^:]+]]: memref<4x3xf32> {kiln.name = "w"},
// CHECK-SAME: %[[Y:[^:]+]]: memref<2x3xf32> {kiln.name = "y"}, %[[Z:[^:]+]]: memref<2x4xf32> {kiln.name = "z"},
// CHECK-SAME: %{{[^:]+}}: memref<?xi8> {kiln.arena})
// CHECK-NOT: ->
// CHECK-SAME: attributes {kiln.buffer_bytes = array<i64: 32, 48, 24, 32>, kiln.entry, kiln.num_inputs = 2 : i64, kiln.num_outputs = 2 : i64}
// The outputs enter first, as writable tensors, so results can be computed
// straight into them and the bufferization sees what each write clobbers.
// CHECK: %[[YT:.+]] = bufferization.to_tensor %[[Y]] restrict writable : memref<2x3xf32> to tensor<2x3xf32>
// CHECK: %[[ZT:.+]] = bufferization.to_tensor %[[Z]] restrict writable : memref<2x4xf32> to tensor<2x4xf32>
// CHECK: %[[XT:.+]] = bufferization.to_tensor %[[X]] restrict : memref<2x4xf32> to tensor<2x4xf32>
// CHECK: %[[WT:.+]] = bufferization.to_tensor %[[W]] restrict : memref<4x3xf32> to tensor<4x3xf32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[XT]], %[[WT]] : tensor<2x4xf32>, tensor<4x3xf32>)
// CHECK: bufferization.materialize_in_destination %[[MM]] in %[[YT]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: bufferization.materialize_in_destination %[[XT]] in %[[ZT]] : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
// CHECK-NEXT: return{{$}}
func.func @main(%x: tensor<2x4xf32> {kiln.name = "x"}, %w: tensor<4x3xf32> {kiln.name = "w"})
    -> (tensor<2x3xf32> {kiln.name = "y"}, tensor<2x4xf32> {kiln.name = "z"}) {
  %c = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%c : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %x : tensor<2x3xf32>, tensor<2x4xf32>
}

// Private helpers are not entry points and keep their tensor signature.
// CHECK-LABEL: func.func private @helper
// CHECK-SAME: (%{{.+}}: tensor<4xf32>) -> tensor<4xf32>
// CHECK-NOT: kiln.entry
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// Without kiln.name attributes the arguments carry none.
// CHECK-LABEL: func.func @unnamed
// CHECK-SAME: (%{{[^:]+}}: memref<4xf16>, %{{[^:]+}}: memref<4xf16>, %{{[^:]+}}: memref<?xi8> {kiln.arena})
// CHECK-SAME: kiln.num_inputs = 1 : i64, kiln.num_outputs = 1 : i64
func.func @unnamed(%x: tensor<4xf16>) -> tensor<4xf16> {
  return %x : tensor<4xf16>
}

// -----

// expected-error @+1 {{expected exactly one public model function, found 2}}
module {
  func.func @a(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
  func.func @b(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}

// -----

// expected-error @+1 {{expected exactly one public model function, found 0}}
module {
  func.func private @a(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}

// -----

// expected-error @+1 {{entry point signature must use statically shaped tensors, got 'tensor<?xf32>'}}
func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}

// -----

// expected-error @+1 {{entry point signature must use statically shaped tensors, got 'memref<4xf32>'}}
func.func @memref(%x: memref<4xf32>) {
  return
}

// -----

// expected-error @+1 {{entry point must have a single block}}
func.func @blocks(%x: tensor<4xf32>) -> tensor<4xf32> {
  cf.br ^bb1
^bb1:
  return %x : tensor<4xf32>
}

// -----

// Tensors without elements get 1-D empty buffers (the bare-pointer calling
// convention cannot describe an inner 0-sized dimension); an empty input is
// never read and an empty output never written.
// CHECK-LABEL: func.func @empty
// CHECK-SAME: (%{{[^:]+}}: memref<0xf32> {kiln.name = "x"}, %{{[^:]+}}: memref<0xf32> {kiln.name = "y"},
// CHECK-NOT: bufferization.to_tensor
// CHECK: %[[E:.+]] = tensor.empty() : tensor<3x0x5xf32>
// CHECK-NOT: materialize_in_destination
// CHECK: return
func.func @empty(%x: tensor<3x0x5xf32> {kiln.name = "x"}) -> (tensor<3x0x5xf32> {kiln.name = "y"}) {
  return %x : tensor<3x0x5xf32>
}

// -----

// A result reshaped last (packed [M, N1, N0] tiles seen as [M, N]) is
// materialized before the reshape into the output buffer reshaped the other
// way, so the tiles are computed straight into it. A source returned twice
// (%q, as is and reshaped) is materialized into both outputs.
// CHECK-LABEL: func.func @reshaped
// CHECK-SAME: (%{{[^:]+}}: memref<4x8xf32>, %[[Y:[^:]+]]: memref<4x8xf32>, %[[Z:[^:]+]]: memref<4x8xf32>, %[[W:[^:]+]]: memref<4x2x4xf32>,
// CHECK: %[[YE:.+]] = memref.expand_shape %[[Y]] {{\[}}[0], [1, 2]] output_shape [4, 2, 4] : memref<4x8xf32> into memref<4x2x4xf32>
// CHECK: %[[YT:.+]] = bufferization.to_tensor %[[YE]] restrict writable
// CHECK: %[[ZE:.+]] = memref.expand_shape %[[Z]] {{\[}}[0], [1, 2]] output_shape [4, 2, 4] : memref<4x8xf32> into memref<4x2x4xf32>
// CHECK: %[[ZT:.+]] = bufferization.to_tensor %[[ZE]] restrict writable
// CHECK: %[[WT:.+]] = bufferization.to_tensor %[[W]] restrict writable
// CHECK: %[[P:.+]] = linalg.fill
// CHECK: %[[Q:.+]] = linalg.fill
// CHECK: bufferization.materialize_in_destination %[[P]] in %[[YT]] : (tensor<4x2x4xf32>, tensor<4x2x4xf32>) -> tensor<4x2x4xf32>
// CHECK: bufferization.materialize_in_destination %[[Q]] in %[[ZT]] : (tensor<4x2x4xf32>, tensor<4x2x4xf32>) -> tensor<4x2x4xf32>
// CHECK: bufferization.materialize_in_destination %[[Q]] in %[[WT]] : (tensor<4x2x4xf32>, tensor<4x2x4xf32>) -> tensor<4x2x4xf32>
func.func @reshaped(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x2x4xf32>) {
  %c = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4x2x4xf32>
  %p = linalg.fill ins(%c : f32) outs(%e : tensor<4x2x4xf32>) -> tensor<4x2x4xf32>
  %y = tensor.collapse_shape %p [[0], [1, 2]] : tensor<4x2x4xf32> into tensor<4x8xf32>
  %q = linalg.fill ins(%c : f32) outs(%e : tensor<4x2x4xf32>) -> tensor<4x2x4xf32>
  %z = tensor.collapse_shape %q [[0], [1, 2]] : tensor<4x2x4xf32> into tensor<4x8xf32>
  return %y, %z, %q : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x2x4xf32>
}
