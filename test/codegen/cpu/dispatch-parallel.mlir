// RUN: kiln-opt %s --kiln-cpu-dispatch-parallel | FileCheck %s

// A parallel kernel's call becomes kiln_parallel_for: its arguments but the
// range go into a stack context, the task loads them back and runs the
// kernel on the range it is given; the grain travels with the call.
// CHECK-LABEL: llvm.func internal @main_kernel0(
// CHECK-NOT:     kiln.parallel_grain
// CHECK-LABEL: llvm.func internal @main_kernel0_task(
// CHECK-SAME:      %[[CTX:[^:]+]]: !llvm.ptr, %[[B:[^:]+]]: i64, %[[E:[^:]+]]: i64)
// CHECK:         %[[P0:.+]] = llvm.getelementptr %[[CTX]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, f32)>
// CHECK:         %[[A0:.+]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[P1:.+]] = llvm.getelementptr %[[CTX]][0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, f32)>
// CHECK:         %[[A1:.+]] = llvm.load %[[P1]] : !llvm.ptr -> f32
// CHECK:         llvm.call @main_kernel0(%[[A0]], %[[A1]], %[[B]], %[[E]])
// CHECK-LABEL: llvm.func @main(
// CHECK-SAME:      %[[BUF:[^:]+]]: !llvm.ptr, %[[S:[^:]+]]: f32)
// CHECK:         %[[CONTEXT:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(ptr, f32)>
// CHECK:         llvm.store %[[BUF]]
// CHECK:         llvm.store %[[S]]
// CHECK:         %[[TASK:.+]] = llvm.mlir.addressof @main_kernel0_task
// CHECK:         %[[GRAIN:.+]] = llvm.mlir.constant(7 : i64)
// CHECK:         llvm.call @kiln_parallel_for(%[[TASK]], %[[CONTEXT]], %{{.+}}, %[[GRAIN]])
// CHECK-NOT:     llvm.call @main_kernel0(
// CHECK:         llvm.func @kiln_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64)
module {
  llvm.func internal @main_kernel0(%buf: !llvm.ptr, %s: f32, %begin: i64, %end: i64) attributes {kiln.parallel_grain = 7 : i64} {
    llvm.return
  }
  llvm.func @main(%buf: !llvm.ptr, %s: f32) {
    %c0 = llvm.mlir.constant(0 : i64) : i64
    %n = llvm.mlir.constant(100 : i64) : i64
    llvm.call @main_kernel0(%buf, %s, %c0, %n) : (!llvm.ptr, f32, i64, i64) -> ()
    llvm.return
  }
}
