/* libkiln_rt's CUDA driver-API layer (kiln/cuda.h): libcuda.so.1 is opened
 * with dlopen on first use and the few entry points kiln needs are looked
 * up by name, so nothing here needs CUDA headers or a driver to build. */
#define _POSIX_C_SOURCE 200809L
#include "kiln/cuda.h"
#include "kiln/runtime.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The driver API's types, as far as kiln uses them. */
typedef int CUresult; /* 0 is CUDA_SUCCESS */
typedef int CUdevice;
typedef void *CUcontext;
typedef void *CUmodule;
typedef void *CUfunction;
typedef void *CUstream;
typedef unsigned long long CUdeviceptr;
typedef void *CUgraph;
typedef void *CUgraphExec;

/* cuStreamBeginCapture's mode: only this thread may not make unsafe calls
 * (allocations, synchronization) while it captures. */
enum { CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1 };

static struct {
  CUresult (*init)(unsigned);
  CUresult (*device_get)(CUdevice *, int);
  CUresult (*primary_ctx_retain)(CUcontext *, CUdevice);
  CUresult (*ctx_set_current)(CUcontext);
  CUresult (*module_load_data)(CUmodule *, const void *);
  CUresult (*module_get_function)(CUfunction *, CUmodule, const char *);
  CUresult (*launch_kernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                            unsigned, unsigned, unsigned, CUstream, void **,
                            void **);
  CUresult (*mem_alloc)(CUdeviceptr *, size_t);
  CUresult (*mem_free)(CUdeviceptr);
  CUresult (*memcpy_htod)(CUdeviceptr, const void *, size_t);
  CUresult (*memcpy_dtoh)(void *, CUdeviceptr, size_t);
  CUresult (*memcpy_htod_async)(CUdeviceptr, const void *, size_t, CUstream);
  CUresult (*memcpy_dtoh_async)(void *, CUdeviceptr, size_t, CUstream);
  CUresult (*ctx_synchronize)(void);
  CUresult (*stream_synchronize)(CUstream);
  CUresult (*get_error_string)(CUresult, const char **);
  CUresult (*stream_create)(CUstream *, unsigned);
  CUresult (*stream_destroy)(CUstream);
  /* CUDA graphs (optional: NULL on drivers without them). */
  CUresult (*stream_begin_capture)(CUstream, int);
  CUresult (*stream_end_capture)(CUstream, CUgraph *);
  CUresult (*graph_instantiate)(CUgraphExec *, CUgraph, unsigned long long);
  CUresult (*graph_launch)(CUgraphExec, CUstream);
  CUresult (*graph_exec_destroy)(CUgraphExec);
  CUresult (*graph_destroy)(CUgraph);
} cu;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static kiln_status_t init_status = KILN_STATUS_UNAVAILABLE;
static char init_error[256];
static CUcontext context;
static _Thread_local char last_error[256];
/* The stream this thread's launches go to (NULL: the default stream). */
static _Thread_local CUstream current_stream;

static void set_error(const char *text) {
  snprintf(last_error, sizeof last_error, "%s", text);
}

/* Records `call` failing with `r`; returns `status`. */
static kiln_status_t fail(const char *call, CUresult r, kiln_status_t status) {
  const char *text = NULL;
  if (!cu.get_error_string || cu.get_error_string(r, &text) != 0 || !text)
    text = "unknown error";
  snprintf(last_error, sizeof last_error, "%s: %s (CUDA error %d)", call, text,
           r);
  return status;
}

typedef struct {
  const char *name;
  void **fn;
} entry_t;

/* Looks up every entry point; returns the name of the first one `lib`
 * lacks, or NULL. */
static const char *resolve(void *lib, const entry_t *entries, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (!(*entries[i].fn = dlsym(lib, entries[i].name)))
      return entries[i].name;
  return NULL;
}

