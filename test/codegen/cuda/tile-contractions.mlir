// RUN: kiln-opt %s -split-input-file -kiln-cuda-tile-contractions | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-cuda-tile-contractions=chip=sm_86 | FileCheck %s --check-prefix=SM86
// f32 matmuls and NHWC convolutions become shared-memory tiled GEMM
// kernels: a block per 64x64 output tile, 256 threads, 16-wide reduction
// slices staged in workgroup memory, double-buffered (the next slice's
// loads in flight while the block computes on this one, stored into the
// other half after it, one barrier per slice), accumulators added to the
// output.

// 100x200 += 100x70 * 70x200: 2 row tiles (grid x) x 4 column tiles (y), 5
// slices.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: %[[A:.*]]: memref<100x70xf32>, %[[B:.*]]: memref<70x200xf32>, %[[C:.*]]: memref<100x200xf32>
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}} = %[[C2]], {{[^)]*}} = %[[C4]], {{[^)]*}} = %[[C1]]) threads({{[^)]*}}) in ({{[^)]*}} = %[[C256]], {{[^)]*}})
// CHECK-SAME: workgroup(%[[AS:[a-z0-9_]+]] : memref<128x20xf32, #gpu.address_space<workgroup>>, %[[BS:[a-z0-9_]+]] : memref<32x64xf32, #gpu.address_space<workgroup>>)
// The first slice into half 0: bounds-checked loads of A (stored as it
// is, its 16-float rows padded to 80 bytes) and B, zeros outside.
// CHECK: scf.if %{{.*}} -> (f32) {
// CHECK: memref.load %[[A]]
// CHECK: } else {
// CHECK: memref.store %{{.*}}, %[[AS]]
// CHECK: memref.store %{{.*}}, %[[BS]]
// CHECK: gpu.barrier
// CHECK: scf.for %[[S:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)
// CHECK: %[[HALF:.*]] = arith.remui %[[S]], %{{.*}} : index
// CHECK: %[[OTHER:.*]] = arith.subi %{{.*}}, %[[HALF]] : index
// The next slice (the last one again at the end) loaded first ...
// CHECK: arith.minui
// CHECK: memref.load %[[A]]
// CHECK: memref.load %[[B]]
// ... this one computed from the shared half ...
// CHECK: scf.for
// CHECK-COUNT-4: memref.load %[[AS]]
// CHECK-COUNT-4: memref.load %[[BS]]
// CHECK-COUNT-16: arith.mulf {{.*}} fastmath<contract>
// ... then the next one stored into the other half, and one barrier.
// CHECK: arith.muli %[[OTHER]]
// CHECK: memref.store %{{.*}}, %[[AS]]
// CHECK: memref.store %{{.*}}, %[[BS]]
// CHECK: gpu.barrier
// CHECK-NEXT: scf.yield
// The epilogue: 16 guarded read-add-writes of C.
// CHECK-COUNT-16: memref.store %{{.*}}, %[[C]]
// CHECK: gpu.terminator
// CHECK-NOT: linalg.matmul
func.func @matmul(%a: memref<100x70xf32>, %b: memref<70x200xf32>, %c: memref<100x200xf32>) {
  linalg.matmul ins(%a, %b : memref<100x70xf32>, memref<70x200xf32>) outs(%c : memref<100x200xf32>)
  return
}

// -----

// Batches on the grid's z.
// CHECK-LABEL: func.func @batch(
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}}, {{[^)]*}}, {{[^)]*}} = %[[C3]])
// CHECK-NOT: linalg.batch_matmul
func.func @batch(%a: memref<3x8x32xf32>, %b: memref<3x32x8xf32>, %c: memref<3x8x8xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x8x32xf32>, memref<3x32x8xf32>) outs(%c : memref<3x8x8xf32>)
  return
}

// -----

