/* kiln-cusim: a libcuda.so.1 that runs models compiled with
 * `kiln compile --target=cuda:sm_XX --cuda-simulate` on the host CPU, so
 * the GPU path (kernel mapping, launches, uploads, libkiln_rt's CUDA layer)
 * is tested on machines without a GPU. Put its folder first on
 * LD_LIBRARY_PATH; libkiln_rt then opens it in place of NVIDIA's driver.
 *
 * It implements the driver entry points libkiln_rt uses, with host memory
 * as device memory (new allocations are filled with 0xff bytes, NaN as
 * floats, so reading memory no kernel or copy wrote shows up), synchronous
 * streams, and launches that call each kernel once per GPU thread. The
 * threads of a kernel that uses barriers run as coroutines of their block
 * (ucontext), switching at each barrier. Asynchronous copies (cp.async)
 * land only when their thread waits for them. Kernel images come from the
 * object (codegen/cuda/SimulatorAbi.h); PTX and cubins are refused with
 * CUDA_ERROR_INVALID_IMAGE.
 *
 * Stream capture records kernel launches (their parameter values copied
 * by the sizes the image gives) into a graph that cuGraphLaunch replays;
 * the calls a capturing thread may not make (synchronization, blocking
 * copies, allocation) fail with CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, as
 * in the driver's thread-local capture mode.
 *
 * Every pointer a kernel is given must lie in a live allocation (else the
 * launch fails with CUDA_ERROR_ILLEGAL_ADDRESS and says which parameter).
 * KILN_CUSIM_ORDER=reverse runs blocks, and the threads of blocks without
 * barriers, last to first: results that depend on the order expose a race.
 * KILN_CUSIM_TRACE=1 prints each launch to stderr. */
#define _GNU_SOURCE
#include "codegen/cuda/SimulatorAbi.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#define EXPORT __attribute__((visibility("default")))

/* The words kernels read are where the struct has them. */
#define KILN_CUSIM_CHECK_WORD(field, word)                                     \
  _Static_assert(offsetof(kiln_cusim_thread_t, field) == 8 * (word),          \
                 #field " is word " #word)
KILN_CUSIM_CHECK_WORD(thread_id, KILN_CUSIM_WORD_THREAD_ID);
KILN_CUSIM_CHECK_WORD(block_id, KILN_CUSIM_WORD_BLOCK_ID);
KILN_CUSIM_CHECK_WORD(block_dim, KILN_CUSIM_WORD_BLOCK_DIM);
KILN_CUSIM_CHECK_WORD(grid_dim, KILN_CUSIM_WORD_GRID_DIM);
KILN_CUSIM_CHECK_WORD(shared, KILN_CUSIM_WORD_SHARED);
KILN_CUSIM_CHECK_WORD(barrier, KILN_CUSIM_WORD_BARRIER);
KILN_CUSIM_CHECK_WORD(mma, KILN_CUSIM_WORD_MMA);
KILN_CUSIM_CHECK_WORD(shuffle, KILN_CUSIM_WORD_SHUFFLE);
KILN_CUSIM_CHECK_WORD(ldmatrix, KILN_CUSIM_WORD_LDMATRIX);
KILN_CUSIM_CHECK_WORD(async_copy, KILN_CUSIM_WORD_ASYNC_COPY);
KILN_CUSIM_CHECK_WORD(async_commit, KILN_CUSIM_WORD_ASYNC_COMMIT);
KILN_CUSIM_CHECK_WORD(async_wait, KILN_CUSIM_WORD_ASYNC_WAIT);

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext;
typedef void *CUstream;
typedef unsigned long long CUdeviceptr;

enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_NOT_INITIALIZED = 3,
  CUDA_ERROR_INVALID_DEVICE = 101,
  CUDA_ERROR_INVALID_IMAGE = 200,
  CUDA_ERROR_INVALID_CONTEXT = 201,
  CUDA_ERROR_INVALID_HANDLE = 400,
  CUDA_ERROR_NOT_FOUND = 500,
  CUDA_ERROR_ILLEGAL_ADDRESS = 700,
  CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
  CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900,
};

/* A recorded launch, its parameter values in `values`. */
typedef struct {
  const kiln_cusim_kernel_t *kernel;
  unsigned grid[3], block[3], shared;
  char *values;
  void **args;
} launch_t;

typedef struct {
  launch_t *launches;
  size_t count, capacity;
} graph_t;

typedef struct {
  graph_t *capture; /* while capturing */
} stream_t;

/* Streams this thread is capturing. */
static _Thread_local int capturing;

typedef kiln_cusim_kernel_t kernel_t;

