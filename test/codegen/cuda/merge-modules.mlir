// RUN: kiln-opt %s -kiln-cuda-merge-modules | FileCheck %s
// The kernels outlining put in one gpu.module each land in the first
// module, renamed after the module they came from; the launches follow.

// CHECK: gpu.module @main_kernel {
// CHECK-DAG: gpu.func @main_kernel(%{{.*}}: memref<4xf32>) kernel
// CHECK-DAG: gpu.func @main_kernel_0(%{{.*}}: memref<4xf32>) kernel
// CHECK: }
// CHECK-NOT: gpu.module
// CHECK: gpu.launch_func @main_kernel::@main_kernel blocks
// CHECK: gpu.launch_func @main_kernel::@main_kernel_0 blocks
module attributes {gpu.container_module} {
  gpu.module @main_kernel {
    gpu.func @main_kernel(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }
  gpu.module @main_kernel_0 {
    gpu.func @main_kernel(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }
  func.func @main(%a: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @main_kernel::@main_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    gpu.launch_func @main_kernel_0::@main_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    return
  }
}
