// RUN: kiln-opt %s --kiln-cpu-outline-kernels | FileCheck %s

// Each top-level loop nest becomes an internal, never-inlined function; the
// constants it uses (its bounds) and the weight global are rematerialized
// inside, buffers are passed.
// CHECK-LABEL: func.func private @main_kernel0(
// CHECK-SAME:      %[[X:.+]]: memref<8xf32>, %[[Y:.+]]: memref<8xf32>)
// CHECK-SAME:      llvm.linkage = #llvm.linkage<internal>
// CHECK-SAME:      passthrough = ["noinline"]
// CHECK-DAG:     %[[C8:.+]] = arith.constant 8 : index
// CHECK-DAG:     %[[W:.+]] = memref.get_global @w : memref<8xf32>
// CHECK:         scf.for %{{.+}} = %{{.+}} to %[[C8]]
// CHECK:           memref.load %[[W]]
// CHECK-LABEL: func.func private @main_kernel1(
// CHECK-LABEL: func.func @main(
// CHECK:         call @main_kernel0(%{{.+}}, %{{.+}}) : (memref<8xf32>, memref<8xf32>) -> ()
// CHECK:         call @main_kernel1(
// CHECK-NOT:     scf.for
memref.global "private" constant @w : memref<8xf32> = dense<2.0>
func.func @main(%x: memref<8xf32>, %y: memref<8xf32>, %z: memref<8xf32>) attributes {kiln.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %w = memref.get_global @w : memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %a = memref.load %x[%i] : memref<8xf32>
    %b = memref.load %w[%i] : memref<8xf32>
    %p = arith.mulf %a, %b : f32
    memref.store %p, %y[%i] : memref<8xf32>
  }
  scf.for %i = %c0 to %c8 step %c1 {
    %a = memref.load %y[%i] : memref<8xf32>
    memref.store %a, %z[%i] : memref<8xf32>
  }
  return
}
