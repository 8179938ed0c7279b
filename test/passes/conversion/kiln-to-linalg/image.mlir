// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg | FileCheck %s
// kiln.resize becomes a generic over the output that reads compile-time
// tables of sample indices (clamped to the input) and weights, one reduction
// loop per interpolated dimension; nearest has no weights and no reduction.

// Half-pixel linear 2 -> 4: output x samples (x + 0.5) / 2 - 0.5, i.e.
// -0.25, 0.25, 0.75, 1.25 -> taps (0,0) (0,1) (0,1) (1,1).
// CHECK-LABEL: func.func @linear_half_pixel
// CHECK-SAME: (%[[X:.+]]: tensor<1x1x2x2xf32>)
// CHECK-DAG: %[[IDX:.+]] = arith.constant dense<{{\[\[}}0, 0], [0, 1], [0, 1], [1, 1]]> : tensor<4x2xi64>
// CHECK-DAG: %[[W:.+]] = arith.constant dense<{{\[\[}}2.500000e-01, 7.500000e-01], [7.500000e-01, 2.500000e-01], [2.500000e-01, 7.500000e-01], [7.500000e-01, 2.500000e-01]]> : tensor<4x2xf32>
// CHECK: %[[INIT:.+]] = linalg.fill
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: outs(%[[INIT]] :
// CHECK: %[[V:.+]] = tensor.extract %[[X]]
// CHECK: arith.mulf %[[V]]
// CHECK: arith.addf
// CHECK-NOT: arith.select
func.func @linear_half_pixel(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %y = kiln.resize %x {mode = #kiln.resize_mode<linear>,
         coordinate_mode = #kiln.coordinate_mode<half_pixel>,
         scales = array<f64: 1.0, 1.0, 2.0, 2.0>}
         : tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Asymmetric nearest 3 -> 6 with floor: 0 0 1 1 2 2; dims 0 and 1 pass
// through as loop indices.
// CHECK-LABEL: func.func @nearest_floor
// CHECK-DAG: %[[IDX:.+]] = arith.constant dense<[0, 0, 1, 1, 2, 2]> : tensor<6xi64>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[IDX]] : tensor<6xi64>)
// CHECK: linalg.index 0
// CHECK: linalg.index 1
// CHECK: tensor.extract
// CHECK-NOT: arith.mulf
func.func @nearest_floor(%x: tensor<2x2x3xi8>) -> tensor<2x2x6xi8> {
  %y = kiln.resize %x {mode = #kiln.resize_mode<nearest>,
         coordinate_mode = #kiln.coordinate_mode<asymmetric>,
         nearest_mode = #kiln.nearest_mode<floor>,
         scales = array<f64: 1.0, 1.0, 2.0>}
         : tensor<2x2x3xi8> -> tensor<2x2x6xi8>
  return %y : tensor<2x2x6xi8>
}

// -----

// Crop-and-resize: positions outside the input take the extrapolation value.
// CHECK-LABEL: func.func @crop
// CHECK-DAG: %[[VALID:.+]] = arith.constant dense<[1, 1, 0]> : tensor<3xi64>
// CHECK: %[[R:.+]] = linalg.generic
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[R]], %[[VALID]] :
// CHECK: arith.select
func.func @crop(%x: tensor<4xf32>) -> tensor<3xf32> {
  %y = kiln.resize %x {mode = #kiln.resize_mode<linear>,
         coordinate_mode = #kiln.coordinate_mode<tf_crop_and_resize>,
         scales = array<f64: 0.75>, roi = array<f64: 0.5, 1.5>,
         extrapolation_value = 10.0}
         : tensor<4xf32> -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

// A resize that changes nothing folds to its input.
// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = kiln.resize %x {mode = #kiln.resize_mode<cubic>,
         coordinate_mode = #kiln.coordinate_mode<align_corners>,
         scales = array<f64: 1.0, 1.0>}
         : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
