// RUN: kiln-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// kiln.string_normalizer: tensor and buffer forms round-trip; the verifier
// rejects what the lowering cannot handle.

// CHECK-LABEL: func @tensors
// CHECK: kiln.string_normalizer %{{.*}}, %{{.*}} {case_change_action = "UPPER", case_sensitive = false, stopwords = ["monday"]} : tensor<1x4x!kiln.string>, tensor<1x4x!kiln.string> -> tensor<1x4x!kiln.string>
func.func @tensors(%x: tensor<1x4x!kiln.string>) -> tensor<1x4x!kiln.string> {
  %e = tensor.empty() : tensor<1x4x!kiln.string>
  %r = kiln.string_normalizer %x, %e {case_change_action = "UPPER", case_sensitive = false, stopwords = ["monday"]} : tensor<1x4x!kiln.string>, tensor<1x4x!kiln.string> -> tensor<1x4x!kiln.string>
  return %r : tensor<1x4x!kiln.string>
}

// -----

// CHECK-LABEL: func @buffers
// CHECK: kiln.string_normalizer %{{.*}}, %{{.*}} {case_change_action = "NONE", case_sensitive = true, stopwords = []} : memref<3x!kiln.string>, memref<3x!kiln.string>{{$}}
func.func @buffers(%x: memref<3x!kiln.string>, %y: memref<3x!kiln.string>) {
  kiln.string_normalizer %x, %y {case_change_action = "NONE", case_sensitive = true, stopwords = []} : memref<3x!kiln.string>, memref<3x!kiln.string>
  return
}

// -----

func.func @bad_action(%x: tensor<2x!kiln.string>) -> tensor<2x!kiln.string> {
  %e = tensor.empty() : tensor<2x!kiln.string>
  // expected-error @+1 {{case_change_action must be NONE, LOWER or UPPER, got 'TITLE'}}
  %r = kiln.string_normalizer %x, %e {case_change_action = "TITLE", case_sensitive = false, stopwords = []} : tensor<2x!kiln.string>, tensor<2x!kiln.string> -> tensor<2x!kiln.string>
  return %r : tensor<2x!kiln.string>
}

// -----

func.func @bad_rank(%x: tensor<2x3x!kiln.string>) -> tensor<2x3x!kiln.string> {
  %e = tensor.empty() : tensor<2x3x!kiln.string>
  // expected-error @+1 {{input must have shape [C] or [1, C]}}
  %r = kiln.string_normalizer %x, %e {case_change_action = "NONE", case_sensitive = false, stopwords = []} : tensor<2x3x!kiln.string>, tensor<2x3x!kiln.string> -> tensor<2x3x!kiln.string>
  return %r : tensor<2x3x!kiln.string>
}

// -----

func.func @bad_bound(%x: tensor<4x!kiln.string>) -> tensor<3x!kiln.string> {
  %e = tensor.empty() : tensor<3x!kiln.string>
  // expected-error @+1 {{input and init must have the same static shape}}
  %r = kiln.string_normalizer %x, %e {case_change_action = "NONE", case_sensitive = false, stopwords = []} : tensor<4x!kiln.string>, tensor<3x!kiln.string> -> tensor<3x!kiln.string>
  return %r : tensor<3x!kiln.string>
}

// -----

func.func @mixed(%x: tensor<2x!kiln.string>, %y: memref<2x!kiln.string>) {
  // expected-error @+1 {{input and init must both be tensors or both buffers}}
  kiln.string_normalizer %x, %y {case_change_action = "NONE", case_sensitive = false, stopwords = []} : tensor<2x!kiln.string>, memref<2x!kiln.string>
  return
}

// -----

func.func @not_strings(%x: tensor<2xf32>) -> tensor<2xf32> {
  %e = tensor.empty() : tensor<2xf32>
  // expected-error @+1 {{must be string tensor or buffer}}
  %r = kiln.string_normalizer %x, %e {case_change_action = "NONE", case_sensitive = false, stopwords = []} : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// CHECK-LABEL: func @casts
// CHECK: kiln.string_cast %{{.*}}, %{{.*}} : tensor<3xf32>, tensor<3x!kiln.string> -> tensor<3x!kiln.string>
// CHECK: kiln.string_cast %{{.*}}, %{{.*}} : tensor<3x!kiln.string>, tensor<3xf32> -> tensor<3xf32>
func.func @casts(%x: tensor<3xf32>) -> tensor<3xf32> {
  %e = tensor.empty() : tensor<3x!kiln.string>
  %s = kiln.string_cast %x, %e : tensor<3xf32>, tensor<3x!kiln.string> -> tensor<3x!kiln.string>
  %f = tensor.empty() : tensor<3xf32>
  %y = kiln.string_cast %s, %f : tensor<3x!kiln.string>, tensor<3xf32> -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

func.func @cast_f64(%x: tensor<3xf64>) -> tensor<3x!kiln.string> {
  %e = tensor.empty() : tensor<3x!kiln.string>
  // expected-error @+1 {{casts between f32 and strings, got 'f64' to '!kiln.string'}}
  %s = kiln.string_cast %x, %e : tensor<3xf64>, tensor<3x!kiln.string> -> tensor<3x!kiln.string>
  return %s : tensor<3x!kiln.string>
}
