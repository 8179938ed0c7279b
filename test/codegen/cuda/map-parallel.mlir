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

// -----

// Each thread runs 4 neighbouring iterations of the innermost loop when
// every access indexes the innermost dimension with it (or not at all):
// 4x64 = 256 iterations -> 64 threads, 4 bodies each at columns 4t ... 4t+3.
// CHECK-LABEL: func.func @vector
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c1{{.*}}) step
// CHECK:   scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%c64{{.*}}) step
// CHECK:     %[[J:.*]] = arith.remui %{{.*}}, %c16{{.*}}
// CHECK:     %[[J0:.*]] = arith.muli %[[J]], %c4{{.*}}
// CHECK:     memref.load %{{.*}}[%{{.*}}, %[[J0]]]
// CHECK:     memref.load %{{.*}}[%[[J0]]]
// CHECK:     memref.store %{{.*}}, %{{.*}}[%{{.*}}, %[[J0]]]
// CHECK:     %[[J1:.*]] = arith.addi %[[J0]], %c1{{.*}}
// CHECK:     memref.store %{{.*}}, %{{.*}}[%{{.*}}, %[[J1]]]
// CHECK:     %[[J2:.*]] = arith.addi %[[J0]], %c2{{.*}}
// CHECK:     memref.store %{{.*}}, %{{.*}}[%{{.*}}, %[[J2]]]
// CHECK:     %[[J3:.*]] = arith.addi %[[J0]], %c3{{.*}}
// CHECK:     memref.store %{{.*}}, %{{.*}}[%{{.*}}, %[[J3]]]
// CHECK-NOT: memref.store
// CHECK: return
func.func @vector(%in: memref<4x64xf32>, %bias: memref<64xf32>, %out: memref<4x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c64) step (%c1, %c1) {
    %x = memref.load %in[%i, %j] : memref<4x64xf32>
    %b = memref.load %bias[%j] : memref<64xf32>
    %y = arith.addf %x, %b : f32
    memref.store %y, %out[%i, %j] : memref<4x64xf32>
    scf.reduce
  }
  return
}

// -----

// Not when an access indexes an outer dimension with the innermost loop
// (a transpose: neighbouring iterations are a row apart): one iteration
// per thread.
// CHECK-LABEL: func.func @transposed
// CHECK:   scf.parallel (%{{.*}}) = (%{{.*}}) to (%c128{{.*}}) step
// CHECK-COUNT-1: memref.store
// CHECK-NOT: memref.store
// CHECK: return
func.func @transposed(%in: memref<64x4xf32>, %out: memref<4x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c64) step (%c1, %c1) {
    %x = memref.load %in[%j, %i] : memref<64x4xf32>
    memref.store %x, %out[%i, %j] : memref<4x64xf32>
    scf.reduce
  }
  return
}
