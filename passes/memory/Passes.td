// Memory planning passes.
#ifndef KILN_PASSES_MEMORY_PASSES_TD
#define KILN_PASSES_MEMORY_PASSES_TD

include "mlir/Pass/PassBase.td"

def PlanArena : Pass<"kiln-memory-plan-arena", "::mlir::func::FuncOp"> {
  let summary = "Place every intermediate buffer in the caller's arena";
  let description = [{
    Input: a bufferized `kiln.entry` function whose last argument (attribute
    `kiln.arena`) is a `memref<?xi8>`, and whose intermediate buffers are
    statically shaped `memref.alloc`s in the function's top-level block.
    Output: no `memref.alloc`: each becomes a `memref.view` of the arena at
    an offset aligned to 64 bytes.  Buffers whose live ranges (from the
    allocation to the last use of the buffer or any view of it) do not
    overlap share bytes.  The arena argument becomes `memref<Nxi8>` and the
    function records N as `kiln.arena_size`, which the generated header
    exports.  The run path therefore never calls malloc.
    With `keep-padded-sources`, a buffer copied into a view of another
    (the interior of a padded buffer, which is how a `tensor.pad` the
    producer did not compute in place bufferizes) lives as long as that
    other buffer and through the next op with memory effects after its
    last use (the reader's fused epilogue): a GPU convolution then reads the source through the
    padding instead of the padded copy (kiln-cuda-tile-contractions), and
    nothing may reuse the source's bytes before.
  }];
  let options = [
    Option<"keepPaddedSources", "keep-padded-sources", "bool", "false",
           "Keep a buffer copied into a view of another alive as long as "
           "that other buffer">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def PadInPlace : Pass<"kiln-memory-pad-in-place", "::mlir::func::FuncOp"> {
  let summary = "Compute a padded tensor's interior in place in the padded buffer";
  let description = [{
    Input: tensors before one-shot bufferization. A `tensor.pad` (static,
    constant padding value) of a value an `scf.forall` computes into a
    `tensor.empty`, possibly through `tensor.collapse_shape`s
    (kiln's direct convolutions write [N, H, W, F1, nr]).
    Output: the padded buffer is created and its border (not the interior)
    filled before the loop, by `scf.for` loops over the rows of each border
    slab that carry `llvm.loop_annotation` (no unrolling: LLVM would
    otherwise unroll thousands of short rows into blocks its scheduler
    takes minutes over); the loop's destination is the interior slice of it (expanded back through
    the reshapes); the pad becomes the `tensor.insert_slice` of the
    interior into that buffer, which bufferizes to a copy onto itself that
    folds away. Upstream bufferizes a pad as a fill of the buffer plus a
    copy of the interior: the copy reads and writes the whole tensor once
    more (the input of every depthwise convolution in MobileNetV2). Other
    pads are left alone.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def LowerCopies : Pass<"kiln-memory-lower-copies", "::mlir::func::FuncOp"> {
  let summary = "Turn memref.copy into vector loops or linalg.copy loops";
  let description = [{
    Input: bufferized IR whose `memref.copy` ops may touch strided views
    (copies into padded or concatenated buffers).
    Output: every `memref.copy` is gone. With `vector-bits` set, a static
    f32 copy whose rows (the innermost dimension, unit stride on both sides)
    are whole vectors becomes an `scf.parallel` over the rows with a loop of
    vector transfers along each; every other copy is a `linalg.copy`, which
    lowers to plain loops. A copy of a buffer onto itself (an in-place tile)
    is erased. Upstream lowers non-contiguous `memref.copy` to a call to
    `memrefCopy` from MLIR's C runner library, which a kiln object must not
    depend on; and LLVM, left with the loops, versions them for aliasing or
    calls memmove once per row.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"0",
           "Vector register width in bits for row copies (0: no vectors)">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // KILN_PASSES_MEMORY_PASSES_TD
