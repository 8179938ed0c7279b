// RUN: kiln-opt %s -kiln-cuda-generalize-transposes | FileCheck %s
// RUN: kiln-opt %s -kiln-cuda-generalize-transposes -kiln-fusion-fuse-elementwise | FileCheck %s --check-prefix=FUSED
// RUN: kiln compile %S/../../e2e/encoder/model.onnx --target=cuda:sm_90 --compile-to=tiled --emit=mlir -o - | FileCheck %s --check-prefix=ENC
// On the GPU path a transpose becomes a generic (a permuted input map),
// which elementwise fusion folds into the kernel that reads it: no kernel
// that only moves data.
// CHECK: #[[PERM:map[0-9]*]] = affine_map<(d0, d1, d2) -> (d1, d0, d2)>
// CHECK: func.func @heads(
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#[[PERM]], #{{map[0-9]*}}], iterator_types = ["parallel", "parallel", "parallel"]} ins(%{{.*}} : tensor<8x4x16xf32>) outs(%{{.*}} : tensor<4x8x16xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]] : f32
// FUSED-LABEL: func.func @heads(
// FUSED: linalg.generic {{.*}} ins(%{{.*}} : tensor<8x4x16xf32>) outs(%{{.*}} : tensor<4x8x16xf32>)
// FUSED: math.exp
// FUSED-NOT: linalg.generic
// FUSED: return
// ENC-LABEL: func.func
// ENC-NOT: linalg.transpose
// ENC: return
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @heads(%x: tensor<8x4x16xf32>) -> tensor<4x8x16xf32> {
  %e = tensor.empty() : tensor<4x8x16xf32>
  %t = linalg.transpose ins(%x : tensor<8x4x16xf32>) outs(%e : tensor<4x8x16xf32>) permutation = [1, 0, 2]
  %e2 = tensor.empty() : tensor<4x8x16xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t : tensor<4x8x16xf32>) outs(%e2 : tensor<4x8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.exp %in : f32
    linalg.yield %r : f32
  } -> tensor<4x8x16xf32>
  return %y : tensor<4x8x16xf32>
}
