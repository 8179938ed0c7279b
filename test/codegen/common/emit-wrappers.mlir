// RUN: kiln-opt %s -split-input-file -verify-diagnostics '-kiln-abi-emit-wrappers=name=mnist' | FileCheck %s
// RUN: kiln-opt %s -split-input-file -verify-diagnostics -kiln-abi-emit-wrappers | FileCheck %s --check-prefix=DEFAULT
// The lowered entry becomes internal <name>_main; <name>_run validates the
// pointers and the arena alignment, <name>_invoke unpacks pointer arrays.

// CHECK-LABEL: llvm.func internal @mnist_main
// CHECK-SAME: (%{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr)
// CHECK-NOT: kiln.name
// CHECK: llvm.return

// CHECK-LABEL: llvm.func @mnist_run
// CHECK-SAME: (%[[IN:[^:]+]]: !llvm.ptr, %[[OUT:[^:]+]]: !llvm.ptr, %[[ARENA:[^:]+]]: !llvm.ptr) -> i32
// Any NULL pointer: KILN_STATUS_INVALID_ARGUMENT (1).
// CHECK: %[[NULL:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK: llvm.icmp "eq" %[[IN]], %[[NULL]]
// CHECK: llvm.icmp "eq" %[[OUT]], %[[NULL]]
// CHECK: %[[ANY:.+]] = llvm.or %{{.+}}, %{{.+}} : i1
// CHECK: llvm.icmp "eq" %[[ARENA]], %[[NULL]]
// CHECK: %[[ANY_NULL:.+]] = llvm.or %[[ANY]], %{{.+}} : i1
// CHECK: %[[INVALID:.+]] = llvm.mlir.constant(1 : i32) : i32
// CHECK: %[[S1:.+]] = llvm.select %[[ANY_NULL]], %[[INVALID]], %{{.+}} : i1, i32
// CHECK: llvm.cond_br %{{.+}}, ^[[FAIL1:.+]], ^[[NEXT1:.+]]
// CHECK: ^[[FAIL1]]:
// CHECK-NEXT: llvm.return %[[S1]] : i32
// An arena not aligned to kiln.arena_alignment (64): KILN_STATUS_ARENA_MISALIGNED (2).
// CHECK: ^[[NEXT1]]:
// CHECK: %[[ADDR:.+]] = llvm.ptrtoint %[[ARENA]] : !llvm.ptr to i64
// CHECK: %[[MASK:.+]] = llvm.mlir.constant(63 : i64) : i64
// CHECK: llvm.and %[[ADDR]], %[[MASK]] : i64
// CHECK: %[[MISALIGNED:.+]] = llvm.mlir.constant(2 : i32) : i32
// CHECK: %[[S2:.+]] = llvm.select %{{.+}}, %[[MISALIGNED]], %{{.+}} : i1, i32
// CHECK: llvm.cond_br %{{.+}}, ^[[FAIL2:.+]], ^[[NEXT2:.+]]
// CHECK: ^[[FAIL2]]:
// CHECK-NEXT: llvm.return %[[S2]] : i32
// CHECK: ^[[NEXT2]]:
// CHECK-NEXT: llvm.call @mnist_main(%[[IN]], %[[OUT]], %[[ARENA]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: %[[OK:.+]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: llvm.return %[[OK]] : i32

// CHECK-LABEL: llvm.func @mnist_invoke
// CHECK-SAME: (%[[INS:[^:]+]]: !llvm.ptr, %[[OUTS:[^:]+]]: !llvm.ptr, %[[ARENA:[^:]+]]: !llvm.ptr) -> i32
// CHECK: llvm.icmp "eq" %[[INS]]
// CHECK: llvm.icmp "eq" %[[OUTS]]
// CHECK-NOT: llvm.icmp "eq" %[[ARENA]]
// CHECK: llvm.cond_br
// CHECK: %[[P0:.+]] = llvm.getelementptr %[[INS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[I0:.+]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[P1:.+]] = llvm.getelementptr %[[OUTS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[O0:.+]] = llvm.load %[[P1]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[STATUS:.+]] = llvm.call @mnist_run(%[[I0]], %[[O0]], %[[ARENA]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr) -> i32
// CHECK: llvm.return %[[STATUS]] : i32

// DEFAULT: llvm.func internal @model_main
// DEFAULT: llvm.func @model_run
// DEFAULT: llvm.call @model_main
// DEFAULT: llvm.func @model_invoke
// DEFAULT: llvm.call @model_run
llvm.func @main(%arg0: !llvm.ptr {kiln.name = "x"}, %arg1: !llvm.ptr {kiln.name = "y"}, %arg2: !llvm.ptr {kiln.arena})
    attributes {kiln.entry, kiln.num_inputs = 1 : i64, kiln.num_outputs = 1 : i64,
                kiln.arena_size = 128 : i64, kiln.arena_alignment = 64 : i64} {
  llvm.return
}

// -----

// Two inputs, one output, and a 128-byte alignment: invoke loads each array
// slot in order; run masks with alignment - 1.
// CHECK-LABEL: llvm.func @mnist_run
// CHECK-SAME: (%{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: !llvm.ptr) -> i32
// CHECK: llvm.mlir.constant(127 : i64) : i64
// CHECK-LABEL: llvm.func @mnist_invoke
// CHECK-SAME: (%[[INS:[^:]+]]: !llvm.ptr, %[[OUTS:[^:]+]]: !llvm.ptr, %[[ARENA:[^:]+]]: !llvm.ptr) -> i32
// CHECK: llvm.getelementptr %[[INS]][0]
// CHECK: llvm.getelementptr %[[INS]][1]
// CHECK: llvm.getelementptr %[[OUTS]][0]
// CHECK: llvm.call @mnist_run(%{{.+}}, %{{.+}}, %{{.+}}, %[[ARENA]])
// DEFAULT: llvm.func @model_run
llvm.func @two_inputs(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr, %arg3: !llvm.ptr)
    attributes {kiln.entry, kiln.num_inputs = 2 : i64, kiln.num_outputs = 1 : i64,
                kiln.arena_size = 0 : i64, kiln.arena_alignment = 128 : i64} {
  llvm.return
}

// -----

// expected-error @+1 {{no lowered kiln.entry function to wrap}}
module {
  llvm.func @not_marked(%arg0: !llvm.ptr) {
    llvm.return
  }
}

// -----

// expected-error @+1 {{entry function does not follow the kiln ABI (inputs, outputs, arena as bare pointers)}}
llvm.func @missing_arena(%arg0: !llvm.ptr, %arg1: !llvm.ptr)
    attributes {kiln.entry, kiln.num_inputs = 1 : i64, kiln.num_outputs = 1 : i64, kiln.arena_alignment = 64 : i64} {
  llvm.return
}

// -----

// expected-error @+1 {{entry function does not follow the kiln ABI (inputs, outputs, arena as bare pointers)}}
llvm.func @no_alignment(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr)
    attributes {kiln.entry, kiln.num_inputs = 1 : i64, kiln.num_outputs = 1 : i64} {
  llvm.return
}

// -----

// A memref descriptor instead of a bare pointer (func-to-llvm without
// use-bare-ptr-memref-call-conv).
// expected-error @+1 {{entry argument is not a bare pointer: '!llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>'}}
llvm.func @descriptor(%arg0: !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, %arg1: !llvm.ptr, %arg2: !llvm.ptr)
    attributes {kiln.entry, kiln.num_inputs = 1 : i64, kiln.num_outputs = 1 : i64, kiln.arena_alignment = 64 : i64} {
  llvm.return
}
