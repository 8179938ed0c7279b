// RUN: kiln-opt %s -kiln-bufferized-pipeline -mlir-print-local-scope | FileCheck %s
// The bufferized phase: the model function takes (inputs, outputs, arena)
// memrefs, the last result is computed straight into the output buffer,
// intermediates are views of the planned arena, weights are memref.globals.

// CHECK: memref.global "private" constant @[[$BIAS:[^ ]+]] : memref<3xf32> = dense<[5.000000e-01, -5.000000e-01, 1.000000e+00]>
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:[^:]+]]: memref<2x3xf32> {kiln.name = "x"}, %[[Y:[^:]+]]: memref<2x3xf32> {kiln.name = "y"}, %[[ARENA:[^:]+]]: memref<128xi8> {kiln.arena})
// CHECK-SAME: kiln.arena_alignment = 64 : i64, kiln.arena_size = 128 : i64, kiln.buffer_bytes = array<i64: 24, 24>, kiln.entry, kiln.num_inputs = 1 : i64, kiln.num_outputs = 1 : i64
// CHECK-NOT: memref.alloc
// CHECK-NOT: tensor
// CHECK-NOT: memref.copy
func.func @main(%x: tensor<2x3xf32> {kiln.name = "x"}) -> (tensor<2x3xf32> {kiln.name = "y"}) {
  // CHECK: %[[B:.+]] = memref.get_global @[[$BIAS]] : memref<3xf32>
  %b = arith.constant dense<[0.5, -0.5, 1.0]> : tensor<3xf32>
  %neg_inf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.000000e+00 : f32
  // The biased activations live in the arena.
  // CHECK: %[[ACT:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<128xi8> to memref<2x3xf32>
  // CHECK: linalg.generic {{.+}} ins(%[[X]], %[[B]] : memref<2x3xf32>, memref<3xf32>) outs(%[[ACT]] : memref<2x3xf32>)
  %e = tensor.empty() : tensor<2x3xf32>
  %act = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<2x3xf32>, tensor<3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%in: f32, %in_b: f32, %out: f32):
    %s = arith.addf %in, %in_b : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32>
  // The row max in the arena too, after the activations.
  // CHECK: %[[MAX:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<128xi8> to memref<2xf32>
  // CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[MAX]] : memref<2xf32>)
  // CHECK: linalg.generic {{.+}} ins(%[[ACT]] : memref<2x3xf32>) outs(%[[MAX]] : memref<2xf32>)
  %re = tensor.empty() : tensor<2xf32>
  %init = linalg.fill ins(%neg_inf : f32) outs(%re : tensor<2xf32>) -> tensor<2xf32>
  %max = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                         iterator_types = ["parallel", "reduction"]}
      ins(%act : tensor<2x3xf32>) outs(%init : tensor<2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<2xf32>
  // The result goes straight into the caller's output buffer.
  // CHECK: linalg.generic {{.+}} ins(%[[ACT]], %[[MAX]] : memref<2x3xf32>, memref<2xf32>) outs(%[[Y]] : memref<2x3xf32>)
  // CHECK: return{{$}}
  %e2 = tensor.empty() : tensor<2x3xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%act, %max : tensor<2x3xf32>, tensor<2xf32>) outs(%e2 : tensor<2x3xf32>) {
  ^bb0(%in: f32, %in_m: f32, %out: f32):
    %d = arith.subf %in, %in_m : f32
    linalg.yield %d : f32
  } -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
