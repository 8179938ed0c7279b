// RUN: kiln-opt %s -split-input-file -kiln-cuda-tile-contractions=precision=fp16 | FileCheck %s --check-prefix=FP16
// RUN: kiln-opt %s -split-input-file -kiln-cuda-tile-contractions=precision=tf32 | FileCheck %s --check-prefix=TF32
// RUN: kiln-opt %s -split-input-file -kiln-cuda-tile-contractions=precision=bf16 | FileCheck %s --check-prefix=BF16
// RUN: kiln-opt %s -split-input-file -kiln-cuda-tile-contractions=precision=fp16 -canonicalize | FileCheck %s --check-prefix=NARROW
// RUN: not kiln-opt %s -split-input-file -kiln-cuda-tile-contractions=precision=fp8 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: kiln-opt %s -split-input-file -kiln-cuda-tile-contractions="precision=fp16 tile=128x128x16" | FileCheck %s --check-prefix=TILE
// RUN: not kiln-opt %s -split-input-file -kiln-cuda-tile-contractions="precision=fp16 tile=96x96x16" 2>&1 | FileCheck %s --check-prefix=BADTILE
// --precision=fp16|tf32: tensor-core GEMM kernels. 128 threads (4 warps of
// 32x32), operands staged in shared memory in the multiplication type (two
// slices each: double buffering),
// f32 accumulators carried as scalars, 2 x 4 mma.sync per warp and
// reduction step (m16n8k16 for fp16: two steps per 32-wide slice, the
// reduction having at least two such slices; m16n8k8 for tf32: two steps
// per 16-wide slice).

// FP16-LABEL: func.func @matmul(
// FP16: gpu.launch
// FP16-SAME: threads({{[^)]*}}) in ({{[^)]*}} = %c128
// FP16-SAME: workgroup(%[[AS:[a-z0-9_]+]] : memref<128x40xf16, #gpu.address_space<workgroup>>, %[[BS:[a-z0-9_]+]] : memref<64x72xf16, #gpu.address_space<workgroup>>)
// The first slice into half 0 of the shared buffers (rounded to f16) ...
// FP16: arith.truncf %{{.*}} : f32 to f16
// FP16: memref.store %{{.*}}, %[[AS]]
// FP16: memref.store %{{.*}}, %[[BS]]
// FP16: gpu.barrier
// ... then per slice: the next slice's loads, fragments and mma on this
// one, the next one's stores into the other half, one barrier.
// FP16: scf.for {{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)
// FP16: memref.load %arg0
// Fragments by ldmatrix: A's 16x16 as four 8x8 matrices (lanes 8q .. 8q+7
// give rows 8 (q % 2) + lane % 8 at column 8 (q / 2)), B's 16x8 as two,
// transposed (lanes 0 .. 15 give rows k = lane % 16).
// FP16: nvgpu.ldmatrix %[[AS]][%{{.*}}, %{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<128x40xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// FP16: nvgpu.ldmatrix %[[BS]][%{{.*}}, %{{.*}}] {numTiles = 2 : i32, transpose = true} : memref<64x72xf16, #gpu.address_space<workgroup>> -> vector<2x2xf16>
// FP16-COUNT-16: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// FP16-NOT: nvgpu.mma.sync
// FP16: memref.store %{{.*}}, %[[AS]]
// FP16: gpu.barrier
// FP16-NEXT: scf.yield
// FP16-COUNT-32: memref.store %{{.*}}, %arg2
// FP16: gpu.terminator

// TF32-LABEL: func.func @matmul(
// TF32: workgroup(%{{[a-z0-9_]+}} : memref<128x20xf32, #gpu.address_space<workgroup>>, %{{[a-z0-9_]+}} : memref<32x72xf32, #gpu.address_space<workgroup>>)
// TF32-NOT: arith.truncf
// Operands rounded to tf32 as they are staged (add half an ulp of tf32,
// clear the 13 low bits; NaN and infinity kept).
// TF32: arith.bitcast %{{.*}} : f32 to i32
// TF32: arith.constant 4096 : i32
// TF32: arith.constant -8192 : i32
// TF32: arith.constant 2139095040 : i32
// TF32: arith.select
// TF32: arith.bitcast %{{.*}} : i32 to f32
// TF32: vector.from_elements {{.*}} : vector<4x1xf32>
// TF32-COUNT-16: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 8], tf32Enabled} : (vector<4x1xf32>, vector<2x1xf32>, vector<2x2xf32>) -> vector<2x2xf32>
// TF32-NOT: nvgpu.mma.sync
// TF32: gpu.terminator

// BF16-LABEL: func.func @matmul(
// BF16: workgroup(%{{[a-z0-9_]+}} : memref<128x40xbf16, #gpu.address_space<workgroup>>, %{{[a-z0-9_]+}} : memref<64x72xbf16, #gpu.address_space<workgroup>>)
// BF16: arith.truncf %{{.*}} : f32 to bf16
// BF16: nvgpu.ldmatrix {{.*}} -> vector<4x2xbf16>
// BF16-COUNT-16: nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xbf16>, vector<2x2xbf16>, vector<2x2xf32>) -> vector<2x2xf32>

