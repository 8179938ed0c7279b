/* Element sizes and names of kiln_dtype_t values. */
#include "kiln/runtime.h"

size_t kiln_dtype_size(kiln_dtype_t dtype) {
  switch (dtype) {
  case KILN_DTYPE_I8:
  case KILN_DTYPE_U8:
  case KILN_DTYPE_BOOL:
    return 1;
  case KILN_DTYPE_F16:
  case KILN_DTYPE_BF16:
  case KILN_DTYPE_I16:
  case KILN_DTYPE_U16:
    return 2;
  case KILN_DTYPE_F32:
  case KILN_DTYPE_I32:
  case KILN_DTYPE_U32:
    return 4;
  case KILN_DTYPE_F64:
  case KILN_DTYPE_I64:
  case KILN_DTYPE_U64:
    return 8;
  case KILN_DTYPE_STRING:
    return sizeof(const char *);
  }
  return 0;
}

const char *kiln_dtype_name(kiln_dtype_t dtype) {
  switch (dtype) {
  case KILN_DTYPE_F32:
    return "float32";
  case KILN_DTYPE_F64:
    return "float64";
  case KILN_DTYPE_F16:
    return "float16";
  case KILN_DTYPE_BF16:
    return "bfloat16";
  case KILN_DTYPE_I8:
    return "int8";
  case KILN_DTYPE_I16:
    return "int16";
  case KILN_DTYPE_I32:
    return "int32";
  case KILN_DTYPE_I64:
    return "int64";
  case KILN_DTYPE_U8:
    return "uint8";
  case KILN_DTYPE_U16:
    return "uint16";
  case KILN_DTYPE_U32:
    return "uint32";
  case KILN_DTYPE_U64:
    return "uint64";
  case KILN_DTYPE_BOOL:
    return "bool";
  case KILN_DTYPE_STRING:
    return "string";
  }
  return "unknown";
}
