// RUN: kiln-opt %s --split-input-file --kiln-memory-pad-in-place | FileCheck %s

// A loop nest computes [1, 4, 4, 2, 8] (a direct convolution's panels),
// collapsed to NHWC and padded by one pixel around. Afterwards the padded
// buffer exists before the loop with only its border filled (top and
// bottom rows, then the left and right pixels of each interior row, in
// loops LLVM is told not to unroll), the loop writes the interior slice of
// it (expanded back to panels), and the pad is that interior put back.
// CHECK:         #[[$NOUNROLL:.+]] = #llvm.loop_annotation<unroll = #{{.+}}>
// CHECK-LABEL: func.func @padded_producer
// CHECK:         %[[BUF:.+]] = tensor.empty() : tensor<1x6x6x16xf32>
// CHECK-NOT:     linalg.fill {{.*}}outs(%[[BUF]]
// CHECK:         %[[TOP:.+]] = scf.for %[[N:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %[[BUF]])
// CHECK:           tensor.extract_slice {{.*}}[%[[N]], 0, 0, 0] [1, 1, 6, 16] [1, 1, 1, 1]
// CHECK:           linalg.fill {{.*}} -> tensor<1x1x6x16xf32>
// CHECK:         } {llvm.loop_annotation = #[[$NOUNROLL]]}
// CHECK:         %[[BOTTOM:.+]] = scf.for {{.*}} iter_args(%{{.+}} = %[[TOP]])
// CHECK:           tensor.extract_slice {{.*}}[%{{.+}}, 5, 0, 0] [1, 1, 6, 16] [1, 1, 1, 1]
// CHECK:         %[[LEFT:.+]] = scf.for {{.*}} iter_args(%{{.+}} = %[[BOTTOM]])
// CHECK:           scf.for %[[H:.+]] = %c1{{.*}} to %c5
// CHECK:             tensor.extract_slice {{.*}}[%{{.+}}, %[[H]], 0, 0] [1, 1, 1, 16] [1, 1, 1, 1]
// CHECK:             linalg.fill {{.*}} -> tensor<1x1x1x16xf32>
// CHECK:           } {llvm.loop_annotation = #[[$NOUNROLL]]}
// CHECK:         %[[FILLED:.+]] = scf.for {{.*}} iter_args(%{{.+}} = %[[LEFT]])
// CHECK:             tensor.extract_slice {{.*}}[%{{.+}}, %{{.+}}, 5, 0] [1, 1, 1, 16] [1, 1, 1, 1]
// CHECK:         %[[INNER:.+]] = tensor.extract_slice %[[FILLED]][0, 1, 1, 0] [1, 4, 4, 16] [1, 1, 1, 1]
// CHECK:         %[[VIEW:.+]] = tensor.expand_shape %[[INNER]] {{\[}}[0], [1], [2], [3, 4]]
// CHECK:         %[[LOOP:.+]] = scf.forall {{.*}} shared_outs(%{{.+}} = %[[VIEW]])
// CHECK:         %[[SRC:.+]] = tensor.collapse_shape %[[LOOP]]
// CHECK-NOT:     tensor.pad
// CHECK:         %[[R:.+]] = tensor.insert_slice %[[SRC]] into %[[FILLED]][0, 1, 1, 0] [1, 4, 4, 16] [1, 1, 1, 1]
// CHECK:         return %[[R]]
func.func @padded_producer(%v: tensor<1x4x4x2x8xf32>) -> tensor<1x6x6x16xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x2x8xf32>
  %r = scf.forall (%i) in (4) shared_outs(%o = %e) -> (tensor<1x4x4x2x8xf32>) {
    %s = tensor.extract_slice %v[0, %i, 0, 0, 0] [1, 1, 4, 2, 8] [1, 1, 1, 1, 1] : tensor<1x4x4x2x8xf32> to tensor<1x1x4x2x8xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %s into %o[0, %i, 0, 0, 0] [1, 1, 4, 2, 8] [1, 1, 1, 1, 1] : tensor<1x1x4x2x8xf32> into tensor<1x4x4x2x8xf32>
    }
  }
  %c = tensor.collapse_shape %r [[0], [1], [2], [3, 4]] : tensor<1x4x4x2x8xf32> into tensor<1x4x4x16xf32>
  %p = tensor.pad %c low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %d: index, %f: index):
    tensor.yield %cst : f32
  } : tensor<1x4x4x16xf32> to tensor<1x6x6x16xf32>
  return %p : tensor<1x6x6x16xf32>
}

// -----

// A pad of a function argument has no loop to write into it: unchanged.
// CHECK-LABEL: func.func @argument
// CHECK:         tensor.pad
func.func @argument(%x: tensor<1x4x4x16xf32>) -> tensor<1x6x6x16xf32> {
  %cst = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %d: index, %f: index):
    tensor.yield %cst : f32
  } : tensor<1x4x4x16xf32> to tensor<1x6x6x16xf32>
  return %p : tensor<1x6x6x16xf32>
}
