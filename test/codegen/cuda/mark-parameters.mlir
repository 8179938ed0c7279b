// RUN: kiln-opt %s -split-input-file -allow-unregistered-dialect -kiln-cuda-mark-parameters | FileCheck %s
// Kernel buffer parameters: llvm.readonly where the kernel never writes
// them, llvm.noalias where no launch passes a buffer that may share memory
// with them while one of the two is written, llvm.align where every launch
// passes a pointer aligned to 16 bytes or more.

// Disjoint views of the arena and a weight: the read ones are read-only
// and unaliased, the written one unaliased. Alignment: the arena's 64
// bytes at byte 0, a weight's own allocation (256), none claimed at byte
// 72 (8 bytes, too little for a vector).
// CHECK-LABEL: gpu.func @copy_add(
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32> {llvm.align = 64 : i64, llvm.noalias, llvm.readonly}
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32> {llvm.align = 256 : i64, llvm.noalias, llvm.readonly}
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32> {llvm.noalias}
// CHECK-SAME: %{{[a-z0-9_]+}}: index)
module attributes {gpu.container_module} {
  memref.global "private" constant @w : memref<16xf32> = dense<1.0>
  gpu.module @k {
    gpu.func @copy_add(%a: memref<16xf32>, %w: memref<16xf32>, %o: memref<16xf32>, %n: index) kernel {
      %t = gpu.thread_id x
      %x = memref.load %a[%t] : memref<16xf32>
      %y = memref.load %w[%t] : memref<16xf32>
      %s = arith.addf %x, %y : f32
      memref.store %s, %o[%t] : memref<16xf32>
      gpu.return
    }
  }
  func.func @main(%arena: memref<144xi8> {kiln.arena}) attributes {kiln.arena_alignment = 64 : i64} {
    %c1 = arith.constant 1 : index
    %c0 = arith.constant 0 : index
    %c72 = arith.constant 72 : index
    %a = memref.view %arena[%c0][] : memref<144xi8> to memref<16xf32>
    %o = memref.view %arena[%c72][] : memref<144xi8> to memref<16xf32>
    %w = memref.get_global @w : memref<16xf32>
    gpu.launch_func @k::@copy_add blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<16xf32>, %w : memref<16xf32>, %o : memref<16xf32>, %c1 : index)
    return
  }
}

// -----

// Overlapping views (bytes 32..95 written while 0..63 are read): read-only
// only. A buffer read and written in place is unaliased.
// CHECK-LABEL: gpu.func @shift(
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32> {llvm.readonly},
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32>)
// CHECK-LABEL: gpu.func @in_place(
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32> {llvm.noalias})
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @shift(%a: memref<16xf32>, %o: memref<16xf32>) kernel {
      %t = gpu.thread_id x
      %x = memref.load %a[%t] : memref<16xf32>
      memref.store %x, %o[%t] : memref<16xf32>
      gpu.return
    }
    gpu.func @in_place(%a: memref<16xf32>) kernel {
      %t = gpu.thread_id x
      %x = memref.load %a[%t] : memref<16xf32>
      %y = arith.addf %x, %x : f32
      memref.store %y, %a[%t] : memref<16xf32>
      gpu.return
    }
  }
  func.func @main(%arena: memref<128xi8>) {
    %c1 = arith.constant 1 : index
    %c0 = arith.constant 0 : index
    %c32 = arith.constant 32 : index
    %a = memref.view %arena[%c0][] : memref<128xi8> to memref<16xf32>
    %o = memref.view %arena[%c32][] : memref<128xi8> to memref<16xf32>
    gpu.launch_func @k::@shift blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<16xf32>, %o : memref<16xf32>)
    gpu.launch_func @k::@in_place blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<16xf32>)
    return
  }
}

// -----

// A model's inputs may alias each other (both only read: unaliased), its
// output aliases nothing. Without kiln.num_inputs any two arguments may
// alias, and one launch where they may decides for every launch.
// CHECK-LABEL: gpu.func @add(
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32> {llvm.noalias, llvm.readonly}
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32> {llvm.noalias, llvm.readonly}
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32> {llvm.noalias})
// CHECK-LABEL: gpu.func @copy(
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32> {llvm.readonly},
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32>)
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @add(%a: memref<16xf32>, %b: memref<16xf32>, %o: memref<16xf32>) kernel {
      %t = gpu.thread_id x
      %x = memref.load %a[%t] : memref<16xf32>
      %y = memref.load %b[%t] : memref<16xf32>
      %s = arith.addf %x, %y : f32
      memref.store %s, %o[%t] : memref<16xf32>
      gpu.return
    }
    gpu.func @copy(%a: memref<16xf32>, %o: memref<16xf32>) kernel {
      %t = gpu.thread_id x
      %x = memref.load %a[%t] : memref<16xf32>
      memref.store %x, %o[%t] : memref<16xf32>
      gpu.return
    }
  }
  func.func @model(%a: memref<16xf32>, %b: memref<16xf32>, %o: memref<16xf32>) attributes {kiln.num_inputs = 2 : i64} {
    %c1 = arith.constant 1 : index
    gpu.launch_func @k::@add blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<16xf32>, %b : memref<16xf32>, %o : memref<16xf32>)
    gpu.launch_func @k::@copy blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<16xf32>, %o : memref<16xf32>)
    return
  }
  func.func @helper(%a: memref<16xf32>, %o: memref<16xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @k::@copy blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<16xf32>, %o : memref<16xf32>)
    return
  }
}

