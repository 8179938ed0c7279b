// RUN: kiln-opt %s -kiln-tiled-pipeline -mlir-print-local-scope | FileCheck %s
// The tiled phase (no tiling strategy yet): unit dimensions fold away so
// loop nests stay shallow.

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x8xf32>
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1]] : tensor<1x8xf32> into tensor<8xf32>
  // CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
  // CHECK-SAME: ins(%[[FLAT]] : tensor<8xf32>)
  // CHECK: math.log
  // CHECK: %[[OUT:.+]] = tensor.expand_shape %[[R]] {{\[\[}}0, 1]] output_shape [1, 8] : tensor<8xf32> into tensor<1x8xf32>
  // CHECK: return %[[OUT]]
  %e = tensor.empty() : tensor<1x8xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<1x8xf32>) outs(%e : tensor<1x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.log %in : f32
    linalg.yield %r : f32
  } -> tensor<1x8xf32>
  return %0 : tensor<1x8xf32>
}