static void load_driver(void) {
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *why = dlerror();
    snprintf(init_error, sizeof init_error, "no CUDA driver: %s",
             why ? why : "libcuda.so.1 not found");
    return;
  }
  const entry_t entries[] = {
      {"cuInit", (void **)&cu.init},
      {"cuDeviceGet", (void **)&cu.device_get},
      {"cuDevicePrimaryCtxRetain", (void **)&cu.primary_ctx_retain},
      {"cuCtxSetCurrent", (void **)&cu.ctx_set_current},
      {"cuModuleLoadData", (void **)&cu.module_load_data},
      {"cuModuleGetFunction", (void **)&cu.module_get_function},
      {"cuLaunchKernel", (void **)&cu.launch_kernel},
      {"cuMemAlloc_v2", (void **)&cu.mem_alloc},
      {"cuMemFree_v2", (void **)&cu.mem_free},
      {"cuMemcpyHtoD_v2", (void **)&cu.memcpy_htod},
      {"cuMemcpyDtoH_v2", (void **)&cu.memcpy_dtoh},
      {"cuMemcpyHtoDAsync_v2", (void **)&cu.memcpy_htod_async},
      {"cuMemcpyDtoHAsync_v2", (void **)&cu.memcpy_dtoh_async},
      {"cuCtxSynchronize", (void **)&cu.ctx_synchronize},
      {"cuStreamSynchronize", (void **)&cu.stream_synchronize},
      {"cuGetErrorString", (void **)&cu.get_error_string},
      {"cuStreamCreate", (void **)&cu.stream_create},
      {"cuStreamDestroy_v2", (void **)&cu.stream_destroy},
  };
  const char *missing =
      resolve(lib, entries, sizeof entries / sizeof entries[0]);
  if (missing) {
    snprintf(init_error, sizeof init_error,
             "the CUDA driver has no %s (too old?)", missing);
    return;
  }
  /* Graph support (CUDA 11.4+), all or nothing. */
  const entry_t graph_entries[] = {
      {"cuStreamBeginCapture_v2", (void **)&cu.stream_begin_capture},
      {"cuStreamEndCapture", (void **)&cu.stream_end_capture},
      {"cuGraphInstantiateWithFlags", (void **)&cu.graph_instantiate},
      {"cuGraphLaunch", (void **)&cu.graph_launch},
      {"cuGraphExecDestroy", (void **)&cu.graph_exec_destroy},
      {"cuGraphDestroy", (void **)&cu.graph_destroy},
  };
  if (resolve(lib, graph_entries,
              sizeof graph_entries / sizeof graph_entries[0]))
    cu.stream_begin_capture = NULL;
  CUdevice device;
  CUresult r = cu.init(0);
  if (r == 0)
    r = cu.device_get(&device, 0);
  if (r == 0)
    r = cu.primary_ctx_retain(&context, device);
  if (r != 0) {
    const char *text = NULL;
    if (cu.get_error_string(r, &text) != 0 || !text)
      text = "unknown error";
    snprintf(init_error, sizeof init_error, "no usable CUDA device: %s", text);
    return;
  }
  init_status = KILN_STATUS_OK;
}

kiln_status_t kiln_cuda_init(void) {
  pthread_once(&init_once, load_driver);
  if (init_status != KILN_STATUS_OK) {
    set_error(init_error);
    return init_status;
  }
  CUresult r = cu.ctx_set_current(context);
  if (r != 0)
    return fail("cuCtxSetCurrent", r, KILN_STATUS_UNAVAILABLE);
  last_error[0] = '\0';
  return KILN_STATUS_OK;
}

const char *kiln_cuda_last_error(void) { return last_error; }

kiln_status_t kiln_cuda_malloc(void **device_ptr, size_t bytes) {
  if (!device_ptr)
    return KILN_STATUS_INVALID_ARGUMENT;
  kiln_status_t s = kiln_cuda_init();
  if (s != KILN_STATUS_OK)
    return s;
  CUdeviceptr p = 0;
  CUresult r = cu.mem_alloc(&p, bytes ? bytes : 1);
  if (r != 0)
    return fail("cuMemAlloc", r, KILN_STATUS_UNAVAILABLE);
  *device_ptr = (void *)(uintptr_t)p;
  return KILN_STATUS_OK;
}

