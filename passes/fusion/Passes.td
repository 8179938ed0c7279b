// Fusion passes: on the kiln graph (fold into conv) and on linalg.
#ifndef KILN_PASSES_FUSION_PASSES_TD
#define KILN_PASSES_FUSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def FuseElementwise : Pass<"kiln-fusion-fuse-elementwise"> {
  let summary = "Fuse elementwise producers into their consumers, never into a recomputation";
  let description = [{
    Input: linalg on tensors.
    Output: each `linalg.generic` whose only use is another generic is fused
    into it (bias + activation chains, batch-norm + relu, the stages of a
    softmax), reshapes are propagated through generics, and constant
    generics are folded, as upstream's `linalg-fuse-elementwise-ops` does,
    with one rule more: a producer that computes something is fused only
    where the consumer reads each of its elements once, i.e. the consumer's
    indexing map for it uses every loop. Fusing GELU into the matmul that
    consumes it would evaluate it once per output column (768 times for
    BERT's FFN); a producer that only moves data (a broadcast, a transpose)
    is cheap to recompute and still fuses. Reshapes are not moved into
    contractions: a matmul stays 2-D (its constant B packed) instead of
    growing a second reduction dimension out of an [S, H, D] -> [S, H*D]
    reshape.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::affine::AffineDialect"];
}

def AlignEpilogues : Pass<"kiln-fusion-align-epilogues"> {
  let summary = "Move the elementwise generics around a contraction into its iteration space";
  let description = [{
    Input: linalg on tensors, after kiln-cpu-conv-to-matmul and
    kiln-cpu-pack-weights: a convolution is a contraction over
    [N*OH*OW, F] (or [M, N1, N0] with packed panels) between reshapes,
    with its bias broadcast by an elementwise generic into the accumulator
    and its activation or residual add in an elementwise generic after it,
    both in the model's [N, OH, OW, F] shape.
    Output: those generics take the contraction's shape: the reshapes
    between them and the contraction move to their other side (upstream's
    reshape propagation by collapsing, then by expansion, restricted to
    reshapes that separate an elementwise generic from a contraction).
    First, a fill several ops start from (CSE merges the zero accumulators
    of every layer's matmuls) is cloned per user, so each contraction owns
    its init. Then an epilogue that adds an operand to a zero-initialized contraction
    (a dense layer's bias after its MatMul) gives that addend to the
    accumulator instead: the zero fill becomes a broadcast of the bias, and
    the epilogue keeps the rest of its body (or folds away). The addend
    must be computable before the contraction (side-effect-free producers
    placed after it, a reshape of a constant, move up).
    Nothing else changes; kiln-tiling-tile-and-vectorize then computes the
    generics inside the contraction's tiles.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def FoldIntoConv : Pass<"kiln-fusion-fold-into-conv", "::mlir::ModuleOp"> {
  let summary = "Fold per-channel scale/shift after a conv_2d into its filter and bias";
  let description = [{
    Input: kiln dialect.
    Output: `mul`, `add` and `sub` of a `conv_2d` result (used only there)
    by a constant that varies at most along the output channels, and
    inference `batch_norm` along that axis with constant parameters, become
    the convolution itself with its filter scaled per output channel and its
    bias shifted: batch normalization costs nothing at run time, whether the
    exporter kept BatchNormalization or spelled it as Mul and Add. f32 only;
    the filter and bias must be constants. Replaced filters give their
    memory back as soon as they are dead.
  }];
  let dependentDialects = ["::mlir::kiln::KilnDialect"];
}

#endif // KILN_PASSES_FUSION_PASSES_TD
