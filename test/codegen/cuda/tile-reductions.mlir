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
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[ROW]], %{{.*}} : index
// CHECK: scf.if %[[IN]] {
// CHECK: %[[ZERO:.*]] = arith.constant -0.000000e+00 : f32
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

// -----

#rows = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// Softmax as bufferization leaves it (max, exp(x - max), sum, divide, the
// per-row buffer refilled in between) is one row program: one kernel, a
// warp per row (64 rows of 128), the per-row max and sum in registers
// (every lane holds them after the butterflies; the arena buffer they were
// in is never written), exp(x - max) stored and read back by the lane
// that wrote it.
// CHECK-LABEL: func.func @softmax(
// CHECK-SAME: %[[X:.*]]: memref<64x128xf32>, %[[Y:.*]]: memref<64x128xf32>
// CHECK: %[[E:.*]] = memref.view %{{.*}} to memref<64x128xf32>
// CHECK-NOT: linalg.
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %c8{{.*}}, {{.*}}) threads(%[[T:[^,]*]], {{.*}}) in (%{{.*}} = %c256
// CHECK: %[[LANE:.*]] = arith.remui %[[T]], %c32
// CHECK-NOT: scf.if
// Each lane takes runs of 4 neighbouring elements (lane l the run at 4 l).
// CHECK: %[[START:.*]] = arith.muli %[[LANE]], %c4
// CHECK: %[[MAXP:.*]] = scf.for %{{.*}} = %[[START]] to %c128{{.*}} step %c128{{.*}} iter_args
// CHECK-COUNT-4: arith.maximumf
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK: %[[MAX:.*]] = arith.maximumf %{{.*}}, %cst : f32
// CHECK: scf.for %{{.*}} = %{{.*}} to %c128{{.*}} step %c128
// CHECK: %[[XV:.*]] = memref.load %[[X]]
// CHECK: %[[D:.*]] = arith.subf %[[XV]], %[[MAX]] : f32
// CHECK: %[[EXP:.*]] = math.exp %[[D]] : f32
// CHECK: memref.store %[[EXP]], %[[E]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %c128{{.*}} step %c128{{.*}} iter_args
// CHECK: memref.load %[[E]]
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK: %[[SUM:.*]] = arith.addf %{{.*}}, %cst{{.*}} : f32
// CHECK: scf.for %{{.*}} = %{{.*}} to %c128{{.*}} step %c128
// CHECK: %[[EV:.*]] = memref.load %[[E]]
// CHECK: %[[Q:.*]] = arith.divf %[[EV]], %[[SUM]] : f32
// CHECK: memref.store %[[Q]], %[[Y]]
// CHECK-NOT: gpu.barrier
// CHECK: gpu.terminator
// CHECK-NOT: gpu.launch
// CHECK-NOT: linalg.
func.func @softmax(%x: memref<64x128xf32>, %y: memref<64x128xf32>, %arena: memref<33280xi8> {kiln.arena}) attributes {kiln.num_inputs = 1 : i64, kiln.arena_alignment = 64 : i64} {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c32768 = arith.constant 32768 : index
  %m = memref.view %arena[%c32768][] : memref<33280xi8> to memref<64xf32>
  linalg.fill ins(%ninf : f32) outs(%m : memref<64xf32>)
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%x : memref<64x128xf32>) outs(%m : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %out : f32
    linalg.yield %r : f32
  }
  %e = memref.view %arena[%c0][] : memref<33280xi8> to memref<64x128xf32>
  linalg.generic {indexing_maps = [#rows, #row, #rows], iterator_types = ["parallel", "parallel"]} ins(%x, %m : memref<64x128xf32>, memref<64xf32>) outs(%e : memref<64x128xf32>) {
  ^bb0(%in: f32, %mx: f32, %out: f32):
    %d = arith.subf %in, %mx : f32
    %r = math.exp %d : f32
    linalg.yield %r : f32
  }
  linalg.fill ins(%zero : f32) outs(%m : memref<64xf32>)
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%e : memref<64x128xf32>) outs(%m : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#rows, #row, #rows], iterator_types = ["parallel", "parallel"]} ins(%e, %m : memref<64x128xf32>, memref<64xf32>) outs(%y : memref<64x128xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %r = arith.divf %in, %s : f32
    linalg.yield %r : f32
  }
  return
}

