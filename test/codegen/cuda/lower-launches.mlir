// RUN: kiln-opt %s -split-input-file -kiln-cuda-lower-launches | FileCheck %s
// gpu.launch_func becomes kiln_cuda_launch on the embedded PTX; buffers are
// passed as device pointers in an argument array, host constants are
// uploaded once (a view of one at the view's offset), each call runs only
// after the ones before succeeded, and the function returns the status.

// CHECK-DAG: llvm.mlir.global internal constant @k_ptx("fake ptx\00")
// CHECK-DAG: llvm.mlir.global internal @k_module()
// CHECK-DAG: llvm.mlir.global internal @w_device()
// CHECK-DAG: llvm.mlir.global internal constant @kiln_kernel_k("k\00")
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.*]]: memref<8xf32>, %[[Y:.*]]: memref<8xf32>) -> i32
// CHECK-SAME: kiln.cuda
// CHECK: %[[W:.*]] = memref.get_global @w : memref<2x4xf32>
// CHECK: %[[ROW:.*]] = memref.subview %[[W]][1, 0] [1, 4] [1, 1]
// The weight: the whole global is uploaded (32 bytes) ...
// CHECK: %[[UP:.*]] = call @kiln_cuda_constant(%{{.*}}, %{{.*}}, %c32_i64, %{{.*}})
// CHECK: %[[DEV:.*]] = llvm.load
// ... and the kernel gets its row's aligned pointer moved to the device:
// device + (row's aligned pointer - host base). The kernel adds the row's
// static offset (4) itself, as bare-pointer parameters do.
// CHECK: %[[RA:.*]] = memref.extract_aligned_pointer_as_index %[[ROW]]
// CHECK: %[[RI:.*]] = arith.index_cast %[[RA]] : index to i64
// CHECK: %[[RP:.*]] = llvm.inttoptr %[[RI]]
// CHECK: %[[RV:.*]] = llvm.ptrtoint %[[RP]]
// CHECK: %[[SHIFT:.*]] = llvm.sub %[[RV]],
// CHECK: llvm.getelementptr %[[DEV]][%[[SHIFT]]] : (!llvm.ptr, i64) -> !llvm.ptr, i8
// CHECK: %[[OK:.*]] = arith.cmpi eq, %[[UP]], %c0_i32
// CHECK: %[[ST:.*]] = scf.if %[[OK]] -> (i32) {
// CHECK:   func.call @kiln_cuda_launch(
// CHECK: } else {
// CHECK:   scf.yield %[[UP]] : i32
// CHECK: return %[[ST]] : i32
// CHECK-NOT: gpu.
module attributes {gpu.container_module} {
  memref.global "private" constant @w : memref<2x4xf32> = dense<1.0>
  gpu.binary @k [#gpu.object<#nvvm.target<chip = "sm_90">, "fake ptx">]
  func.func @main(%x: memref<8xf32>, %y: memref<8xf32>) attributes {kiln.entry} {
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : index
    %w = memref.get_global @w : memref<2x4xf32>
    %row = memref.subview %w[1, 0] [1, 4] [1, 1] : memref<2x4xf32> to memref<4xf32, strided<[1], offset: 4>>
    gpu.launch_func @k::@k blocks in (%c2, %c1, %c1) threads in (%c4, %c1, %c1) args(%x : memref<8xf32>, %row : memref<4xf32, strided<[1], offset: 4>>, %y : memref<8xf32>)
    return
  }
}

// -----

// A slice of a buffer (a padded image's interior) is passed as its aligned
// pointer, without its offset: the kernel's bare-pointer parameter adds the
// layout's static offset (152 elements) itself.
// CHECK-LABEL: func.func @slice(
// CHECK: %[[SUB:.*]] = memref.subview
// CHECK: %[[A:.*]] = memref.extract_aligned_pointer_as_index %[[SUB]]
// CHECK: %[[I:.*]] = arith.index_cast %[[A]] : index to i64
// CHECK: %[[P:.*]] = llvm.inttoptr %[[I]] : i64 to !llvm.ptr
// CHECK-NOT: extract_strided_metadata
// CHECK: llvm.store %[[P]], %{{.*}} : !llvm.ptr, !llvm.ptr
// CHECK: call @kiln_cuda_launch(
module attributes {gpu.container_module} {
  gpu.binary @k [#gpu.object<#nvvm.target<chip = "sm_90">, "fake ptx">]
  func.func @slice(%x: memref<18x18x8xf32>) attributes {kiln.entry} {
    %c1 = arith.constant 1 : index
    %sub = memref.subview %x[1, 1, 0] [16, 16, 8] [1, 1, 1] : memref<18x18x8xf32> to memref<16x16x8xf32, strided<[144, 8, 1], offset: 152>>
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%sub : memref<16x16x8xf32, strided<[144, 8, 1], offset: 152>>)
    return
  }
}
