// RUN: kiln-opt %s -split-input-file -kiln-cuda-narrow-weights=precision=fp16 | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-cuda-narrow-weights=precision=bf16 | FileCheck %s --check-prefix=BF16
// RUN: kiln-opt %s -split-input-file -kiln-cuda-narrow-weights=precision=tf32 | FileCheck %s --check-prefix=KEEP
// RUN: not kiln-opt %s -split-input-file -kiln-cuda-narrow-weights=precision=fp8 2>&1 | FileCheck %s --check-prefix=BAD
// A GEMM's constant second operand gets a copy rounded to the tensor cores'
// type (to nearest, ties to even) and the GEMM names it; tf32 and fp32
// keep f32 weights.

// CHECK: memref.global "private" constant @w : memref<2x2xf32>
// CHECK: memref.global "private" constant @w_fp16 : memref<2x2xf16> = dense<{{\[}}[9.997550e-02, 3.332520e-01], [6.550400e+04, -2.000000e+00]]> {alignment = 64 : i64}
// CHECK: memref.global "private" constant @s_fp16 : memref<2x2xf16> = dense<1.500000e+00>
// CHECK-LABEL: func.func @gemms(
// CHECK: linalg.matmul {kiln.cuda_narrow_weights = @w_fp16}
// CHECK: linalg.matmul {kiln.cuda_narrow_weights = @s_fp16}
// CHECK: linalg.matmul ins
// BF16: memref.global "private" constant @w_bf16 : memref<2x2xbf16> = dense<{{\[}}[1.000980e-01, 3.339840e-01], [6.553600e+04, -2.000000e+00]]>
// KEEP-NOT: memref.global {{.*}}f16
// KEEP-NOT: kiln.cuda_narrow_weights
// BAD: unknown precision 'fp8'
memref.global "private" constant @w : memref<2x2xf32> = dense<[[0.1, 0.33333], [65504.0, -2.0]]> {alignment = 64 : i64}
memref.global "private" constant @s : memref<2x2xf32> = dense<1.5>
func.func @gemms(%a: memref<2x2xf32>, %x: memref<2x2xf32>, %c: memref<2x2xf32>) {
  %w = memref.get_global @w : memref<2x2xf32>
  %s = memref.get_global @s : memref<2x2xf32>
  linalg.matmul ins(%a, %w : memref<2x2xf32>, memref<2x2xf32>) outs(%c : memref<2x2xf32>)
  linalg.matmul ins(%a, %s : memref<2x2xf32>, memref<2x2xf32>) outs(%c : memref<2x2xf32>)
  // Not a weight: unchanged.
  linalg.matmul ins(%a, %x : memref<2x2xf32>, memref<2x2xf32>) outs(%c : memref<2x2xf32>)
  return
}
