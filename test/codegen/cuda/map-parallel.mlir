// RUN: kiln-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(kiln-cuda-map-parallel{threads-per-block=128}))" | FileCheck %s
// RUN: not kiln-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(kiln-cuda-map-parallel{threads-per-block=2048}))" 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: threads-per-block must lie in [1, 1024], got 2048
// Each top-level parallel nest becomes a 1-D grid over its linearized
// iteration space (innermost dimension fastest), guarded for the last
// partial block; top-level buffer accesses outside parallel loops become a
// one-thread grid; parallel loops inside a body become sequential loops.

// 6x50 = 300 iterations -> 3 blocks of 128 threads.
// CHECK-LABEL: func.func @nest
// CHECK: scf.parallel (%[[B:.*]]) = (%{{.*}}) to (%c3) step (%{{.*}}) {
// CHECK:   scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%c128) step (%{{.*}}) {
// CHECK:     %[[MUL:.*]] = arith.muli %[[B]], %c128{{.*}}
// CHECK:     %[[I:.*]] = arith.addi %[[MUL]], %[[T]]
// CHECK:     %[[IN:.*]] = arith.cmpi ult, %[[I]], %c300
// CHECK:     scf.if %[[IN]] {
// CHECK:       %[[J:.*]] = arith.remui %[[I]], %c50{{.*}}
// CHECK:       %[[K:.*]] = arith.divui %[[I]], %c50{{.*}}
// CHECK:       memref.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] : memref<6x50xf32>
// CHECK:   } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK: } {mapping = [#gpu.loop_dim_map<processor = block_x
func.func @nest(%out: memref<6x50xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c6 = arith.constant 6 : index
  %c50 = arith.constant 50 : index
  %f = arith.constant 1.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c6, %c50) step (%c1, %c1) {
    memref.store %f, %out[%i, %j] : memref<6x50xf32>
    scf.reduce
  }
  return
}

// -----

// A reduction with no parallel dimension, and the scalar it leaves for the
// next loop, run in one thread.
// CHECK-LABEL: func.func @scalar
// CHECK: scf.parallel (%{{.*}}) = (%c0{{.*}}) to (%c1{{.*}}) step
// CHECK:   scf.parallel (%{{.*}}) = (%c0{{.*}}) to (%c1{{.*}}) step
// CHECK:     scf.for
// CHECK:     memref.load
// CHECK:     scf.for
// CHECK-NOT: scf.parallel
// CHECK:   } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK: } {mapping = [#gpu.loop_dim_map<processor = block_x
// CHECK-NEXT: return
func.func @scalar(%in: memref<8xf32>, %acc: memref<f32>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %a = memref.load %acc[] : memref<f32>
    %x = memref.load %in[%i] : memref<8xf32>
    %s = arith.addf %a, %x : f32
    memref.store %s, %acc[] : memref<f32>
  }
  %total = memref.load %acc[] : memref<f32>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %in[%i] : memref<8xf32>
    %d = arith.divf %x, %total : f32
    memref.store %d, %out[%i] : memref<8xf32>
    scf.reduce
  }
  return
}
