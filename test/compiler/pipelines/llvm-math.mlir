// RUN: kiln-opt %s '-kiln-llvm-pipeline=name=m' | FileCheck %s
// The llvm phase lowers what has no LLVM intrinsic: f32 erf is a polynomial,
// f64 erf calls libm's erf, bf16 arithmetic runs in f32 and bf16 <-> f32
// conversions are bit operations, so nothing needs compiler-rt.

// CHECK-NOT: math.
// CHECK-NOT: __truncsfbf2
// CHECK-DAG: llvm.func @erf(f64) -> f64
// CHECK: llvm.func internal @main_kernel{{[0-9]+}}
// CHECK: llvm.call @erf
// CHECK-LABEL: llvm.func internal @m_main
// CHECK-NOT: math.
// CHECK-NOT: fptrunc {{.*}} to bf16
func.func @main(%x: memref<4xf32>, %d: memref<4xf64>, %h: memref<4xbf16>,
                %y: memref<4xf32>, %e: memref<4xf64>, %b: memref<4xbf16>,
                %arena: memref<64xi8> {kiln.arena})
    attributes {kiln.entry, kiln.num_inputs = 3 : i64, kiln.num_outputs = 3 : i64,
                kiln.arena_size = 64 : i64, kiln.arena_alignment = 64 : i64} {
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>,
                                   affine_map<(i) -> (i)>, affine_map<(i) -> (i)>,
                                   affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%x, %d, %h : memref<4xf32>, memref<4xf64>, memref<4xbf16>)
      outs(%y, %e, %b : memref<4xf32>, memref<4xf64>, memref<4xbf16>) {
  ^bb0(%a: f32, %c: f64, %g: bf16, %o0: f32, %o1: f64, %o2: bf16):
    %0 = math.erf %a : f32
    %1 = math.erf %c : f64
    %2 = arith.truncf %0 : f32 to bf16
    %3 = arith.addf %2, %g : bf16
    %4 = math.exp %3 : bf16
    linalg.yield %0, %1, %4 : f32, f64, bf16
  }
  return
}
