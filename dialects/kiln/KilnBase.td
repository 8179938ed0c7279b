// The kiln dialect, its attributes and the type constraints its ops share.
#ifndef KILN_BASE_TD
#define KILN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let summary = "Graph-level ops that ONNX and TensorFlow models import into";
  let description = [{
    The kiln dialect holds what the frontends need to say and upstream MLIR
    does not: convolution and pooling with framework padding semantics,
    numpy-broadcasting elementwise math, softmax, batch-norm, gemm.  Every op
    works on ranked tensors, infers its result type, and lowers to linalg on
    tensors (`convert-kiln-to-linalg`).  Weights are `kiln.constant` ops whose
    values are dense resources, so large tensors stay out of the printed IR.
  }];
  let cppNamespace = "::mlir::kiln";
  // Attributes (the layout enum) print as #kiln<...>.
  let useDefaultAttributePrinterParser = 1;
  // Types (the string element) print as !kiln.<...>.
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, traits>;

//===- Layouts -----------------------------------------------------------===//

def Kiln_LayoutNCHW : I32EnumAttrCase<"NCHW", 0, "nchw">;
def Kiln_LayoutNHWC : I32EnumAttrCase<"NHWC", 1, "nhwc">;
def Kiln_Layout : I32EnumAttr<"Layout",
    "image layout of a 4-D activation (filters follow: FCHW for NCHW, HWCF for NHWC)",
    [Kiln_LayoutNCHW, Kiln_LayoutNHWC]> {
  let cppNamespace = "::mlir::kiln";
  let genSpecializedAttr = 0;
}
def Kiln_LayoutAttr : EnumAttr<Kiln_Dialect, Kiln_Layout, "layout"> {
  let assemblyFormat = "`<` $value `>`";
}

//===- Types -------------------------------------------------------------===//

def Kiln_StringType : TypeDef<Kiln_Dialect, "String",
    [MemRefElementTypeInterface]> {
  let mnemonic = "string";
  let summary = "Element of an ONNX string tensor";
  let description = [{
    One UTF-8 string. Across the C ABI an element is a `const char *` to a
    NUL-terminated string (kiln_dtype_t KILN_DTYPE_STRING); inside the
    generated code it is that pointer's 64 bits (`kiln-conversion-lower-strings`
    retypes string buffers to i64 after bufferization).
  }];
}

//===- Type constraints --------------------------------------------------===//

def Kiln_FloatTensor : RankedTensorOf<[F16, BF16, F32, F64]>;
// Integers are signless. Ops whose integer semantics depend on signedness
// carry an `is_unsigned` (cast: `unsigned_input`/`unsigned_result`) unit
// attribute; the model function marks unsigned inputs and outputs with the
// `kiln.unsigned` argument/result attribute for the C header.
def Kiln_NumericTensor : RankedTensorOf<[AnySignlessInteger, F16, BF16, F32, F64]>;
def Kiln_IntegerTensor : RankedTensorOf<[AnySignlessInteger]>;
def Kiln_IndexTensor : RankedTensorOf<[I32, I64]>;
def Kiln_AnyTensor : RankedTensorOf<[AnyType]>;
def Kiln_StringShaped : ShapedContainerType<[Kiln_StringType],
    Or<[IsTensorTypePred, IsMemRefTypePred]>, "string tensor or buffer">;
def Kiln_Image : 4DTensorOf<[F16, BF16, F32, F64]>;

#endif // KILN_BASE_TD
