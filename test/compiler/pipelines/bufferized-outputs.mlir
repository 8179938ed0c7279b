// RUN: kiln-opt %s -kiln-bufferized-pipeline -mlir-print-local-scope | FileCheck %s
// Results that are not computed into their output buffer (an input returned
// as is, one value returned twice) are copied there; a model without
// intermediates needs no arena bytes.

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:[^:]+]]: memref<2x3xf32> {kiln.name = "x"}, %[[SAME:[^:]+]]: memref<2x3xf32> {kiln.name = "same"},
// CHECK-SAME: %[[RELU:[^:]+]]: memref<2x3xf32> {kiln.name = "relu"}, %[[RELU2:[^:]+]]: memref<2x3xf32> {kiln.name = "relu2"},
// CHECK-SAME: %{{[^:]+}}: memref<0xi8> {kiln.arena})
// CHECK-SAME: kiln.arena_size = 0 : i64
// CHECK-SAME: kiln.num_inputs = 1 : i64, kiln.num_outputs = 3 : i64
// CHECK-NOT: memref.alloc
// CHECK: linalg.generic {{.+}} ins(%[[X]] : memref<2x3xf32>) outs(%[[RELU]] : memref<2x3xf32>)
// CHECK-DAG: memref.copy %[[X]], %[[SAME]] : memref<2x3xf32> to memref<2x3xf32>
// CHECK-DAG: memref.copy %[[RELU]], %[[RELU2]] : memref<2x3xf32> to memref<2x3xf32>
// CHECK: return
func.func @main(%x: tensor<2x3xf32> {kiln.name = "x"})
    -> (tensor<2x3xf32> {kiln.name = "same"}, tensor<2x3xf32> {kiln.name = "relu"}, tensor<2x3xf32> {kiln.name = "relu2"}) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  return %x, %r, %r : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}
