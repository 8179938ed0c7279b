// NVIDIA code generation: loops onto the GPU grid, kernels to PTX, launches
// to libkiln_rt calls.
#ifndef KILN_CODEGEN_CUDA_PASSES_TD
#define KILN_CODEGEN_CUDA_PASSES_TD

include "mlir/Pass/PassBase.td"

def CudaMapParallel : Pass<"kiln-cuda-map-parallel", "::mlir::func::FuncOp"> {
  let summary = "Map each top-level parallel loop nest onto a 1-D CUDA grid";
  let description = [{
    Input: the bufferized model function after
    `convert-linalg-to-parallel-loops`: top-level `scf.parallel` nests with
    static bounds (copies bufferization inserted are turned into
    `linalg.copy` by this pass's caller first).
    Output: each nest's iteration space, linearized, as
    `scf.parallel` over blocks of `threads-per-block` threads (mapped
    `block_x` / `thread_x`) with a bounds guard, ready for
    `convert-parallel-loops-to-gpu`. Loops nested in the body stay
    sequential in each thread. Consecutive top-level ops that touch buffers
    outside a parallel loop (reductions without parallel dimensions, scalar
    loads and stores) first become one one-iteration loop: a single GPU
    thread runs them, since the host cannot touch device memory.
  }];
  let options = [
    Option<"threadsPerBlock", "threads-per-block", "int64_t", "256",
           "Threads of each block">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def CudaTileContractions : Pass<"kiln-cuda-tile-contractions", "::mlir::func::FuncOp"> {
  let summary = "f32 matmuls and NHWC convolutions as shared-memory tiled GEMM kernels";
  let description = [{
    Input: the bufferized model function (linalg on memrefs).
    Output: each top-level f32 `linalg.matmul`, `linalg.batch_matmul` (default
    maps), generic contraction (a multiply-accumulate over one batch, row,
    column and reduction dimension with any operand layout, e.g. attention's
    Q K^T, its output in (batch, row, column) order; operands read through
    their maps) and `linalg.conv_2d_nhwc_hwcf` (as an implicit GEMM: rows are
    output pixels, the reduction is the filter's (kh, kw, c), the input
    gathered on the fly; an input that is a zero fill with the real input
    copied inside, as bufferization leaves a `tensor.pad`, is read through
    where that input stays unchanged until the kernel (and its epilogue)
    is done: the real input at clamped indices, zeros where the padding
    lies, and the fill and copy erased when nothing else reads the padded
    buffer) with static shapes becomes a `gpu.launch`: one
    block per 64x64 output tile (grid x over rows, y over columns, z over
    the batch), 256 threads, each accumulating a 4x4 register tile over
    16-wide slices of the reduction staged in workgroup memory, double
    buffered (the buffers hold two slices: slice s + 1's global loads are
    issued before slice s is computed and stored into the other half after
    it, one barrier per slice); the accumulators are added to the output
    (which holds the bias, or zeros). Where the second operand already has
    the staged type (f32 here, a narrowed fp16/bf16 weight below) and its
    rows are runs that start 16-byte aligned in every launch (a weight or
    an arena view, its columns a multiple of the copy), it goes to
    workgroup memory by `nvgpu.device_async_copy` (cp.async.cg, 16 bytes
    per copy, zero-filled outside the operand), one group per slice waited
    for after the computation instead of through registers. Where the
    tiles would leave SMs idle (fewer blocks than an H100's 132 SMs: a
    batch-1 fully connected layer), the reduction is split among up to 16
    blocks per tile (SelectStrategy's selectSplitK; grid z is batch x
    parts; the SM count is `chip`'s, cudaMultiprocessors), each leaving
    its partial sums in a workspace the pass adds
    past the end of the arena (the function's `kiln.arena_size` and arena
    argument grow: the header's arena size follows), and a second kernel
    adds each element's parts in order (the same result every run) and
    stores it as the unsplit kernel would (initial value, fused epilogue).
    A `linalg.depthwise_conv_2d_nhwc_hwc` with static shapes and at most
    7x7 windows becomes a kernel of a thread per output (neighbouring
    threads on neighbouring channels), its window unrolled, with the same
    bias, fused epilogue and padded-input read-through as a convolution.
    Other ops are left to `kiln-cuda-map-parallel`.

    With `precision` tf32, fp16 or bf16 the kernels use tensor cores
    (`nvgpu.mma.sync`, sm_80+): 128 threads, each warp a 32x32 quarter of
    the tile as 2 x 4 mma tiles of 16x8 (m16n8k16 for fp16 and bf16,
    m16n8k8 for tf32) with f32 accumulators, or, for GEMMs that still give
    every SM two blocks, 128x128 tiles of 8 warps of 64x32
    (codegen/cuda/SelectStrategy), reduction slices of 32 for fp16/bf16
    where there are at least two; fp16/bf16 fragments loaded by ldmatrix;
    fp16/bf16 operands are rounded as they are staged in shared memory
    (tf32: the tensor cores use the top 19 bits); an operand that already
    has the staged type (a narrowed weight, or an activation
    `kiln-cuda-narrow-activations` stored narrow: inputs may be f16/bf16,
    the output is f32) is copied asynchronously as above.
  }];
  let options = [
    Option<"precision", "precision", "std::string", "\"fp32\"",
           "Multiplication type: fp32 (exact, CUDA cores), tf32, fp16 or bf16 "
           "(tensor cores, f32 accumulation)">,
    Option<"chip", "chip", "std::string", "\"sm_90\"",
           "The GPU (sm_XX) whose SM count sizes tiles and split-K">,
    Option<"tile", "tile", "std::string", "\"\"",
           "Tensor-core tile MxNxK for every GEMM (128x128 or 64x64; K 16 "
           "or 32, 32 for fp16/bf16 only) instead of SelectStrategy's "
           "choice; empty: choose">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect",
                           "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def CudaNarrowWeights : Pass<"kiln-cuda-narrow-weights", "::mlir::ModuleOp"> {
  let summary = "Round the weights tensor-core GEMM kernels read to fp16/bf16 at compile time";
  let description = [{
    Input: the bufferized module (linalg on memrefs).
    Output: with `precision` fp16 or bf16, for each top-level GEMM
    `kiln-cuda-tile-contractions` takes whose second operand (a matmul's
    right matrix, a convolution's filter) is a constant global, a copy of
    that global rounded to the precision's type (to nearest, ties to even:
    as the kernels' staging rounds it) and the GEMM marked
    `kiln.cuda_narrow_weights = @copy`; the kernel then reads the copy.
    Same numbers, half the weight bytes in the object, in device memory
    and in every kernel's reads. The f32 originals no other op reads are
    left for symbol DCE. Other precisions: no change.
  }];
  let options = [
    Option<"precision", "precision", "std::string", "\"fp32\"",
           "Multiplication type: fp32, tf32, fp16 or bf16">
  ];
}

def CudaNarrowActivations : Pass<"kiln-cuda-narrow-activations", "::mlir::func::FuncOp"> {
  let summary = "Store the tensors GPU kernels pass each other in fp16/bf16";
  let description = [{
    Input: linalg on tensors (the CUDA path's tiled phase).
    Output: with `precision` fp16 or bf16, each top-level all-parallel
    `linalg.generic` with one statically shaped f32 result (its output's
    old value unread) whose every use reads it as an input, of a generic
    or of a contraction, convolution or pooling whose body extends mixed
    inputs (matmul, batch_matmul, conv_2d_nhwc_hwcf,
    depthwise_conv_2d_nhwc_hwc, pooling_nhwc_sum/max), directly or through
    reshapes, slices and constant pads, yields its result rounded
    (`arith.truncf`, to nearest) into a tensor of the precision's type;
    the views on the way take that type (a pad's constant rounded), each
    reading generic extends its block argument (`arith.extf`) and each
    reading named op is rebuilt by its region builder on the narrow
    input. A contraction (a GEMM kiln-cuda-tile-contractions takes, or a
    depthwise convolution) whose result only such named ops read (a
    projection convolution feeding the next one) first gets an identity
    generic after it, which is then narrowed like the others and becomes
    the contraction's epilogue (kiln-cuda-mark-epilogues): its kernel
    stores the narrow result. Values that reach anything else (the model's
    outputs, accumulators, scalar reads) stay f32, and so do the model's
    inputs, integers converted to floats (positions), and values a reader
    converts back to integers, bit-casts or compares. fp16 saturates
    finite values beyond its range at +-65504 (a mask's -3.4e38 stays a
    large negative number, not -inf). Other precisions: no change.
  }];
  let options = [
    Option<"precision", "precision", "std::string", "\"fp32\"",
           "Multiplication type: fp32, tf32, fp16 or bf16">
  ];
  let dependentDialects = ["::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def CudaGeneralizeTransposes : Pass<"kiln-cuda-generalize-transposes", "::mlir::func::FuncOp"> {
  let summary = "Transposes as generics, for elementwise fusion to fold into their readers";
  let description = [{
    Input: linalg on tensors (the CUDA path's tiled phase).
    Output: every `linalg.transpose` on tensors as the equivalent
    `linalg.generic` (a permuted input map, a body that yields the input),
    which `kiln-fusion-fuse-elementwise` then fuses into the generics that
    read it: on a GPU a transpose on its own is a kernel that only moves
    data (a transformer layer has a dozen, around its attention heads and
    layer norms).
  }];
}

def CudaTileReductions : Pass<"kiln-cuda-tile-reductions", "::mlir::func::FuncOp"> {
  let summary = "Reductions along the innermost loop as warp- or block-wide kernels";
  let description = [{
    Input: the bufferized model function (linalg on memrefs).
    Output: each top-level `linalg.generic` with static shapes, one f32 or
    i32 output, a reduction as its innermost loop of at least 32
    iterations, and a body that folds a value of its inputs into the
    output's with one associative, commutative op (addf, mulf, maximumf,
    minimumf, maxnumf, minnumf; addi, muli, min/max, and/or/xor) becomes a
    `gpu.launch` of 256-thread blocks where 32 lanes (a warp: 8 outputs per
    block) or, for at most 1024 outputs of 256 or more elements, all 256
    (one output per block) share each output: every lane folds elements
    lane, lane + lanes, ... from the op's identity, the warp combines
    its lanes with `gpu.shuffle xor` butterflies, a block's warps through
    workgroup memory and a barrier, and the first lane folds the result
    into the output. Before, one thread folded each output serially.
    Other reductions (along an outer loop: neighbouring threads then read
    neighbouring elements) are left to `kiln-cuda-map-parallel`.

    Row programs first: a run of consecutive ops over the rows of such a
    reduction (the loops before its innermost one) - reductions along the
    row, elementwise ops on the rows' elements, ops on one value per row,
    fills and copies of per-row buffers - with at least a reduction and
    another computation becomes one kernel of the same shape, the lanes
    sharing a row going through the ops in order. Per-row values stay in
    registers (every lane has a reduction's result: the block's through
    workgroup memory and a second barrier), stored by the row's first lane
    only where something after the run may read them; per-element results
    are stored and read back by the lane that wrote them. A run is taken
    only where that is the program's meaning: written buffers are read
    back only after being written, per-row values through the row maps,
    elements at the same element; reads from memory share no memory with
    the run's earlier writes; what it accesses in memory shares none with
    what it writes there, but the same elements each accessed element by
    element (memory planning's in-place reuse). Softmax: 4 kernels become 1.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::memref::MemRefDialect"];
}

def CudaMarkEpilogues : Pass<"kiln-cuda-mark-epilogues", "::mlir::func::FuncOp"> {
  let summary = "Mark GEMMs whose bias and elementwise consumer their kernel can compute";
  let description = [{
    Input: linalg on tensors (the CUDA path's tiled phase).
    Output: each f32 contraction `kiln-cuda-tile-contractions` handles (or
    NHWC depthwise convolution) whose result (through single-use reshapes) only feeds an input of an
    elementwise `linalg.generic` (identity maps, not reading its output) is
    marked `kiln.cuda_fused_output`, the generic `kiln.cuda_epilogue` (one
    GEMM per generic), and the GEMM is moved right before it, so the
    generic's other operands are computed before the GEMM. A single-use
    fill or bias broadcast (over the last dimension) initializing the
    GEMM's output, with or without such a generic, is marked
    `kiln.cuda_prefill` and moved right before the GEMM (which is then
    marked `kiln.cuda_fused_output` too); a fill several ops share (CSE
    merges equal fills) is cloned for the GEMM first, so bufferization
    fills its output instead of copying a shared buffer into it. After bufferization the ops stay adjacent and the GEMM kernel
    reads the bias, computes the generic's body in its store and writes the
    generic's output: the GEMM's own output is never written to memory.
  }];
}

def CudaLowerBf16Mma : Pass<"kiln-cuda-lower-bf16-mma", "::mlir::gpu::GPUModuleOp"> {
  let summary = "bf16 nvgpu.mma.sync to nvvm.mma.sync";
  let description = [{
    Input: kernels with `nvgpu.mma.sync` (m16n8k16, f32 accumulators).
    Output: those on bf16 operands as `nvvm.mma.sync` on b32 registers (a
    fragment row of two bf16, the first in the low half), since
    `convert-nvgpu-to-nvvm` takes no bf16; the others are left to it.
  }];
  let dependentDialects = ["::mlir::NVVM::NVVMDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::vector::VectorDialect"];
}

def CudaMergeModules : Pass<"kiln-cuda-merge-modules", "::mlir::ModuleOp"> {
  let summary = "Put every outlined kernel into one gpu.module";
  let description = [{
    Input: the module after `gpu-kernel-outlining`, which makes one
    `gpu.module` per kernel (each kernel named after its function).
    Output: one `gpu.module` holding every kernel, each renamed after the
    module it came from (unique), and the launches pointing at them. The
    object then embeds one PTX module, loaded once with one
    `cuModuleLoadData`, and libdevice functions are linked once.
  }];
}

def CudaMarkParameters : Pass<"kiln-cuda-mark-parameters", "::mlir::ModuleOp"> {
  let summary = "Mark kernel buffer parameters read-only, unaliased and aligned where they are";
  let description = [{
    Input: outlined kernels (`gpu.func`) and the host functions that launch
    them (`gpu.launch_func` on memrefs, the views kiln's memory plan made).
    Output: the same, with argument attributes on each kernel's buffer
    parameters: `llvm.readonly` where the kernel never writes the buffer;
    `llvm.noalias` where no other buffer of any launch of the kernel may
    share memory with it while one of the two is written (views of
    disjoint byte ranges of the arena, weights, the model's outputs); and
    `llvm.align` (16 bytes or more) where every launch passes a pointer
    that aligned: a weight's own allocation, or the arena (whose alignment
    the entry points check) at a byte shift that keeps it. NVPTX then loads
    read-only, unaliased buffers through the non-coherent cache
    (`ld.global.nc`), merges neighbouring accesses of aligned buffers into
    vector loads and stores, and LLVM keeps loaded values across stores to
    other parameters. A kernel that writes through something the pass
    cannot see (an op without memory effects information) gets no
    read-only or alias attributes. A 256-thread kernel with `nvgpu.mma.sync`
    (a 128x128 tensor-core GEMM tile) is declared for two blocks per SM
    (`nvvm.maxntid`, `nvvm.minctasm` = 2: PTX `.minnctapersm`), which keeps
    ptxas within 128 registers a thread.
  }];
}

def CudaLowerLaunches : Pass<"kiln-cuda-lower-launches", "::mlir::ModuleOp"> {
  let summary = "gpu.launch_func becomes kiln_cuda_launch calls on embedded PTX";
  let description = [{
    Input: host functions with `gpu.launch_func` on memrefs, and the kernels'
    `gpu.binary` ops holding PTX (`gpu-module-to-binary{format=isa}`).
    Output: no gpu dialect. Each binary's PTX (or cubin) is an LLVM
    constant, NUL-terminated, with a zero-initialized module slot beside it; each launch is a
    `kiln_cuda_launch(slot, ptx, kernel name, grid, block, args)` call whose
    argument array points to one stack slot per kernel parameter (buffers as
    device pointers, indices as i64). Buffers that are host constants
    (`memref.get_global`, the weights) are uploaded once per process by
    `kiln_cuda_constant`. Each call runs only if every call before it
    succeeded, and the function returns the first failing status.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::func::FuncDialect", "::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def CudaSimulateKernels : Pass<"kiln-cuda-simulate-kernels", "::mlir::ModuleOp"> {
  let summary = "GPU kernels become host functions for the kiln-cusim driver";
  let description = [{
    `kiln compile --cuda-simulate`: tests of the GPU path without a GPU.
    Input: the module after `kiln-cuda-merge-modules`.
    Output: each `gpu.func` kernel as a host `func.func`
    `void(void **args, kiln_cusim_thread_t *thread)` (contract:
    codegen/cuda/SimulatorAbi.h) that unpacks `args` as cuLaunchKernel
    passes them, reads thread and block indices and dimensions from
    `thread`, and calls its `barrier` for `gpu.barrier` and its `mma` for
    `nvgpu.mma.sync` (fragments passed as f32); each `gpu.module`
    becomes a placeholder LLVM global of its name, which
    `kiln-cuda-lower-launches` embeds as the image and
    `kiln-cuda-simulate-images` fills in. GPU ops the host cannot run
    (warp shuffles, NVVM ops, other mma shapes, views of shared buffers)
    are errors, all listed.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect"];
}

def CudaSimulateImages : Pass<"kiln-cuda-simulate-images", "::mlir::ModuleOp"> {
  let summary = "Fill in the kiln-cusim images once kernels are LLVM functions";
  let description = [{
    Input: the LLVM-dialect module of a `--cuda-simulate` compile, with the
    image placeholders `kiln-cuda-simulate-kernels` made.
    Output: each image as the constant
    `{ magic bytes, (name, kernel, flags, parameters, shared bytes)...,
    null entry }`
    (SimulatorAbi.h).
  }];
}

#endif // KILN_CODEGEN_CUDA_PASSES_TD
