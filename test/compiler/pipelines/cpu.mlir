// RUN: kiln-opt %s '-kiln-cpu-pipeline=name=tiny' | FileCheck %s
// RUN: kiln-opt %s -kiln-cpu-pipeline | FileCheck %s --check-prefix=DEFAULT
// Import to LLVM in one pipeline, as `kiln compile` runs it: weights become
// private constant globals, the model an internal function behind the C
// entry points, and only LLVM dialect ops remain.

// CHECK-NOT: func.func
// CHECK-DAG: llvm.mlir.global private constant @{{.+}}(dense<[5.000000e-01, -5.000000e-01, 1.000000e+00]> : tensor<3xf32>) {{{.*}}alignment = 64 : i64} : !llvm.array<3 x f32>
// The 4x3 weight, packed into one zero-padded panel of 4 columns, as a flat
// array.
// CHECK-DAG: llvm.mlir.global private constant @{{.+}}(dense<{{.*}}> : tensor<16xf32>) {{.*}} : !llvm.array<16 x f32>
// Loop nests are internal, never-inlined kernel functions (the fused bias +
// relu's, then the softmax's).
// CHECK: llvm.func internal @main_kernel{{[0-9]+}}({{.*}}passthrough = ["noinline"]
// CHECK: llvm.intr.maximum
// CHECK: llvm.intr.exp
// CHECK: llvm.fdiv
// CHECK-LABEL: llvm.func internal @tiny_main
// CHECK-SAME: (%{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr)
// CHECK-SAME: kiln.arena_alignment = 64 : i64, kiln.arena_size = 128 : i64
// The vectorized matmul (multiply-adds on 4-lane vectors; a single tile,
// so no loop to outline), then the kernels.
// CHECK: llvm.intr.fmuladd{{.*}} : (vector<4xf32>, vector<4xf32>, vector<4xf32>) -> vector<4xf32>
// CHECK: llvm.call @main_kernel
// CHECK-LABEL: llvm.func @tiny_run
// CHECK-SAME: -> i32
// CHECK: llvm.call @tiny_main
// CHECK-LABEL: llvm.func @tiny_invoke
// CHECK: llvm.call @tiny_run
// CHECK-NOT: func.
// CHECK-NOT: memref.
// CHECK-NOT: arith.
// CHECK-NOT: linalg.

// DEFAULT: llvm.func internal @model_main
// DEFAULT: llvm.func @model_run
// DEFAULT: llvm.func @model_invoke
func.func @main(%x: tensor<2x4xf32> {kiln.name = "x"}) -> (tensor<2x3xf32> {kiln.name = "y"}) {
  %w = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.0, 1.0, 1.0]]> : tensor<4x3xf32>
  %b = kiln.constant dense<[0.5, -0.5, 1.0]> : tensor<3xf32>
  %i = kiln.identity %x : tensor<2x4xf32>
  %0 = kiln.matmul %i, %w : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  %1 = kiln.add %0, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %2 = kiln.relu %1 : tensor<2x3xf32>
  %3 = kiln.softmax %2 {axis = 1 : i64} : tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}
