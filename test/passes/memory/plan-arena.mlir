// RUN: kiln-opt %s -split-input-file -verify-diagnostics \
// RUN:   -pass-pipeline='builtin.module(func.func(kiln-memory-plan-arena))' | FileCheck %s
// Every memref.alloc of the kiln.entry function becomes a memref.view of the
// arena at a 64-byte aligned offset; buffers whose live ranges do not overlap
// share bytes; the arena gets its static size, recorded on the function.

// a: alloc..copy into b; b: ..copy into c; c: ..copy to out. a is dead once b
// is written, so c reuses a's bytes; b overlaps both and gets its own.
// CHECK-LABEL: func.func @disjoint_lifetimes_share
// CHECK-SAME: (%[[IN:[^:]+]]: memref<16xf32>, %[[OUT:[^:]+]]: memref<16xf32>, %[[ARENA:[^:]+]]: memref<128xi8> {kiln.arena})
// CHECK-SAME: attributes {kiln.arena_alignment = 64 : i64, kiln.arena_size = 128 : i64, kiln.entry}
func.func @disjoint_lifetimes_share(%in: memref<16xf32>, %out: memref<16xf32>, %arena: memref<?xi8> {kiln.arena})
    attributes {kiln.entry} {
  // CHECK-NOT: memref.alloc
  // CHECK: %[[OFF_A:.+]] = arith.constant 0 : index
  // CHECK: %[[A:.+]] = memref.view %[[ARENA]][%[[OFF_A]]][] : memref<128xi8> to memref<16xf32>
  // CHECK: linalg.copy ins(%[[IN]] : memref<16xf32>) outs(%[[A]] : memref<16xf32>)
  // CHECK: %[[OFF_B:.+]] = arith.constant 64 : index
  // CHECK: %[[B:.+]] = memref.view %[[ARENA]][%[[OFF_B]]][] : memref<128xi8> to memref<16xf32>
  // CHECK: linalg.copy ins(%[[A]] : memref<16xf32>) outs(%[[B]] : memref<16xf32>)
  // CHECK: %[[OFF_C:.+]] = arith.constant 0 : index
  // CHECK: %[[C:.+]] = memref.view %[[ARENA]][%[[OFF_C]]][] : memref<128xi8> to memref<16xf32>
  // CHECK: linalg.copy ins(%[[B]] : memref<16xf32>) outs(%[[C]] : memref<16xf32>)
  // CHECK: linalg.copy ins(%[[C]] : memref<16xf32>) outs(%[[OUT]] : memref<16xf32>)
  // CHECK-NOT: memref.alloc
  %a = memref.alloc() : memref<16xf32>
  linalg.copy ins(%in : memref<16xf32>) outs(%a : memref<16xf32>)
  %b = memref.alloc() : memref<16xf32>
  linalg.copy ins(%a : memref<16xf32>) outs(%b : memref<16xf32>)
  %c = memref.alloc() : memref<16xf32>
  linalg.copy ins(%b : memref<16xf32>) outs(%c : memref<16xf32>)
  linalg.copy ins(%c : memref<16xf32>) outs(%out : memref<16xf32>)
  return
}

// -----

// A use of a view of `a` inside a loop at the end keeps `a` alive throughout;
// b is dead before c is allocated, so they share.
// CHECK-LABEL: func.func @alias_extends_lifetime
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<512xi8> {kiln.arena}
// CHECK-SAME: kiln.arena_size = 512 : i64
func.func @alias_extends_lifetime(%in: memref<4x16xf32>, %out: memref<16xf32>, %arena: memref<?xi8> {kiln.arena})
    attributes {kiln.entry} {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  // a at 0; b and c both at 256.
  // CHECK: %[[OFF_A:.+]] = arith.constant 0 : index
  // CHECK: %[[A:.+]] = memref.view %[[ARENA]][%[[OFF_A]]][] : memref<512xi8> to memref<4x16xf32>
  // CHECK: %[[ROW:.+]] = memref.subview %[[A]][1, 0] [1, 16] [1, 1]
  %a = memref.alloc() : memref<4x16xf32>
  %row = memref.subview %a[1, 0] [1, 16] [1, 1] : memref<4x16xf32> to memref<16xf32, strided<[1], offset: 16>>
  // CHECK: %[[OFF_B:.+]] = arith.constant 256 : index
  // CHECK: %[[B:.+]] = memref.view %[[ARENA]][%[[OFF_B]]][] : memref<512xi8> to memref<4x16xf32>
  %b = memref.alloc() : memref<4x16xf32>
  linalg.copy ins(%in : memref<4x16xf32>) outs(%b : memref<4x16xf32>)
  linalg.copy ins(%b : memref<4x16xf32>) outs(%a : memref<4x16xf32>)
  // CHECK: %[[OFF_C:.+]] = arith.constant 256 : index
  // CHECK: %[[C:.+]] = memref.view %[[ARENA]][%[[OFF_C]]][] : memref<512xi8> to memref<4x16xf32>
  %c = memref.alloc() : memref<4x16xf32>
  linalg.copy ins(%in : memref<4x16xf32>) outs(%c : memref<4x16xf32>)
  linalg.copy ins(%c : memref<4x16xf32>) outs(%a : memref<4x16xf32>)
  scf.for %i = %c1 to %c4 step %c1 {
    // CHECK: linalg.copy ins(%[[ROW]] : memref<16xf32, strided<[1], offset: 16>>)
    linalg.copy ins(%row : memref<16xf32, strided<[1], offset: 16>>) outs(%out : memref<16xf32>)
  }
  return
}

