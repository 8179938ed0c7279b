/* The kiln C runtime (libkiln_rt.a): status text, dtype facts and aligned
 * arena allocation for programs that call kiln-compiled models. Pure C;
 * needs no LLVM, no GPU and no initialization call.
 */
#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include <stddef.h>

#include "kiln/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Returns the version of this runtime library as a "MAJOR.MINOR.PATCH"
 * string.
 *
 * Ownership: the string is static; the caller must not free or modify it.
 * Thread safety: safe to call from any thread at any time. */
const char *kiln_runtime_version(void);

/* Returns a short, human-readable English description of `status`, e.g.
 * "arena is smaller than the model's arena size". Unknown codes yield
 * "unknown status".
 *
 * Ownership: the string is static and never null; the caller must not free
 * or modify it.
 * Thread safety: safe to call from any thread at any time. */
const char *kiln_status_message(kiln_status_t status);

/* Returns the size in bytes of one element of `dtype` (KILN_DTYPE_BOOL is 1
 * byte), or 0 if `dtype` is not a known kiln_dtype_t value.
 *
 * Thread safety: safe to call from any thread at any time. */
size_t kiln_dtype_size(kiln_dtype_t dtype);

/* Returns the conventional lowercase name of `dtype`: "float32", "float64",
 * "float16", "bfloat16", "int8" ... "uint64", "bool"; "unknown" for a value
 * that is not a known kiln_dtype_t.
 *
 * Ownership: the string is static and never null; the caller must not free
 * or modify it.
 * Thread safety: safe to call from any thread at any time. */
const char *kiln_dtype_name(kiln_dtype_t dtype);

/* Allocates `size` bytes whose address is a multiple of `alignment`, for use
 * as a model arena (or any other buffer). `alignment` must be a power of two;
 * 0 selects the alignment of max_align_t. A `size` of 0 returns a valid,
 * unique, non-null pointer that must still be released. The memory is not
 * zeroed.
 *
 * This is a convenience for callers: generated models never allocate, and a
 * caller may equally pass a static buffer, a stack buffer or memory from its
 * own allocator. Call it outside the latency-critical path (e.g. once per
 * worker thread) and reuse the arena across calls.
 *
 * Returns NULL if `alignment` is not a power of two, if `size` plus
 * alignment overhead overflows size_t, or if the system is out of memory.
 *
 * Ownership: the caller owns the returned block and must release it with
 * kiln_arena_free() (not free()).
 * Thread safety: safe to call concurrently from any number of threads. */
void *kiln_arena_allocate(size_t size, size_t alignment);

/* Releases a block returned by kiln_arena_allocate(). `arena` may be NULL, in
 * which case nothing happens.
 *
 * Ownership: the block must not be in use by a running model call and must
 * not be used after this returns.
 * Thread safety: safe to call concurrently for distinct blocks; a block may
 * be released only once. */
void kiln_arena_free(void *arena);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RUNTIME_H */
