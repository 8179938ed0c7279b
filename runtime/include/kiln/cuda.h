/* The CUDA side of libkiln_rt: what models compiled with
 * --target=cuda:sm_XX need at run time, through the CUDA driver API only.
 * libcuda.so.1 is opened with dlopen on first use, so the archive links and
 * runs on machines without a driver or GPU; calls then return
 * KILN_STATUS_UNAVAILABLE and kiln_cuda_last_error() says why.
 *
 * Device memory is addressed with plain pointers (CUdeviceptr values). All
 * calls use device 0's primary context, made current on the calling thread.
 */
#ifndef KILN_CUDA_H
#define KILN_CUDA_H

#include <stddef.h>
#include <stdint.h>

#include "kiln/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Loads the driver and retains device 0's primary context (once per
 * process; later calls only make it current on this thread).
 * Returns KILN_STATUS_OK, or KILN_STATUS_UNAVAILABLE when there is no
 * driver, no device, or initialization failed.
 * Thread safety: safe to call from any thread at any time. */
kiln_status_t kiln_cuda_init(void);

/* Text of the last CUDA failure seen on this thread, e.g. "libcuda.so.1:
 * cannot open shared object file" or "cuLaunchKernel: an illegal memory
 * access was encountered"; "" when none. Valid until the next kiln_cuda_*
 * call on this thread. */
const char *kiln_cuda_last_error(void);

/* Device memory: allocate (at least 256-byte aligned), free, and copy
 * between host and device. Each initializes CUDA if needed. A copy is
 * ordered with this thread's stream (kiln_cuda_set_stream) and complete
 * when it returns. */
kiln_status_t kiln_cuda_malloc(void **device_ptr, size_t bytes);
kiln_status_t kiln_cuda_free(void *device_ptr);
kiln_status_t kiln_cuda_copy_to_device(void *device_dst, const void *host_src,
                                       size_t bytes);
kiln_status_t kiln_cuda_copy_to_host(void *host_dst, const void *device_src,
                                     size_t bytes);
/* Waits for the work queued on this thread's stream (all work on the
 * context when it is the default stream). */
kiln_status_t kiln_cuda_synchronize(void);

/* A new non-blocking CUstream (cuStreamCreate), for callers without one of
 * their own (CUDA graphs need one); free it with kiln_cuda_stream_destroy. */
kiln_status_t kiln_cuda_stream_create(void **stream);
kiln_status_t kiln_cuda_stream_destroy(void *stream);

/* Makes `stream` (a CUstream; NULL: the default stream) the one this
 * thread's model calls launch on, and returns the previous one. A model's
 * <name>_run_stream sets it for the call and restores it. */
void *kiln_cuda_set_stream(void *stream);

/* ---- CUDA graphs ---------------------------------------------------------
 * One model call recorded once and replayed with one cuGraphLaunch: no
 * per-kernel launch cost. The graph holds the buffers' addresses; each
 * replay reads whatever the inputs hold then and writes the outputs. */
typedef struct kiln_cuda_graph kiln_cuda_graph_t;

/* Records the kernels `invoke(inputs, outputs, arena)` (a model's
 * <name>_invoke; device buffers) queues on `stream` into *graph. `stream`
 * must be a CUstream of the caller's (the default stream cannot be
 * captured). The model runs once normally first (loading its kernels and
 * uploading its weights, which cannot happen while capturing), then is
 * captured; on return the outputs hold that first call's results.
 * Returns KILN_STATUS_INVALID_ARGUMENT for a NULL stream or graph,
 * KILN_STATUS_UNAVAILABLE when the driver has no graph support.
 * The buffers must stay allocated, and not be in use by other calls while
 * a replay runs, as long as the graph is replayed. */
kiln_status_t kiln_cuda_graph_capture(kiln_invoke_fn_t invoke,
                                      const void *const *inputs,
                                      void *const *outputs, void *arena,
                                      void *stream, kiln_cuda_graph_t **graph);
/* kiln_cuda_graph_capture for a dynamic-batch model's <name>_invoke: the
 * graph records a call with `batch` samples (a batch the model refuses
 * gives its KILN_STATUS_OUT_OF_RANGE, and no graph). */
kiln_status_t kiln_cuda_graph_capture_batch(kiln_invoke_batch_fn_t invoke,
                                            int64_t batch,
                                            const void *const *inputs,
                                            void *const *outputs, void *arena,
                                            void *stream,
                                            kiln_cuda_graph_t **graph);
/* Queues one replay of `graph` on `stream` (NULL: the default stream);
 * waiting for `stream` (kiln_cuda_synchronize with it set as this thread's
 * stream) waits for the replay. */
kiln_status_t kiln_cuda_graph_launch(kiln_cuda_graph_t *graph, void *stream);
/* Frees `graph` (NULL: nothing); replays already queued still run. */
void kiln_cuda_graph_destroy(kiln_cuda_graph_t *graph);

/* ---- Called by generated code ------------------------------------------
 * `slot` is a zero-initialized pointer the model object owns, one per PTX
 * module or constant; the runtime fills it once (under a lock) and reuses
 * it. */

/* Launches `kernel` of the module `ptx` (NUL-terminated PTX text, or a
 * cubin for this GPU, as cuModuleLoadData takes them) on this
 * thread's stream (kiln_cuda_set_stream) with grid (gx, gy, gz) and blocks (bx,
 * by, bz); `args` holds one pointer per kernel parameter, to its value. Loads
 * the module into *module_slot on first use. */
kiln_status_t kiln_cuda_launch(void **module_slot, const char *ptx,
                               const char *kernel, int64_t gx, int64_t gy,
                               int64_t gz, int64_t bx, int64_t by, int64_t bz,
                               void **args);

/* The device copy of `bytes` bytes of constant data at `host` (weights),
 * uploaded into *slot on first use and kept for the life of the process. */
kiln_status_t kiln_cuda_constant(void **slot, const void *host, int64_t bytes,
                                 void **device_ptr);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_CUDA_H */
