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

// `signAware` ops take an `is_unsigned` unit attribute: integers are
// signless in kiln, and the frontends set it where the source's unsigned
// element type changes the result (division, max/min, remainders, shifts,
// comparisons). Ops whose integer result does not depend on signedness
// (add, sub, mul, and, ...) do not have it.
class Kiln_BinaryOp<string mnemonic, string doc, list<Trait> traits = [],
                    Type tensor = Kiln_NumericTensor, bit signAware = 0,
                    string semantics = "">
    : Kiln_Op<mnemonic, !listconcat([Pure, InferTypeOpAdaptor], traits)> {
  let summary = "Elementwise " # doc # " with numpy broadcasting";
  let description = [{
    Both operands broadcast to a common shape by numpy rules: shapes align at
    the trailing dimension, and a dimension of size 1 stretches.  Element
    types must match.  }] # semantics # !if(signAware, [{
    Integer operands are signed unless `is_unsigned` is set; the attribute
    is only valid on integer operands.}], "") # [{

    ```mlir
    %y = kiln.}] # mnemonic # [{ %a, %b : tensor<2x128xf32>, tensor<128xf32> -> tensor<2x128xf32>
    ```
  }];
  let arguments = !con((ins tensor:$lhs, tensor:$rhs),
                       !if(signAware, (ins UnitAttr:$is_unsigned), (ins)));
  let results = (outs tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasFolder = 1;
  let hasVerifier = signAware;
}

def Kiln_AddOp : Kiln_BinaryOp<"add", "addition", [Commutative]>;
def Kiln_SubOp : Kiln_BinaryOp<"sub", "subtraction">;
def Kiln_MulOp : Kiln_BinaryOp<"mul", "multiplication", [Commutative]>;
def Kiln_DivOp : Kiln_BinaryOp<"div", "division", [], Kiln_NumericTensor, 1,
    "Integer division truncates toward zero.">;
def Kiln_MaxOp : Kiln_BinaryOp<"max", "maximum (NaN-propagating)",
    [Commutative], Kiln_NumericTensor, 1>;
def Kiln_MinOp : Kiln_BinaryOp<"min", "minimum (NaN-propagating)",
    [Commutative], Kiln_NumericTensor, 1>;
def Kiln_PowOp : Kiln_BinaryOp<"pow", "power lhs^rhs", [], Kiln_FloatTensor>;
def Kiln_RemOp : Kiln_BinaryOp<"rem", "remainder of truncated division",
    [], Kiln_NumericTensor, 1,
    "The result has the sign of `lhs` (C `fmod`, ONNX Mod with fmod = 1, TF "
    "TruncateMod); an integer remainder by zero is zero.">;
def Kiln_FloorModOp : Kiln_BinaryOp<"floor_mod",
    "remainder of floored division", [], Kiln_NumericTensor, 1,
    "The result has the sign of `rhs` (Python `%`, ONNX Mod with fmod = 0, "
    "TF FloorMod); an integer remainder by zero is zero.">;
def Kiln_ShiftLeftOp : Kiln_BinaryOp<"shift_left", "left bit shift",
    [], Kiln_IntegerTensor, 0,
    "Shifts `lhs` left by `rhs` bits; a shift by the bit width or more "
    "yields 0.">;
def Kiln_ShiftRightOp : Kiln_BinaryOp<"shift_right", "right bit shift",
    [], Kiln_IntegerTensor, 1,
    "Shifts `lhs` right by `rhs` bits: logical with `is_unsigned`, "
    "arithmetic otherwise; a shift by the bit width or more yields 0 (or -1 "
    "for a negative signed `lhs`).">;

// Bitwise ops on integers; on i1 they are the logical ops (ONNX And/Or/Xor,
// TF LogicalAnd/LogicalOr).
def Kiln_AndOp : Kiln_BinaryOp<"and", "bitwise and (logical and on i1)",
    [Commutative], Kiln_IntegerTensor>;
def Kiln_OrOp : Kiln_BinaryOp<"or", "bitwise or (logical or on i1)",
    [Commutative], Kiln_IntegerTensor>;
def Kiln_XorOp : Kiln_BinaryOp<"xor", "bitwise xor (logical xor on i1)",
    [Commutative], Kiln_IntegerTensor>;