// -----

#rows = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#one = affine_map<(d0) -> (d0)>

// Layer norm (sum, mean, x - mean, sum of squares, 1 / sqrt(var + eps),
// scale) over 4 rows of 512: a block per row; each reduction's warps meet
// in workgroup memory (8 partials and the result every thread reads back
// behind a second barrier). The mean, which the caller reads too, is
// stored by each row's first lane; the other per-row values stay in
// registers.
// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME: %[[X:[^:]*]]: memref<4x512xf32>, %[[Y:[^:]*]]: memref<4x512xf32>, %[[MEAN:[^:]*]]: memref<4xf32>
// CHECK-NOT: linalg.
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %c4,
// CHECK-SAME: workgroup(%[[P:.*]] : memref<9xf32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK: memref.store %{{.*}}, %[[P]]
// CHECK: gpu.barrier
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK: memref.store %{{.*}}, %[[P]][%c8
// CHECK: gpu.barrier
// CHECK: %[[TOTAL:.*]] = memref.load %[[P]][%c8
// CHECK: %[[SUM:.*]] = arith.addf %[[TOTAL]], %cst
// CHECK: %[[M:.*]] = arith.mulf %[[SUM]], %{{.*}} : f32
// CHECK: scf.if
// CHECK: memref.store %[[M]], %[[MEAN]]
// CHECK: scf.for
// CHECK: arith.subf %{{.*}}, %[[M]] : f32
// CHECK-COUNT-2: gpu.barrier
// CHECK: math.rsqrt
// CHECK: scf.for
// CHECK: memref.store %{{.*}}, %[[Y]]
// CHECK: gpu.terminator
// CHECK-NOT: gpu.launch
// CHECK-NOT: linalg.
func.func @layer_norm(%x: memref<4x512xf32>, %y: memref<4x512xf32>, %mean: memref<4xf32>, %arena: memref<8256xi8> {kiln.arena}) attributes {kiln.num_inputs = 1 : i64, kiln.arena_alignment = 64 : i64} {
  %zero = arith.constant 0.0 : f32
  %inv = arith.constant 0.001953125 : f32
  %eps = arith.constant 1.0e-5 : f32
  %c0 = arith.constant 0 : index
  %c8192 = arith.constant 8192 : index
  %c8224 = arith.constant 8224 : index
  %s = memref.view %arena[%c8192][] : memref<8256xi8> to memref<4xf32>
  linalg.fill ins(%zero : f32) outs(%s : memref<4xf32>)
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%x : memref<4x512xf32>) outs(%s : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#one, #one], iterator_types = ["parallel"]} ins(%s : memref<4xf32>) outs(%mean : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %inv : f32
    linalg.yield %r : f32
  }
  %xc = memref.view %arena[%c0][] : memref<8256xi8> to memref<4x512xf32>
  linalg.generic {indexing_maps = [#rows, #row, #rows], iterator_types = ["parallel", "parallel"]} ins(%x, %mean : memref<4x512xf32>, memref<4xf32>) outs(%xc : memref<4x512xf32>) {
  ^bb0(%in: f32, %mu: f32, %out: f32):
    %r = arith.subf %in, %mu : f32
    linalg.yield %r : f32
  }
  %v = memref.view %arena[%c8224][] : memref<8256xi8> to memref<4xf32>
  linalg.fill ins(%zero : f32) outs(%v : memref<4xf32>)
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%xc : memref<4x512xf32>) outs(%v : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %sq = arith.mulf %in, %in : f32
    %r = arith.addf %sq, %out : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#one], iterator_types = ["parallel"]} outs(%v : memref<4xf32>) {
  ^bb0(%out: f32):
    %m = arith.mulf %out, %inv : f32
    %a = arith.addf %m, %eps : f32
    %r = math.rsqrt %a : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#rows, #row, #rows], iterator_types = ["parallel", "parallel"]} ins(%xc, %v : memref<4x512xf32>, memref<4xf32>) outs(%y : memref<4x512xf32>) {
  ^bb0(%in: f32, %r: f32, %out: f32):
    %p = arith.mulf %in, %r : f32
    linalg.yield %p : f32
  }
  return
}

