// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -mlir-print-local-scope | FileCheck %s
// kiln.matmul and kiln.gemm become linalg.matmul on a zero-filled (or
// bias-initialized) accumulator; batched matmuls with a rank-2 rhs fold the
// batch into M, others become a contraction generic.

// CHECK-LABEL: func.func @matmul_2d
// CHECK-SAME: (%[[LHS:.+]]: tensor<2x784xf32>, %[[RHS:.+]]: tensor<784x128xf32>)
func.func @matmul_2d(%a: tensor<2x784xf32>, %b: tensor<784x128xf32>) -> tensor<2x128xf32> {
  // CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<2x128xf32>
  // CHECK: %[[ACC:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<2x128xf32>)
  // CHECK: %[[MM:.+]] = linalg.matmul ins(%[[LHS]], %[[RHS]] : tensor<2x784xf32>, tensor<784x128xf32>) outs(%[[ACC]] : tensor<2x128xf32>)
  // CHECK: return %[[MM]]
  %0 = kiln.matmul %a, %b : tensor<2x784xf32>, tensor<784x128xf32> -> tensor<2x128xf32>
  return %0 : tensor<2x128xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_batch_into_m
// CHECK-SAME: (%[[LHS:.+]]: tensor<3x2x4xf32>, %[[RHS:.+]]: tensor<4x5xf32>)
func.func @matmul_batch_into_m(%a: tensor<3x2x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x2x5xf32> {
  // CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[LHS]] {{\[\[}}0, 1], [2]] : tensor<3x2x4xf32> into tensor<6x4xf32>
  // CHECK: %[[ACC:.+]] = linalg.fill {{.+}} -> tensor<6x5xf32>
  // CHECK: %[[MM:.+]] = linalg.matmul ins(%[[FLAT]], %[[RHS]] : tensor<6x4xf32>, tensor<4x5xf32>) outs(%[[ACC]] : tensor<6x5xf32>)
  // CHECK: %[[OUT:.+]] = tensor.expand_shape %[[MM]] {{\[\[}}0, 1], [2]] output_shape [3, 2, 5] : tensor<6x5xf32> into tensor<3x2x5xf32>
  // CHECK: return %[[OUT]]
  %0 = kiln.matmul %a, %b : tensor<3x2x4xf32>, tensor<4x5xf32> -> tensor<3x2x5xf32>
  return %0 : tensor<3x2x5xf32>
}

// -----

// Batch dims broadcast: the size-1 batch of rhs reads index 0.
// CHECK-LABEL: func.func @matmul_batched_broadcast
// CHECK-SAME: (%[[LHS:.+]]: tensor<3x2x4xf32>, %[[RHS:.+]]: tensor<1x4x5xf32>)
func.func @matmul_batched_broadcast(%a: tensor<3x2x4xf32>, %b: tensor<1x4x5xf32>) -> tensor<3x2x5xf32> {
  // CHECK: %[[ACC:.+]] = linalg.fill {{.+}} -> tensor<3x2x5xf32>
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
  // CHECK-SAME: ins(%[[LHS]], %[[RHS]] : tensor<3x2x4xf32>, tensor<1x4x5xf32>) outs(%[[ACC]] : tensor<3x2x5xf32>)
  // CHECK: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %[[C:.+]]: f32):
  // CHECK: %[[P:.+]] = arith.mulf %[[A]], %[[B]] : f32
  // CHECK: %[[S:.+]] = arith.addf %[[C]], %[[P]] : f32
  // CHECK: linalg.yield %[[S]]
  // CHECK: return %[[R]]
  %0 = kiln.matmul %a, %b : tensor<3x2x4xf32>, tensor<1x4x5xf32> -> tensor<3x2x5xf32>
  return %0 : tensor<3x2x5xf32>
}

// -----

// A rank-2 lhs against a batched rhs: lhs has no batch dims to index.
// CHECK-LABEL: func.func @matmul_rank2_lhs
func.func @matmul_rank2_lhs(%a: tensor<2x4xf32>, %b: tensor<3x4x5xf32>) -> tensor<3x2x5xf32> {
  // CHECK: linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]
  %0 = kiln.matmul %a, %b : tensor<2x4xf32>, tensor<3x4x5xf32> -> tensor<3x2x5xf32>
  return %0 : tensor<3x2x5xf32>
}

// -----

// alpha = beta = 1: the matmul accumulates straight into C broadcast to [M, N].
// CHECK-LABEL: func.func @gemm_bias_trans_b
// CHECK-SAME: (%[[A:.+]]: tensor<1x16xf32>, %[[B:.+]]: tensor<5x16xf32>, %[[C:.+]]: tensor<5xf32>)
func.func @gemm_bias_trans_b(%a: tensor<1x16xf32>, %b: tensor<5x16xf32>, %c: tensor<5xf32>) -> tensor<1x5xf32> {
  // CHECK: %[[BT_INIT:.+]] = tensor.empty() : tensor<16x5xf32>
  // CHECK: %[[BT:.+]] = linalg.transpose ins(%[[B]] : tensor<5x16xf32>) outs(%[[BT_INIT]] : tensor<16x5xf32>) permutation = [1, 0]
  // CHECK: %[[BIAS:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: ins(%[[C]] : tensor<5xf32>)
  // CHECK-NOT: linalg.fill
  // CHECK: %[[MM:.+]] = linalg.matmul ins(%[[A]], %[[BT]] : tensor<1x16xf32>, tensor<16x5xf32>) outs(%[[BIAS]] : tensor<1x5xf32>)
  // CHECK: return %[[MM]]
  %0 = kiln.gemm %a, %b, %c {trans_b = true} : (tensor<1x16xf32>, tensor<5x16xf32>, tensor<5xf32>) -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}

// -----

// Other alpha/beta: zero-filled matmul, then alpha * AB + beta * C.
// CHECK-LABEL: func.func @gemm_scaled_trans_a
// CHECK-SAME: (%[[A:.+]]: tensor<3x4xf32>, %[[B:.+]]: tensor<3x5xf32>, %[[C:.+]]: tensor<4x5xf32>)
func.func @gemm_scaled_trans_a(%a: tensor<3x4xf32>, %b: tensor<3x5xf32>, %c: tensor<4x5xf32>) -> tensor<4x5xf32> {
  // CHECK: %[[AT:.+]] = linalg.transpose ins(%[[A]] : tensor<3x4xf32>) outs(%{{.+}} : tensor<4x3xf32>) permutation = [1, 0]
  // CHECK: %[[ACC:.+]] = linalg.fill
  // CHECK: %[[MM:.+]] = linalg.matmul ins(%[[AT]], %[[B]] : tensor<4x3xf32>, tensor<3x5xf32>) outs(%[[ACC]] : tensor<4x5xf32>)
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[MM]], %[[C]] : tensor<4x5xf32>, tensor<4x5xf32>)
  // CHECK: ^bb0(%[[AB:.+]]: f32, %[[CV:.+]]: f32, %{{.+}}: f32):
  // CHECK: %[[ALPHA:.+]] = arith.constant 5.000000e-01 : f32
  // CHECK: %[[X:.+]] = arith.mulf %[[AB]], %[[ALPHA]] : f32
  // CHECK: %[[BETA:.+]] = arith.constant 2.000000e+00 : f32
  // CHECK: %[[Y:.+]] = arith.mulf %[[CV]], %[[BETA]] : f32
  // CHECK: %[[SUM:.+]] = arith.addf %[[X]], %[[Y]] : f32
  // CHECK: linalg.yield %[[SUM]]
  // CHECK: return %[[R]]
  %0 = kiln.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = true}
         : (tensor<3x4xf32>, tensor<3x5xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// CHECK-LABEL: func.func @gemm_no_c
func.func @gemm_no_c(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>) -> tensor<4x5xf32> {
  // CHECK: %[[ACC:.+]] = linalg.fill
  // CHECK: %[[MM:.+]] = linalg.matmul {{.+}} outs(%[[ACC]] : tensor<4x5xf32>)
  // CHECK-NOT: linalg.generic
  // CHECK: return %[[MM]]
  %0 = kiln.gemm %a, %b : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// CHECK-LABEL: func.func @gemm_alpha_no_c
func.func @gemm_alpha_no_c(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>) -> tensor<4x5xf32> {
  // CHECK: %[[MM:.+]] = linalg.matmul
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[MM]] : tensor<4x5xf32>)
  // CHECK: arith.constant 3.000000e+00 : f32
  // CHECK: arith.mulf
  // CHECK-NOT: arith.addf
  // CHECK: return %[[R]]
  %0 = kiln.gemm %a, %b {alpha = 3.0 : f32} : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// beta = 0 drops C entirely.
// CHECK-LABEL: func.func @gemm_beta_zero
// CHECK-SAME: %[[C:[^:]+]]: tensor<5xf32>
func.func @gemm_beta_zero(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c: tensor<5xf32>) -> tensor<4x5xf32> {
  // CHECK-NOT: %[[C]]
  // CHECK: %[[MM:.+]] = linalg.matmul
  // CHECK-NEXT: return %[[MM]]
  %0 = kiln.gemm %a, %b, %c {beta = 0.0 : f32} : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}
