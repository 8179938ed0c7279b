// Each registered phase pipeline reproduces one step of `kiln compile`.
// RUN: kiln-opt %s --kiln-graph-pipeline | FileCheck %s --check-prefix=GRAPH
// RUN: kiln-opt %s --kiln-graph-pipeline --kiln-fused-pipeline | FileCheck %s --check-prefix=FUSED
// RUN: kiln-opt %s --kiln-graph-pipeline --kiln-fused-pipeline --kiln-tiled-pipeline | FileCheck %s --check-prefix=TILED
// RUN: kiln-opt %s --kiln-graph-pipeline --kiln-fused-pipeline --kiln-tiled-pipeline --kiln-bufferized-pipeline | FileCheck %s --check-prefix=BUF
// RUN: kiln-opt %s --kiln-cpu-pipeline=name=tiny | FileCheck %s --check-prefix=LLVM

func.func @main(%x: tensor<2x8xf32> {kiln.name = "x"}) -> (tensor<2x4xf32> {kiln.name = "y"}) {
  %w = kiln.constant dense<0.25> : tensor<8x4xf32>
  %b = kiln.constant dense<0.0> : tensor<4xf32>
  %i = kiln.identity %x : tensor<2x8xf32>
  %m = kiln.matmul %i, %w : tensor<2x8xf32>, tensor<8x4xf32> -> tensor<2x4xf32>
  %a = kiln.add %m, %b : tensor<2x4xf32>, tensor<4xf32> -> tensor<2x4xf32>
  %r = kiln.relu %a : tensor<2x4xf32>
  %s = kiln.softmax %r {axis = 1 : i64} : tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}

// GRAPH-LABEL: func.func @main
// GRAPH-NOT:     kiln.identity
// GRAPH-NOT:     kiln.add
// GRAPH:         kiln.matmul
// GRAPH:         kiln.relu
// GRAPH:         kiln.softmax

// FUSED-LABEL: func.func @main
// FUSED-NOT:     = kiln.
// FUSED:         linalg.matmul
// FUSED:         linalg.generic
// FUSED:         math.exp

// The matmul becomes one vectorized 2x4x1 register tile per reduction step
// (128-bit vectors by default).
// TILED-LABEL: func.func @main
// TILED-NOT:     linalg.matmul
// TILED:         scf.for
// TILED:         vector.contract {{.*}} vector<2x1xf32>, vector<1x4xf32> into vector<2x4xf32>

// BUF-LABEL: func.func @main
// BUF-SAME:      memref<2x8xf32> {kiln.name = "x"}
// BUF-SAME:      memref<2x4xf32> {kiln.name = "y"}
// BUF-SAME:      memref<{{[0-9]+}}xi8> {kiln.arena}
// BUF-SAME:      kiln.arena_size = {{[0-9]+}}
// BUF-NOT:       memref.alloc
// BUF:           memref.view
// BUF:           vector.contract
// BUF:           return

// LLVM-DAG:    llvm.func internal @tiny_main(
// LLVM-DAG:    llvm.func @tiny_run(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// LLVM-DAG:    llvm.func @tiny_invoke(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