kiln_status_t kiln_cuda_free(void *device_ptr) {
  if (!device_ptr)
    return KILN_STATUS_OK;
  kiln_status_t s = kiln_cuda_init();
  if (s != KILN_STATUS_OK)
    return s;
  CUresult r = cu.mem_free((CUdeviceptr)(uintptr_t)device_ptr);
  return r ? fail("cuMemFree", r, KILN_STATUS_INTERNAL) : KILN_STATUS_OK;
}

/* Copies in order with this thread's stream: on it (then waiting for it)
 * when one is set, else with the synchronous copies the default stream is
 * ordered with. Either way the copy is complete on return. */
static kiln_status_t copy(int to_device, void *host, CUdeviceptr device,
                          size_t bytes) {
  kiln_status_t s = kiln_cuda_init();
  if (s != KILN_STATUS_OK || bytes == 0)
    return s;
  CUresult r;
  if (to_device)
    r = current_stream
            ? cu.memcpy_htod_async(device, host, bytes, current_stream)
            : cu.memcpy_htod(device, host, bytes);
  else
    r = current_stream
            ? cu.memcpy_dtoh_async(host, device, bytes, current_stream)
            : cu.memcpy_dtoh(host, device, bytes);
  /* A blocking copy from pageable memory may return before the DMA ends,
   * and a caller's non-blocking stream is not ordered after it: wait for
   * the copy's stream (the default one for a blocking copy). */
  r = r == 0 ? cu.stream_synchronize(current_stream) : r;
  return r ? fail(to_device ? "cuMemcpyHtoD" : "cuMemcpyDtoH", r,
                  KILN_STATUS_INTERNAL)
           : KILN_STATUS_OK;
}

kiln_status_t kiln_cuda_copy_to_device(void *device_dst, const void *host_src,
                                       size_t bytes) {
  return copy(1, (void *)(uintptr_t)host_src,
              (CUdeviceptr)(uintptr_t)device_dst, bytes);
}

kiln_status_t kiln_cuda_copy_to_host(void *host_dst, const void *device_src,
                                     size_t bytes) {
  return copy(0, host_dst, (CUdeviceptr)(uintptr_t)device_src, bytes);
}

kiln_status_t kiln_cuda_synchronize(void) {
  kiln_status_t s = kiln_cuda_init();
  if (s != KILN_STATUS_OK)
    return s;
  CUresult r = current_stream ? cu.stream_synchronize(current_stream)
                              : cu.ctx_synchronize();
  return r ? fail(current_stream ? "cuStreamSynchronize" : "cuCtxSynchronize",
                  r, KILN_STATUS_INTERNAL)
           : KILN_STATUS_OK;
}

kiln_status_t kiln_cuda_stream_create(void **stream) {
  if (!stream)
    return KILN_STATUS_INVALID_ARGUMENT;
  kiln_status_t s = kiln_cuda_init();
  if (s != KILN_STATUS_OK)
    return s;
  CUresult r = cu.stream_create(stream, 1 /* CU_STREAM_NON_BLOCKING */);
  return r ? fail("cuStreamCreate", r, KILN_STATUS_INTERNAL) : KILN_STATUS_OK;
}

kiln_status_t kiln_cuda_stream_destroy(void *stream) {
  if (!stream)
    return KILN_STATUS_OK;
  kiln_status_t s = kiln_cuda_init();
  if (s != KILN_STATUS_OK)
    return s;
  CUresult r = cu.stream_destroy(stream);
  return r ? fail("cuStreamDestroy", r, KILN_STATUS_INTERNAL) : KILN_STATUS_OK;
}

void *kiln_cuda_set_stream(void *stream) {
  void *previous = current_stream;
  current_stream = stream;
  return previous;
}