// BAD: unknown precision 'fp8' (expected fp32, tf32, fp16 or bf16)
// A tile given for every GEMM (tuning): 128x128 of 8 warps, 16-wide slices.
// TILE-LABEL: func.func @matmul(
// TILE: gpu.launch
// TILE-SAME: threads({{[^)]*}}) in ({{[^)]*}} = %c256
// TILE-SAME: workgroup(%{{[a-z0-9_]+}} : memref<256x24xf16, #gpu.address_space<workgroup>>, %{{[a-z0-9_]+}} : memref<32x136xf16, #gpu.address_space<workgroup>>)
// TILE-COUNT-16: nvgpu.mma.sync
// TILE-NOT: nvgpu.mma.sync
// TILE: gpu.terminator
// BADTILE: unknown GEMM tile '96x96x16' (expected 128x128x16, 128x128x32, 64x64x16 or 64x64x32)
func.func @matmul(%a: memref<100x70xf32>, %b: memref<70x200xf32>, %c: memref<100x200xf32>) {
  linalg.matmul ins(%a, %b : memref<100x70xf32>, memref<70x200xf32>) outs(%c : memref<100x200xf32>)
  return
}

// -----

// A GEMM kiln-cuda-narrow-weights marked reads the weight's f16 copy, which
// is already of the staged type: its rows go to shared memory by
// asynchronous 16-byte copies (cp.async.cg, 8 elements each: 16 x 64 / 128
// threads = one per thread and slice), slice 0's waited for before the
// first barrier, the next slice's issued into the other half before the
// computation and waited for after it. 64 columns, 32 rows: no bounds.
// NARROW-LABEL: func.func @narrowed(
// NARROW: %[[W:.*]] = memref.get_global @w_fp16 : memref<32x64xf16>
// NARROW: gpu.launch
// NARROW-SAME: workgroup({{.*}}, %[[BS:[a-z0-9_]+]] : memref<32x72xf16, #gpu.address_space<workgroup>>)
// NARROW-NOT: memref.load %[[W]]
// NARROW: %[[T0:.*]] = nvgpu.device_async_copy %[[W]][%{{.*}}, %{{.*}}], %[[BS]][%{{.*}}, %{{.*}}], 8 {bypassL1} : memref<32x64xf16> to memref<32x72xf16, #gpu.address_space<workgroup>>
// NARROW-NEXT: %[[G0:.*]] = nvgpu.device_async_create_group %[[T0]]
// NARROW: nvgpu.device_async_wait %[[G0]]
// NARROW-NEXT: gpu.barrier
// NARROW: scf.for
// NARROW: %[[T1:.*]] = nvgpu.device_async_copy %[[W]]
// NARROW-NEXT: %[[G1:.*]] = nvgpu.device_async_create_group %[[T1]]
// NARROW: nvgpu.mma.sync
// NARROW: memref.store
// NARROW: nvgpu.device_async_wait %[[G1]]
// NARROW-NEXT: gpu.barrier
// NARROW-NEXT: scf.yield
// NARROW-NOT: memref.load %[[W]]
// Another precision's kernels read the f32 original.
// TF32-LABEL: func.func @narrowed(
// TF32-NOT: @w_fp16
// TF32: memref.get_global @w :
// TF32-NOT: @w_fp16
memref.global "private" constant @w : memref<32x64xf32> = dense<1.0>
memref.global "private" constant @w_fp16 : memref<32x64xf16> = dense<1.0>
func.func @narrowed(%a: memref<64x32xf32>, %c: memref<64x64xf32>) {
  %w = memref.get_global @w : memref<32x64xf32>
  linalg.matmul {kiln.cuda_narrow_weights = @w_fp16} ins(%a, %w : memref<64x32xf32>, memref<32x64xf32>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// A generic contraction (attention's Q K^T) whose first input was stored
// narrow (kiln-cuda-narrow-activations extends it in the body) is still a
// tensor-core GEMM, its f16 rows staged as they are.
#q = affine_map<(b, m, n, k) -> (b, m, k)>
#k = affine_map<(b, m, n, k) -> (b, n, k)>
#s = affine_map<(b, m, n, k) -> (b, m, n)>
// FP16-LABEL: func.func @narrow_scores(
// FP16: gpu.launch
// FP16: nvgpu.mma.sync
// FP16-NOT: linalg.generic
func.func @narrow_scores(%q: memref<4x32x16xf16>, %k: memref<4x48x16xf32>, %s: memref<4x32x48xf32>) {
  linalg.generic {indexing_maps = [#q, #k, #s], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : memref<4x32x16xf16>, memref<4x48x16xf32>) outs(%s : memref<4x32x48xf32>) {
  ^bb0(%x: f16, %y: f32, %acc: f32):
    %w = arith.extf %x : f16 to f32
    %p = arith.mulf %w, %y : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}
