// Passes that shape the compiled model's calling convention (the ABI in
// runtime/include/kiln/abi.h); shared by every target.
#ifndef KILN_CODEGEN_COMMON_PASSES_TD
#define KILN_CODEGEN_COMMON_PASSES_TD

include "mlir/Pass/PassBase.td"

def RewriteEntry : Pass<"kiln-abi-rewrite-entry", "::mlir::ModuleOp"> {
  let summary = "Turn the model's public tensor function into destination-passing style";
  let description = [{
    Input: one public `func.func` taking and returning statically shaped
    tensors (the imported model), with `kiln.name` argument/result attributes.
    Output: the same function taking `(inputs..., outputs..., arena)` as
    memrefs and returning nothing.  Inputs enter through
    `bufferization.to_tensor restrict` (read-only), outputs as
    `bufferization.to_tensor restrict writable` at the function's start,
    and results leave through `bufferization.materialize_in_destination`
    into those tensors, so one-shot bufferization writes results straight
    into the caller's buffers instead of allocating and copying, and sees
    every write to them (a result still held in another output's buffer is
    copied before that output is written).  The materializations' results
    are unused and the ops only read: nothing may run dead-code elimination
    (canonicalize, CSE) between this pass and bufferization.  The trailing `memref<?xi8>`
    argument (attribute `kiln.arena`) is the caller's scratch arena that
    `kiln-memory-plan-arena` carves intermediate buffers from.  The function
    gets the `kiln.entry` attribute and records its input/output count.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::memref::MemRefDialect"];
}

def EmitWrappers : Pass<"kiln-abi-emit-wrappers", "::mlir::ModuleOp"> {
  let summary = "Emit the C entry points <name>_run and <name>_invoke";
  let description = [{
    Input: LLVM dialect, with the `kiln.entry` function lowered under the
    bare-pointer memref calling convention (one `!llvm.ptr` per input, per
    output, and the arena).
    Output: the entry function renamed `<name>_main` with internal linkage,
    plus two external functions returning a `kiln_status_t` (i32):
    `<name>_run(ptr in..., ptr out..., ptr arena)`, which rejects NULL
    pointers (KILN_STATUS_INVALID_ARGUMENT) and an arena not aligned to
    `kiln.arena_alignment` (KILN_STATUS_ARENA_MISALIGNED) before calling the
    model; and `<name>_invoke(ptr inputs, ptr outputs, ptr arena)`, which
    reads the buffer pointers from the two arrays.  When the entry function
    carries `kiln.sample_bytes` (a dynamic-batch model computing one
    sample), both take an i64 batch first, return KILN_STATUS_OUT_OF_RANGE
    for a negative batch or one above `kiln.max_batch` (when not 0), and call
    the model once per sample with every buffer advanced by its sample
    size; the arena is reused.
  }];
  let options = [
    Option<"modelName", "name", "std::string", "\"model\"",
           "C identifier prefix of the exported symbols">
  ];
}

def FlattenConstants : Pass<"kiln-abi-flatten-constants", "::mlir::ModuleOp"> {
  let summary = "Give constant globals a flat array type";
  let description = [{
    Input: LLVM dialect whose constant globals (weights) have the nested
    array types of their memref shapes, e.g. `!llvm.array<64 x array<3 x
    array<7 x array<7 x f32>>>>`.
    Output: each such global is `!llvm.array<N x elem>` with its value
    reshaped to one dimension (the same dense or dense_resource data).
    Users only take the global's address, so nothing else changes. LLVM
    then holds each weight as one ConstantDataArray instead of one constant
    object per innermost row, which took gigabytes of memory and minutes of
    compile time for convolution weights.
  }];
}

#endif // KILN_CODEGEN_COMMON_PASSES_TD
