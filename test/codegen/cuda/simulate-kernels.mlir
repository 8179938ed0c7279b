// RUN: kiln-opt %s -split-input-file -kiln-cuda-simulate-kernels -verify-diagnostics | FileCheck %s
// --cuda-simulate: each kernel becomes a host function
// void(void **args, kiln_cusim_thread_t *thread) (SimulatorAbi.h). Its
// parameters are unpacked from args as cuLaunchKernel passes them (a
// pointer per parameter to its value), thread and block indices are words
// of `thread`, a barrier calls the thread's barrier function, and the
// gpu.module gets an image placeholder listing its kernels and their flags.

// CHECK: llvm.mlir.global internal constant @kernels_cusim()
// CHECK-SAME: kiln.cusim_kernels = {{\[}}["scale", @kiln_cusim_kernels_scale, 0, "p256,8,4", 0], ["sync", @kiln_cusim_kernels_sync, 1, "p256", 0]]
// CHECK: gpu.module @kernels

// CHECK-LABEL: func.func private @kiln_cusim_kernels_scale(
// CHECK-SAME: %[[ARGS:.*]]: !llvm.ptr, %[[T:.*]]: !llvm.ptr) attributes {kiln.cusim_kernel}
// Parameter 0, a buffer: args[0] points to its pointer.
// CHECK: %[[A0:.*]] = llvm.getelementptr %[[ARGS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[S0:.*]] = llvm.load %[[A0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[P0:.*]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[M0:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)> to memref<64xf32>
// Parameter 1, an index: an i64.
// CHECK: %[[A1:.*]] = llvm.getelementptr %[[ARGS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[S1:.*]] = llvm.load %[[A1]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[N:.*]] = llvm.load %[[S1]] : !llvm.ptr -> i64
// CHECK: %[[NI:.*]] = arith.index_cast %[[N]] : i64 to index
// Parameter 2, a float.
// CHECK: %[[A2:.*]] = llvm.getelementptr %[[ARGS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[S2:.*]] = llvm.load %[[A2]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[F:.*]] = llvm.load %[[S2]] : !llvm.ptr -> f32
// CHECK: cf.br ^[[BODY:.*]](%[[M0]], %[[NI]], %[[F]] : memref<64xf32>, index, f32)
// CHECK: ^[[BODY]](%[[BUF:.*]]: memref<64xf32>, %{{.*}}: index, %[[SCALE:.*]]: f32):
// blockIdx.x is word 3, blockDim.x word 6, threadIdx.x word 0.
// CHECK-DAG: llvm.getelementptr %[[T]][3] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-DAG: llvm.getelementptr %[[T]][6] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-DAG: llvm.getelementptr %[[T]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: memref.load %[[BUF]]
// CHECK: arith.mulf %{{.*}}, %[[SCALE]]
// CHECK: memref.store
// CHECK: return
// CHECK-NOT: gpu.

// CHECK-LABEL: func.func private @kiln_cusim_kernels_sync(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %[[T2:.*]]: !llvm.ptr)
// threadIdx.y is word 1; the barrier function is word 13, called with the
// thread.
// CHECK: llvm.getelementptr %[[T2]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[BA:.*]] = llvm.getelementptr %[[T2]][13] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[B:.*]] = llvm.load %[[BA]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call %[[B]](%[[T2]]) : !llvm.ptr, (!llvm.ptr) -> ()
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @scale(%buf: memref<64xf32>, %n: index, %s: f32) kernel {
      %b = gpu.block_id x
      %d = gpu.block_dim x
      %t = gpu.thread_id x
      %0 = arith.muli %b, %d : index
      %i = arith.addi %0, %t : index
      %in = arith.cmpi ult, %i, %n : index
      scf.if %in {
        %v = memref.load %buf[%i] : memref<64xf32>
        %w = arith.mulf %v, %s : f32
        memref.store %w, %buf[%i] : memref<64xf32>
      }
      gpu.return
    }
    gpu.func @sync(%buf: memref<64xf32>) kernel {
      %t = gpu.thread_id y
      gpu.barrier
      gpu.return
    }
  }
}

// -----

// What the host cannot run is refused, every op at once.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @warp(%buf: memref<64xf32>) kernel {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : i32
      %c32 = arith.constant 32 : i32
      %v = memref.load %buf[%c0] : memref<64xf32>
      %d = arith.extf %v : f32 to f64
      // expected-error @below {{the CUDA simulator shuffles 32-bit values only}}
      %s, %ok = gpu.shuffle xor %d, %c1, %c32 : f64
      // expected-error @below {{the CUDA simulator cannot run 'gpu.lane_id' on the host}}
      %l = gpu.lane_id
      gpu.return
    }
  }
}

