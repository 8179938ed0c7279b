// kiln-verify-bufferized rejects leftover tensors and allocations.
// RUN: kiln-opt %s -split-input-file -verify-diagnostics --kiln-verify-bufferized

func.func @tensor_left(%x: memref<4xf32>) {
  // expected-error @+1 {{tensor value survived bufferization}}
  %0 = bufferization.to_tensor %x : memref<4xf32> to tensor<4xf32>
  return
}

// -----

func.func @alloc_left() {
  // expected-error @+1 {{heap or stack allocation left on the run path}}
  %0 = memref.alloc() : memref<4xf32>
  return
}