kiln_status_t kiln_cuda_launch(void **module_slot, const char *ptx,
                               const char *kernel, int64_t gx, int64_t gy,
                               int64_t gz, int64_t bx, int64_t by, int64_t bz,
                               void **args) {
  kiln_status_t s = kiln_cuda_init();
  if (s != KILN_STATUS_OK)
    return s;
  if (gx <= 0 || gy <= 0 || gz <= 0 || bx <= 0 || by <= 0 || bz <= 0)
    return KILN_STATUS_OK; /* an empty grid does no work */
  if (gx > 0x7fffffff || gy > 65535 || gz > 65535 || bx * by * bz > 1024) {
    snprintf(last_error, sizeof last_error,
             "kernel %s: grid (%lld, %lld, %lld) of blocks (%lld, %lld, %lld) "
             "is past CUDA's limits",
             kernel, (long long)gx, (long long)gy, (long long)gz, (long long)bx,
             (long long)by, (long long)bz);
    return KILN_STATUS_OUT_OF_RANGE;
  }
  /* Loaded once: later launches read the slot without the lock. */
  CUmodule module = __atomic_load_n(module_slot, __ATOMIC_ACQUIRE);
  CUresult r = 0;
  if (!module) {
    pthread_mutex_lock(&slot_lock);
    module = *module_slot;
    if (!module) {
      r = cu.module_load_data(&module, ptx);
      if (r == 0)
        __atomic_store_n(module_slot, module, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&slot_lock);
  }
  if (r != 0)
    return fail("cuModuleLoadData", r, KILN_STATUS_INTERNAL);
  CUfunction function;
  r = cu.module_get_function(&function, module, kernel);
  if (r != 0)
    return fail("cuModuleGetFunction", r, KILN_STATUS_INTERNAL);
  r = cu.launch_kernel(function, (unsigned)gx, (unsigned)gy, (unsigned)gz,
                       (unsigned)bx, (unsigned)by, (unsigned)bz, 0,
                       current_stream, args, NULL);
  return r ? fail("cuLaunchKernel", r, KILN_STATUS_INTERNAL) : KILN_STATUS_OK;
}

kiln_status_t kiln_cuda_constant(void **slot, const void *host, int64_t bytes,
                                 void **device_ptr) {
  kiln_status_t s = kiln_cuda_init();
  if (s != KILN_STATUS_OK)
    return s;
  void *device = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (!device) {
    pthread_mutex_lock(&slot_lock);
    device = *slot;
    if (!device) {
      CUdeviceptr p = 0;
      CUresult r = cu.mem_alloc(&p, bytes > 0 ? (size_t)bytes : 1);
      if (r == 0 && bytes > 0)
        r = cu.memcpy_htod(p, host, (size_t)bytes);
      /* A pageable copy may return before the DMA ends; kernels on a
       * non-blocking stream are not ordered after it. */
      if (r == 0)
        r = cu.ctx_synchronize();
      if (r != 0) {
        if (p)
          cu.mem_free(p);
        pthread_mutex_unlock(&slot_lock);
        return fail("uploading a constant", r, KILN_STATUS_INTERNAL);
      }
      device = (void *)(uintptr_t)p;
      __atomic_store_n(slot, device, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&slot_lock);
  }
  *device_ptr = device;
  return KILN_STATUS_OK;
}

struct kiln_cuda_graph {
  CUgraph graph;
  CUgraphExec exec;
};

/* Frees `graph` on the current context. */
static void release_graph(kiln_cuda_graph_t *graph) {
  if (graph->exec)
    cu.graph_exec_destroy(graph->exec);
  if (graph->graph)
    cu.graph_destroy(graph->graph);
  free(graph);
}

/* One model call, with or without a batch: the entry point in a
 * descriptor, called through kiln_model_invoke. */
typedef struct {
  kiln_model_desc_t model;
  int64_t batch;
  const void *const *inputs;
  void *const *outputs;
  void *arena;
} model_call_t;

static kiln_status_t call_model(const model_call_t *c) {
  return kiln_model_invoke(&c->model, c->batch, c->inputs, c->outputs,
                           c->arena);
}

static kiln_status_t capture(const model_call_t *call, void *stream,
                             kiln_cuda_graph_t **graph) {
  if (!graph || !(call->model.invoke || call->model.invoke_batch) ||
      !stream) {
    set_error(!stream ? "kiln_cuda_graph_capture: the default stream cannot "
                        "be captured; pass a CUstream"
                      : "kiln_cuda_graph_capture: no model or no graph");
    return KILN_STATUS_INVALID_ARGUMENT;
  }
  *graph = NULL;
  kiln_status_t s = kiln_cuda_init();
  if (s != KILN_STATUS_OK)
    return s;
  if (!cu.stream_begin_capture) {
    set_error("the CUDA driver has no graph support (cuStreamBeginCapture_v2, "
              "cuGraphInstantiateWithFlags: CUDA 11.4 or later)");
    return KILN_STATUS_UNAVAILABLE;
  }
  kiln_cuda_graph_t *g = calloc(1, sizeof *g);
  if (!g) {
    set_error("kiln_cuda_graph_capture: out of host memory");
    return KILN_STATUS_INTERNAL;
  }
  CUstream previous = kiln_cuda_set_stream(stream);
  /* A plain call first: module loads and weight uploads happen here. */
  s = call_model(call);
  if (s == KILN_STATUS_OK)
    s = kiln_cuda_synchronize();
  CUresult r = 0;
  if (s == KILN_STATUS_OK) {
    r = cu.stream_begin_capture(stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
    if (r != 0) {
      s = fail("cuStreamBeginCapture", r, KILN_STATUS_INTERNAL);
    } else {
      s = call_model(call);
      /* Capture always ends, even after a failed call. */
      r = cu.stream_end_capture(stream, &g->graph);
      if (s == KILN_STATUS_OK && r != 0)
        s = fail("cuStreamEndCapture", r, KILN_STATUS_INTERNAL);
    }
  }
  if (s == KILN_STATUS_OK) {
    r = cu.graph_instantiate(&g->exec, g->graph, 0);
    if (r != 0)
      s = fail("cuGraphInstantiateWithFlags", r, KILN_STATUS_INTERNAL);
  }
  kiln_cuda_set_stream(previous);
  if (s != KILN_STATUS_OK) {
    release_graph(g); /* keeps last_error */
    return s;
  }
  *graph = g;
  return KILN_STATUS_OK;
}

kiln_status_t kiln_cuda_graph_capture(kiln_invoke_fn_t invoke,
                                      const void *const *inputs,
                                      void *const *outputs, void *arena,
                                      void *stream, kiln_cuda_graph_t **graph) {
  model_call_t call = {.model = {.invoke = invoke},
                       .inputs = inputs,
                       .outputs = outputs,
                       .arena = arena};
  return capture(&call, stream, graph);
}

kiln_status_t kiln_cuda_graph_capture_batch(kiln_invoke_batch_fn_t invoke,
                                            int64_t batch,
                                            const void *const *inputs,
                                            void *const *outputs, void *arena,
                                            void *stream,
                                            kiln_cuda_graph_t **graph) {
  model_call_t call = {.model = {.dynamic_batch = 1, .invoke_batch = invoke},
                       .batch = batch,
                       .inputs = inputs,
                       .outputs = outputs,
                       .arena = arena};
  return capture(&call, stream, graph);
}

kiln_status_t kiln_cuda_graph_launch(kiln_cuda_graph_t *graph, void *stream) {
  if (!graph || !graph->exec)
    return KILN_STATUS_INVALID_ARGUMENT;
  kiln_status_t s = kiln_cuda_init();
  if (s != KILN_STATUS_OK)
    return s;
  CUresult r = cu.graph_launch(graph->exec, stream);
  return r ? fail("cuGraphLaunch", r, KILN_STATUS_INTERNAL) : KILN_STATUS_OK;
}

void kiln_cuda_graph_destroy(kiln_cuda_graph_t *graph) {
  if (!graph)
    return;
  if (kiln_cuda_init() == KILN_STATUS_OK) /* the context current here */
    release_graph(graph);
  else
    free(graph);
}