// A generic contraction (attention's Q K^T: B indexed (batch, column,
// reduction)) is a batched GEMM too: its operands are read through their
// maps. One whose output is (batch, column, row) is left alone.
// CHECK-LABEL: func.func @scores(
// CHECK-SAME: %[[Q:.*]]: memref<4x32x16xf32>, %[[K:.*]]: memref<4x48x16xf32>
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}}, {{[^)]*}}, {{[^)]*}} = %[[C4]])
// CHECK: memref.load %[[Q]][%[[QB:.*]], %[[QM:.*]], %[[QK:.*]]] : memref<4x32x16xf32>
// CHECK: memref.load %[[K]][%[[KB:.*]], %[[KN:.*]], %[[KK:.*]]] : memref<4x48x16xf32>
// CHECK: gpu.terminator
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[Q]], %[[K]]
// CHECK-NOT: linalg.generic
#q = affine_map<(b, m, n, k) -> (b, m, k)>
#k = affine_map<(b, m, n, k) -> (b, n, k)>
#s = affine_map<(b, m, n, k) -> (b, m, n)>
#st = affine_map<(b, m, n, k) -> (b, n, m)>
func.func @scores(%q: memref<4x32x16xf32>, %k: memref<4x48x16xf32>, %s: memref<4x32x48xf32>, %t: memref<4x48x32xf32>) {
  linalg.generic {indexing_maps = [#q, #k, #s], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : memref<4x32x16xf32>, memref<4x48x16xf32>) outs(%s : memref<4x32x48xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#q, #k, #st], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : memref<4x32x16xf32>, memref<4x48x16xf32>) outs(%t : memref<4x48x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A strided, dilated convolution as an implicit GEMM: rows are output
// pixels (n, oh, ow) = 2x4x4 = 32, columns the 8 filters, the reduction
// the filter's (kh, kw, c) = 3x3x5 = 45; the input is gathered at
// (n, oh * 2 + kh * 2, ow * 2 + kw * 2, c).
// CHECK-LABEL: func.func @conv(
// CHECK-SAME: %[[IN:.*]]: memref<2x13x13x5xf32>, %[[W:.*]]: memref<3x3x5x8xf32>
// CHECK: gpu.launch
// CHECK: memref.load %[[IN]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<2x13x13x5xf32>
// CHECK: memref.load %[[W]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<3x3x5x8xf32>
// CHECK: gpu.barrier
// CHECK: gpu.terminator
// CHECK-NOT: linalg.conv
func.func @conv(%in: memref<2x13x13x5xf32>, %w: memref<3x3x5x8xf32>, %out: memref<2x4x4x8xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%in, %w : memref<2x13x13x5xf32>, memref<3x3x5x8xf32>) outs(%out : memref<2x4x4x8xf32>)
  return
}

// -----

// Left to kiln-cuda-map-parallel: other element types, and contractions
// not at the function's top level.
// CHECK-LABEL: func.func @others(
// CHECK-NOT: gpu.launch
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<4x4xf16>
// CHECK: scf.for
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<4x4xf32>
func.func @others(%a: memref<4x4xf16>, %c: memref<4x4xf16>, %x: memref<4x4xf32>, %y: memref<4x4xf32>) {
  linalg.matmul ins(%a, %a : memref<4x4xf16>, memref<4x4xf16>) outs(%c : memref<4x4xf16>)
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  scf.for %i = %c0 to %c2 step %c1 {
    linalg.matmul ins(%x, %x : memref<4x4xf32>, memref<4x4xf32>) outs(%y : memref<4x4xf32>)
  }
  return
}

// -----

// Marked neighbours (kiln-cuda-mark-epilogues) fuse into the kernel: the
// output starts from the bias, the epilogue (residual add + ReLU) runs in
// the store and writes its own output; the GEMM's buffer is never written.
#id = affine_map<(d0, d1) -> (d0, d1)>
#last = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @fused(
// CHECK-SAME: %[[A:[a-z0-9]+]]: memref<8x4xf32>, %[[W:[a-z0-9]+]]: memref<4x16xf32>, %[[BIAS:[a-z0-9]+]]: memref<16xf32>, %[[R:[a-z0-9]+]]: memref<8x16xf32>, %[[Y:[a-z0-9]+]]: memref<8x16xf32>, %[[ARENA:[a-z0-9]+]]: memref<512xi8>
// CHECK-NOT: linalg.generic
// CHECK: gpu.launch
// CHECK: scf.if
// CHECK: %[[B:.*]] = memref.load %[[BIAS]][%{{.*}}] : memref<16xf32>
// CHECK: %[[V:.*]] = arith.addf %[[B]], %{{.*}} fastmath<contract> : f32
// CHECK: %[[S:.*]] = memref.load %[[R]]
// CHECK: %[[SUM:.*]] = arith.addf %[[V]], %[[S]] : f32
// CHECK: %[[RELU:.*]] = arith.maximumf %[[SUM]], %{{.*}} : f32
// CHECK: memref.store %[[RELU]], %[[Y]]
// CHECK-NOT: memref.store {{.*}}, %view
// CHECK: gpu.terminator
// CHECK-NOT: linalg.
func.func @fused(%a: memref<8x4xf32>, %w: memref<4x16xf32>, %bias: memref<16xf32>, %r: memref<8x16xf32>, %y: memref<8x16xf32>, %arena: memref<512xi8>) attributes {kiln.num_inputs = 4 : i64} {
  %c0 = arith.constant 0 : index
  %view = memref.view %arena[%c0][] : memref<512xi8> to memref<8x16xf32>
  linalg.generic {indexing_maps = [#last, #id], iterator_types = ["parallel", "parallel"]} ins(%bias : memref<16xf32>) outs(%view : memref<8x16xf32>) attrs = {kiln.cuda_prefill} {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.matmul {kiln.cuda_fused_output} ins(%a, %w : memref<8x4xf32>, memref<4x16xf32>) outs(%view : memref<8x16xf32>)
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%view, %r : memref<8x16xf32>, memref<8x16xf32>) outs(%y : memref<8x16xf32>) attrs = {kiln.cuda_epilogue} {
  ^bb0(%x: f32, %s: f32, %out: f32):
    %0 = arith.addf %x, %s : f32
    %z = arith.constant 0.0 : f32
    %1 = arith.maximumf %0, %z : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// An epilogue writing over the GEMM's input (the arena reused it) stays a
// separate op: the kernel's blocks still read that input.
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @overlap(
// CHECK: gpu.launch
// CHECK: gpu.terminator
// CHECK: linalg.generic
func.func @overlap(%w: memref<16x16xf32>, %arena: memref<2048xi8>) attributes {kiln.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %c1024 = arith.constant 1024 : index
  %a = memref.view %arena[%c0][] : memref<2048xi8> to memref<16x16xf32>
  %c = memref.view %arena[%c1024][] : memref<2048xi8> to memref<16x16xf32>
  linalg.matmul {kiln.cuda_fused_output} ins(%a, %w : memref<16x16xf32>, memref<16x16xf32>) outs(%c : memref<16x16xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%c : memref<16x16xf32>) outs(%a : memref<16x16xf32>) attrs = {kiln.cuda_epilogue} {
  ^bb0(%x: f32, %out: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  }
  return
}

// -----

// Dimensions the tiles divide get no bounds checks: 128x128 += 128x32 *
// 32x128 stages and stores without any scf.if.
// CHECK-LABEL: func.func @aligned(
// CHECK: gpu.launch
// CHECK-NOT: scf.if
// CHECK: gpu.terminator
func.func @aligned(%a: memref<128x32xf32>, %b: memref<32x128xf32>, %c: memref<128x128xf32>) {
  linalg.matmul ins(%a, %b : memref<128x32xf32>, memref<32x128xf32>) outs(%c : memref<128x128xf32>)
  return
}

// -----

// An empty reduction (K = 0) leaves the output as it is: no GEMM kernel
// (which would stage a slice of the empty operands).
// CHECK-LABEL: func.func @empty_k(
// CHECK-NOT: gpu.launch
// CHECK: linalg.matmul
func.func @empty_k(%a: memref<4x0xf32>, %b: memref<0x8xf32>, %c: memref<4x8xf32>) {
  linalg.matmul ins(%a, %b : memref<4x0xf32>, memref<0x8xf32>) outs(%c : memref<4x8xf32>)
  return
}

// -----

// A weight (its own device allocation: 256-byte aligned) with 16-byte
// aligned rows goes to shared memory by asynchronous copies of 4 elements
// (cp.async.cg, 16 bytes: one per thread and slice), zero-filled outside
// the 70 x 200 weight (the copy reads no element there, from element 0).
// A stays staged through registers (it is stored transposed).
// CHECK-LABEL: func.func @weights(
// CHECK: %[[W:.*]] = memref.get_global @w : memref<70x200xf32>
// CHECK: gpu.launch
// CHECK-SAME: workgroup({{.*}}, %[[BS:[a-z0-9_]+]] : memref<32x64xf32, #gpu.address_space<workgroup>>)
// CHECK-NOT: memref.load %[[W]]
// CHECK: %[[FROM:.*]] = arith.select %[[IN:.*]], %c4{{.*}}, %c0{{.*}} : index
// CHECK: %[[K:.*]] = arith.select %[[IN]], %{{.*}}, %c0{{.*}} : index
// CHECK: %[[N:.*]] = arith.select %[[IN]], %{{.*}}, %c0{{.*}} : index
// CHECK: %[[T0:.*]] = nvgpu.device_async_copy %[[W]][%[[K]], %[[N]]], %[[BS]][%{{.*}}, %{{.*}}], 4, %[[FROM]] {bypassL1} : memref<70x200xf32> to memref<32x64xf32, #gpu.address_space<workgroup>>
// CHECK-NEXT: nvgpu.device_async_create_group %[[T0]]
// CHECK: nvgpu.device_async_wait
// CHECK-NEXT: gpu.barrier
// CHECK: scf.for
// CHECK: nvgpu.device_async_copy %[[W]]
// CHECK: arith.mulf
// CHECK: nvgpu.device_async_wait
// CHECK-NEXT: gpu.barrier
// CHECK-NOT: memref.load %[[W]]
memref.global "private" constant @w : memref<70x200xf32> = dense<1.0>
func.func @weights(%a: memref<100x70xf32>, %c: memref<100x200xf32>) {
  %w = memref.get_global @w : memref<70x200xf32>
  linalg.matmul ins(%a, %w : memref<100x70xf32>, memref<70x200xf32>) outs(%c : memref<100x200xf32>)
  return
}

// -----

// No asynchronous copies where a 16-byte copy could start unaligned: rows
// of 198 elements (792 bytes), a view 4 bytes into a weight, and the
// caller's buffers (taken as element-aligned); a convolution's HWCF
// weight with 8 filters (rows of 32 bytes) has them, at its 4-D indices.
// CHECK-LABEL: func.func @unaligned(
// CHECK-NOT: nvgpu.device_async_copy
// CHECK: memref.load %{{.*}} : memref<70x198xf32>
// CHECK-NOT: nvgpu.device_async_copy
// CHECK: memref.load %{{.*}} : memref<16x64xf32, strided<[64, 1], offset: 1>>
// CHECK-NOT: nvgpu.device_async_copy
// CHECK: memref.load %{{.*}} : memref<16x64xf32>
// CHECK-NOT: nvgpu.device_async_copy
// CHECK: nvgpu.device_async_copy %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}], %{{.*}}[%{{.*}}, %{{.*}}], 4, %{{.*}} {bypassL1} : memref<3x3x5x8xf32> to memref<32x64xf32, #gpu.address_space<workgroup>>
memref.global "private" constant @v : memref<70x198xf32> = dense<1.0>
memref.global "private" constant @flat : memref<1025xf32> = dense<1.0>
memref.global "private" constant @hwcf : memref<3x3x5x8xf32> = dense<1.0>
func.func @unaligned(%a: memref<64x70xf32>, %c: memref<64x198xf32>, %a2: memref<64x16xf32>, %b2: memref<16x64xf32>, %c2: memref<64x64xf32>, %in: memref<2x13x13x5xf32>, %out: memref<2x4x4x8xf32>) {
  %v = memref.get_global @v : memref<70x198xf32>
  linalg.matmul ins(%a, %v : memref<64x70xf32>, memref<70x198xf32>) outs(%c : memref<64x198xf32>)
  %flat = memref.get_global @flat : memref<1025xf32>
  %tail = memref.subview %flat[1] [1024] [1] : memref<1025xf32> to memref<1024xf32, strided<[1], offset: 1>>
  %m = memref.expand_shape %tail [[0, 1]] output_shape [16, 64] : memref<1024xf32, strided<[1], offset: 1>> into memref<16x64xf32, strided<[64, 1], offset: 1>>
  linalg.matmul ins(%a2, %m : memref<64x16xf32>, memref<16x64xf32, strided<[64, 1], offset: 1>>) outs(%c2 : memref<64x64xf32>)
  linalg.matmul ins(%a2, %b2 : memref<64x16xf32>, memref<16x64xf32>) outs(%c2 : memref<64x64xf32>)
  %w = memref.get_global @hwcf : memref<3x3x5x8xf32>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%in, %w : memref<2x13x13x5xf32>, memref<3x3x5x8xf32>) outs(%out : memref<2x4x4x8xf32>)
  return
}

// -----

// Split-K: 2x64 += 2x1024 * 1024x64 is one 64x64 tile (one block for a
// 132-SM GPU); its 64 reduction slices go to 16 parts of 4 (grid z), each
// leaving its partial sums in a workspace the arena grows by (past the 100
// bytes memory planning used, from byte 256: 16 x 2 x 64 floats), and a
// second kernel adds each element's 16 parts in order to the output's
// value.
// CHECK-LABEL: func.func @split(
// CHECK-SAME: %[[A:[^:]*]]: memref<2x1024xf32>, %[[B:[^:]*]]: memref<1024x64xf32>, %[[C:[^:]*]]: memref<2x64xf32>, %[[ARENA:[^:]*]]: memref<8448xi8> {kiln.arena})
// CHECK-SAME: kiln.arena_size = 8448 : i64
// CHECK: %[[WS:.*]] = memref.view %[[ARENA]][%c256{{.*}}][] : memref<8448xi8> to memref<16x2x64xf32>
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %[[Z:[^)]*]]) in (%{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c16{{[_0-9]*}})
// CHECK: %[[PART:.*]] = arith.remui %[[Z]], %c16
// CHECK: %[[FIRST:.*]] = arith.muli %[[PART]], %c4
// CHECK: scf.for %{{.*}} = %[[FIRST]] to %{{.*}} step
// CHECK-NOT: memref.load %[[C]]
// CHECK: memref.store %{{.*}}, %[[WS]][%[[Z]], %{{.*}}, %{{.*}}] : memref<16x2x64xf32>
// CHECK: gpu.terminator
// CHECK: gpu.launch
// CHECK: scf.for %[[P:.*]] = %c0{{.*}} to %c16{{.*}} step %c1{{.*}} iter_args
// CHECK: memref.load %[[WS]]
// CHECK: arith.addf
// CHECK: %[[OLD:.*]] = memref.load %[[C]]
// CHECK: arith.addf %[[OLD]]
// CHECK: memref.store %{{.*}}, %[[C]]
// CHECK: gpu.terminator
func.func @split(%a: memref<2x1024xf32>, %b: memref<1024x64xf32>, %c: memref<2x64xf32>, %arena: memref<100xi8> {kiln.arena}) attributes {kiln.arena_size = 100 : i64} {
  linalg.matmul ins(%a, %b : memref<2x1024xf32>, memref<1024x64xf32>) outs(%c : memref<2x64xf32>)
  return
}

// -----

// 640x640 is 100 tiles: fewer blocks than an H100 has SMs (132), so its
// reduction is split (3 parts: 264 / 100 rounded up); an sm_86 GPU (84
// SMs planned for) is already full: no split, no workspace.
// CHECK-LABEL: func.func @sm_count(
// CHECK: memref.view
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c10{{.*}}, %{{.*}} = %c10{{.*}}, %{{.*}} = %c3{{[_0-9]*}})
// SM86-LABEL: func.func @sm_count(
// SM86-SAME: memref<100xi8> {kiln.arena}
// SM86-NOT: memref.view
// SM86: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c10{{.*}}, %{{.*}} = %c10{{.*}}, %{{.*}} = %c1{{[_0-9]*}})
// SM86-NOT: gpu.launch
func.func @sm_count(%a: memref<640x256xf32>, %b: memref<256x640xf32>, %c: memref<640x640xf32>, %arena: memref<100xi8> {kiln.arena}) attributes {kiln.arena_size = 100 : i64} {
  linalg.matmul ins(%a, %b : memref<640x256xf32>, memref<256x640xf32>) outs(%c : memref<640x640xf32>)
  return
}

// -----

// A in the arena (its rows 16-byte aligned: 64-byte arena, 256 floats a
// row) and a weight: both go to shared memory by cp.async, one 16-byte copy
// of each per thread and slice, in one group; no register staging.
// CHECK-LABEL: func.func @both_async(
// SM86-LABEL: func.func @both_async(
// CHECK: %[[A:.*]] = memref.view
// CHECK: %[[W:.*]] = memref.get_global @w2
// CHECK: gpu.launch
// CHECK-SAME: workgroup(%[[AS:[a-z0-9_]+]] : memref<128x20xf32, #gpu.address_space<workgroup>>, %[[BS:[a-z0-9_]+]] : memref<32x64xf32, #gpu.address_space<workgroup>>)
// CHECK-NOT: memref.load %[[A]]
// CHECK: %[[TA:.*]] = nvgpu.device_async_copy %[[A]][%{{.*}}, %{{.*}}], %[[AS]][%{{.*}}, %{{.*}}], 4 {bypassL1} : memref<64x256xf32> to memref<128x20xf32, #gpu.address_space<workgroup>>
// CHECK: %[[TB:.*]] = nvgpu.device_async_copy %[[W]]
// CHECK-NEXT: nvgpu.device_async_create_group %[[TA]], %[[TB]]
// CHECK-NOT: memref.load %[[A]]
// CHECK-NOT: memref.load %[[W]]
// CHECK: gpu.terminator
memref.global "private" constant @w2 : memref<256x64xf32> = dense<1.0>
func.func @both_async(%c: memref<64x64xf32>, %arena: memref<65536xi8> {kiln.arena}) attributes {kiln.arena_alignment = 64 : i64, kiln.arena_size = 65536 : i64} {
  %c0 = arith.constant 0 : index
  %a = memref.view %arena[%c0][] : memref<65536xi8> to memref<64x256xf32>
  %w = memref.get_global @w2 : memref<256x64xf32>
  linalg.matmul ins(%a, %w : memref<64x256xf32>, memref<256x64xf32>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// A zero-padded input (a zero fill, then the real input copied inside:
// bufferization's tensor.pad) is read through: the kernel loads the real
// input where the padded position lies in it (clamped indices, 0
// elsewhere), and the fill and copy, which nothing else reads, go.
// CHECK-LABEL: func.func @padded(
// CHECK: %[[SRC:.*]] = memref.view %{{.*}}[%{{.*}}][] : memref<65536xi8> to memref<8x8x8xf32>
// CHECK-NOT: linalg.map
// CHECK-NOT: linalg.copy
// CHECK: gpu.launch
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi slt
// CHECK: %[[V:.*]] = memref.load %[[SRC]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<8x8x8xf32>
// CHECK: arith.select %{{.*}}, %[[V]], %{{.*}} : f32
// CHECK-NOT: memref<1x10x10x8xf32>
// CHECK: gpu.terminator
// CHECK-NOT: linalg.conv
func.func @padded(%arena: memref<65536xi8>, %w: memref<3x3x8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c4096 = arith.constant 4096 : index
  %c8192 = arith.constant 8192 : index
  %zero = arith.constant 0.0 : f32
  %src = memref.view %arena[%c0][] : memref<65536xi8> to memref<8x8x8xf32>
  %pad = memref.view %arena[%c4096][] : memref<65536xi8> to memref<10x10x8xf32>
  %out = memref.view %arena[%c8192][] : memref<65536xi8> to memref<1x8x8x16xf32>
  linalg.map outs(%pad : memref<10x10x8xf32>)
    (%init: f32) {
      linalg.yield %zero : f32
    }
  %interior = memref.subview %pad[1, 1, 0] [8, 8, 8] [1, 1, 1] : memref<10x10x8xf32> to memref<8x8x8xf32, strided<[80, 8, 1], offset: 88>>
  linalg.copy ins(%src : memref<8x8x8xf32>) outs(%interior : memref<8x8x8xf32, strided<[80, 8, 1], offset: 88>>)
  %in = memref.expand_shape %pad [[0, 1], [2], [3]] output_shape [1, 10, 10, 8] : memref<10x10x8xf32> into memref<1x10x10x8xf32>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : memref<1x10x10x8xf32>, memref<3x3x8x16xf32>) outs(%out : memref<1x8x8x16xf32>)
  return
}

// -----

// Read as it is when the real input's memory is written between the copy
// and the convolution (the arena reused it), or when something else reads
// the padded buffer (the fill and copy stay for it).
// CHECK-LABEL: func.func @padded_kept(
// CHECK: linalg.map
// CHECK: linalg.copy
// CHECK: gpu.launch
// CHECK: memref.load %{{.*}} : memref<1x10x10x8xf32>
// CHECK: gpu.terminator
// CHECK: linalg.map
// CHECK: linalg.copy
// CHECK: gpu.launch
// CHECK: memref.load %{{.*}} : memref<8x8x8xf32>
// CHECK: gpu.terminator
// CHECK: memref.load %{{.*}} : memref<10x10x8xf32>
func.func @padded_kept(%arena: memref<65536xi8>, %w: memref<3x3x8x16xf32>, %r: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4096 = arith.constant 4096 : index
  %c8192 = arith.constant 8192 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %src = memref.view %arena[%c0][] : memref<65536xi8> to memref<8x8x8xf32>
  %pad = memref.view %arena[%c4096][] : memref<65536xi8> to memref<10x10x8xf32>
  %out = memref.view %arena[%c8192][] : memref<65536xi8> to memref<1x8x8x16xf32>
  linalg.map outs(%pad : memref<10x10x8xf32>)
    (%init: f32) {
      linalg.yield %zero : f32
    }
  %interior = memref.subview %pad[1, 1, 0] [8, 8, 8] [1, 1, 1] : memref<10x10x8xf32> to memref<8x8x8xf32, strided<[80, 8, 1], offset: 88>>
  linalg.copy ins(%src : memref<8x8x8xf32>) outs(%interior : memref<8x8x8xf32, strided<[80, 8, 1], offset: 88>>)
  // Over the first 1 KB of src.
  %reused = memref.view %arena[%c0][] : memref<65536xi8> to memref<256xf32>
  linalg.fill ins(%one : f32) outs(%reused : memref<256xf32>)
  %in = memref.expand_shape %pad [[0, 1], [2], [3]] output_shape [1, 10, 10, 8] : memref<10x10x8xf32> into memref<1x10x10x8xf32>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : memref<1x10x10x8xf32>, memref<3x3x8x16xf32>) outs(%out : memref<1x8x8x16xf32>)
  // Again, src intact, but the padded buffer read after the convolution.
  linalg.map outs(%pad : memref<10x10x8xf32>)
    (%init: f32) {
      linalg.yield %zero : f32
    }
  linalg.copy ins(%src : memref<8x8x8xf32>) outs(%interior : memref<8x8x8xf32, strided<[80, 8, 1], offset: 88>>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : memref<1x10x10x8xf32>, memref<3x3x8x16xf32>) outs(%out : memref<1x8x8x16xf32>)
  %corner = memref.load %pad[%c0, %c0, %c1] : memref<10x10x8xf32>
  memref.store %corner, %r[] : memref<f32>
  return
}

// -----

// A depthwise convolution with its bias and epilogue (kiln-cuda-mark-
// epilogues) and a padded input: one kernel, a thread per output
// (neighbouring threads on neighbouring channels), its 3x3 window
// unrolled over the real input read through the padding (f16, extended),
// the bias added, the clip applied and stored in f16. The fill, copy,
// bias broadcast and clip kernels are gone.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @depthwise(
// CHECK: %[[BIAS:.*]] = memref.get_global @dw_bias
// CHECK: %[[SRC:.*]] = memref.view %{{.*}}[%{{.*}}][] : memref<65536xi8> to memref<4x4x8xf16>
// CHECK: %[[OUT:.*]] = memref.view %{{.*}}[%{{.*}}][] : memref<65536xi8> to memref<1x4x4x8xf16>
// CHECK-NOT: linalg.
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c1{{.*}}) threads({{.*}}) in (%{{.*}} = %c256
// CHECK: arith.cmpi ult
// CHECK-COUNT-9: memref.load %[[SRC]]
// CHECK: memref.load %[[BIAS]]
// CHECK: arith.minimumf
// CHECK: arith.truncf
// CHECK: memref.store %{{.*}}, %[[OUT]]
// CHECK: gpu.terminator
// CHECK-NOT: linalg.
memref.global "private" constant @dw_w : memref<3x3x8xf32> = dense<0.5>
memref.global "private" constant @dw_bias : memref<8xf32> = dense<1.0>
func.func @depthwise(%arena: memref<65536xi8>) {
  %w = memref.get_global @dw_w : memref<3x3x8xf32>
  %bias = memref.get_global @dw_bias : memref<8xf32>
  %c0 = arith.constant 0 : index
  %c1024 = arith.constant 1024 : index
  %c4096 = arith.constant 4096 : index
  %c8192 = arith.constant 8192 : index
  %zero = arith.constant 0.0 : f16
  %src = memref.view %arena[%c0][] : memref<65536xi8> to memref<4x4x8xf16>
  %pad = memref.view %arena[%c1024][] : memref<65536xi8> to memref<6x6x8xf16>
  %acc = memref.view %arena[%c4096][] : memref<65536xi8> to memref<1x4x4x8xf32>
  %out = memref.view %arena[%c8192][] : memref<65536xi8> to memref<1x4x4x8xf16>
  linalg.map outs(%pad : memref<6x6x8xf16>)
    (%init: f16) {
      linalg.yield %zero : f16
    }
  %interior = memref.subview %pad[1, 1, 0] [4, 4, 8] [1, 1, 1] : memref<6x6x8xf16> to memref<4x4x8xf16, strided<[48, 8, 1], offset: 56>>
  linalg.copy ins(%src : memref<4x4x8xf16>) outs(%interior : memref<4x4x8xf16, strided<[48, 8, 1], offset: 56>>)
  %in = memref.expand_shape %pad [[0, 1], [2], [3]] output_shape [1, 6, 6, 8] : memref<6x6x8xf16> into memref<1x6x6x8xf16>
  linalg.generic {indexing_maps = [#ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : memref<8xf32>) outs(%acc : memref<1x4x4x8xf32>) attrs = {kiln.cuda_prefill} {
  ^bb0(%b: f32, %o: f32):
    linalg.yield %b : f32
  }
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, kiln.cuda_fused_output, strides = dense<1> : tensor<2xi64>} ins(%in, %w : memref<1x6x6x8xf16>, memref<3x3x8xf32>) outs(%acc : memref<1x4x4x8xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc : memref<1x4x4x8xf32>) outs(%out : memref<1x4x4x8xf16>) attrs = {kiln.cuda_epilogue} {
  ^bb0(%v: f32, %o: f16):
    %lo = arith.constant 0.0 : f32
    %hi = arith.constant 6.0 : f32
    %0 = arith.maximumf %v, %lo : f32
    %1 = arith.minimumf %0, %hi : f32
    %2 = arith.truncf %1 : f32 to f16
    linalg.yield %2 : f16
  }
  return
}
