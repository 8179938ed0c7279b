/* The kiln C runtime (libkiln_rt.a): status text, dtype facts, aligned
 * arena allocation and the thread pool for programs that call kiln-compiled
 * models. Pure C (and POSIX threads); needs no LLVM, no GPU and no
 * initialization call.
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
 * zeroed. On Linux, a block of 2 MiB or more is a mapping of its own, 2 MiB
 * aligned and advised for transparent huge pages (fewer TLB misses while a
 * model sweeps it).
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

/* Calls `model` (a model's <name>_describe()) on `inputs`, `outputs` and
 * `arena` as its invoke entry point does; `batch` is the leading dimension
 * of every buffer of a dynamic-batch model (model->dynamic_batch) and is
 * ignored for any other. Returns the model's status, or
 * KILN_STATUS_INVALID_ARGUMENT for a NULL model or entry point.
 * Thread safety: that of the model (reentrant). */
kiln_status_t kiln_model_invoke(const kiln_model_desc_t *model, int64_t batch,
                                const void *const *inputs,
                                void *const *outputs, void *arena);

/* Releases a block returned by kiln_arena_allocate(). `arena` may be NULL, in
 * which case nothing happens.
 *
 * Ownership: the block must not be in use by a running model call and must
 * not be used after this returns.
 * Thread safety: safe to call concurrently for distinct blocks; a block may
 * be released only once. */
void kiln_arena_free(void *arena);

/* ---- Threads ----------------------------------------------------------
 * Compiled models run the outer loops of their large kernels on libkiln_rt's
 * thread pool: the calling thread plus up to N-1 workers, started on first
 * use, that spin briefly between kernels and then sleep. A model called
 * while the pool is busy (from several threads at once, or from inside a
 * parallel task) runs on its caller's thread alone; results do not depend
 * on the number of threads. */

/* Sets the number of threads a model call may use, the caller included: 1
 * runs everything on the caller's thread; 0 restores the default (the
 * environment variable KILN_NUM_THREADS if set, else the number of online
 * CPUs; both read once, at first use). At most 64. Takes effect for calls that start afterwards.
 *
 * Returns KILN_STATUS_OK, or KILN_STATUS_INVALID_ARGUMENT if `threads` < 0.
 * Thread safety: safe to call from any thread at any time. */
kiln_status_t kiln_set_num_threads(int threads);

/* Returns the number of threads a model call may use now (at least 1).
 * Thread safety: safe to call from any thread at any time. */
int kiln_get_num_threads(void);

/* A caller's own parallel-for, used instead of kiln's pool: it must run
 * task(context, b, e) over ranges that cover [0, count) exactly once
 * (in any order, on any threads, each range at least `grain` long except
 * perhaps the last) and return only when all have finished. `user_data` is
 * passed back unchanged. */
typedef void (*kiln_parallel_for_fn_t)(void *user_data,
                                       kiln_parallel_task_t task,
                                       void *context, int64_t count,
                                       int64_t grain);

/* Routes every parallel loop to `fn` (NULL: back to kiln's pool).
 * Thread safety: call it before any model call is running. */
void kiln_set_parallel_for(kiln_parallel_for_fn_t fn, void *user_data);

/* Runs task(context, begin, end) over [0, count) in ranges of at least
 * `grain` iterations, on up to kiln_get_num_threads() threads, and returns
 * when all have finished. Generated code calls it; programs may too.
 *
 * Thread safety: safe to call from any thread, including from a task. */
void kiln_parallel_for(kiln_parallel_task_t task, void *context,
                       int64_t count, int64_t grain);

/* ---- String ops (called by generated code) ---------------------------- */

/* ONNX StringNormalizer over `count` strings. Drops the NULL elements
 * (the padding of a bounded string tensor) and the strings equal to one of
 * the `num_stopwords` NUL-terminated words stored back to back in
 * `stopwords` (ASCII case ignored unless `case_sensitive`); maps the others
 * to lower case (`case_action` 1) or upper case (2; 0 keeps them; ASCII
 * letters only, other bytes are copied), copies them in order into
 * `storage` (`capacity` bytes) and points output[0], output[1], ... at the
 * copies. The remaining output elements are set to NULL; if no string is
 * kept, output[0] is "" instead.
 *
 * Returns KILN_STATUS_OK, or KILN_STATUS_OUT_OF_RANGE if the kept strings
 * need more than `capacity` bytes (the model's --max-string-bytes); every
 * output element then points to "".
 * Thread safety: reentrant; calls must not share `storage` or `output`. */
kiln_status_t kiln_string_normalize(const char *const *input, int64_t count,
                                    const char **output, char *storage,
                                    int64_t capacity, int32_t case_action,
                                    int32_t case_sensitive,
                                    const char *stopwords,
                                    int64_t num_stopwords);

/* ONNX Cast from float to string: writes each of the `count` floats as
 * numpy's str() does (the shortest decimal that reads back to the same
 * float; positional with at least one fractional digit for 1e-4 <= |x| <
 * 1e6 and 0, else d.ddde+XX; "nan", "inf", "-inf") into `storage` and points
 * output[k] at it. KILN_STATUS_OUT_OF_RANGE if `capacity` bytes do not
 * suffice; every output element then points to "". */
kiln_status_t kiln_string_from_f32(const float *input, int64_t count,
                                   const char **output, char *storage,
                                   int64_t capacity);

/* ONNX Cast from string to float: strtof on each string (decimal or
 * hexadecimal, "INF"/"inf"/"NaN", optional sign, surrounding spaces
 * allowed). KILN_STATUS_INVALID_ARGUMENT if a string is NULL or is not a
 * number (its element is then NaN). */
kiln_status_t kiln_string_to_f32(const char *const *input, int64_t count,
                                 float *output);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RUNTIME_H */
