// RUN: kiln-opt %s -split-input-file -kiln-conversion-lower-strings=max-string-bytes=128 | FileCheck %s
// The buffer form of kiln.string_normalizer becomes a kiln_string_normalize
// call on raw pointers with its own live-to-end storage; string buffers
// become i64 buffers; the function returns the first failing status.

// CHECK-DAG: memref.global "private" constant @kiln_stopwords : memref<12xi8> = dense<[109, 111, 110, 100, 97, 121, 0, 116, 104, 101, 0, 0]>
// CHECK-DAG: memref.global "private" constant @kiln_stopwords_0 : memref<1xi8> = dense<0>
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.*]]: memref<4xi64>, %[[Y:.*]]: memref<4xi64>, %[[Z:.*]]: memref<4xi64>) -> i32
// CHECK-DAG: %[[S1:.*]] = memref.alloc() {kiln.live_to_end} : memref<128xi8>
// CHECK-DAG: %[[S2:.*]] = memref.alloc() {kiln.live_to_end} : memref<128xi8>
// CHECK: memref.extract_aligned_pointer_as_index %[[X]]
// CHECK: %[[W:.*]] = memref.get_global @kiln_stopwords : memref<12xi8>
// CHECK: %[[A:.*]] = call @kiln_string_normalize(%{{.*}}, %c4_i64, %{{.*}}, %{{.*}}, %c128_i64, %c2_i32, %c0_i32, %{{.*}}, %c3_i64)
// CHECK: memref.get_global @kiln_stopwords_0
// CHECK: %[[B:.*]] = call @kiln_string_normalize(%{{.*}}, %c4_i64{{.*}}, %{{.*}}, %{{.*}}, %c128_i64{{.*}}, %c0_i32{{.*}}, %c1_i32, %{{.*}}, %c0_i64)
// CHECK: %[[FAILED:.*]] = arith.cmpi ne, %[[A]], %c0_i32
// CHECK: %[[ST:.*]] = arith.select %[[FAILED]], %[[A]], %[[B]] : i32
// CHECK: return %[[ST]] : i32
// CHECK: func.func private @kiln_string_normalize(!llvm.ptr, i64, !llvm.ptr, !llvm.ptr, i64, i32, i32, !llvm.ptr, i64) -> i32
// CHECK-NOT: !kiln.string
func.func @main(%x: memref<4x!kiln.string>, %y: memref<4x!kiln.string>, %z: memref<4x!kiln.string>) {
  kiln.string_normalizer %x, %y {case_change_action = "UPPER", case_sensitive = false, stopwords = ["monday", "the", ""]} : memref<4x!kiln.string>, memref<4x!kiln.string>
  kiln.string_normalizer %y, %z {case_change_action = "NONE", case_sensitive = true, stopwords = []} : memref<4x!kiln.string>, memref<4x!kiln.string>
  return
}

// -----

// Casts: to strings with storage of their own, from strings without.
// CHECK-LABEL: func.func @casts(
// CHECK-SAME: %[[F:.*]]: memref<3xf32>, %[[S:.*]]: memref<3xi64>, %[[G:.*]]: memref<3xf32>) -> i32
// CHECK: %[[ST:.*]] = memref.alloc() {kiln.live_to_end} : memref<128xi8>
// CHECK-NOT: memref.alloc
// CHECK: call @kiln_string_from_f32(%{{.*}}, %c3_i64, %{{.*}}, %{{.*}}, %c128_i64) : (!llvm.ptr, i64, !llvm.ptr, !llvm.ptr, i64) -> i32
// CHECK: call @kiln_string_to_f32(%{{.*}}, %c3_i64{{.*}}, %{{.*}}) : (!llvm.ptr, i64, !llvm.ptr) -> i32
func.func @casts(%f: memref<3xf32>, %s: memref<3x!kiln.string>, %g: memref<3xf32>) {
  kiln.string_cast %f, %s : memref<3xf32>, memref<3x!kiln.string>
  kiln.string_cast %s, %g : memref<3x!kiln.string>, memref<3xf32>
  return
}

// -----

// A function without string ops keeps its signature.
// CHECK-LABEL: func.func @plain(%{{.*}}: memref<2xf32>) {
func.func @plain(%x: memref<2xf32>) {
  return
}
