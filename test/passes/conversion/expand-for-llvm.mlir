// RUN: kiln-opt %s -split-input-file -kiln-conversion-expand-for-llvm | FileCheck %s
// f32 erf becomes a polynomial (no math.erf left for the LLVM conversion);
// bf16 <-> f32 conversions become integer bit operations; f64 erf is left
// for convert-math-to-libm.

// CHECK-LABEL: func.func @erf_f32
func.func @erf_f32(%x: f32) -> f32 {
  // CHECK-NOT: math.erf
  // CHECK: arith.divf
  // CHECK-NOT: math.erf
  %0 = math.erf %x : f32
  return %0 : f32
}

// -----

// CHECK-LABEL: func.func @erf_f64
func.func @erf_f64(%x: f64) -> f64 {
  // CHECK: math.erf %{{.+}} : f64
  %0 = math.erf %x : f64
  return %0 : f64
}

// -----

// Truncation rounds to nearest even through the integer bits; NaN becomes
// the quiet NaN 0x7FC0 (32704).
// CHECK-LABEL: func.func @bf16
// CHECK-SAME: (%[[X:.+]]: f32, %[[H:.+]]: bf16)
func.func @bf16(%x: f32, %h: bf16) -> (bf16, f32) {
  // CHECK-NOT: arith.truncf
  // CHECK-NOT: arith.extf
  // CHECK-DAG: %[[NAN:.+]] = arith.constant 32704 : i16
  // CHECK-DAG: %[[ISNAN:.+]] = arith.cmpf une, %[[X]], %[[X]] : f32
  // CHECK-DAG: %[[BITS:.+]] = arith.bitcast %[[X]] : f32 to i32
  // CHECK: arith.shrui
  // CHECK: %[[T:.+]] = arith.trunci %{{.+}} : i32 to i16
  // CHECK: %[[SEL:.+]] = arith.select %[[ISNAN]], %[[NAN]], %[[T]] : i16
  // CHECK: arith.bitcast %[[SEL]] : i16 to bf16
  %0 = arith.truncf %x : f32 to bf16
  // CHECK: %[[HB:.+]] = arith.bitcast %[[H]] : bf16 to i16
  // CHECK: %[[HW:.+]] = arith.extui %[[HB]] : i16 to i32
  // CHECK: %[[HS:.+]] = arith.shli %[[HW]], %{{.+}} : i32
  // CHECK: arith.bitcast %[[HS]] : i32 to f32
  %1 = arith.extf %h : bf16 to f32
  return %0, %1 : bf16, f32
}

// -----

// exp on an f32 vector becomes upstream's polynomial (no math.exp left to
// become one expf call per lane); scalar exp stays for libm.
// CHECK-LABEL: func.func @vector_exp
// CHECK-NOT:     math.exp {{.*}} : vector<8xf32>
// CHECK:         math.exp %{{.+}} : f32
func.func @vector_exp(%v: vector<8xf32>, %s: f32) -> (vector<8xf32>, f32) {
  %0 = math.exp %v : vector<8xf32>
  %1 = math.exp %s : f32
  return %0, %1 : vector<8xf32>, f32
}