// -----

// Workgroup memory is the kernel's own; a write the pass cannot attribute
// leaves the kernel without attributes.
// CHECK-LABEL: gpu.func @staged(
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32> {llvm.noalias, llvm.readonly}
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32> {llvm.noalias})
// CHECK-LABEL: gpu.func @opaque(
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<16xf32>, %{{[a-z0-9_]+}}: memref<16xf32>)
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @staged(%a: memref<16xf32>, %o: memref<16xf32>) workgroup(%s : memref<16xf32, #gpu.address_space<workgroup>>) kernel {
      %t = gpu.thread_id x
      %x = memref.load %a[%t] : memref<16xf32>
      memref.store %x, %s[%t] : memref<16xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %y = memref.load %s[%t] : memref<16xf32, #gpu.address_space<workgroup>>
      memref.store %y, %o[%t] : memref<16xf32>
      gpu.return
    }
    gpu.func @opaque(%a: memref<16xf32>, %o: memref<16xf32>) kernel {
      "test.opaque"(%a) : (memref<16xf32>) -> ()
      gpu.return
    }
  }
  func.func @main(%arena: memref<128xi8>, %out: memref<16xf32>) attributes {kiln.num_inputs = 0 : i64} {
    %c1 = arith.constant 1 : index
    %c0 = arith.constant 0 : index
    %a = memref.view %arena[%c0][] : memref<128xi8> to memref<16xf32>
    gpu.launch_func @k::@staged blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<16xf32>, %out : memref<16xf32>)
    gpu.launch_func @k::@opaque blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<16xf32>, %out : memref<16xf32>)
    return
  }
}

// -----

// Views of the same bytes overlap whatever their element type: i1 takes a
// byte per element (4 bytes here, not half of one).
// CHECK-LABEL: gpu.func @flags(
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<2x2xi1> {llvm.align = 64 : i64, llvm.readonly},
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<4xi1> {llvm.align = 64 : i64})
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @flags(%a: memref<2x2xi1>, %o: memref<4xi1>) kernel {
      %c0 = arith.constant 0 : index
      %x = memref.load %a[%c0, %c0] : memref<2x2xi1>
      memref.store %x, %o[%c0] : memref<4xi1>
      gpu.return
    }
  }
  func.func @main(%arena: memref<64xi8> {kiln.arena}) attributes {kiln.arena_alignment = 64 : i64} {
    %c1 = arith.constant 1 : index
    %c0 = arith.constant 0 : index
    %a = memref.view %arena[%c0][] : memref<64xi8> to memref<2x2xi1>
    %o = memref.collapse_shape %a [[0, 1]] : memref<2x2xi1> into memref<4xi1>
    gpu.launch_func @k::@flags blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<2x2xi1>, %o : memref<4xi1>)
    return
  }
}

// -----

// Asynchronous copies into workgroup memory (with their group and wait)
// write nothing of the parameters': the weight they read stays read-only
// and unaliased (cp.async kernels once lost every attribute).
// CHECK-LABEL: gpu.func @staged(
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<64xf32> {llvm.align = 256 : i64, llvm.noalias, llvm.readonly}
// CHECK-SAME: %{{[a-z0-9_]+}}: memref<64xf32> {llvm.align = 64 : i64, llvm.noalias}
module attributes {gpu.container_module} {
  memref.global "private" constant @w : memref<64xf32> = dense<1.0>
  gpu.module @k {
    gpu.func @staged(%w: memref<64xf32>, %o: memref<64xf32>) workgroup(%s : memref<64xf32, #gpu.address_space<workgroup>>) kernel {
      %t = gpu.thread_id x
      %c4 = arith.constant 4 : index
      %i = arith.muli %t, %c4 : index
      %cp = nvgpu.device_async_copy %w[%i], %s[%i], 4 {bypassL1} : memref<64xf32> to memref<64xf32, #gpu.address_space<workgroup>>
      %g = nvgpu.device_async_create_group %cp
      nvgpu.device_async_wait %g
      gpu.barrier
      %v = memref.load %s[%t] : memref<64xf32, #gpu.address_space<workgroup>>
      memref.store %v, %o[%t] : memref<64xf32>
      gpu.return
    }
  }
  func.func @main(%arena: memref<256xi8> {kiln.arena}) attributes {kiln.arena_alignment = 64 : i64} {
    %c1 = arith.constant 1 : index
    %c0 = arith.constant 0 : index
    %o = memref.view %arena[%c0][] : memref<256xi8> to memref<64xf32>
    %w = memref.get_global @w : memref<64xf32>
    gpu.launch_func @k::@staged blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%w : memref<64xf32>, %o : memref<64xf32>)
    return
  }
}
