/* The compiler <-> runtime contract: types every kiln-generated object and
 * header are built against. Self-contained (stdint.h/stddef.h only), C99 and
 * C++ clean. Bump KILN_ABI_VERSION on any change to a layout or meaning here.
 */
#ifndef KILN_ABI_H
#define KILN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this contract. A generated model header refuses to compile
 * against an abi.h whose version differs from the one it was generated for,
 * and a model descriptor records the version in `abi_version`. */
#define KILN_ABI_VERSION 4

/* Result of every fallible call. 0 is success; any other value is one of
 * kiln_status_code_t (kiln_status_message() turns it into text). A plain
 * int32_t so that the value crosses compiler and language boundaries
 * unchanged. */
typedef int32_t kiln_status_t;

typedef enum kiln_status_code_t {
  /* The call succeeded and every output was written. */
  KILN_STATUS_OK = 0,
  /* A required input, output or arena pointer was null. */
  KILN_STATUS_INVALID_ARGUMENT = 1,
  /* The arena is not aligned to the model's arena alignment. */
  KILN_STATUS_ARENA_MISALIGNED = 2,
  /* The arena is smaller than the model needs. */
  KILN_STATUS_ARENA_TOO_SMALL = 3,
  /* A run-time dimension lies outside the bounds the model was compiled for. */
  KILN_STATUS_OUT_OF_RANGE = 4,
  /* A device or driver the model needs is missing (e.g. no CUDA driver). */
  KILN_STATUS_UNAVAILABLE = 5,
  /* A bug in kiln or in the generated code. */
  KILN_STATUS_INTERNAL = 6,
} kiln_status_code_t;

/* Element type of a tensor. Values are part of the ABI: never renumber. */
typedef enum kiln_dtype_t {
  KILN_DTYPE_F32 = 1,
  KILN_DTYPE_F64 = 2,
  KILN_DTYPE_F16 = 3,  /* IEEE binary16, passed as uint16_t bits */
  KILN_DTYPE_BF16 = 4, /* bfloat16, passed as uint16_t bits */
  KILN_DTYPE_I8 = 5,
  KILN_DTYPE_I16 = 6,
  KILN_DTYPE_I32 = 7,
  KILN_DTYPE_I64 = 8,
  KILN_DTYPE_U8 = 9,
  KILN_DTYPE_U16 = 10,
  KILN_DTYPE_U32 = 11,
  KILN_DTYPE_U64 = 12,
  KILN_DTYPE_BOOL = 13, /* one byte per element, 0 or 1 */
  /* One `const char *` per element, pointing to a NUL-terminated UTF-8
   * string. Input strings are read and never written. The strings of a
   * string output that an op computes point into the arena and stay valid
   * until the arena is next used or freed (an input returned unchanged as
   * an output keeps pointing to the caller's strings). An output whose
   * length depends on the data (StringNormalizer dropping stopwords) has
   * its bound as its shape: the result fills the elements from the first
   * on, and the elements past it are NULL. */
  KILN_DTYPE_STRING = 14,
} kiln_dtype_t;

/* Generic entry point of a compiled model.
 *
 * `inputs` holds one pointer per model input and `outputs` one per model
 * output, in the order of the model descriptor; each points to a dense,
 * row-major buffer of the tensor's dtype and num_elements elements.
 * `arena` is caller-owned scratch of at least arena_size bytes aligned to
 * arena_alignment; it is never null, even when arena_size is 0.
 *
 * Ownership: the callee borrows every buffer for the duration of the call
 * only; it never frees, reallocates or retains a pointer after returning.
 * Inputs are read and never written. Outputs are written in full on
 * KILN_STATUS_OK and hold unspecified contents otherwise. The arena's
 * contents are unspecified before and after the call and need not be
 * zeroed, except that the characters of string outputs live in it (see
 * KILN_DTYPE_STRING).
 * Outputs must not alias inputs, each other or the arena.
 *
 * Thread safety: reentrant. Any number of threads may call the same entry
 * point concurrently provided each call has its own arena and output
 * buffers; input buffers may be shared read-only between calls. Generated
 * code keeps no mutable global state. */
typedef kiln_status_t (*kiln_invoke_fn_t)(const void *const *inputs,
                                          void *const *outputs, void *arena);

/* Entry point of a dynamic-batch model (compiled with --dynamic-batch or
 * from a model whose leading dimension is symbolic): as kiln_invoke_fn_t,
 * except that the leading dimension of every input and output is `batch`,
 * given at run time, 0 <= batch <= max_batch (when max_batch is not 0;
 * KILN_STATUS_OUT_OF_RANGE otherwise). Each buffer holds `batch` samples of
 * the per-sample shape back to back; the arena size does not depend on the
 * batch. */
typedef kiln_status_t (*kiln_invoke_batch_fn_t)(int64_t batch,
                                                const void *const *inputs,
                                                void *const *outputs,
                                                void *arena);

/* One task of a parallel loop: runs iterations [begin, end) of the loop
 * whose state `context` points to. Generated code passes these to
 * kiln_parallel_for (libkiln_rt), which may run several tasks of one loop
 * at once on different threads, each range exactly once. */
typedef void (*kiln_parallel_task_t)(void *context, int64_t begin,
                                     int64_t end);

/* Static description of one input or output tensor. All pointers refer to
 * constant data with static storage duration owned by the model; never free
 * or modify them.
 *
 * A dimension of -1 is dynamic (bounded at compile time, sized at run time);
 * num_elements is then -1. A rank-0 tensor has `shape` == NULL and
 * num_elements == 1. */
typedef struct kiln_tensor_desc_t {
  const char *name;     /* tensor name in the source model, UTF-8 */
  kiln_dtype_t dtype;   /* element type */
  int32_t rank;         /* number of dimensions */
  const int64_t *shape; /* `rank` dimensions, outermost first */
  int64_t num_elements; /* product of `shape`, or -1 if any is dynamic */
} kiln_tensor_desc_t;

/* Static description of a compiled model: what a generic harness needs to
 * allocate buffers and call the model without its generated header. Owned by
 * the model, immutable, valid for the life of the program; safe to read from
 * any thread. */
typedef struct kiln_model_desc_t {
  uint32_t abi_version; /* KILN_ABI_VERSION the model was compiled against */
  const char *name;     /* C identifier prefix of the model's symbols */
  int32_t num_inputs;
  int32_t num_outputs;
  const kiln_tensor_desc_t *inputs;  /* num_inputs entries, or NULL if 0 */
  const kiln_tensor_desc_t *outputs; /* num_outputs entries, or NULL if 0 */
  uint64_t arena_size;               /* bytes of scratch `invoke` needs */
  uint64_t arena_alignment; /* required arena alignment, a power of two */
  kiln_invoke_fn_t invoke;  /* generic entry point, see kiln_invoke_fn_t;
                               NULL for a dynamic-batch model */
  int32_t dynamic_batch;    /* 1: the leading dimension of every input and
                               output is -1 in `shape` and given at run time */
  int64_t max_batch;        /* largest batch accepted, 0 = no bound (dynamic-
                               batch models; 0 otherwise) */
  kiln_invoke_batch_fn_t invoke_batch; /* entry point of a dynamic-batch
                                          model, else NULL */
} kiln_model_desc_t;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_ABI_H */
