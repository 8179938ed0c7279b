// String ops of the kiln dialect. Strings have no linalg form: each op is in
// destination-passing style on tensors, bufferizes in place into its `init`,
// and `kiln-conversion-lower-strings` turns its buffer form into a libkiln_rt call.
#ifndef KILN_STRING_OPS_TD
#define KILN_STRING_OPS_TD

include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"

// A string op: `input` read, `init` written from its first element, on
// tensors (returning init's new value) or on buffers (returning nothing).
class Kiln_StringDpsOp<string mnemonic> : Kiln_Op<mnemonic, [
    DestinationStyleOpInterface,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
    DeclareOpInterfaceMethods<BufferizableOpInterface,
        ["bufferizesToMemoryRead", "bufferizesToMemoryWrite",
         "getAliasingValues", "bufferize"]>]> {
  let results = (outs Variadic<AnyRankedTensor>:$result);
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() { return getInitMutable(); }
  }];
}

def Kiln_StringNormalizerOp : Kiln_StringDpsOp<"string_normalizer"> {
  let summary = "ONNX StringNormalizer: drops stopwords, then changes case";
  let description = [{
    Reads the strings of `input` (shape [C] or [1, C]), drops null elements
    (the padding of another string op's bounded result) and those equal to
    one of `stopwords` (ignoring ASCII case unless `case_sensitive`), maps
    the rest to `case_change_action` ("NONE", "LOWER" or "UPPER"; ASCII
    letters only, other bytes are kept), and writes them in order to the
    front of `init`, whose shape is the input's: how many strings survive
    depends on the data, so the shape is a bound and the elements past the
    result are null. When every string is a stopword the result is one empty
    string, as ONNX specifies.

    On tensors the op returns the new value of `init`; on buffers (after
    bufferization) it writes `init` and returns nothing.

    ```mlir
    %e = tensor.empty() : tensor<4x!kiln.string>
    %r = kiln.string_normalizer %x, %e {case_change_action = "UPPER",
           case_sensitive = false, stopwords = ["monday"]}
           : tensor<4x!kiln.string>, tensor<4x!kiln.string> -> tensor<4x!kiln.string>
    ```
  }];
  let arguments = (ins Kiln_StringShaped:$input, Kiln_StringShaped:$init,
                       StrAttr:$case_change_action, BoolAttr:$case_sensitive,
                       StrArrayAttr:$stopwords);
  let assemblyFormat = [{
    $input `,` $init attr-dict `:` type($input) `,` type($init)
    (`->` type($result)^)?
  }];
}

def Kiln_StringCastOp : Kiln_StringDpsOp<"string_cast"> {
  let summary = "ONNX Cast between f32 and strings";
  let description = [{
    Elementwise: f32 `input` to decimal strings in `init` (numpy's `str`:
    the shortest digits that read back to the same float, positional for
    1e-4 <= |x| < 1e6 and 0 with at least one fractional digit, scientific
    otherwise; `nan`, `inf`, `-inf`), or strings to f32 (`strtof`: decimal
    or hexadecimal, `INF`, `NaN`, case-insensitive, optional sign).
    Same shape on both sides.

    ```mlir
    %s = kiln.string_cast %x, %e : tensor<3xf32>, tensor<3x!kiln.string> -> tensor<3x!kiln.string>
    ```
  }];
  let arguments = (ins AnyShaped:$input, AnyShaped:$init);
  let assemblyFormat = [{
    $input `,` $init attr-dict `:` type($input) `,` type($init)
    (`->` type($result)^)?
  }];
}

#endif // KILN_STRING_OPS_TD