// -----

#rows = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// Not one program: the max and a per-row value read as if it were per
// column (another row's), nor exp, the sum and a per-element buffer
// another lane reads (transposed). The max stays a kernel of its own
// (storing its rows); the column read (from memory, after that kernel),
// exp and the sum are a program; the transposed read is left to
// kiln-cuda-map-parallel.
// CHECK-LABEL: func.func @not_rows(
// CHECK-SAME: %[[X:[^:]*]]: memref<64x64xf32>, %[[Y:[^:]*]]: memref<64x64xf32>, %[[Z:[^:]*]]: memref<64x64xf32>
// CHECK: %[[M:.*]] = memref.view
// CHECK: gpu.launch
// CHECK-NOT: arith.subf
// CHECK: memref.store %{{.*}}, %[[M]]
// CHECK: gpu.terminator
// CHECK: %[[E:.*]] = memref.view
// CHECK: gpu.launch
// CHECK: memref.load %[[M]]
// CHECK: arith.subf
// CHECK: memref.store %{{.*}}, %[[Y]]
// CHECK: math.exp
// CHECK: memref.store %{{.*}}, %[[E]]
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK: gpu.terminator
// CHECK: linalg.generic {{.*}} ins(%[[E]] : memref<64x64xf32>) outs(%[[Z]] :
func.func @not_rows(%x: memref<64x64xf32>, %y: memref<64x64xf32>, %z: memref<64x64xf32>, %arena: memref<16896xi8> {kiln.arena}) attributes {kiln.num_inputs = 1 : i64, kiln.arena_alignment = 64 : i64} {
  %c0 = arith.constant 0 : index
  %c16384 = arith.constant 16384 : index
  %c16640 = arith.constant 16640 : index
  %m = memref.view %arena[%c16384][] : memref<16896xi8> to memref<64xf32>
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%x : memref<64x64xf32>) outs(%m : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %out : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#rows, #col, #rows], iterator_types = ["parallel", "parallel"]} ins(%x, %m : memref<64x64xf32>, memref<64xf32>) outs(%y : memref<64x64xf32>) {
  ^bb0(%in: f32, %mx: f32, %out: f32):
    %d = arith.subf %in, %mx : f32
    linalg.yield %d : f32
  }
  %e = memref.view %arena[%c0][] : memref<16896xi8> to memref<64x64xf32>
  linalg.generic {indexing_maps = [#rows, #rows], iterator_types = ["parallel", "parallel"]} ins(%x : memref<64x64xf32>) outs(%e : memref<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = math.exp %in : f32
    linalg.yield %d : f32
  }
  %s = memref.view %arena[%c16640][] : memref<16896xi8> to memref<64xf32>
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%e : memref<64x64xf32>) outs(%s : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, #rows], iterator_types = ["parallel", "parallel"]} ins(%e : memref<64x64xf32>) outs(%z : memref<64x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.addf %in, %in : f32
    linalg.yield %d : f32
  }
  return
}

// -----

