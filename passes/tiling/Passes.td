// Tiling and vectorization passes: apply the tile sizes a target's strategy
// selection attached to linalg ops.
#ifndef KILN_PASSES_TILING_PASSES_TD
#define KILN_PASSES_TILING_PASSES_TD

include "mlir/Pass/PassBase.td"

def TileAndVectorize : Pass<"kiln-tiling-tile-and-vectorize",
                            "::mlir::func::FuncOp"> {
  let summary = "Tile linalg ops as their kiln.tiling attribute says, then "
                "vectorize the innermost tiles";
  let description = [{
    Input: linalg on tensors. An op to tile carries `kiln.tiling`, an array
    of levels, each a `DenseI64ArrayAttr` with one tile size per loop of the
    op (0: not tiled at that level), or a dictionary `{sizes = ..., order =
    ...}` whose `order` permutes that level's loops (outermost first; by
    default the op's loop order). Levels go from the outermost (cache
    tiles) to the innermost (the register tile that becomes vectors); the
    innermost level must divide its enclosing tile exactly, so every
    innermost tile is statically shaped.
    Output: each such op becomes an `scf.for` nest per level around one
    vectorized tile (`vector.transfer_read`/`vector.contract`/
    `vector.transfer_write` on tensor slices). Accumulators that every
    iteration of a loop reads and writes at the same place (the output tile
    of a reduction loop) become loop-carried vectors, so they stay in
    registers. Ops without `kiln.tiling` are left alone.

    Fusion groups: a root whose accumulator comes from an elementwise op or
    a fill and whose result only an elementwise op reads is tiled with them
    at its first level (epilogue fusion), and again at its register level:
    where the reduction is whole, each register tile starts from the init
    in registers and applies the epilogue before its one store; where the
    reduction is cut into slices, the first slice starts from the init in
    registers and the last applies the epilogue, both peeled off the slice
    loop, and the slices between go through the block in memory.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // KILN_PASSES_TILING_PASSES_TD
