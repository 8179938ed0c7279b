// kiln ops that compute or follow element indices: arg_max/arg_min, arg_top_k,
// gather_elements/gather_nd, scatter_elements/scatter_nd and cumsum.
// Included from the end of KilnOps.td (one tablegen target).
//
// Safety: every op that reads or writes at a run-time index wraps a negative
// index once (adds the dimension size) and clamps what is still out of range
// into [0, size), so bad indices never touch memory outside the tensor.
#ifndef KILN_INDEX_OPS_TD
#define KILN_INDEX_OPS_TD

//===- Attributes --------------------------------------------------------===//

def Kiln_ScatterNone : I32EnumAttrCase<"None", 0, "none">;
def Kiln_ScatterAdd : I32EnumAttrCase<"Add", 1, "add">;
def Kiln_ScatterMul : I32EnumAttrCase<"Mul", 2, "mul">;
def Kiln_ScatterMax : I32EnumAttrCase<"Max", 3, "max">;
def Kiln_ScatterMin : I32EnumAttrCase<"Min", 4, "min">;
def Kiln_ScatterReduction : I32EnumAttr<"ScatterReduction",
    "how a scattered update combines with the element it lands on",
    [Kiln_ScatterNone, Kiln_ScatterAdd, Kiln_ScatterMul, Kiln_ScatterMax,
     Kiln_ScatterMin]> {
  let cppNamespace = "::mlir::kiln";
  let genSpecializedAttr = 0;
}
// Prints as #kiln.scatter_reduction<add>.
def Kiln_ScatterReductionAttr
    : EnumAttr<Kiln_Dialect, Kiln_ScatterReduction, "scatter_reduction"> {
  let assemblyFormat = "`<` $value `>`";
}

//===- Arg reductions ----------------------------------------------------===//

class Kiln_ArgReduceOp<string mnemonic, string doc>
    : Kiln_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "Index of the " # doc # " element along `axis` (i64)";
  let description = [{
    Reduces dimension `axis` (non-negative, less than the rank, of non-zero
    size) to the position of its }] # doc # [{ element; the dimension stays
    with size 1 when `keep_dims` is set.  Ties go to the first position, or
    to the last with `select_last_index`.  A NaN beats every number (numpy
    semantics), so the first (last) NaN is the answer when there is one.

    ```mlir
    %i = kiln.}] # mnemonic # [{ %x {axis = 1 : i64, keep_dims = true}
           : tensor<2x10xf32> -> tensor<2x1xi64>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$keep_dims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Kiln_ArgMaxOp : Kiln_ArgReduceOp<"arg_max", "largest">;
def Kiln_ArgMinOp : Kiln_ArgReduceOp<"arg_min", "smallest">;

def Kiln_ArgTopKOp : Kiln_Op<"arg_top_k", [Pure, InferTypeOpAdaptor]> {
  let summary = "Indices of the k largest (or smallest) elements along `axis`";
  let description = [{
    The result has the input's shape with dimension `axis` replaced by `k`
    (0 <= k <= that dimension).  Position `r` along `axis` holds the index
    of the element of rank `r`: sorted from the largest down (from the
    smallest up when `largest` is false), equal elements in index order.
    NaN ranks above every number.  The values themselves are a
    `kiln.gather_elements` of the input at these indices (ONNX TopK).

    ```mlir
    %i = kiln.arg_top_k %x {axis = 1 : i64, k = 3 : i64, largest = true}
           : tensor<2x10xf32> -> tensor<2x3xi64>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$input, I64Attr:$axis, I64Attr:$k,
                       DefaultValuedAttr<BoolAttr, "true">:$largest);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

//===- Gathers -----------------------------------------------------------===//