#rows = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// Memory planning put x - max(x) where x was (the same elements, each read
// and then written by one lane): one program. Shifted by one element, a
// lane would overwrite another's input: two kernels.
// CHECK-LABEL: func.func @reuse(
// CHECK: gpu.launch
// CHECK: arith.subf
// CHECK: gpu.terminator
// CHECK-NOT: linalg.generic
// CHECK-LABEL: func.func @shifted(
// CHECK: gpu.launch
// CHECK-NOT: arith.subf
// CHECK: gpu.terminator
// CHECK: linalg.generic
func.func private @use(memref<16x64xf32>)
func.func @reuse(%arena: memref<4352xi8> {kiln.arena}) attributes {kiln.num_inputs = 0 : i64, kiln.arena_alignment = 64 : i64} {
  %c0 = arith.constant 0 : index
  %c4096 = arith.constant 4096 : index
  %x = memref.view %arena[%c0][] : memref<4352xi8> to memref<16x64xf32>
  %m = memref.view %arena[%c4096][] : memref<4352xi8> to memref<16xf32>
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%x : memref<16x64xf32>) outs(%m : memref<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %out : f32
    linalg.yield %r : f32
  }
  %y = memref.view %arena[%c0][] : memref<4352xi8> to memref<16x64xf32>
  linalg.generic {indexing_maps = [#rows, #row, #rows], iterator_types = ["parallel", "parallel"]} ins(%x, %m : memref<16x64xf32>, memref<16xf32>) outs(%y : memref<16x64xf32>) {
  ^bb0(%in: f32, %mx: f32, %out: f32):
    %d = arith.subf %in, %mx : f32
    linalg.yield %d : f32
  }
  func.call @use(%y) : (memref<16x64xf32>) -> ()
  return
}
func.func @shifted(%arena: memref<4352xi8> {kiln.arena}) attributes {kiln.num_inputs = 0 : i64, kiln.arena_alignment = 64 : i64} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c4160 = arith.constant 4160 : index
  %x = memref.view %arena[%c0][] : memref<4352xi8> to memref<16x64xf32>
  %m = memref.view %arena[%c4160][] : memref<4352xi8> to memref<16xf32>
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%x : memref<16x64xf32>) outs(%m : memref<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %out : f32
    linalg.yield %r : f32
  }
  %y = memref.view %arena[%c4][] : memref<4352xi8> to memref<16x64xf32>
  linalg.generic {indexing_maps = [#rows, #row, #rows], iterator_types = ["parallel", "parallel"]} ins(%x, %m : memref<16x64xf32>, memref<16xf32>) outs(%y : memref<16x64xf32>) {
  ^bb0(%in: f32, %mx: f32, %out: f32):
    %d = arith.subf %in, %mx : f32
    linalg.yield %d : f32
  }
  func.call @use(%y) : (memref<16x64xf32>) -> ()
  return
}

// -----

#rows = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// Not one program where a row would overwrite what other rows read
// before: y = x + m[0] for every row, then row sums added into m (row 0's
// sum could land before row 3 read m[0]).
// CHECK-LABEL: func.func @others_read(
// CHECK-SAME: %[[X:[^:]*]]: memref<4x64xf32>, %[[M:[^:]*]]: memref<4xf32>, %[[Y:[^:]*]]: memref<4x64xf32>
// CHECK: linalg.generic {{.*}} outs(%[[Y]] :
// CHECK: gpu.launch
// CHECK: memref.load %[[M]]
// CHECK: gpu.terminator
// CHECK-NOT: gpu.launch
func.func @others_read(%x: memref<4x64xf32>, %m: memref<4xf32>, %y: memref<4x64xf32>) attributes {kiln.num_inputs = 1 : i64} {
  linalg.generic {indexing_maps = [#rows, affine_map<(d0, d1) -> (0)>, #rows], iterator_types = ["parallel", "parallel"]} ins(%x, %m : memref<4x64xf32>, memref<4xf32>) outs(%y : memref<4x64xf32>) {
  ^bb0(%in: f32, %first: f32, %out: f32):
    %r = arith.addf %in, %first : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#rows, #row], iterator_types = ["parallel", "reduction"]} ins(%x : memref<4x64xf32>) outs(%m : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  }
  return
}
