// RUN: kiln-opt %s -split-input-file -verify-diagnostics -kiln-verify-llvm | FileCheck %s
// The end of the llvm phase: only LLVM dialect ops may remain (the module
// itself aside).

// CHECK-LABEL: llvm.func @model_run
// CHECK: llvm.return
llvm.func @model_run(%arg0: !llvm.ptr) -> i32 {
  %0 = llvm.mlir.constant(0 : i32) : i32
  llvm.return %0 : i32
}

// -----

// expected-error @+1 {{'func.func' was not lowered to the LLVM dialect}}
func.func @not_lowered() {
  // expected-error @+1 {{'func.return' was not lowered to the LLVM dialect}}
  return
}

// -----

llvm.func @leftover(%arg0: i64) -> i64 {
  // expected-error @+1 {{'arith.addi' was not lowered to the LLVM dialect}}
  %0 = arith.addi %arg0, %arg0 : i64
  llvm.return %0 : i64
}

// -----

llvm.func @cast(%arg0: i64) -> i64 {
  // expected-error @+1 {{'builtin.unrealized_conversion_cast' was not lowered to the LLVM dialect}}
  %0 = builtin.unrealized_conversion_cast %arg0 : i64 to index
  %1 = builtin.unrealized_conversion_cast %0 : index to i64
  // expected-error @-1 {{'builtin.unrealized_conversion_cast' was not lowered to the LLVM dialect}}
  llvm.return %1 : i64
}
