// RUN: kiln-opt %s -split-input-file -kiln-cuda-tile-reductions | FileCheck %s
// Reductions along the innermost loop become kernels where a warp (or a
// whole block) shares each output: lanes fold strided elements from the
// combiner's identity, warp shuffles combine them, the first lane folds the
// result into the output.

#rows = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// 10 rows of 100: a warp per row, 8 rows per 256-thread block (2 blocks,
// the last one's extra warps skip the work as a whole).
// CHECK-LABEL: func.func @row_sums(
// CHECK-SAME: %[[X:.*]]: memref<10x100xf32>, %[[Y:.*]]: memref<10xf32>)
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C2]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) threads(%[[T:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C256]],
// CHECK: %[[LANE:.*]] = arith.remui %[[T]], %{{.*}} : index
// CHECK: %[[ROW:.*]] = arith.addi
// CHECK: %[[ZERO:.*]] = arith.constant -0.000000e+00 : f32
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[ROW]], %{{.*}} : index
// CHECK: scf.if %[[IN]] {
// CHECK: %[[PART:.*]] = scf.for %[[K:.*]] = %[[LANE]] to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (f32) {
// CHECK: %[[V:.*]] = memref.load %[[X]][%{{.*}}, %{{.*}}] : memref<10x100xf32>
// CHECK: %[[SQ:.*]] = arith.mulf %[[V]], %[[V]] : f32
// CHECK: %[[S:.*]] = arith.addf %[[SQ]], %[[ACC]] : f32
// CHECK: scf.yield %[[S]] : f32
// CHECK: %[[S16:.*]], %{{.*}} = gpu.shuffle xor %[[PART]], %c16_i32, %{{.*}} : f32
// CHECK: %[[A16:.*]] = arith.addf %[[S16]], %[[PART]] : f32
// CHECK: gpu.shuffle xor %[[A16]], %c8_i32, %{{.*}} : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c4_i32, %{{.*}} : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c2_i32, %{{.*}} : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32, %{{.*}} : f32
// CHECK: %[[SUM:.*]] = arith.addf
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[LANE]], %{{.*}} : index
// CHECK: scf.if %[[FIRST]] {
// CHECK: %[[OLD:.*]] = memref.load %[[Y]][%{{.*}}] : memref<10xf32>
// CHECK: %[[NEW:.*]] = arith.addf %[[SUM]], %[[OLD]] : f32
// CHECK: memref.store %[[NEW]], %[[Y]][%{{.*}}] : memref<10xf32>
// CHECK: gpu.terminator
// CHECK-NOT: linalg.generic
func.func @row_sums(%x: memref<10x100xf32>, %y: memref<10xf32>) {
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%x : memref<10x100xf32>) outs(%y : memref<10xf32>) {
  ^bb0(%in: f32, %out: f32):
    %sq = arith.mulf %in, %in : f32
    %s = arith.addf %sq, %out : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#rows = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// 3 rows of 4096: a block per row; the warps' results meet in workgroup
// memory behind a barrier and the first warp combines them. max's
// identity is -inf; the body's operand order is kept.
// CHECK-LABEL: func.func @row_max(
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C3]],
// CHECK-SAME: workgroup(%[[PARTIALS:.*]] : memref<8xf32, #gpu.address_space<workgroup>>)
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-NOT: scf.if
// CHECK: scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[NEGINF]])
// CHECK: arith.maximumf %[[ACC]], %{{.*}} : f32
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK: memref.store %{{.*}}, %[[PARTIALS]][%{{.*}}] : memref<8xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK: memref.load %[[PARTIALS]]
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK: memref.store
func.func @row_max(%x: memref<3x4096xf32>, %y: memref<3xf32>) {
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%x : memref<3x4096xf32>) outs(%y : memref<3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#rows = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>
#cols = affine_map<(d0, d1) -> (d1, d0)>

// Left to kiln-cuda-map-parallel: a reduction along a strided dimension
// of the input (innermost loop, outer dimension in memory: neighbouring
// threads already read neighbouring elements), one shorter than a warp,
// a body that is not a fold (subtraction), a fold with flags that assume
// things about the values (nnan: maxnumf's NaN identity would be poison),
// and an output several parallel iterations write (d1 not in its map).
// CHECK-LABEL: func.func @others(
// CHECK-NOT: gpu.launch
// CHECK-COUNT-5: linalg.generic
func.func @others(%x: memref<64x64xf32>, %short: memref<64x16xf32>, %y: memref<64xf32>, %cube: memref<4x8x64xf32>, %small: memref<4xf32>) {
  linalg.generic {indexing_maps = [#cols, #row], iterator_types = ["parallel", "reduction"]} ins(%x : memref<64x64xf32>) outs(%y : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%short : memref<64x16xf32>) outs(%y : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%x : memref<64x64xf32>) outs(%y : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.subf %out, %in : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%x : memref<64x64xf32>) outs(%y : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maxnumf %in, %out fastmath<nnan> : f32
    linalg.yield %m : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%cube : memref<4x8x64xf32>) outs(%small : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#rows = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// The fill right before a reduction of exactly its output is folded into
// the kernel (the first lane combines with -inf instead of reading the
// output): no fill kernel. Not where the reduction reads the filled
// buffer, nor where it writes only part of it.
// CHECK-LABEL: func.func @filled(
// CHECK-SAME: %[[X:.*]]: memref<8x64xf32>, %[[Y:.*]]: memref<8xf32>
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-NOT: linalg.fill
// CHECK: gpu.launch
// CHECK: scf.if
// CHECK-NOT: memref.load %[[Y]]
// CHECK: %[[R:.*]] = arith.maximumf %{{.*}}, %[[NEGINF]] : f32
// CHECK: memref.store %[[R]], %[[Y]]
// CHECK: gpu.terminator
// CHECK: linalg.fill
// CHECK: gpu.launch
// CHECK: %[[OLD:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<8xf32>
// CHECK: arith.maximumf %{{.*}}, %[[OLD]]
// Nor where the kernel writes only some of the filled elements (column 0
// of 8x2).
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<8x2xf32>)
// CHECK: gpu.launch
func.func @filled(%x: memref<8x64xf32>, %y: memref<8xf32>, %arena: memref<2048xi8>, %two: memref<8x2xf32>) attributes {kiln.num_inputs = 1 : i64} {
  %ninf = arith.constant 0xFF800000 : f32
  linalg.fill ins(%ninf : f32) outs(%y : memref<8xf32>)
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%x : memref<8x64xf32>) outs(%y : memref<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  }
  %c0 = arith.constant 0 : index
  %z = memref.view %arena[%c0][] : memref<2048xi8> to memref<8x64xf32>
  %w = memref.view %arena[%c0][] : memref<2048xi8> to memref<8xf32>
  linalg.fill ins(%ninf : f32) outs(%w : memref<8xf32>)
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%z : memref<8x64xf32>) outs(%w : memref<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  }
  linalg.fill ins(%ninf : f32) outs(%two : memref<8x2xf32>)
  linalg.generic {indexing_maps = [#rows, affine_map<(d0, d1) -> (d0, 0)>], iterator_types = ["parallel", "reduction"]} ins(%x : memref<8x64xf32>) outs(%two : memref<8x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  }
  return
}
