// RUN: kiln-opt %s '-kiln-llvm-pipeline=name=pad' | FileCheck %s
// The llvm phase: bufferized IR (with a copy into a strided window, as
// bufferized padding produces) lowers to the LLVM dialect with the C
// wrappers; copies become loops, never a call to the runner's memrefCopy.

// The fill and the copy into the window (a strided subview, rebuilt inside
// its kernel) are each a kernel of loads and stores.
// CHECK-NOT: memrefCopy
// CHECK-LABEL: llvm.func internal @main_kernel1
// CHECK: llvm.load
// CHECK: llvm.store
// CHECK-LABEL: llvm.func internal @pad_main
// CHECK-SAME: (%[[IN:[^:]+]]: !llvm.ptr, %[[OUT:[^:]+]]: !llvm.ptr, %[[ARENA:[^:]+]]: !llvm.ptr)
// CHECK: llvm.call @main_kernel0(%[[OUT]])
// CHECK: llvm.call @main_kernel1(%[[OUT]], %[[IN]])
// CHECK-LABEL: llvm.func @pad_run
// CHECK: llvm.call @pad_main
// CHECK-LABEL: llvm.func @pad_invoke
// CHECK: llvm.call @pad_run
// CHECK-NOT: memrefCopy
func.func @main(%in: memref<2x2xf32>, %out: memref<4x4xf32>, %arena: memref<64xi8> {kiln.arena})
    attributes {kiln.entry, kiln.num_inputs = 1 : i64, kiln.num_outputs = 1 : i64,
                kiln.arena_size = 64 : i64, kiln.arena_alignment = 64 : i64} {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<4x4xf32>)
  %window = memref.subview %out[1, 1] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1], offset: 5>>
  memref.copy %in, %window : memref<2x2xf32> to memref<2x2xf32, strided<[4, 1], offset: 5>>
  return
}
