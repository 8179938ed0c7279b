// RUN: kiln-opt %s -split-input-file -verify-diagnostics
// One case per invariant the index ops' verifiers and type inference enforce.

func.func @arg_max_axis(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'kiln.arg_max' op failed to infer returned types}}
  %0 = kiln.arg_max %x {axis = 2 : i64} : tensor<2x3xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @arg_min_empty(%x: tensor<2x0xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{'kiln.arg_min' op indexes an empty dimension 1}}
  %0 = kiln.arg_min %x {axis = 1 : i64} : tensor<2x0xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @arg_top_k_too_many(%x: tensor<2x3xf32>) -> tensor<2x4xi64> {
  // expected-error @+1 {{'kiln.arg_top_k' op k = 4 is not in [0, 3]}}
  %0 = kiln.arg_top_k %x {axis = 1 : i64, k = 4 : i64} : tensor<2x3xf32> -> tensor<2x4xi64>
  return %0 : tensor<2x4xi64>
}

// -----

func.func @arg_top_k_negative(%x: tensor<2x3xf32>) -> tensor<2x3xi64> {
  // expected-error @+1 {{'kiln.arg_top_k' op k = -1 is not in [0, 3]}}
  %0 = kiln.arg_top_k %x {axis = 1 : i64, k = -1 : i64} : tensor<2x3xf32> -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

func.func @gather_elements_rank(%x: tensor<3x4xf32>, %i: tensor<3xi64>) -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.gather_elements' op indices has rank 1 but data has rank 2}}
  %0 = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @gather_elements_too_big(%x: tensor<3x4xf32>, %i: tensor<5x2xi64>) -> tensor<5x2xf32> {
  // expected-error @+1 {{'kiln.gather_elements' op indices dimension 0 (5) is larger than the data's (3)}}
  %0 = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<5x2xi64>) -> tensor<5x2xf32>
  return %0 : tensor<5x2xf32>
}

// -----

func.func @gather_nd_tuple(%x: tensor<3x4xf32>, %i: tensor<2x3xi64>) -> tensor<2xf32> {
  // expected-error @+2 {{the last dimension of indices (3) must be static and in [1, 2]}}
  // expected-error @+1 {{'kiln.gather_nd' op failed to infer returned types}}
  %0 = kiln.gather_nd %x, %i : (tensor<3x4xf32>, tensor<2x3xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gather_nd_batch(%x: tensor<3x4xf32>, %i: tensor<2x1xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{'kiln.gather_nd' op batch dimension 0 differs: 3 in data, 2 in indices}}
  %0 = kiln.gather_nd %x, %i {batch_dims = 1 : i64} : (tensor<3x4xf32>, tensor<2x1xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @scatter_elements_shapes(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>, %u: tensor<3x1xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.scatter_elements' op indices 'tensor<3x2xi64>' and updates 'tensor<3x1xf32>' differ in shape}}
  %0 = kiln.scatter_elements %x, %i, %u {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x1xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @scatter_elements_axis(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = kiln.scatter_elements %x, %i, %u {axis = 2 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @scatter_elements_types(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xi64>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.scatter_elements' op failed to verify that all of {data, updates} have same element type}}
  %0 = kiln.scatter_elements %x, %i, %u {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xi64>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @scatter_nd_updates(%x: tensor<3x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.scatter_nd' op updates 'tensor<2x3xf32>' must have shape indices.shape[:-1] + data.shape[1:]}}
  %0 = kiln.scatter_nd %x, %i, %u : (tensor<3x4xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @scatter_nd_tuple(%x: tensor<3x4xf32>, %i: tensor<2x3xi64>, %u: tensor<2xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{the last dimension of indices (3) must be static and in [1, 2]}}
  %0 = kiln.scatter_nd %x, %i, %u : (tensor<3x4xf32>, tensor<2x3xi64>, tensor<2xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @cumsum_axis(%x: tensor<5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{axis 1 is out of range for rank 1}}
  %0 = kiln.cumsum %x {axis = 1 : i64} : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @scatter_reduction_name(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x4xf32> {
  // expected-error @+2 {{expected ::mlir::kiln::ScatterReduction to be one of: none, add, mul, max, min}}
  // expected-error @+1 {{failed to parse Kiln_ScatterReductionAttr parameter 'value'}}
  %0 = kiln.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = #kiln.scatter_reduction<sub>} : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
