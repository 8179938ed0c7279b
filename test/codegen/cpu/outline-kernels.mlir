// RUN: kiln-opt %s --split-input-file --kiln-cpu-outline-kernels | FileCheck %s

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
// CHECK:         return
// -----

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

// -----

// Parallel nests. The large one (8 x 16 x 256 elementwise) becomes a
// parallel kernel: its two outer dimensions are linearized (128 iterations,
// enough to share out), the innermost stays an inner parallel loop (LLVM
// vectorizes it), and the kernel takes the [begin, end) range of the
// linearized loop; the call covers [0, 128). A task is at least 16
// iterations (12000 / (3 ops x 256) rounded up). The small one (8 elements)
// stays a serial kernel.
// RUN: kiln-opt %s --split-input-file --kiln-cpu-outline-kernels | FileCheck %s --check-prefix=PAR
// RUN: kiln-opt %s --split-input-file '--kiln-cpu-outline-kernels=parallel=false' | FileCheck %s --check-prefix=SERIAL
// RUN: kiln-opt %s --split-input-file '--kiln-cpu-outline-kernels=max-threads=4' | FileCheck %s --check-prefix=CAP
// PAR-LABEL: func.func private @par_kernel0(
// PAR-SAME:      %[[BEGIN:[^:]+]]: index, %[[END:[^:]+]]: index)
// PAR-SAME:      kiln.parallel_grain = 16 : i64
// PAR:           scf.for %[[L:.+]] = %[[BEGIN]] to %[[END]] step %{{.+}} {
// PAR:             %[[IJ:.+]]:2 = affine.delinearize_index %[[L]] into (8, 16)
// PAR:             scf.parallel (%{{.+}}) = (%{{.+}}) to (%{{.+}}) step (%{{.+}}) {
// PAR-LABEL: func.func private @par_kernel1(
// PAR-NOT:       kiln.parallel_grain
// PAR-LABEL: func.func @par(
// PAR:           %[[COUNT:.+]] = arith.constant 128 : index
// PAR:           call @par_kernel0(%arg0, %arg1, %{{.+}}, %[[COUNT]])
// PAR:           call @par_kernel1(
// SERIAL-LABEL: func.func @par(
// SERIAL-NOT:    kiln.parallel_grain
// With at most 4 tasks per loop, tasks are at least 128 / 4 iterations.
// CAP: kiln.parallel_grain = 32 : i64
func.func @par(%x: memref<8x16x256xf32>, %y: memref<8x16x256xf32>, %s: memref<8xf32>) attributes {kiln.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c256 = arith.constant 256 : index
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c8, %c16, %c256) step (%c1, %c1, %c1) {
    %a = memref.load %x[%i, %j, %k] : memref<8x16x256xf32>
    %b = arith.mulf %a, %a : f32
    memref.store %b, %y[%i, %j, %k] : memref<8x16x256xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %a = memref.load %s[%i] : memref<8xf32>
    %b = arith.addf %a, %a : f32
    memref.store %b, %s[%i] : memref<8xf32>
    scf.reduce
  }
  return
}