static int initialized;
static int context_token; /* the one context's handle points here */

/* KILN_CUSIM_ORDER=reverse and KILN_CUSIM_TRACE, read by cuInit. */
static int order_reverse, trace;

EXPORT CUresult cuInit(unsigned flags) {
  if (flags != 0)
    return CUDA_ERROR_INVALID_VALUE;
  const char *order = getenv("KILN_CUSIM_ORDER");
  order_reverse = order && strcmp(order, "reverse") == 0;
  trace = getenv("KILN_CUSIM_TRACE") != NULL;
  initialized = 1;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetCount(int *count) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  *count = 1;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  if (ordinal != 0)
    return CUDA_ERROR_INVALID_DEVICE;
  *device = 0;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuDevicePrimaryCtxRetain(CUcontext *context, CUdevice device) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  if (device != 0)
    return CUDA_ERROR_INVALID_DEVICE;
  *context = &context_token;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxSetCurrent(CUcontext context) {
  return context == &context_token || context == NULL
             ? CUDA_SUCCESS
             : CUDA_ERROR_INVALID_CONTEXT;
}

EXPORT CUresult cuCtxSynchronize(void) {
  return capturing ? CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED : CUDA_SUCCESS;
}
EXPORT CUresult cuStreamSynchronize(CUstream stream) {
  (void)stream;
  return capturing ? CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED : CUDA_SUCCESS;
}

/* Streams: every call completes before it returns, so a stream only holds
 * its capture. */
EXPORT CUresult cuStreamCreate(CUstream *stream, unsigned flags) {
  (void)flags;
  *stream = calloc(1, sizeof(stream_t));
  return *stream ? CUDA_SUCCESS : CUDA_ERROR_OUT_OF_MEMORY;
}
EXPORT CUresult cuStreamDestroy_v2(CUstream stream) {
  if (!stream || ((stream_t *)stream)->capture)
    return CUDA_ERROR_INVALID_VALUE;
  free(stream);
  return CUDA_SUCCESS;
}

/* ---- memory -------------------------------------------------------------
 * Live allocations are kept (freeing anything else is an error, as with
 * the driver). */
static pthread_mutex_t memory_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  char *base;
  size_t bytes;
} * live;
static size_t live_count, live_capacity;

EXPORT CUresult cuMemAlloc_v2(CUdeviceptr *ptr, size_t bytes) {
  if (!ptr || bytes == 0)
    return CUDA_ERROR_INVALID_VALUE;
  if (capturing)
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  void *p = aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (!p)
    return CUDA_ERROR_OUT_OF_MEMORY;
  memset(p, 0xff, bytes);
  pthread_mutex_lock(&memory_lock);
  if (live_count == live_capacity) {
    size_t n = live_capacity ? 2 * live_capacity : 64;
    void *grown = realloc(live, n * sizeof *live);
    if (!grown) {
      pthread_mutex_unlock(&memory_lock);
      free(p);
      return CUDA_ERROR_OUT_OF_MEMORY;
    }
    live = grown;
    live_capacity = n;
  }
  live[live_count].base = p;
  live[live_count++].bytes = bytes;
  pthread_mutex_unlock(&memory_lock);
  *ptr = (CUdeviceptr)(uintptr_t)p;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuMemFree_v2(CUdeviceptr ptr) {
  void *p = (void *)(uintptr_t)ptr;
  pthread_mutex_lock(&memory_lock);
  for (size_t i = 0; i < live_count; ++i)
    if (live[i].base == p) {
      live[i] = live[--live_count];
      pthread_mutex_unlock(&memory_lock);
      free(p);
      return CUDA_SUCCESS;
    }
  pthread_mutex_unlock(&memory_lock);
  return CUDA_ERROR_INVALID_VALUE;
}

/* Copies are not recorded: a capturing thread may not make them. */
EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src,
                                size_t bytes) {
  if (capturing)
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  memcpy((void *)(uintptr_t)dst, src, bytes);
  return CUDA_SUCCESS;
}
EXPORT CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) {
  if (capturing)
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  memcpy(dst, (const void *)(uintptr_t)src, bytes);
  return CUDA_SUCCESS;
}
EXPORT CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src,
                                     size_t bytes, CUstream stream) {
  (void)stream;
  return cuMemcpyHtoD_v2(dst, src, bytes);
}
EXPORT CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t bytes,
                                     CUstream stream) {
  (void)stream;
  return cuMemcpyDtoH_v2(dst, src, bytes);
}

/* ---- modules ------------------------------------------------------------ */