def Kiln_GatherElementsOp : Kiln_Op<"gather_elements",
    [Pure, InferTypeOpAdaptor]> {
  let summary = "Reads `data` at `indices` along one axis, elementwise";
  let description = [{
    `indices` has the rank of `data` and the result has the shape of
    `indices`: `out[i0, .., ia, ..] = data[i0, .., indices[i0, .., ia, ..], ..]`
    with `a = axis` (ONNX GatherElements, numpy take_along_axis).  Outside
    `axis` each dimension of `indices` is at most that of `data`.  Negative
    indices count from the end; out-of-range ones are clamped.

    ```mlir
    %y = kiln.gather_elements %x, %i {axis = 1 : i64}
           : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$data, Kiln_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_GatherNDOp : Kiln_Op<"gather_nd", [Pure, InferTypeOpAdaptor]> {
  let summary = "Reads slices of `data` at index tuples (ONNX GatherND)";
  let description = [{
    The last dimension of `indices` (static, `m` with
    `1 <= m <= rank(data) - batch_dims`) holds index tuples into dimensions
    `batch_dims ..< batch_dims + m` of `data`; the first `batch_dims`
    dimensions of both are shared batch dimensions.  The result shape is
    `indices.shape[:-1] + data.shape[batch_dims + m:]`.  Each index wraps
    when negative and is clamped.

    ```mlir
    %y = kiln.gather_nd %x, %i {batch_dims = 0 : i64}
           : (tensor<2x2x3xf32>, tensor<4x2xi64>) -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$data, Kiln_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===- Scatters ----------------------------------------------------------===//

def Kiln_ScatterElementsOp : Kiln_Op<"scatter_elements",
    [Pure, AllTypesMatch<["data", "result"]>,
     AllElementTypesMatch<["data", "updates"]>]> {
  let summary = "Writes `updates` into a copy of `data` along one axis";
  let description = [{
    The inverse of `gather_elements`: for every position `p` of `indices`
    (whose shape `updates` shares), the element of the result at `p` with
    coordinate `axis` replaced by `indices[p]` becomes `updates[p]`, or is
    combined with it by `reduction` (add, mul, max, min).  Updates apply in
    row-major order, so with `none` the last duplicate wins.  Negative
    indices count from the end; out-of-range ones are clamped.

    ```mlir
    %y = kiln.scatter_elements %x, %i, %u {axis = 1 : i64,
           reduction = #kiln.scatter_reduction<add>}
           : (tensor<3x4xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x4xf32>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$data, Kiln_IndexTensor:$indices,
                       Kiln_NumericTensor:$updates, I64Attr:$axis,
                       DefaultValuedAttr<Kiln_ScatterReductionAttr,
                           "ScatterReduction::None">:$reduction);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Kiln_ScatterNDOp : Kiln_Op<"scatter_nd",
    [Pure, AllTypesMatch<["data", "result"]>,
     AllElementTypesMatch<["data", "updates"]>]> {
  let summary = "Writes slices of `updates` into a copy of `data` at index tuples";
  let description = [{
    The inverse of `gather_nd` without batch dimensions: `indices` ends in
    a static dimension `m <= rank(data)` of index tuples, and `updates` has
    shape `indices.shape[:-1] + data.shape[m:]`.  Each slice is written (or
    combined by `reduction`) in row-major order of the tuples.  Indices wrap
    when negative and are clamped.

    ```mlir
    %y = kiln.scatter_nd %x, %i, %u {reduction = #kiln.scatter_reduction<none>}
           : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x4xf32>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$data, Kiln_IndexTensor:$indices,
                       Kiln_NumericTensor:$updates,
                       DefaultValuedAttr<Kiln_ScatterReductionAttr,
                           "ScatterReduction::None">:$reduction);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===- Scans -------------------------------------------------------------===//

def Kiln_CumSumOp : Kiln_Op<"cumsum", [Pure, SameOperandsAndResultType]> {
  let summary = "Running sum along one axis (ONNX CumSum)";
  let description = [{
    `out[.., i, ..] = sum of in[.., j, ..]` over `j <= i` (`j < i` when
    `exclusive`; `j >= i` / `j > i` when `reverse`), `axis` non-negative
    and less than the rank.

    ```mlir
    %y = kiln.cumsum %x {axis = 0 : i64, exclusive = false, reverse = true}
           : tensor<5xf32>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                       DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

#endif // KILN_INDEX_OPS_TD
