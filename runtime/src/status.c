/* Status messages and the runtime version string; static data only. */
#include "kiln/runtime.h"

#ifndef KILN_RUNTIME_VERSION_STRING
#define KILN_RUNTIME_VERSION_STRING "0.1.0"
#endif

const char *kiln_runtime_version(void) { return KILN_RUNTIME_VERSION_STRING; }

const char *kiln_status_message(kiln_status_t status) {
  switch (status) {
  case KILN_STATUS_OK:
    return "ok";
  case KILN_STATUS_INVALID_ARGUMENT:
    return "invalid argument: a required input, output or arena pointer is "
           "null";
  case KILN_STATUS_ARENA_MISALIGNED:
    return "arena is not aligned to the model's arena alignment";
  case KILN_STATUS_ARENA_TOO_SMALL:
    return "arena is smaller than the model's arena size";
  case KILN_STATUS_OUT_OF_RANGE:
    return "a run-time dimension is outside the bounds the model was "
           "compiled for";
  case KILN_STATUS_UNAVAILABLE:
    return "a device or driver the model needs is unavailable";
  case KILN_STATUS_INTERNAL:
    return "internal error in kiln-generated code";
  default:
    return "unknown status";
  }
}