def Kiln_NotOp : Kiln_Op<"not", [Pure, SameOperandsAndResultType]> {
  let summary = "Elementwise bitwise complement (logical not on i1)";
  let description = [{
    ```mlir
    %y = kiln.not %m : tensor<3x4xi1>
    ```
  }];
  let arguments = (ins Kiln_IntegerTensor:$input);
  let results = (outs Kiln_IntegerTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

class Kiln_CompareOp<string mnemonic, string doc>
    : Kiln_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "Elementwise " # doc # " comparison with numpy broadcasting";
  let description = [{
    The result holds i1; integers compare signed (unsigned with
    `is_unsigned`, valid on integer operands only), floats ordered (any
    comparison with NaN is false, except `not_equal`).

    ```mlir
    %m = kiln.}] # mnemonic # [{ %a, %b : tensor<2xi64>, tensor<i64> -> tensor<2xi1>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$lhs, Kiln_NumericTensor:$rhs,
                       UnitAttr:$is_unsigned);
  let results = (outs RankedTensorOf<[I1]>:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Kiln_EqualOp : Kiln_CompareOp<"equal", "==">;
def Kiln_NotEqualOp : Kiln_CompareOp<"not_equal", "!=">;
def Kiln_LessOp : Kiln_CompareOp<"less", "<">;
def Kiln_LessEqualOp : Kiln_CompareOp<"less_equal", "<=">;
def Kiln_GreaterOp : Kiln_CompareOp<"greater", ">">;
def Kiln_GreaterEqualOp : Kiln_CompareOp<"greater_equal", ">=">;

def Kiln_SelectOp : Kiln_Op<"select", [Pure, InferTypeOpAdaptor]> {
  let summary = "Elementwise choice: cond ? on_true : on_false (broadcasting)";
  let description = [{
    All three operands broadcast to one shape by numpy rules (ONNX Where,
    TF Select/SelectV2).

    ```mlir
    %y = kiln.select %m, %a, %b : (tensor<2xi1>, tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$condition,
                       Kiln_AnyTensor:$on_true, Kiln_AnyTensor:$on_false);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

class Kiln_UnaryOp<string mnemonic, string doc,
                   Type tensor = Kiln_FloatTensor>
    : Kiln_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "Elementwise " # doc;
  let description = [{
    Applies the function to every element.

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x : tensor<1x32x26x26xf32>
    ```
  }];
  let arguments = (ins tensor:$input);
  let results = (outs tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def Kiln_ReluOp : Kiln_UnaryOp<"relu", "max(x, 0)">;
def Kiln_SigmoidOp : Kiln_UnaryOp<"sigmoid", "logistic sigmoid 1 / (1 + exp(-x))">;
def Kiln_TanhOp : Kiln_UnaryOp<"tanh", "hyperbolic tangent">;
def Kiln_ExpOp : Kiln_UnaryOp<"exp", "exponential">;
def Kiln_LogOp : Kiln_UnaryOp<"log", "natural logarithm">;
def Kiln_SqrtOp : Kiln_UnaryOp<"sqrt", "square root">;
def Kiln_NegOp : Kiln_UnaryOp<"neg", "negation">;
def Kiln_AbsOp : Kiln_UnaryOp<"abs", "absolute value">;
def Kiln_RsqrtOp : Kiln_UnaryOp<"rsqrt", "reciprocal square root 1 / sqrt(x)">;
def Kiln_ReciprocalOp : Kiln_UnaryOp<"reciprocal", "reciprocal 1 / x">;
def Kiln_ErfOp : Kiln_UnaryOp<"erf", "Gauss error function">;
def Kiln_FloorOp : Kiln_UnaryOp<"floor", "round toward -inf">;
def Kiln_CeilOp : Kiln_UnaryOp<"ceil", "round toward +inf">;
def Kiln_SinOp : Kiln_UnaryOp<"sin", "sine">;
def Kiln_CosOp : Kiln_UnaryOp<"cos", "cosine">;
def Kiln_SoftplusOp : Kiln_UnaryOp<"softplus", "log(1 + exp(x))">;
def Kiln_SoftsignOp : Kiln_UnaryOp<"softsign", "x / (1 + |x|)">;
def Kiln_TanOp : Kiln_UnaryOp<"tan", "tangent">;
def Kiln_AsinOp : Kiln_UnaryOp<"asin", "arcsine">;
def Kiln_AcosOp : Kiln_UnaryOp<"acos", "arccosine">;
def Kiln_AtanOp : Kiln_UnaryOp<"atan", "arctangent">;
def Kiln_SinhOp : Kiln_UnaryOp<"sinh", "hyperbolic sine">;
def Kiln_CoshOp : Kiln_UnaryOp<"cosh", "hyperbolic cosine">;
def Kiln_AsinhOp : Kiln_UnaryOp<"asinh", "inverse hyperbolic sine">;
def Kiln_AcoshOp : Kiln_UnaryOp<"acosh", "inverse hyperbolic cosine">;
def Kiln_AtanhOp : Kiln_UnaryOp<"atanh", "inverse hyperbolic tangent">;
def Kiln_RoundOp : Kiln_UnaryOp<"round",
    "rounding to the nearest integer, halves to even">;
def Kiln_SignOp : Kiln_UnaryOp<"sign",
    "sign: -1, 0 or 1 (NaN stays NaN; integers signed)", Kiln_NumericTensor>;

// Activations with scalar parameters; the parameters are f32 attributes and
// convert to the element type in the lowering.
class Kiln_ActivationOp<string mnemonic, string doc, dag params>
    : Kiln_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "Elementwise " # doc;
  let description = [{
    ```mlir
    %y = kiln.}] # mnemonic # [{ %x {...} : tensor<2x16xf32>
    ```
  }];
  let arguments = !con((ins Kiln_FloatTensor:$input), params);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def Kiln_ClipOp : Kiln_ActivationOp<"clip",
    "clamp to [min, max]; a missing bound does not clamp (TF Relu6, ONNX Clip)",
    (ins OptionalAttr<F32Attr>:$min, OptionalAttr<F32Attr>:$max)>;
def Kiln_LeakyReluOp : Kiln_ActivationOp<"leaky_relu",
    "x if x >= 0 else alpha * x",
    (ins DefaultValuedAttr<F32Attr, "0.01">:$alpha)>;
def Kiln_EluOp : Kiln_ActivationOp<"elu",
    "x if x > 0 else alpha * (exp(x) - 1)",
    (ins DefaultValuedAttr<F32Attr, "1.0">:$alpha)>;
def Kiln_SeluOp : Kiln_ActivationOp<"selu",
    "gamma * (x if x > 0 else alpha * (exp(x) - 1))",
    (ins DefaultValuedAttr<F32Attr, "1.67326319217681884765625">:$alpha,
         DefaultValuedAttr<F32Attr, "1.05070102214813232421875">:$gamma)>;
def Kiln_HardSigmoidOp : Kiln_ActivationOp<"hard_sigmoid",
    "max(0, min(1, alpha * x + beta))",
    (ins DefaultValuedAttr<F32Attr, "0.2">:$alpha,
         DefaultValuedAttr<F32Attr, "0.5">:$beta)>;

def Kiln_CastOp : Kiln_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "Converts every element to the result's element type";
  let description = [{
    Float to integer truncates toward zero; to i1 tests `!= 0`; i1 widens to
    0 or 1.  Integers are signed unless `unsigned_input` (the input's
    integers are unsigned: zero-extend, unsigned to float) or
    `unsigned_result` (the result's integers are unsigned: float to unsigned)
    is set; each is valid only on an integer input or result of more than
    one bit.

    ```mlir
    %y = kiln.cast %x : tensor<2x3xf32> -> tensor<2x3xi64>
    %z = kiln.cast %b {unsigned_input} : tensor<4xi8> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$input, UnitAttr:$unsigned_input,
                       UnitAttr:$unsigned_result);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
  let hasVerifier = 1;
}

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

def Kiln_LogSoftmaxOp : Kiln_Op<"log_softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "x - max - log(sum(exp(x - max))) along one axis";
  let description = [{
    ```mlir
    %p = kiln.log_softmax %logits {axis = 1 : i64} : tensor<2x10xf32>
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

def Kiln_ConvTranspose2DOp : Kiln_Op<"conv_transpose_2d",
    [Pure, InferTypeOpAdaptor]> {
  let summary = "Transposed 2-D convolution (ONNX ConvTranspose, TF Conv2DBackpropInput)";
  let description = [{
    The gradient of `conv_2d` with respect to its input: every input pixel
    scatters `filter` times its value onto a `strides`-spaced grid.  The full
    output has `(in - 1) * stride + dilation * (k - 1) + 1 + output_padding`
    rows/cols, of which `pads = [top, left, bottom, right]` are cropped.
    With `layout = nchw` the filter is `[C, F/groups, KH, KW]` (ONNX); with
    `nhwc` it is `[KH, KW, F/groups, C]` (TensorFlow).

    ```mlir
    %y = kiln.conv_transpose_2d %x, %w {layout = #kiln.layout<nhwc>,
           strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
           pads = array<i64: 0, 0, 0, 0>, output_padding = array<i64: 0, 0>}
           : (tensor<1x8x8x16xf32>, tensor<2x2x8x16xf32>) -> tensor<1x16x16x8xf32>
    ```
  }];
  let arguments = (ins Kiln_Image:$input, Kiln_Image:$filter,
                       Optional<Kiln_FloatTensor>:$bias,
                       Kiln_LayoutAttr:$layout,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$output_padding,
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

//===- Reductions --------------------------------------------------------===//

class Kiln_ReduceOp<string mnemonic, string doc, Type tensor = Kiln_NumericTensor>
    : Kiln_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = doc # " over `axes`";
  let description = [{
    Reduces the listed dimensions (sorted, unique, non-negative); they stay
    as size-1 dimensions when `keep_dims` is set.  An empty `axes` list
    reduces nothing (the frontends turn "all axes" into the full list).

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x {axes = array<i64: 1, 2>, keep_dims = false}
           : tensor<2x8x8x16xf32> -> tensor<2x16xf32>
    ```
  }];
  let arguments = (ins tensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "false">:$keep_dims);
  let results = (outs tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Kiln_ReduceSumOp : Kiln_ReduceOp<"reduce_sum", "Sum">;
def Kiln_ReduceMeanOp : Kiln_ReduceOp<"reduce_mean", "Arithmetic mean", Kiln_FloatTensor>;
def Kiln_ReduceMaxOp : Kiln_ReduceOp<"reduce_max", "Maximum">;
def Kiln_ReduceMinOp : Kiln_ReduceOp<"reduce_min", "Minimum">;
def Kiln_ReduceProdOp : Kiln_ReduceOp<"reduce_prod", "Product">;

//===- Indexing and padding ----------------------------------------------===//

def Kiln_PadOp : Kiln_Op<"pad", [Pure, InferTypeOpAdaptor]> {
  let summary = "Pads every dimension with a constant value";
  let description = [{
    `low[i]` and `high[i]` (non-negative) elements of `value` are added
    before and after dimension `i`.

    ```mlir
    %y = kiln.pad %x {low = array<i64: 0, 1, 1, 0>, high = array<i64: 0, 1, 1, 0>,
                      value = 0.0 : f64} : tensor<1x4x4x3xf32> -> tensor<1x6x6x3xf32>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$input, DenseI64ArrayAttr:$low,
                       DenseI64ArrayAttr:$high,
                       DefaultValuedAttr<F64Attr, "0.0">:$value);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Kiln_SliceOp : Kiln_Op<"slice", [Pure, InferTypeOpAdaptor]> {
  let summary = "Strided slice with static, in-bounds offsets";
  let description = [{
    Result dimension `i` has `sizes[i]` elements; element `j` reads input
    index `offsets[i] + j * strides[i]`.  Strides are non-zero and may be
    negative; the frontends clamp and resolve framework slice semantics
    (begin/end masks, negative indices) to these three lists.

    ```mlir
    %y = kiln.slice %x {offsets = array<i64: 0, 1>, sizes = array<i64: 2, 3>,
                        strides = array<i64: 1, 2>} : tensor<2x8xf32> -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$input, DenseI64ArrayAttr:$offsets,
                       DenseI64ArrayAttr:$sizes, DenseI64ArrayAttr:$strides);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_GatherOp : Kiln_Op<"gather", [Pure, InferTypeOpAdaptor]> {
  let summary = "Takes slices of `data` along `axis` at integer `indices`";
  let description = [{
    The result shape is `data.shape[:axis] + indices.shape +
    data.shape[axis+1:]` (ONNX Gather, TF GatherV2, embedding lookups).
    A negative index counts from the end; indices still out of range after
    that are clamped, so bad ids never read outside `data`.

    ```mlir
    %e = kiln.gather %table, %ids {axis = 0 : i64}
           : (tensor<50x8xf32>, tensor<2x1xi64>) -> tensor<2x1x8xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$data, Kiln_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_TileOp : Kiln_Op<"tile", [Pure, InferTypeOpAdaptor]> {
  let summary = "Repeats the input `multiples[i]` times along dimension i";
  let description = [{
    ```mlir
    %y = kiln.tile %x {multiples = array<i64: 1, 3>} : tensor<2x4xf32> -> tensor<2x12xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$input, DenseI64ArrayAttr:$multiples);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

include "dialects/kiln/KilnImageOps.td"
// Index-computing ops (arg_max, gather_elements, scatter_*, cumsum, ...).
include "dialects/kiln/KilnIndexOps.td"

// String ops (StringNormalizer); they lower to libkiln_rt calls.
include "dialects/kiln/KilnStringOps.td"

#endif // KILN_OPS_TD