// -----

// Shared buffers: 16-byte aligned views of the block's shared memory (word
// 12), in the default memory space; the image records their bytes (a
// 10-float buffer's 40 rounded to 48, then 8 rounded to 16).
// CHECK: llvm.mlir.global internal constant @shared_cusim()
// CHECK-SAME: ["stage", @kiln_cusim_shared_stage, 1, "p40", 64]
// CHECK-LABEL: func.func private @kiln_cusim_shared_stage(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %[[T:.*]]: !llvm.ptr)
// CHECK: %[[SA:.*]] = llvm.getelementptr %[[T]][12] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[S:.*]] = llvm.load %[[SA]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[P0:.*]] = llvm.getelementptr %[[S]][0] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK: %[[M0:.*]] = builtin.unrealized_conversion_cast %{{.*}} to memref<10xf32>
// CHECK: %[[P1:.*]] = llvm.getelementptr %[[S]][48] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK: %[[M1:.*]] = builtin.unrealized_conversion_cast %{{.*}} to memref<2xf32>
// CHECK: cf.br ^[[BODY:.*]](%{{.*}} : memref<10xf32>)
// CHECK: ^[[BODY]](%[[BUF:.*]]: memref<10xf32>):
// CHECK: memref.store %{{.*}}, %[[M0]][%{{.*}}] : memref<10xf32>
// CHECK: llvm.call
// CHECK: memref.load %[[M0]][%{{.*}}] : memref<10xf32>
// CHECK: memref.store %{{.*}}, %[[M1]][%{{.*}}] : memref<2xf32>
// CHECK-NOT: address_space
module attributes {gpu.container_module} {
  gpu.module @shared {
    gpu.func @stage(%buf: memref<10xf32>) workgroup(%a: memref<10xf32, #gpu.address_space<workgroup>>, %b: memref<2xf32, #gpu.address_space<workgroup>>) kernel {
      %t = gpu.thread_id x
      %c0 = arith.constant 0 : index
      %v = memref.load %buf[%t] : memref<10xf32>
      memref.store %v, %a[%t] : memref<10xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %w = memref.load %a[%c0] : memref<10xf32, #gpu.address_space<workgroup>>
      memref.store %w, %b[%c0] : memref<2xf32, #gpu.address_space<workgroup>>
      memref.store %w, %buf[%t] : memref<10xf32>
      gpu.return
    }
  }
}

// -----

// Views of shared buffers are not simulated.
module attributes {gpu.container_module} {
  gpu.module @views {
    gpu.func @view(%buf: memref<10xf32>) workgroup(%a: memref<10xf32, #gpu.address_space<workgroup>>) kernel {
      // expected-error @below {{the CUDA simulator only loads and stores shared buffers directly}}
      %s = memref.subview %a[2] [4] [1] : memref<10xf32, #gpu.address_space<workgroup>> to memref<4xf32, strided<[1], offset: 2>, #gpu.address_space<workgroup>>
      gpu.return
    }
  }
}

// -----

// mma.sync: the fragments are spilled as f32 into buffers made at the
// function's entry and exchanged by the thread's `mma` (word 14) with the
// shape's code (0: m16n8k16); the kernel runs as coroutines (flag 1).
// CHECK: ["tc", @kiln_cusim_mma_tc, 1, "p16", 0]
// CHECK-LABEL: func.func private @kiln_cusim_mma_tc(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %[[T:.*]]: !llvm.ptr)
// CHECK-DAG: %[[A:.*]] = memref.alloca() : memref<8xf32>
// CHECK-DAG: %[[B:.*]] = memref.alloca() : memref<4xf32>
// CHECK: cf.br
// CHECK-COUNT-8: arith.extf %{{.*}} : f16 to f32
// CHECK: %[[FA:.*]] = llvm.getelementptr %[[T]][14] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[F:.*]] = llvm.load %[[FA]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[CODE:.*]] = llvm.mlir.constant(0 : i64) : i64
// CHECK: llvm.call %[[F]](%[[T]], %[[CODE]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : !llvm.ptr, (!llvm.ptr, i64, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-COUNT-4: memref.load
// CHECK: vector.from_elements {{.*}} : vector<2x2xf32>
// CHECK-NOT: nvgpu.
module attributes {gpu.container_module} {
  gpu.module @mma {
    gpu.func @tc(%out: memref<4xf32>) kernel {
      %h = arith.constant 1.0 : f16
      %z = arith.constant 0.0 : f32
      %a = vector.from_elements %h, %h, %h, %h, %h, %h, %h, %h : vector<4x2xf16>
      %b = vector.from_elements %h, %h, %h, %h : vector<2x2xf16>
      %c = vector.from_elements %z, %z, %z, %z : vector<2x2xf32>
      %d = nvgpu.mma.sync (%a, %b, %c) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
      %e = vector.extract %d[0, 0] : f32 from vector<2x2xf32>
      %i = arith.constant 0 : index
      memref.store %e, %out[%i] : memref<4xf32>
      gpu.return
    }
  }
}

