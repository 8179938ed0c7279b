// Graph-level layout passes.
#ifndef KILN_PASSES_LAYOUT_PASSES_TD
#define KILN_PASSES_LAYOUT_PASSES_TD

include "mlir/Pass/PassBase.td"

def UseChannelsLast : Pass<"kiln-layout-use-channels-last", "::mlir::ModuleOp"> {
  let summary = "Run image ops channels-last and move layout changes to the graph's edges";
  let description = [{
    Input: kiln graph ops, image ops (`conv_2d` with one group or depthwise,
    `max_pool`, `avg_pool`, `global_avg_pool`) in either layout.
    Output: every such op is NHWC. An NCHW op becomes
    `transpose -> NHWC op -> transpose`, its filter transposed to HWCF at
    compile time. The transposes then sink through elementwise ops (unary
    ones, binary ones whose other operand is a constant or the same
    transpose, `batch_norm`, `pad`, `concat`) until they meet their inverse
    and cancel, so a chain of convolutions, activations and residual adds
    runs channels-last with a layout change only where the graph's inputs
    and outputs (or ops kiln does not move, such as reshapes) need NCHW.
    Transposes of constants are folded; weights no op reads any more give
    their memory back.

    Channels-last is what the CPU code generator wants: a convolution is
    then a matmul whose columns are the filters (a multiple of the vector
    length in nearly every network) over rows of contiguous patches.
  }];
}

#endif // KILN_PASSES_LAYOUT_PASSES_TD
