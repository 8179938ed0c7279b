// x86 code generation: per-op strategy selection and vector lowering.
#ifndef KILN_CODEGEN_CPU_PASSES_TD
#define KILN_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def SelectStrategy : Pass<"kiln-cpu-select-strategy", "::mlir::func::FuncOp"> {
  let summary = "Choose tile sizes for each linalg op on the target";
  let description = [{
    Input: linalg on tensors (the `fused` phase).
    Output: the same IR; ops kiln knows how to tile well get `kiln.tiling`
    (see passes/tiling/Passes.h), which `kiln-tiling-tile-and-vectorize`
    applies. Matmuls (f32, static shapes) get three levels: cache tiles of
    the output, a tile of the reduction, and a register tile of
    `mr x nr x 1` (nr a multiple of the vector length) whose accumulators
    fit the target's vector registers. A dimension that no register tile
    divides leaves the op untiled for now (scalar loops), never wrong.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"128",
           "Width of the target's vector registers (128, 256 or 512)">,
    Option<"vectorRegisters", "vector-registers", "int64_t", /*default=*/"16",
           "Number of vector registers of the target">,
  ];
}

def ConvToMatmul : Pass<"kiln-cpu-conv-to-matmul", "::mlir::func::FuncOp"> {
  let summary = "Rewrite 2-D convolutions as im2col plus a contraction";
  let description = [{
    Input: linalg on tensors with `linalg.conv_2d_nhwc_hwcf` or
    `linalg.conv_2d_nchw_fchw` (f32, static shapes, padding already
    explicit).
    Output: each becomes a `linalg.generic` that gathers the input patches
    into a [N, OH*OW, KH*KW*C] (NHWC) or [N, C*KH*KW, OH*OW] (NCHW) tensor,
    and a matmul-shaped contraction with the filter viewed as a matrix, so
    convolutions run on the vectorized matmul tiles. Depthwise and grouped
    convolutions are left as they are.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def PackWeights : Pass<"kiln-cpu-pack-weights", "::mlir::ModuleOp"> {
  let summary = "Pack constant matmul weights into contiguous column panels";
  let description = [{
    Input: linalg on tensors. A `linalg.matmul` (f32, static shapes) whose
    B operand is a (non-splat) constant, or the [1, 0] transpose of one.
    Output: B is read from a new constant of shape [ceil(N/nr), K, nr]
    built at compile time (nr: two vectors, four when M < 4 or when 32
    registers hold 256-bit vectors, narrower when that divides N; otherwise the last panel is padded with zero columns and
    the output is computed padded and sliced back), and the matmul is a
    `linalg.generic` contraction over (m, n1, n0, k) writing the output
    viewed as [M, N/nr, nr] through expand/collapse_shape. A register tile
    then loads each step's row of B from one contiguous panel. The
    transpose of a transposed weight is never computed at run time. A
    weight blob nothing refers to any more is released, so compile memory
    holds one copy of the weights, not two.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"128",
           "Width of the target's vector registers (128, 256 or 512)">,
    Option<"vectorRegisters", "vector-registers", "int64_t", /*default=*/"16",
           "Number of vector registers (16, or 32 with AVX-512)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def OutlineKernels : Pass<"kiln-cpu-outline-kernels", "::mlir::ModuleOp"> {
  let summary = "Outline each top-level loop nest of the model into a function";
  let description = [{
    Input: bufferized loops (`scf.for`, or `scf.parallel` for loops whose
    iterations are independent; no linalg left) in the `kiln.entry`
    function.
    Output: each top-level loop nest without results whose captured values
    are scalars, vectors, static identity-layout memrefs or views of them
    is a `func.func @<entry>_kernel<N>` with internal linkage and LLVM's
    `noinline` (passthrough), called in its place; constants, weight
    globals and views it uses are rebuilt inside it, so its loop bounds stay
    constant. LLVM's loop analyses cost grows faster than linearly with the
    loops in one function: a BERT-sized model as one function spent minutes
    in ScalarEvolution.

    With `parallel`, a top-level `scf.parallel` worth more than a few tens
    of microseconds becomes a parallel kernel: its iteration space is
    linearized, the kernel takes the range `[begin, end)` of it as two
    trailing `index` arguments, and carries `kiln.parallel_grain`, the
    fewest iterations worth a task of their own (and, with `max-threads`,
    enough that no loop splits into more tasks than that).
    `kiln-cpu-dispatch-parallel` turns its call into a `kiln_parallel_for`.
    Smaller ones run as serial loops.
  }];
  let options = [
    Option<"parallel", "parallel", "bool", /*default=*/"true",
           "Outline large scf.parallel nests as parallel kernels">,
    Option<"maxThreads", "max-threads", "int64_t", /*default=*/"0",
           "Most tasks one parallel loop splits into (0: no limit)">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect"];
}

def DispatchParallel : Pass<"kiln-cpu-dispatch-parallel", "::mlir::ModuleOp"> {
  let summary = "Call parallel kernels through the runtime's kiln_parallel_for";
  let description = [{
    Input: LLVM dialect where some internal functions carry
    `kiln.parallel_grain` (from `kiln-cpu-outline-kernels`): their last two
    parameters are the `[begin, end)` range of their linearized iteration
    space, and every call passes `[0, count)`.
    Output: each call stores the other arguments in a stack context and calls
    `kiln_parallel_for(task, context, count, grain)` (libkiln_rt), where the
    task `<kernel>_task(context, begin, end)` loads them back and calls the
    kernel on its range.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def LowerVectors : Pass<"kiln-cpu-lower-vectors", "::mlir::func::FuncOp"> {
  let summary = "Lower vector ops to what the LLVM conversion takes";
  let description = [{
    Input: bufferized IR with vector.contract, multi-dimensional transfers,
    broadcasts and shape casts from vectorized tiles.
    Output: contractions as chains of vector.fma (outer products: one
    broadcast of the left operand times a row of the right one per
    reduction step), transfers as 1-D vector loads and stores (unrolled),
    reductions along the innermost dimension as vector.reduction. Nothing
    that the `convert-vector-to-llvm` conversion would scalarize is left.
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def PrefetchEpilogue : Pass<"kiln-cpu-prefetch-epilogue", "::mlir::func::FuncOp"> {
  let summary = "Prefetch a register tile's epilogue operands into L1 during its reduction";
  let description = [{
    Input: bufferized IR whose register tiles are innermost `scf.for` loops
    carrying vector accumulators, followed in their block by an epilogue of
    vector transfers: reads of other tensors (a residual added to the
    convolution's result) and the write of the finished tile.
    Output: before each such loop, per epilogue transfer, an `scf.for` over
    its 64-byte lines with one `memref.prefetch` (read prefetches for reads,
    write prefetches for writes; locality 3, into L1) at the transfer's own
    indices offset to the line: the index arithmetic the epilogue computes
    after the loop is cloned before it. (The loop keeps the IR one prefetch
    per transfer until LLVM unrolls it: one op per line cost MobileNetV2's
    compile 1 MiB at its peak.)
    The lines arrive while the reduction runs, so the epilogue does not wait
    on L3 or memory once per tile (a 1x1 convolution with 64 input channels
    spends as long in its reduction as one L3 miss takes). Writes to a tile
    that was read before the loop (accumulators that start from memory) are
    in cache already and get none; transfers covering more than 64 lines
    are left to the hardware prefetchers.

    ```mlir
    // + scf.for %j = %c0 to %c2 step %c1 {
    // +   memref.prefetch %res[%r, %j * 16], read, locality<3>, data }
    // + (the same for %out, write)
    %acc = scf.for %k = %c0 to %c64 step %c1 iter_args(%a = %init) -> (vector<1x32xf32>) { ... }
    %res = vector.transfer_read %res[%r, %c0] ... : memref<..>, vector<1x32xf32>
    vector.transfer_write %sum, %out[%r, %c0] ... : vector<1x32xf32>, memref<..>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def PrefetchWeights : Pass<"kiln-cpu-prefetch-weights", "::mlir::func::FuncOp"> {
  let summary = "Prefetch the next reduction slice of constant weights into L2";
  let description = [{
    Input: bufferized IR whose register tiles read constant weights
    (`memref.get_global`, through views) with vector transfers inside an
    innermost `scf.for` that steps along one of the weights' outer
    dimensions (a matmul panel's reduction rows, a direct convolution's
    input channels).
    Output: each such read is accompanied by `memref.prefetch` (read, L2)
    of the same row one whole loop extent further on, a prefetch per
    64-byte line of the vector: while the register tiles sweep one
    reduction slice, the next slice streams from memory into L2, so the
    first tile of the next slice does not wait on DRAM (weights are read
    once per call and are rarely in cache). The prefetched row is clamped
    to the dimension. Loops whose extent covers more than half of the
    dimension (nothing after them to fetch) are left alone.

    ```mlir
    scf.for %k = %c0 to %c128 step %c1 {
      %b = vector.transfer_read %w[%p, %k, %c0] ... : memref<48x768x64xf32>, vector<64xf32>
      // + memref.prefetch %w[%p, min(%k + 128, 767), %c0 + 0/16/32/48], read, locality<2>, data
    }
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // KILN_CODEGEN_CPU_PASSES_TD
