// RUN: kiln-opt %s -split-input-file -verify-diagnostics -kiln-verify-bufferized | FileCheck %s
// The end of the bufferized phase: no tensor values and no heap or stack
// allocation may remain.

// CHECK-LABEL: func.func @bufferized
// CHECK-SAME: memref<64xi8> {kiln.arena}
// CHECK: memref.view
// CHECK: linalg.copy
func.func @bufferized(%in: memref<4xf32>, %out: memref<4xf32>, %arena: memref<64xi8> {kiln.arena}) attributes {kiln.entry} {
  %c0 = arith.constant 0 : index
  %tmp = memref.view %arena[%c0][] : memref<64xi8> to memref<4xf32>
  linalg.copy ins(%in : memref<4xf32>) outs(%tmp : memref<4xf32>)
  linalg.copy ins(%tmp : memref<4xf32>) outs(%out : memref<4xf32>)
  return
}

// -----

func.func @tensor_result(%in: memref<4xf32>, %out: memref<4xf32>) {
  // expected-error @+1 {{tensor value survived bufferization}}
  %t = bufferization.to_tensor %in : memref<4xf32> to tensor<4xf32>
  return
}

// -----

func.func @tensor_operand(%t: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{tensor value survived bufferization}}
  return %t : tensor<4xf32>
}

// -----

func.func @heap(%out: memref<4xf32>) attributes {kiln.entry} {
  // expected-error @+1 {{heap or stack allocation left on the run path}}
  %a = memref.alloc() : memref<4xf32>
  linalg.copy ins(%a : memref<4xf32>) outs(%out : memref<4xf32>)
  return
}

// -----

func.func @stack(%out: memref<4xf32>) attributes {kiln.entry} {
  // expected-error @+1 {{heap or stack allocation left on the run path}}
  %a = memref.alloca() : memref<4xf32>
  linalg.copy ins(%a : memref<4xf32>) outs(%out : memref<4xf32>)
  return
}