// -----

// Other mma shapes are refused.
module attributes {gpu.container_module} {
  gpu.module @mma8 {
    gpu.func @tc(%out: memref<4xf32>) kernel {
      %h = arith.constant 1.0 : f16
      %z = arith.constant 0.0 : f32
      %a = vector.from_elements %h, %h, %h, %h : vector<2x2xf16>
      %b = vector.from_elements %h, %h : vector<1x2xf16>
      %c = vector.from_elements %z, %z, %z, %z : vector<2x2xf32>
      // expected-error @below {{the CUDA simulator runs mma.sync m16n8k16 (f16, bf16) and m16n8k8 (tf32) only}}
      %d = nvgpu.mma.sync (%a, %b, %c) {mmaShape = [16, 8, 8]} : (vector<2x2xf16>, vector<1x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
      gpu.return
    }
  }
}

// -----

// A shuffle calls the thread's shuffle function (word 15) with the mode
// (xor: 0), the value's bits, the offset and the width; the result's low
// 32 bits are the value, bit 32 whether there was a source lane. Kernels
// that shuffle run as coroutines (flag 1).
// CHECK: llvm.mlir.global internal constant @warps_cusim()
// CHECK-SAME: ["butterfly", @kiln_cusim_warps_butterfly, 1, "p256", 0]
// CHECK-LABEL: func.func private @kiln_cusim_warps_butterfly(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %[[T:.*]]: !llvm.ptr)
// CHECK: %[[BITS:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK: %[[FA:.*]] = llvm.getelementptr %[[T]][15] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[F:.*]] = llvm.load %[[FA]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[MODE:.*]] = llvm.mlir.constant(0 : i64) : i64
// CHECK: %[[WIDE:.*]] = arith.extui %[[BITS]] : i32 to i64
// CHECK: %[[R:.*]] = llvm.call %[[F]](%[[T]], %[[MODE]], %[[WIDE]], %{{.*}}, %{{.*}}) : !llvm.ptr, (!llvm.ptr, i64, i64, i64, i64) -> i64
// CHECK: %[[LOW:.*]] = arith.trunci %[[R]] : i64 to i32
// CHECK: %[[V:.*]] = arith.bitcast %[[LOW]] : i32 to f32
// CHECK: %[[HIGH:.*]] = arith.shrui %[[R]]
// CHECK: %[[OK:.*]] = arith.cmpi ne, %[[HIGH]]
// CHECK: arith.select %[[OK]], %[[V]], %{{.*}} : f32
module attributes {gpu.container_module} {
  gpu.module @warps {
    gpu.func @butterfly(%buf: memref<64xf32>) kernel {
      %t = gpu.thread_id x
      %c1 = arith.constant 1 : i32
      %c32 = arith.constant 32 : i32
      %v = memref.load %buf[%t] : memref<64xf32>
      %s, %ok = gpu.shuffle xor %v, %c1, %c32 : f32
      %w = arith.select %ok, %s, %v : f32
      memref.store %w, %buf[%t] : memref<64xf32>
      gpu.return
    }
  }
}

// -----

// ldmatrix calls the thread's ldmatrix function (word 16) with the number
// of matrices, whether transposed, this lane's row address in the shared
// buffer (element (i, j) of a 16x24 buffer: its start + (i * 24 + j) * 2
// bytes) and a buffer for its 16-bit results, which become the fragment.
// CHECK: llvm.mlir.global internal constant @frags_cusim()
// CHECK-SAME: ["load", @kiln_cusim_frags_load, 1, "p64", 768]
// CHECK-LABEL: func.func private @kiln_cusim_frags_load(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %[[T:.*]]: !llvm.ptr)
// CHECK: %[[OUT:.*]] = memref.alloca() : memref<8xi16>
// CHECK: %[[I:.*]] = arith.muli %{{.*}}, %c24
// CHECK: %[[E:.*]] = arith.addi %[[I]], %{{.*}} : index
// CHECK: %[[BASE:.*]] = memref.extract_aligned_pointer_as_index
// CHECK: %[[BYTES:.*]] = arith.muli %[[E]], %c2
// CHECK: arith.addi %[[BASE]], %[[BYTES]] : index
// CHECK: %[[ROW:.*]] = llvm.inttoptr
// CHECK: %[[FA:.*]] = llvm.getelementptr %[[T]][16] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[F:.*]] = llvm.load %[[FA]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[N:.*]] = llvm.mlir.constant(4 : i64) : i64
// CHECK: %[[TR:.*]] = llvm.mlir.constant(0 : i64) : i64
// CHECK: llvm.call %[[F]](%[[T]], %[[N]], %[[TR]], %[[ROW]], %{{.*}}) : !llvm.ptr, (!llvm.ptr, i64, i64, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-COUNT-8: memref.load %[[OUT]]
// CHECK: vector.from_elements {{.*}} : vector<4x2xf16>
module attributes {gpu.container_module} {
  gpu.module @frags {
    gpu.func @load(%out: memref<32xf16>) workgroup(%s : memref<16x24xf16, #gpu.address_space<workgroup>>) kernel {
      %t = gpu.thread_id x
      %c0 = arith.constant 0 : index
      %c16 = arith.constant 16 : index
      %r = arith.remui %t, %c16 : index
      %f = nvgpu.ldmatrix %s[%r, %c0] {numTiles = 4 : i32, transpose = false} : memref<16x24xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
      %e = vector.extract %f[0, 0] : f16 from vector<4x2xf16>
      memref.store %e, %out[%t] : memref<32xf16>
      gpu.return
    }
  }
}

// -----

// Asynchronous copies call the thread's async_copy (word 17) with the
// shared and global element addresses, the bytes copied and the bytes read
// (srcElements, 4 bytes each); a group calls async_commit (word 18), a
// wait async_wait (word 19) with the groups it may leave pending (0 when
// the op names none). None needs the block's threads as coroutines.
// CHECK: llvm.mlir.global internal constant @copies_cusim()
// CHECK-SAME: ["stage", @kiln_cusim_copies_stage, 0, "p4096,p64", 256]
// CHECK-LABEL: func.func private @kiln_cusim_copies_stage(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %[[T:.*]]: !llvm.ptr)
// CHECK: %[[CA:.*]] = llvm.getelementptr %[[T]][17] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[COPY:.*]] = llvm.load %[[CA]] : !llvm.ptr -> !llvm.ptr
// CHECK: memref.extract_aligned_pointer_as_index %{{.*}} : memref<64xf32> -> index
// CHECK: %[[DST:.*]] = llvm.inttoptr
// CHECK: memref.extract_aligned_pointer_as_index %{{.*}} : memref<16x64xf32> -> index
// CHECK: %[[SRC:.*]] = llvm.inttoptr
// CHECK: %[[BYTES:.*]] = llvm.mlir.constant(16 : i64) : i64
// CHECK: llvm.call %[[COPY]](%[[T]], %[[DST]], %[[SRC]], %[[BYTES]], %{{.*}}) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, !llvm.ptr, i64, i64) -> ()
// CHECK: %[[GA:.*]] = llvm.getelementptr %[[T]][18] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[COMMIT:.*]] = llvm.load %[[GA]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call %[[COMMIT]](%[[T]]) : !llvm.ptr, (!llvm.ptr) -> ()
// CHECK: %[[WA:.*]] = llvm.getelementptr %[[T]][19] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[WAIT:.*]] = llvm.load %[[WA]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[PENDING:.*]] = llvm.mlir.constant(0 : i64) : i64
// CHECK: llvm.call %[[WAIT]](%[[T]], %[[PENDING]]) : !llvm.ptr, (!llvm.ptr, i64) -> ()
// CHECK-NOT: nvgpu.
module attributes {gpu.container_module} {
  gpu.module @copies {
    gpu.func @stage(%src: memref<16x64xf32>, %out: memref<16xf32>) workgroup(%s : memref<64xf32, #gpu.address_space<workgroup>>) kernel {
      %t = gpu.thread_id x
      %c0 = arith.constant 0 : index
      %c4 = arith.constant 4 : index
      %c16 = arith.constant 16 : index
      %at = arith.muli %t, %c4 : index
      %in = arith.cmpi ult, %t, %c16 : index
      %from = arith.select %in, %c4, %c0 : index
      %cp = nvgpu.device_async_copy %src[%t, %c0], %s[%at], 4, %from {bypassL1} : memref<16x64xf32> to memref<64xf32, #gpu.address_space<workgroup>>
      %g = nvgpu.device_async_create_group %cp
      nvgpu.device_async_wait %g
      %v = memref.load %s[%at] : memref<64xf32, #gpu.address_space<workgroup>>
      memref.store %v, %out[%t] : memref<16xf32>
      gpu.return
    }
  }
}
