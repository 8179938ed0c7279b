// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -mlir-print-local-scope | FileCheck %s
// Softmax becomes four generics (max, exp(x - max), sum, divide);
// global average pooling a sum over H and W, then a divide by H * W.

// CHECK-LABEL: func.func @softmax_last_axis
// CHECK-SAME: (%[[X:.+]]: tensor<2x10xf32>)
func.func @softmax_last_axis(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  // Max starts at -inf so any input wins.
  // CHECK: %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
  // CHECK: %[[MAX_INIT:.+]] = linalg.fill ins(%[[NEG_INF]] : f32) outs(%{{.+}} : tensor<2xf32>)
  // CHECK: %[[MAX:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>]
  // CHECK-SAME: iterator_types = ["parallel", "reduction"]
  // CHECK-SAME: ins(%[[X]] : tensor<2x10xf32>) outs(%[[MAX_INIT]] : tensor<2xf32>)
  // CHECK: arith.maximumf
  // CHECK: %[[EXP:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel"]
  // CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<2x10xf32>, tensor<2xf32>)
  // CHECK: ^bb0(%[[V:.+]]: f32, %[[M:.+]]: f32, %{{.+}}: f32):
  // CHECK: %[[D:.+]] = arith.subf %[[V]], %[[M]] : f32
  // CHECK: math.exp %[[D]] : f32
  // CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[SUM_INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2xf32>)
  // CHECK: %[[SUM:.+]] = linalg.generic
  // CHECK-SAME: iterator_types = ["parallel", "reduction"]
  // CHECK-SAME: ins(%[[EXP]] : tensor<2x10xf32>) outs(%[[SUM_INIT]] : tensor<2xf32>)
  // CHECK: arith.addf
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[EXP]], %[[SUM]] : tensor<2x10xf32>, tensor<2xf32>)
  // CHECK: arith.divf
  // CHECK: return %[[R]]
  %0 = kiln.softmax %x {axis = 1 : i64} : tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// Reducing a leading axis drops it from the reduced tensor's shape.
// CHECK-LABEL: func.func @softmax_first_axis
// CHECK-SAME: (%[[X:.+]]: tensor<4x3x5xf32>)
func.func @softmax_first_axis(%x: tensor<4x3x5xf32>) -> tensor<4x3x5xf32> {
  // CHECK: %[[MAX:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>]
  // CHECK-SAME: iterator_types = ["reduction", "parallel", "parallel"]
  // CHECK-SAME: outs(%{{.+}} : tensor<3x5xf32>)
  // CHECK: linalg.generic
  // CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<4x3x5xf32>, tensor<3x5xf32>)
  // CHECK: linalg.generic
  // CHECK-SAME: iterator_types = ["reduction", "parallel", "parallel"]
  // CHECK: linalg.generic
  // CHECK: arith.divf
  %0 = kiln.softmax %x {axis = 0 : i64} : tensor<4x3x5xf32>
  return %0 : tensor<4x3x5xf32>
}

// -----

// CHECK-LABEL: func.func @global_avg_pool_nchw
// CHECK-SAME: (%[[X:.+]]: tensor<1x16x8x8xf32>)
func.func @global_avg_pool_nchw(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  // CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x16x1x1xf32>)
  // CHECK: %[[SUM:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
  // CHECK-SAME: ins(%[[X]] : tensor<1x16x8x8xf32>) outs(%[[INIT]] : tensor<1x16x1x1xf32>)
  // CHECK: arith.addf
  // CHECK: %[[MEAN:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[SUM]] : tensor<1x16x1x1xf32>)
  // CHECK: %[[N:.+]] = arith.constant 6.400000e+01 : f32
  // CHECK: arith.divf %{{.+}}, %[[N]] : f32
  // CHECK: return %[[MEAN]]
  %0 = kiln.global_avg_pool %x {layout = #kiln.layout<nchw>} : tensor<1x16x8x8xf32> -> tensor<1x16x1x1xf32>
  return %0 : tensor<1x16x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @global_avg_pool_nhwc
func.func @global_avg_pool_nhwc(%x: tensor<1x4x2x16xf32>) -> tensor<1x1x1x16xf32> {
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>]
  // CHECK-SAME: iterator_types = ["parallel", "reduction", "reduction", "parallel"]
  // CHECK: %[[N:.+]] = arith.constant 8.000000e+00 : f32
  // CHECK: arith.divf %{{.+}}, %[[N]] : f32
  %0 = kiln.global_avg_pool %x {layout = #kiln.layout<nhwc>} : tensor<1x4x2x16xf32> -> tensor<1x1x1x16xf32>
  return %0 : tensor<1x1x1x16xf32>
}
