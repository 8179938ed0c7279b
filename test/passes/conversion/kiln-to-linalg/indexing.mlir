// RUN: kiln-opt %s -split-input-file -convert-kiln-to-linalg -mlir-print-local-scope | FileCheck %s
// The index ops: arg_max/arg_min are one reduction generic carrying (value,
// index); arg_top_k a rank-counting generic and a pick generic; cumsum a
// triangular reduction generic; gathers parallel generics reading with
// tensor.extract; scatters scf.for nests with tensor.extract/insert. Every
// run-time index is wrapped (negative + size) and clamped to [0, size - 1].

// CHECK-LABEL: func.func @arg_max
// CHECK-SAME: (%[[X:.+]]: tensor<2x10xf32>)
func.func @arg_max(%x: tensor<2x10xf32>) -> tensor<2x1xi64> {
  // The index accumulator starts at -1 ("nothing seen yet").
  // CHECK: %[[MINUS1:.+]] = arith.constant -1 : i64
  // CHECK: %[[IDX_INIT:.+]] = linalg.fill ins(%[[MINUS1]] : i64) outs(%{{.+}} : tensor<2xi64>)
  // CHECK: %[[R:.+]]:2 = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>]
  // CHECK-SAME: iterator_types = ["parallel", "reduction"]
  // CHECK-SAME: ins(%[[X]] : tensor<2x10xf32>) outs(%{{.+}}, %[[IDX_INIT]] : tensor<2xf32>, tensor<2xi64>)
  // CHECK: ^bb0(%[[V:.+]]: f32, %[[BEST:.+]]: f32, %[[BEST_I:.+]]: i64):
  // CHECK: %[[J:.+]] = linalg.index 1 : index
  // CHECK: %[[J64:.+]] = arith.index_cast %[[J]] : index to i64
  // CHECK: arith.cmpf ogt, %[[V]], %[[BEST]] : f32
  // NaN beats numbers.
  // CHECK: arith.cmpf uno, %[[V]], %[[V]] : f32
  // Ties go to the lower index.
  // CHECK: arith.cmpi slt, %[[J64]], %[[BEST_I]] : i64
  // CHECK: %[[NV:.+]] = arith.select %[[TAKE:.+]], %[[V]], %[[BEST]] : f32
  // CHECK: %[[NI:.+]] = arith.select %[[TAKE]], %[[J64]], %[[BEST_I]] : i64
  // CHECK: linalg.yield %[[NV]], %[[NI]] : f32, i64
  // CHECK: %[[E:.+]] = tensor.expand_shape %[[R]]#1 {{\[\[}}0, 1]] output_shape [2, 1] : tensor<2xi64> into tensor<2x1xi64>
  // CHECK: return %[[E]]
  %0 = kiln.arg_max %x {axis = 1 : i64, keep_dims = true} : tensor<2x10xf32> -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// CHECK-LABEL: func.func @arg_min_last
func.func @arg_min_last(%x: tensor<4x3xi32>) -> tensor<3xi64> {
  // CHECK: linalg.generic
  // CHECK-SAME: iterator_types = ["reduction", "parallel"]
  // CHECK: ^bb0(%[[V:.+]]: i32, %[[BEST:.+]]: i32, %[[BEST_I:.+]]: i64):
  // CHECK: %[[J64:.+]] = arith.index_cast %{{.+}} : index to i64
  // CHECK: arith.cmpi sgt, %[[BEST]], %[[V]] : i32
  // select_last_index: ties go to the higher index.
  // CHECK: arith.cmpi sgt, %[[J64]], %[[BEST_I]] : i64
  // CHECK: arith.cmpi eq, %[[V]], %[[BEST]] : i32
  %0 = kiln.arg_min %x {axis = 0 : i64, select_last_index = true} : tensor<4x3xi32> -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// CHECK-LABEL: func.func @arg_top_k
// CHECK-SAME: (%[[X:.+]]: tensor<2x5xf32>)
func.func @arg_top_k(%x: tensor<2x5xf32>) -> tensor<2x3xi64> {
  // rank[b, j] counts the i that come before j: d2 walks the row.
  // CHECK: %[[RANKS:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
  // CHECK-SAME: ins(%[[X]], %[[X]] : tensor<2x5xf32>, tensor<2x5xf32>) outs(%{{.+}} : tensor<2x5xi64>)
  // CHECK: ^bb0(%[[OTHER:.+]]: f32, %[[SELF:.+]]: f32, %[[ACC:.+]]: i64):
  // CHECK: arith.cmpf ogt, %[[OTHER]], %[[SELF]] : f32
  // CHECK: %[[ONE:.+]] = arith.extui %{{.+}} : i1 to i64
  // CHECK: arith.addi %[[ACC]], %[[ONE]] : i64
  // Output r takes the j of rank r.
  // CHECK: %[[PICK:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
  // CHECK-SAME: ins(%[[RANKS]] : tensor<2x5xi64>) outs(%{{.+}} : tensor<2x3xi64>)
  // CHECK: arith.cmpi eq
  // CHECK: arith.select
  // CHECK: return %[[PICK]]
  %0 = kiln.arg_top_k %x {axis = 1 : i64, k = 3 : i64} : tensor<2x5xf32> -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// CHECK-LABEL: func.func @cumsum_reverse_exclusive
// CHECK-SAME: (%[[X:.+]]: tensor<2x4xf32>)
func.func @cumsum_reverse_exclusive(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
  // CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
  // CHECK-SAME: ins(%[[X]] : tensor<2x4xf32>)
  // CHECK: ^bb0(%[[V:.+]]: f32, %[[ACC:.+]]: f32):
  // CHECK: %[[J:.+]] = linalg.index 2 : index
  // CHECK: %[[I:.+]] = linalg.index 1 : index
  // CHECK: %[[IN:.+]] = arith.cmpi sgt, %[[J]], %[[I]] : index
  // CHECK: %[[S:.+]] = arith.select %[[IN]], %[[V]], %{{.+}} : f32
  // CHECK: arith.addf %[[ACC]], %[[S]] : f32
  // CHECK: return %[[R]]
  %0 = kiln.cumsum %x {axis = 1 : i64, exclusive = true, reverse = true} : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @gather_elements
// CHECK-SAME: (%[[X:.+]]: tensor<3x4xf32>, %[[I:.+]]: tensor<3x2xi32>)
func.func @gather_elements(%x: tensor<3x4xf32>, %i: tensor<3x2xi32>) -> tensor<3x2xf32> {
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: ins(%[[I]] : tensor<3x2xi32>) outs(%{{.+}} : tensor<3x2xf32>)
  // CHECK: ^bb0(%[[RAW:.+]]: i32, %{{.+}}: f32):
  // CHECK: %[[D0:.+]] = linalg.index 0 : index
  // CHECK: %[[IDX:.+]] = arith.index_cast %[[RAW]] : i32 to index
  // CHECK: %[[SIZE:.+]] = arith.constant 4 : index
  // CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[IDX]]
  // CHECK: %[[WRAPPED:.+]] = arith.addi %[[IDX]], %[[SIZE]] : index
  // CHECK: %[[SEL:.+]] = arith.select %[[NEG]], %[[WRAPPED]], %[[IDX]] : index
  // CHECK: %[[LOW:.+]] = arith.maxsi %[[SEL]]
  // CHECK: %[[LAST:.+]] = arith.constant 3 : index
  // CHECK: %[[SAFE:.+]] = arith.minsi %[[LOW]], %[[LAST]] : index
  // CHECK: %[[E:.+]] = tensor.extract %[[X]][%[[D0]], %[[SAFE]]] : tensor<3x4xf32>
  // CHECK: linalg.yield %[[E]] : f32
  // CHECK: return %[[R]]
  %0 = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @gather_nd_batch
// CHECK-SAME: (%[[X:.+]]: tensor<2x5x3xf32>, %[[I:.+]]: tensor<2x1xi64>)
func.func @gather_nd_batch(%x: tensor<2x5x3xf32>, %i: tensor<2x1xi64>) -> tensor<2x3xf32> {
  // CHECK: %[[R:.+]] = linalg.generic
  // CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>]
  // CHECK-SAME: outs(%{{.+}} : tensor<2x3xf32>)
  // CHECK: %[[B:.+]] = linalg.index 0 : index
  // CHECK: %[[C0:.+]] = arith.constant 0 : index
  // CHECK: %[[RAW:.+]] = tensor.extract %[[I]][%[[B]], %[[C0]]] : tensor<2x1xi64>
  // CHECK: arith.index_cast %[[RAW]] : i64 to index
  // CHECK: arith.constant 5 : index
  // CHECK: %[[SAFE:.+]] = arith.minsi
  // CHECK: %[[S:.+]] = linalg.index 1 : index
  // CHECK: tensor.extract %[[X]][%[[B]], %[[SAFE]], %[[S]]] : tensor<2x5x3xf32>
  // CHECK: return %[[R]]
  %0 = kiln.gather_nd %x, %i {batch_dims = 1 : i64} : (tensor<2x5x3xf32>, tensor<2x1xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @scatter_elements_add
// CHECK-SAME: (%[[X:.+]]: tensor<3x4xf32>, %[[I:.+]]: tensor<3x2xi64>, %[[U:.+]]: tensor<3x2xf32>)
func.func @scatter_elements_add(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x4xf32> {
  // CHECK: %[[R:.+]] = scf.for %[[P0:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC0:.+]] = %[[X]]) -> (tensor<3x4xf32>)
  // CHECK: scf.for %[[P1:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[ACC0]]) -> (tensor<3x4xf32>)
  // CHECK: %[[RAW:.+]] = tensor.extract %[[I]][%[[P0]], %[[P1]]] : tensor<3x2xi64>
  // CHECK: %[[SAFE:.+]] = arith.minsi
  // CHECK: %[[UPD:.+]] = tensor.extract %[[U]][%[[P0]], %[[P1]]] : tensor<3x2xf32>
  // CHECK: %[[OLD:.+]] = tensor.extract %[[ACC]][%[[P0]], %[[SAFE]]] : tensor<3x4xf32>
  // CHECK: %[[NEW:.+]] = arith.addf %[[OLD]], %[[UPD]] : f32
  // CHECK: %[[INS:.+]] = tensor.insert %[[NEW]] into %[[ACC]][%[[P0]], %[[SAFE]]] : tensor<3x4xf32>
  // CHECK: scf.yield %[[INS]]
  // CHECK: return %[[R]]
  %0 = kiln.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = #kiln.scatter_reduction<add>} : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func.func @scatter_nd
// CHECK-SAME: (%[[X:.+]]: tensor<4x3xf32>, %[[I:.+]]: tensor<2x1xi64>, %[[U:.+]]: tensor<2x3xf32>)
func.func @scatter_nd(%x: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // One loop over the tuples, one over the slice each addresses.
  // CHECK: scf.for %[[T:.+]] = {{.+}} iter_args(%{{.+}} = %[[X]])
  // CHECK: scf.for %[[S:.+]] = {{.+}} iter_args(%[[ACC:.+]] = %{{.+}})
  // CHECK: %[[RAW:.+]] = tensor.extract %[[I]][%[[T]], %{{.+}}] : tensor<2x1xi64>
  // CHECK: %[[SAFE:.+]] = arith.minsi
  // CHECK: %[[UPD:.+]] = tensor.extract %[[U]][%[[T]], %[[S]]] : tensor<2x3xf32>
  // No reduction: the update overwrites.
  // CHECK-NOT: arith.addf
  // CHECK: tensor.insert %[[UPD]] into %[[ACC]][%[[SAFE]], %[[S]]] : tensor<4x3xf32>
  %0 = kiln.scatter_nd %x, %i, %u : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
