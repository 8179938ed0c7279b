// Ops of the kiln graph dialect. Every op infers its result type from its
// operands and attributes (InferTypeOpAdaptor), except reshape, whose result
// type carries the target shape.
#ifndef KILN_OPS_TD
#define KILN_OPS_TD

include "dialects/kiln/KilnBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

//===- Constants and identity --------------------------------------------===//

def Kiln_ConstantOp : Kiln_Op<"constant",
    [ConstantLike, Pure, InferTypeOpAdaptor]> {
  let summary = "A constant tensor (weights, biases, shape operands)";
  let description = [{
    Holds a tensor value.  Frontends store weights as dense resources
    (`dense_resource<name>`), which keeps megabytes of data out of the
    printed IR and lets codegen place them in the object's read-only data.

    ```mlir
    %w = kiln.constant dense_resource<dense_1_kernel> : tensor<784x128xf32>
    %s = kiln.constant dense<[1, 5408]> : tensor<2xi64>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Kiln_AnyTensor:$result);
  // The value's type is the result type, so print it once.
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Kiln_IdentityOp : Kiln_Op<"identity",
    [Pure, SameOperandsAndResultType]> {
  let summary = "Forwards its operand (ONNX Identity/Dropout, TF Identity)";
  let description = [{
    Kept by the importer so every source node still has an op carrying its
    location; it folds away in canonicalization.

    ```mlir
    %1 = kiln.identity %0 : tensor<2x128xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$input);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasFolder = 1;
}

//===- Elementwise -------------------------------------------------------===//

class Kiln_BinaryOp<string mnemonic, string doc, list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat([Pure, InferTypeOpAdaptor], traits)> {
  let summary = "Elementwise " # doc # " with numpy broadcasting";
  let description = [{
    Both operands broadcast to a common shape by numpy rules: shapes align at
    the trailing dimension, and a dimension of size 1 stretches.  Element
    types must match.

    ```mlir
    %y = kiln.}] # mnemonic # [{ %a, %b : tensor<2x128xf32>, tensor<128xf32> -> tensor<2x128xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$lhs, Kiln_FloatTensor:$rhs);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasFolder = 1;
}

def Kiln_AddOp : Kiln_BinaryOp<"add", "addition", [Commutative]>;
def Kiln_SubOp : Kiln_BinaryOp<"sub", "subtraction">;
def Kiln_MulOp : Kiln_BinaryOp<"mul", "multiplication", [Commutative]>;
def Kiln_DivOp : Kiln_BinaryOp<"div", "division">;
def Kiln_MaxOp : Kiln_BinaryOp<"max", "maximum (NaN-propagating)", [Commutative]>;
def Kiln_MinOp : Kiln_BinaryOp<"min", "minimum (NaN-propagating)", [Commutative]>;

class Kiln_UnaryOp<string mnemonic, string doc>
    : Kiln_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "Elementwise " # doc;
  let description = [{
    Applies the function to every element.

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x : tensor<1x32x26x26xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def Kiln_ReluOp : Kiln_UnaryOp<"relu", "max(x, 0)">;
def Kiln_SigmoidOp : Kiln_UnaryOp<"sigmoid", "logistic sigmoid 1 / (1 + exp(-x))">;
def Kiln_TanhOp : Kiln_UnaryOp<"tanh", "hyperbolic tangent">;
def Kiln_ExpOp : Kiln_UnaryOp<"exp", "exponential">;
def Kiln_LogOp : Kiln_UnaryOp<"log", "natural logarithm">;
def Kiln_SqrtOp : Kiln_UnaryOp<"sqrt", "square root">;
def Kiln_NegOp : Kiln_UnaryOp<"neg", "negation">;

//===- Normalization -----------------------------------------------------===//

def Kiln_SoftmaxOp : Kiln_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "exp(x - max) / sum(exp(x - max)) along one axis";
  let description = [{
    Normalizes along `axis` (non-negative, less than the rank).  Frontends
    rewrite opset < 13 ONNX Softmax (which flattens) into reshape + softmax.

    ```mlir
    %p = kiln.softmax %logits {axis = 1 : i64} : tensor<2x10xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Kiln_BatchNormOp : Kiln_Op<"batch_norm",
    [Pure, InferTypeOpAdaptor,
     AllElementTypesMatch<["input", "scale", "bias", "mean", "variance"]>]> {
  let summary = "Inference-mode batch normalization along the channel axis";
  let description = [{
    `y = (x - mean) / sqrt(variance + epsilon) * scale + bias`, where the 1-D
    parameters index dimension `axis` of `input` (1 for NCHW, rank-1 for
    channels-last).

    ```mlir
    %y = kiln.batch_norm %x, %scale, %bias, %mean, %var
           {axis = 1 : i64, epsilon = 1.0e-3 : f32}
           : tensor<1x16x16x16xf32>, tensor<16xf32>, tensor<16xf32>,
             tensor<16xf32>, tensor<16xf32> -> tensor<1x16x16x16xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Kiln_FloatTensor:$bias, Kiln_FloatTensor:$mean,
                       Kiln_FloatTensor:$variance, I64Attr:$axis,
                       F32Attr:$epsilon);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:`
    type($input) `,` type($scale) `,` type($bias) `,` type($mean) `,`
    type($variance) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===- Contractions ------------------------------------------------------===//

def Kiln_MatMulOp : Kiln_Op<"matmul", [Pure, InferTypeOpAdaptor]> {
  let summary = "numpy matmul of rank >= 2 operands with broadcast batch dims";
  let description = [{
    Contracts the last dimension of `lhs` with the second-to-last of `rhs`.
    Leading (batch) dimensions broadcast by numpy rules; a rank-2 `rhs`
    multiplies every batch of `lhs`.  Frontends reshape 1-D operands.

    ```mlir
    %y = kiln.matmul %x, %w : tensor<2x784xf32>, tensor<784x128xf32> -> tensor<2x128xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$lhs, Kiln_FloatTensor:$rhs);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def Kiln_GemmOp : Kiln_Op<"gemm", [Pure, InferTypeOpAdaptor]> {
  let summary = "alpha * op(A) * op(B) + beta * C (ONNX Gemm)";
  let description = [{
    `A` and `B` are rank 2 and optionally transposed; the optional `C` is
    unidirectionally broadcast to the `[M, N]` result.

    ```mlir
    %y = kiln.gemm %a, %b, %c {alpha = 1.0 : f32, beta = 1.0 : f32,
                               trans_a = false, trans_b = true}
           : (tensor<1x16xf32>, tensor<5x16xf32>, tensor<5xf32>) -> tensor<1x5xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$a, Kiln_FloatTensor:$b,
                       Optional<Kiln_FloatTensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                       DefaultValuedAttr<BoolAttr, "false">:$trans_b);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===- Convolution and pooling -------------------------------------------===//

def Kiln_Conv2DOp : Kiln_Op<"conv_2d", [Pure, InferTypeOpAdaptor]> {
  let summary = "Grouped, strided, dilated 2-D convolution with explicit pads";
  let description = [{
    `pads` is `[top, left, bottom, right]`, already resolved from SAME/VALID
    or auto_pad by the frontend.  With `layout = nchw` the filter is
    `[F, C/groups, KH, KW]`; with `nhwc` it is `[KH, KW, C/groups, F]`.
    The optional `bias` is 1-D of size F.

    ```mlir
    %y = kiln.conv_2d %x, %w, %b {layout = #kiln.layout<nchw>,
           strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
           pads = array<i64: 0, 0, 0, 0>, groups = 1 : i64}
           : (tensor<1x1x28x28xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>)
           -> tensor<1x32x26x26xf32>
    ```
  }];
  let arguments = (ins Kiln_Image:$input, Kiln_Image:$filter,
                       Optional<Kiln_FloatTensor>:$bias,
                       Kiln_LayoutAttr:$layout,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Kiln_Image:$result);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class Kiln_PoolOp<string mnemonic, string doc, dag extraArgs = (ins)>
    : Kiln_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = doc # " pooling over a 2-D window";
  let description = [{
    Slides a `kernel` window with `strides` and `dilations` over the spatial
    dims; `pads` is `[top, left, bottom, right]`.  Padded positions never win
    a max and, unless `count_include_pad`, never count toward an average.

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x {layout = #kiln.layout<nchw>,
           kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
           dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
           : tensor<1x32x26x26xf32> -> tensor<1x32x13x13xf32>
    ```
  }];
  let arguments = !con((ins Kiln_Image:$input, Kiln_LayoutAttr:$layout,
                            DenseI64ArrayAttr:$kernel,
                            DenseI64ArrayAttr:$strides,
                            DenseI64ArrayAttr:$dilations,
                            DenseI64ArrayAttr:$pads), extraArgs);
  let results = (outs Kiln_Image:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Kiln_MaxPoolOp : Kiln_PoolOp<"max_pool", "Max">;
def Kiln_AvgPoolOp : Kiln_PoolOp<"avg_pool", "Average",
    (ins DefaultValuedAttr<BoolAttr, "false">:$count_include_pad)>;

def Kiln_GlobalAvgPoolOp : Kiln_Op<"global_avg_pool", [Pure, InferTypeOpAdaptor]> {
  let summary = "Mean over the spatial dims, kept as size-1 dims";
  let description = [{
    ```mlir
    %y = kiln.global_avg_pool %x {layout = #kiln.layout<nchw>}
           : tensor<1x16x8x8xf32> -> tensor<1x16x1x1xf32>
    ```
  }];
  let arguments = (ins Kiln_Image:$input, Kiln_LayoutAttr:$layout);
  let results = (outs Kiln_Image:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

//===- Data movement -----------------------------------------------------===//

def Kiln_ReshapeOp : Kiln_Op<"reshape", [Pure]> {
  let summary = "Reinterprets the elements in row-major order with a new shape";
  let description = [{
    The result type carries the new shape; the element count is unchanged.
    ONNX Reshape/Flatten/Squeeze/Unsqueeze import as this op once their
    shape operands are constant.

    ```mlir
    %y = kiln.reshape %x : tensor<1x13x13x32xf32> -> tensor<1x5408xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$input);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_TransposeOp : Kiln_Op<"transpose", [Pure, InferTypeOpAdaptor]> {
  let summary = "Permutes dimensions: result dim i is input dim perm[i]";
  let description = [{
    ```mlir
    %y = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>}
           : tensor<1x28x28x1xf32> -> tensor<1x1x28x28xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Kiln_ConcatOp : Kiln_Op<"concat", [Pure, InferTypeOpAdaptor]> {
  let summary = "Joins tensors along one axis";
  let description = [{
    All operands have the same rank, element type and sizes except along
    `axis`.

    ```mlir
    %y = kiln.concat %a, %b {axis = 1 : i64}
           : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32>
    ```
  }];
  let arguments = (ins Variadic<Kiln_AnyTensor>:$inputs, I64Attr:$axis);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasFolder = 1;
}

#endif // KILN_OPS_TD