EXPORT CUresult cuModuleLoadData(void **module, const void *image) {
  if (!module || !image ||
      memcmp(image, KILN_CUSIM_MAGIC, sizeof KILN_CUSIM_MAGIC) != 0)
    return CUDA_ERROR_INVALID_IMAGE;
  *module = (void *)((uintptr_t)image + KILN_CUSIM_MAGIC_BYTES);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuModuleGetFunction(void **function, void *module,
                                    const char *name) {
  if (!module || !function || !name)
    return CUDA_ERROR_INVALID_VALUE;
  for (kernel_t *k = module; k->name; ++k)
    if (strcmp(k->name, name) == 0) {
      *function = k;
      return CUDA_SUCCESS;
    }
  return CUDA_ERROR_NOT_FOUND;
}

/* ---- launches ----------------------------------------------------------- */

/* A fiber waits at the block's barrier, or at its warp's mma.sync or
 * shuffle rendezvous (which releases only that warp, as those synchronize
 * only their warp). */
enum { FIBER_RUNNABLE, FIBER_AT_BARRIER, FIBER_AT_WARP, FIBER_DONE };

/* A cp.async begun and not yet landed: its group, or -1 before the
 * thread's next commit. */
typedef struct {
  char *dst;
  const char *src;
  int64_t bytes, src_bytes, group;
} pending_copy_t;
enum { kMaxPendingCopies = 32 };

typedef struct {
  kiln_cusim_thread_t thread; /* first: the kernel's thread pointer */
  ucontext_t context;
  int state;
  /* This lane's mma.sync fragments while its warp exchanges them. */
  const float *mma_a, *mma_b, *mma_c;
  /* This lane's bits while its warp shuffles them. */
  uint32_t shuffle_bits;
  /* The row this lane supplies to its warp's ldmatrix. */
  const uint16_t *ldmatrix_row;
  /* Its asynchronous copies in flight, oldest first, and its groups so
   * far. */
  pending_copy_t copies[kMaxPendingCopies];
  int64_t copy_count, groups;
} fiber_t;

typedef struct {
  ucontext_t scheduler;
  fiber_t *fibers;
  fiber_t *current;
  const kernel_t *kernel;
  void **args;
  size_t shared_bytes;
} block_t;

static _Thread_local block_t *running_block;

/* Waits in `state` until the scheduler releases it. */
static void wait_as(kiln_cusim_thread_t *thread, int state) {
  fiber_t *f = (fiber_t *)thread;
  f->state = state;
  swapcontext(&f->context, &running_block->scheduler);
}

static void barrier(kiln_cusim_thread_t *thread) {
  wait_as(thread, FIBER_AT_BARRIER);
}

static void no_barrier(kiln_cusim_thread_t *thread) {
  (void)thread;
  fprintf(stderr, "kiln-cusim: a kernel flagged without barriers called one\n");
  abort();
}

/* mma.sync as the PTX ISA defines it ("Matrix Fragments for mma.m16n8k16"
 * and "mma.m16n8k8", floating-point types): each lane deposits its
 * fragments and waits for its warp; then each lane rebuilds the warp's A
 * (16 x K) and B (K x 8) from all 32 deposits and computes its four
 * elements of D = A B + C; a second warp-wide wait keeps the deposits
 * alive until every lane is done. tf32 operands lose their 13 low mantissa
 * bits, as on the tensor cores (kiln rounds them when staging). */
static float tf32(float x) {
  uint32_t u;
  memcpy(&u, &x, sizeof u);
  u &= 0xffffe000u; /* 10 mantissa bits */
  memcpy(&x, &u, sizeof x);
  return x;
}

/* The thread's index in its block (x fastest). */
static int64_t linear_id(const kiln_cusim_thread_t *thread) {
  return (thread->thread_id[2] * thread->block_dim[1] + thread->thread_id[1]) *
             thread->block_dim[0] +
         thread->thread_id[0];
}

/* The index of the thread's warp's first lane; aborts in a partial warp
 * (a warp-wide `what` there is not what kiln generates). */
static int64_t warp_start(const kiln_cusim_thread_t *thread, const char *what) {
  int64_t first = linear_id(thread) - linear_id(thread) % 32;
  if (first + 32 >
      thread->block_dim[0] * thread->block_dim[1] * thread->block_dim[2]) {
    fprintf(stderr, "kiln-cusim: %s in a block of partial warps\n", what);
    abort();
  }
  return first;
}

static void mma(kiln_cusim_thread_t *thread, int64_t shape, const float *a,
                const float *b, const float *c, float *d) {
  fiber_t *self = (fiber_t *)thread;
  self->mma_a = a;
  self->mma_b = b;
  self->mma_c = c;
  wait_as(thread, FIBER_AT_WARP); /* every lane has deposited */
  int k16 = shape == KILN_CUSIM_MMA_M16N8K16;
  int kdim = k16 ? 16 : 8;
  fiber_t *block = running_block->fibers;
  int64_t linear = linear_id(thread);
  int64_t first = warp_start(thread, "mma.sync");
  float A[16][16], B[16][8];
  for (int lane = 0; lane < 32; ++lane) {
    const fiber_t *f = &block[first + lane];
    int group = lane >> 2, tig = lane % 4;
    if (k16) {
      for (int i = 0; i < 8; ++i) {
        int row = (i < 2 || (i >= 4 && i < 6)) ? group : group + 8;
        int col = tig * 2 + (i & 1) + (i >= 4 ? 8 : 0);
        A[row][col] = f->mma_a[i];
      }
      for (int i = 0; i < 4; ++i)
        B[tig * 2 + (i & 1) + (i >= 2 ? 8 : 0)][group] = f->mma_b[i];
    } else {
      for (int i = 0; i < 4; ++i) {
        int row = (i == 0 || i == 2) ? group : group + 8;
        int col = (i < 2) ? tig : tig + 4;
        A[row][col] = tf32(f->mma_a[i]);
      }
      for (int i = 0; i < 2; ++i)
        B[i == 0 ? tig : tig + 4][group] = tf32(f->mma_b[i]);
    }
  }
  int lane = (int)(linear % 32), group = lane >> 2, tig = lane % 4;
  for (int i = 0; i < 4; ++i) {
    int row = i < 2 ? group : group + 8, col = tig * 2 + (i & 1);
    double sum = c[i];
    for (int k = 0; k < kdim; ++k)
      sum += (double)A[row][k] * B[k][col];
    d[i] = (float)sum;
  }
  wait_as(thread, FIBER_AT_WARP); /* every lane has read the deposits */
}

static void no_mma(kiln_cusim_thread_t *thread, int64_t shape, const float *a,
                   const float *b, const float *c, float *d) {
  (void)thread, (void)shape, (void)a, (void)b, (void)c, (void)d;
  fprintf(stderr, "kiln-cusim: a kernel flagged without barriers ran mma\n");
  abort();
}

/* gpu.shuffle (shfl.sync) as MLIR's gpu dialect defines it, among lanes
 * [0, width) of the warp: each lane deposits its bits and waits for its
 * warp, reads its source lane's, and waits again so the deposits outlive
 * every read. */
static int64_t shuffle(kiln_cusim_thread_t *thread, int64_t mode, int64_t value,
                       int64_t offset, int64_t width) {
  fiber_t *self = (fiber_t *)thread;
  self->shuffle_bits = (uint32_t)value;
  wait_as(thread, FIBER_AT_WARP);
  int64_t first = warp_start(thread, "shuffle");
  int64_t lane = linear_id(thread) - first;
  if (width < 1 || width > 32 || lane >= width) {
    fprintf(stderr, "kiln-cusim: shuffle of width %lld from lane %lld\n",
            (long long)width, (long long)lane);
    abort();
  }
  int64_t source = mode == KILN_CUSIM_SHUFFLE_XOR    ? lane ^ offset
                   : mode == KILN_CUSIM_SHUFFLE_DOWN ? lane + offset
                   : mode == KILN_CUSIM_SHUFFLE_UP   ? lane - offset
                                                     : offset;
  int valid = source >= 0 && source < width;
  uint32_t bits = valid ? running_block->fibers[first + source].shuffle_bits
                        : (uint32_t)value;
  wait_as(thread, FIBER_AT_WARP);
  return ((int64_t)valid << 32) | bits;
}

/* ldmatrix.sync.aligned.m8n8 (PTX ISA, "Warp-level matrix load
 * instruction: ldmatrix"): lanes 8i .. 8i + 7 supply the row addresses of
 * matrix i; lane l receives, from each matrix i, row l / 4, elements
 * 2 (l % 4) and 2 (l % 4) + 1 (with .trans: rows 2 (l % 4) and
 * 2 (l % 4) + 1 of column l / 4). Rows must be 16-byte aligned. */
static void ldmatrix(kiln_cusim_thread_t *thread, int64_t tiles, int64_t trans,
                     const uint16_t *row, uint16_t *out) {
  fiber_t *self = (fiber_t *)thread;
  self->ldmatrix_row = row;
  wait_as(thread, FIBER_AT_WARP);
  int64_t first = warp_start(thread, "ldmatrix");
  int64_t lane = linear_id(thread) - first;
  if (tiles != 1 && tiles != 2 && tiles != 4) {
    fprintf(stderr, "kiln-cusim: ldmatrix of %lld matrices\n",
            (long long)tiles);
    abort();
  }
  for (int64_t i = 0; i < tiles; ++i)
    for (int64_t h = 0; h < 2; ++h) {
      int64_t r = trans ? 2 * (lane % 4) + h : lane / 4;
      int64_t c = trans ? lane / 4 : 2 * (lane % 4) + h;
      const uint16_t *p = running_block->fibers[first + 8 * i + r].ldmatrix_row;
      if ((uintptr_t)p % 16 != 0) {
        fprintf(stderr, "kiln-cusim: ldmatrix row %p is not 16-byte aligned\n",
                (const void *)p);
        abort();
      }
      out[2 * i + h] = p[c];
    }
  wait_as(thread, FIBER_AT_WARP);
}

static void no_ldmatrix(kiln_cusim_thread_t *thread, int64_t tiles,
                        int64_t trans, const uint16_t *row, uint16_t *out) {
  (void)thread, (void)tiles, (void)trans, (void)row, (void)out;
  fprintf(stderr,
          "kiln-cusim: a kernel flagged without barriers ran ldmatrix\n");
  abort();
}

static int64_t no_shuffle(kiln_cusim_thread_t *thread, int64_t mode,
                          int64_t value, int64_t offset, int64_t width) {
  (void)thread, (void)mode, (void)value, (void)offset, (void)width;
  fprintf(stderr, "kiln-cusim: a kernel flagged without barriers shuffled\n");
  abort();
}

static int is_device_memory(const char *p, size_t bytes);

/* cp.async (PTX ISA, "Data Movement and Conversion Instructions:
 * cp.async"): checked at once, landed only at the thread's wait for its
 * group, so a kernel that reads the shared bytes before waiting (or before
 * the barrier after the other threads' waits) reads stale ones, and one
 * that never waits loses them. */
static void async_copy(kiln_cusim_thread_t *thread, void *dst, const void *src,
                       int64_t bytes, int64_t src_bytes) {
  fiber_t *self = (fiber_t *)thread;
  const char *name = running_block->kernel->name;
  char *shared = thread->shared;
  if ((bytes != 4 && bytes != 8 && bytes != 16) || src_bytes < 0 ||
      src_bytes > bytes || (uintptr_t)dst % (uintptr_t)bytes != 0 ||
      (uintptr_t)src % (uintptr_t)bytes != 0) {
    fprintf(stderr,
            "kiln-cusim: %s: cp.async of %lld bytes (%lld read) from %p to %p "
            "(must be 4, 8 or 16 bytes, both addresses aligned to them)\n",
            name, (long long)bytes, (long long)src_bytes, src, dst);
    abort();
  }
  if (!shared || (char *)dst < shared ||
      (char *)dst + bytes > shared + running_block->shared_bytes ||
      (src_bytes && !is_device_memory((const char *)src, (size_t)src_bytes))) {
    fprintf(stderr,
            "kiln-cusim: %s: cp.async from %p to %p: not from device memory "
            "to this block's shared memory\n",
            name, src, dst);
    abort();
  }
  if (self->copy_count == kMaxPendingCopies) {
    fprintf(stderr, "kiln-cusim: %s: more than %d cp.async in flight\n", name,
            kMaxPendingCopies);
    abort();
  }
  self->copies[self->copy_count++] = (pending_copy_t){
      (char *)dst, (const char *)src, bytes, src_bytes, -1};
}

static void async_commit(kiln_cusim_thread_t *thread) {
  fiber_t *self = (fiber_t *)thread;
  for (int64_t i = 0; i < self->copy_count; ++i)
    if (self->copies[i].group < 0)
      self->copies[i].group = self->groups;
  ++self->groups;
}

static void async_wait(kiln_cusim_thread_t *thread, int64_t pending) {
  fiber_t *self = (fiber_t *)thread;
  int64_t kept = 0;
  for (int64_t i = 0; i < self->copy_count; ++i) {
    pending_copy_t *c = &self->copies[i];
    if (c->group >= 0 && c->group < self->groups - pending) {
      memcpy(c->dst, c->src, (size_t)c->src_bytes);
      memset(c->dst + c->src_bytes, 0, (size_t)(c->bytes - c->src_bytes));
    } else {
      self->copies[kept++] = *c;
    }
  }
  self->copy_count = kept;
}

static void fiber_main(void) {
  block_t *b = running_block;
  fiber_t *f = b->current;
  b->kernel->fn(b->args, &f->thread);
  f->state = FIBER_DONE; /* uc_link returns to the scheduler */
}

static const char *const error_names[][2] = {
    {"0", "no error"},
    {"1", "invalid argument"},
    {"2", "out of memory"},
    {"3", "initialization error"},
    {"101", "invalid device ordinal"},
    {"200", "device kernel image is invalid (not a kiln-cusim image: "
            "compile with --cuda-simulate)"},
    {"201", "invalid device context"},
    {"400", "invalid resource handle"},
    {"500", "named symbol not found"},
    {"700", "an illegal memory access was encountered"},
    {"701", "too many resources requested for launch"},
    {"900", "operation not permitted when stream is capturing"},
};

EXPORT CUresult cuGetErrorString(CUresult error, const char **text) {
  char code[16];
  snprintf(code, sizeof code, "%d", error);
  for (size_t i = 0; i < sizeof error_names / sizeof error_names[0]; ++i)
    if (strcmp(error_names[i][0], code) == 0) {
      *text = error_names[i][1];
      return CUDA_SUCCESS;
    }
  *text = NULL;
  return CUDA_ERROR_INVALID_VALUE;
}

enum { kFiberStack = 128 * 1024 };

/* Whether [p, p + bytes) lies in one live allocation. */
static int is_device_memory(const char *p, size_t bytes) {
  int found = 0;
  pthread_mutex_lock(&memory_lock);
  for (size_t i = 0; i < live_count && !found; ++i)
    found = p >= live[i].base && p <= live[i].base + live[i].bytes &&
            bytes <= (size_t)(live[i].base + live[i].bytes - p);
  pthread_mutex_unlock(&memory_lock);
  return found;
}

/* The next parameter of a kernel's list (see kiln_cusim_kernel_t) at *s:
 * whether it is a pointer, and its span or value bytes; advances *s past
 * it. False at the end. */
static int next_param(const char **s, int *pointer, size_t *bytes) {
  if (!*s || !**s)
    return 0;
  char *end;
  *pointer = **s == 'p';
  *bytes = (size_t)strtoull(*s + *pointer, &end, 10);
  *s = *end == ',' ? end + 1 : end;
  return 1;
}

static CUresult run(const kernel_t *kernel, unsigned gx, unsigned gy,
                    unsigned gz, unsigned bx, unsigned by, unsigned bz,
                    unsigned dynamic_shared, void **args) {
  int pointer;
  size_t bytes;
  const char *s = kernel->params;
  for (size_t i = 0; next_param(&s, &pointer, &bytes); ++i)
    if (pointer && !is_device_memory(*(char **)args[i], bytes)) {
      fprintf(stderr,
              "kiln-cusim: %s: parameter %zu (%p, %zu bytes) is not in "
              "device memory\n",
              kernel->name, i, *(void **)args[i], bytes);
      return CUDA_ERROR_ILLEGAL_ADDRESS;
    }
  int reverse = order_reverse;
  /* The kernel's own shared buffers, then the launch's dynamic ones. */
  size_t shared_bytes = (size_t)kernel->shared_bytes + dynamic_shared;
  uint64_t threads = (uint64_t)bx * by * bz;
  if (trace)
    fprintf(stderr, "kiln-cusim: %s grid (%u, %u, %u) block (%u, %u, %u)%s\n",
            kernel->name, gx, gy, gz, bx, by, bz,
            kernel->flags & KILN_CUSIM_USES_BARRIER ? " with barriers" : "");
  char *shared = shared_bytes
                     ? aligned_alloc(256, (shared_bytes + 255) / 256 * 256)
                     : NULL;
  if (shared_bytes && !shared)
    return CUDA_ERROR_OUT_OF_MEMORY;
  int coroutines = (kernel->flags & KILN_CUSIM_USES_BARRIER) != 0;
  fiber_t *fibers = calloc(threads, sizeof *fibers);
  char *stacks = NULL;
  if (coroutines) {
    stacks = mmap(NULL, threads * kFiberStack, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stacks == MAP_FAILED)
      stacks = NULL;
    /* A guard page below each stack: an overflow faults instead of
     * corrupting the next thread's stack. */
    for (uint64_t i = 0; stacks && i < threads; ++i)
      mprotect(stacks + i * kFiberStack, 4096, PROT_NONE);
  }
  if (!fibers || (coroutines && !stacks)) {
    free(fibers);
    free(shared);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  block_t block = {.fibers = fibers,
                   .kernel = kernel,
                   .args = args,
                   .shared_bytes = shared_bytes};
  block_t *outer = running_block;
  running_block = &block;
  for (unsigned zz = 0; zz < gz; ++zz)
    for (unsigned yy = 0; yy < gy; ++yy)
      for (unsigned xx = 0; xx < gx; ++xx) {
        unsigned z = reverse ? gz - 1 - zz : zz, y = reverse ? gy - 1 - yy : yy,
                 x = reverse ? gx - 1 - xx : xx;
        for (uint64_t i = 0; i < threads; ++i) {
          kiln_cusim_thread_t *t = &fibers[i].thread;
          t->thread_id[0] = (int64_t)(i % bx);
          t->thread_id[1] = (int64_t)(i / bx % by);
          t->thread_id[2] = (int64_t)(i / bx / by);
          t->block_id[0] = x;
          t->block_id[1] = y;
          t->block_id[2] = z;
          t->block_dim[0] = bx;
          t->block_dim[1] = by;
          t->block_dim[2] = bz;
          t->grid_dim[0] = gx;
          t->grid_dim[1] = gy;
          t->grid_dim[2] = gz;
          t->shared = shared;
          t->barrier = coroutines ? barrier : no_barrier;
          t->mma = coroutines ? mma : no_mma;
          t->shuffle = coroutines ? shuffle : no_shuffle;
          t->ldmatrix = coroutines ? ldmatrix : no_ldmatrix;
          t->async_copy = async_copy;
          t->async_commit = async_commit;
          t->async_wait = async_wait;
          fibers[i].copy_count = fibers[i].groups = 0;
          fibers[i].state = FIBER_RUNNABLE;
        }
        if (shared)
          memset(shared, 0xff, shared_bytes);
        if (!coroutines) {
          for (uint64_t i = 0; i < threads; ++i)
            kernel->fn(args, &fibers[reverse ? threads - 1 - i : i].thread);
          continue;
        }
        for (uint64_t i = 0; i < threads; ++i) {
          getcontext(&fibers[i].context);
          fibers[i].context.uc_stack.ss_sp = stacks + i * kFiberStack + 4096;
          fibers[i].context.uc_stack.ss_size = kFiberStack - 4096;
          fibers[i].context.uc_link = &block.scheduler;
          makecontext(&fibers[i].context, fiber_main, 0);
        }
        /* Run every thread to its next wait (or its end). A warp whose
         * threads all wait at mma.sync or a shuffle goes on; when no warp can,
         * and every thread that has not returned waits at the block's barrier,
         * they all go on; anything else would hang a GPU. */
        for (;;) {
          for (uint64_t ii = 0; ii < threads; ++ii) {
            uint64_t i = reverse ? threads - 1 - ii : ii;
            if (fibers[i].state != FIBER_RUNNABLE)
              continue;
            block.current = &fibers[i];
            swapcontext(&block.scheduler, &fibers[i].context);
          }
          int released = 0, at_barrier = 0, at_warp = 0;
          for (uint64_t w = 0; w < threads; w += 32) {
            uint64_t end = w + 32 < threads ? w + 32 : threads;
            int waiting = 0, others = 0;
            for (uint64_t i = w; i < end; ++i) {
              waiting += fibers[i].state == FIBER_AT_WARP;
              others += fibers[i].state != FIBER_AT_WARP;
            }
            at_warp += waiting;
            if (waiting && !others) {
              for (uint64_t i = w; i < end; ++i)
                fibers[i].state = FIBER_RUNNABLE;
              released = 1;
            }
          }
          if (released)
            continue;
          for (uint64_t i = 0; i < threads; ++i)
            at_barrier += fibers[i].state == FIBER_AT_BARRIER;
          if (at_warp) {
            fprintf(stderr,
                    "kiln-cusim: %s: a warp's threads do not all reach its "
                    "mma.sync, shuffle or ldmatrix (some wait at a barrier or "
                    "have "
                    "returned)\n",
                    kernel->name);
            abort();
          }
          if (!at_barrier)
            break;
          for (uint64_t i = 0; i < threads; ++i)
            if (fibers[i].state == FIBER_AT_BARRIER)
              fibers[i].state = FIBER_RUNNABLE;
        }
      }
  running_block = outer;
  if (stacks)
    munmap(stacks, threads * kFiberStack);
  free(fibers);
  free(shared);
  return CUDA_SUCCESS;
}

/* Appends a copy of the launch to `graph`. */
static CUresult record(graph_t *graph, const kernel_t *kernel,
                       const unsigned grid[3], const unsigned block[3],
                       unsigned shared, void **args) {
  int pointer;
  size_t size, n = 0;
  const char *s = kernel->params;
  while (next_param(&s, &pointer, &size))
    ++n;
  size_t bytes = 8 * n; /* 8-byte slots */
  if (graph->count == graph->capacity) {
    size_t c = graph->capacity ? 2 * graph->capacity : 16;
    launch_t *grown = realloc(graph->launches, c * sizeof *grown);
    if (!grown)
      return CUDA_ERROR_OUT_OF_MEMORY;
    graph->launches = grown;
    graph->capacity = c;
  }
  launch_t *l = &graph->launches[graph->count];
  *l = (launch_t){.kernel = kernel, .shared = shared};
  memcpy(l->grid, grid, sizeof l->grid);
  memcpy(l->block, block, sizeof l->block);
  l->values = calloc(bytes + 1, 1);
  l->args = calloc(n + 1, sizeof *l->args);
  if (!l->values || !l->args) {
    free(l->values);
    free(l->args);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  s = kernel->params;
  for (size_t i = 0; i < n && next_param(&s, &pointer, &size); ++i) {
    l->args[i] = l->values + 8 * i;
    memcpy(l->args[i], args[i], pointer ? 8 : size);
  }
  ++graph->count;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy,
                               unsigned gz, unsigned bx, unsigned by,
                               unsigned bz, unsigned shared_bytes,
                               CUstream stream, void **args, void **extra) {
  const kernel_t *kernel = function;
  if (!kernel || extra || !gx || !gy || !gz || !bx || !by || !bz)
    return CUDA_ERROR_INVALID_VALUE;
  if ((uint64_t)bx * by * bz > 1024 || bz > 64)
    return CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES;
  if (gx > 0x7fffffffu || gy > 65535 || gz > 65535)
    return CUDA_ERROR_INVALID_VALUE; /* the driver's grid limits */
  stream_t *s = stream;
  if (s && s->capture) {
    const unsigned grid[3] = {gx, gy, gz}, block[3] = {bx, by, bz};
    return record(s->capture, kernel, grid, block, shared_bytes, args);
  }
  if (capturing && !s) /* the legacy default stream, while capturing */
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  return run(kernel, gx, gy, gz, bx, by, bz, shared_bytes, args);
}

/* ---- graphs ------------------------------------------------------------- */

static void free_graph(graph_t *graph) {
  if (!graph)
    return;
  for (size_t i = 0; i < graph->count; ++i) {
    free(graph->launches[i].values);
    free(graph->launches[i].args);
  }
  free(graph->launches);
  free(graph);
}

EXPORT CUresult cuStreamBeginCapture_v2(CUstream stream, int mode) {
  stream_t *s = stream;
  if (!s) /* the default stream cannot be captured */
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  if (s->capture || mode < 0 || mode > 2)
    return CUDA_ERROR_INVALID_VALUE;
  s->capture = calloc(1, sizeof *s->capture);
  if (!s->capture)
    return CUDA_ERROR_OUT_OF_MEMORY;
  ++capturing;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuStreamEndCapture(CUstream stream, void **graph) {
  stream_t *s = stream;
  if (!s || !s->capture || !graph)
    return CUDA_ERROR_INVALID_VALUE;
  *graph = s->capture;
  s->capture = NULL;
  --capturing;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuGraphInstantiateWithFlags(void **exec, void *graph,
                                            unsigned long long flags) {
  const graph_t *g = graph;
  if (!exec || !g || flags)
    return CUDA_ERROR_INVALID_VALUE;
  graph_t *copy = calloc(1, sizeof *copy);
  if (!copy)
    return CUDA_ERROR_OUT_OF_MEMORY;
  for (size_t i = 0; i < g->count; ++i) {
    const launch_t *l = &g->launches[i];
    CUresult r = record(copy, l->kernel, l->grid, l->block, l->shared, l->args);
    if (r != CUDA_SUCCESS) {
      free_graph(copy);
      return r;
    }
  }
  *exec = copy;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuGraphLaunch(void *exec, CUstream stream) {
  const graph_t *g = exec;
  stream_t *s = stream;
  if (!g)
    return CUDA_ERROR_INVALID_VALUE;
  if ((s && s->capture) || capturing)
    return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
  for (size_t i = 0; i < g->count; ++i) {
    const launch_t *l = &g->launches[i];
    CUresult r = run(l->kernel, l->grid[0], l->grid[1], l->grid[2], l->block[0],
                     l->block[1], l->block[2], l->shared, l->args);
    if (r != CUDA_SUCCESS)
      return r;
  }
  return CUDA_SUCCESS;
}

EXPORT CUresult cuGraphExecDestroy(void *exec) {
  free_graph(exec);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuGraphDestroy(void *graph) {
  free_graph(graph);
  return CUDA_SUCCESS;
}