// -----

// Largest buffer first; the smaller one starts at the next 64-byte boundary
// after it, and the arena size is rounded up to 64.
// CHECK-LABEL: func.func @alignment
// CHECK-SAME: memref<192xi8> {kiln.arena}
// CHECK-SAME: kiln.arena_size = 192 : i64
func.func @alignment(%out: memref<1xf32>, %arena: memref<?xi8> {kiln.arena}) attributes {kiln.entry} {
  // CHECK: %[[OFF_SMALL:.+]] = arith.constant 128 : index
  // CHECK: memref.view %{{.+}}[%[[OFF_SMALL]]][] : memref<192xi8> to memref<1xf32>
  // CHECK: %[[OFF_BIG:.+]] = arith.constant 0 : index
  // CHECK: memref.view %{{.+}}[%[[OFF_BIG]]][] : memref<192xi8> to memref<25xf32>
  %small = memref.alloc() : memref<1xf32>
  %big = memref.alloc() : memref<25xf32>
  %c0 = arith.constant 0 : index
  %v = memref.load %big[%c0] : memref<25xf32>
  memref.store %v, %small[%c0] : memref<1xf32>
  linalg.copy ins(%small : memref<1xf32>) outs(%out : memref<1xf32>)
  return
}

// -----

// The arena belongs to the caller: deallocations disappear.
// CHECK-LABEL: func.func @dealloc_removed
// CHECK-SAME: memref<64xi8> {kiln.arena}
func.func @dealloc_removed(%out: memref<4xf16>, %arena: memref<?xi8> {kiln.arena}) attributes {kiln.entry} {
  // CHECK-NOT: memref.alloc
  // CHECK-NOT: memref.dealloc
  // CHECK: return
  %a = memref.alloc() : memref<4xf16>
  linalg.copy ins(%a : memref<4xf16>) outs(%out : memref<4xf16>)
  memref.dealloc %a : memref<4xf16>
  return
}

// -----

// CHECK-LABEL: func.func @no_buffers
// CHECK-SAME: memref<0xi8> {kiln.arena}
// CHECK-SAME: kiln.arena_size = 0 : i64
func.func @no_buffers(%arena: memref<?xi8> {kiln.arena}) attributes {kiln.entry} {
  return
}

// -----

// Functions that are not the entry point are left alone.
// CHECK-LABEL: func.func @not_entry
// CHECK-NOT: kiln.arena_size
// CHECK: memref.alloc() : memref<4xf32>
func.func @not_entry(%x: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  linalg.copy ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
  return
}

// -----

func.func @dynamic_alloc(%n: index, %arena: memref<?xi8> {kiln.arena}) attributes {kiln.entry} {
  // expected-error @+1 {{cannot place this buffer in the arena: it must be a statically shaped, identity-layout allocation at the function's top level}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

func.func @nested_alloc(%arena: memref<?xi8> {kiln.arena}) attributes {kiln.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    // expected-error @+1 {{cannot place this buffer in the arena}}
    %a = memref.alloc() : memref<4xf32>
  }
  return
}

// -----

func.func @strided_alloc(%arena: memref<?xi8> {kiln.arena}) attributes {kiln.entry} {
  // expected-error @+1 {{cannot place this buffer in the arena}}
  %a = memref.alloc() : memref<4x4xf32, strided<[1, 4]>>
  return
}

// -----

func.func @stack_alloc(%arena: memref<?xi8> {kiln.arena}) attributes {kiln.entry} {
  // expected-error @+1 {{unexpected buffer allocation on the run path}}
  %a = memref.alloca() : memref<4xf32>
  return
}

// -----

// expected-error @+1 {{kiln.entry function has no kiln.arena argument}}
func.func @no_arena(%x: memref<4xf32>) attributes {kiln.entry} {
  return
}

// -----

// expected-error @+1 {{kiln.entry function has no kiln.arena argument}}
func.func @no_arguments() attributes {kiln.entry} {
  return
}
