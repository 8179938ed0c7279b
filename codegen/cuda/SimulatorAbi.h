/* The contract between kernels compiled with --cuda-simulate (codegen/cuda,
 * kiln-cuda-simulate-kernels) and kiln-cusim (tools/cusim), the test driver
 * that runs them on the host CPU in place of libcuda.so.1. C and C++.
 *
 * Such a model embeds, where its PTX would be, an image
 *   { char magic[KILN_CUSIM_MAGIC_BYTES] (KILN_CUSIM_MAGIC, NUL-padded),
 *     kiln_cusim_kernel_t kernels[], { NULL, NULL, 0, NULL, 0 } }
 * which cuModuleLoadData of kiln-cusim takes and a real driver refuses
 * (and kiln-cusim refuses PTX and cubins). Each kernel is
 *   void kernel(void **args, kiln_cusim_thread_t *thread);
 * with `args` exactly as cuLaunchKernel's kernelParams (one pointer per
 * parameter, to its value), called once per GPU thread. */
#ifndef KILN_CODEGEN_CUDA_SIMULATORABI_H
#define KILN_CODEGEN_CUDA_SIMULATORABI_H

#include <stdint.h>

#define KILN_CUSIM_MAGIC "kiln-cusim-image-1"
#define KILN_CUSIM_MAGIC_BYTES 24
/* The kernel table follows the magic bytes with no padding. */
#ifdef __cplusplus
static_assert(KILN_CUSIM_MAGIC_BYTES % 8 == 0, "pointer-aligned table");
#else
_Static_assert(KILN_CUSIM_MAGIC_BYTES % 8 == 0, "pointer-aligned table");
#endif

/* A kernel's flags. */
enum {
  /* It calls `barrier`, `mma`, `shuffle` or `ldmatrix`: its threads must
   * run as coroutines of one block. */
  KILN_CUSIM_USES_BARRIER = 1,
};

typedef struct kiln_cusim_thread kiln_cusim_thread_t;

/* One kernel of an image. */
typedef struct {
  const char *name;
  void (*fn)(void **args, kiln_cusim_thread_t *thread);
  int64_t flags;
  /* The parameters, comma-separated: "p<N>" for a device pointer to a
   * buffer spanning N bytes from it, else the bytes of the value
   * ("p256,p64,8,4"): what a launch checks and a recorded launch (graph
   * capture) copies. */
  const char *params;
  /* Bytes of shared memory the kernel declares (its workgroup buffers). */
  int64_t shared_bytes;
} kiln_cusim_kernel_t;

/* What one simulated GPU thread sees, as 64-bit words (the kernel reads
 * word KILN_CUSIM_WORD_* of it). */
struct kiln_cusim_thread {
  int64_t thread_id[3]; /* threadIdx.x, .y, .z */
  int64_t block_id[3];  /* blockIdx */
  int64_t block_dim[3]; /* blockDim */
  int64_t grid_dim[3];  /* gridDim */
  /* This block's shared (workgroup) memory. */
  char *shared;
  /* __syncthreads(): returns when every thread of the block that has not
   * returned has called it. */
  void (*barrier)(kiln_cusim_thread_t *thread);
  /* One warp-wide mma.sync (PTX semantics, `shape` a KILN_CUSIM_MMA_*):
   * this lane's fragments a, b, c (as f32: 8, 4, 4 for m16n8k16; 4, 2, 4
   * for m16n8k8) in, its d (4) out. Every thread of the block must make
   * the same calls: a warp's lanes exchange fragments at two warp-wide
   * waits. */
  void (*mma)(kiln_cusim_thread_t *thread, int64_t shape, const float *a,
              const float *b, const float *c, float *d);
  /* One warp-wide gpu.shuffle (`mode` a KILN_CUSIM_SHUFFLE_*) of this
   * lane's 32 bits `value` among lanes [0, width) of the warp: returns the
   * source lane's bits, or this lane's own when there is no source lane,
   * with bit 32 set when there is one. Every lane of the warp calls it. */
  int64_t (*shuffle)(kiln_cusim_thread_t *thread, int64_t mode, int64_t value,
                     int64_t offset, int64_t width);
  /* One warp-wide ldmatrix.m8n8 of `tiles` (1, 2, 4) 8x8 matrices of
   * 16-bit elements (PTX semantics, transposed when `trans`): `row` is the
   * row this lane supplies (lanes 8i .. 8i + 7 the rows of matrix i; the
   * others' are ignored), `out` receives this lane's 2 * tiles elements.
   * Every lane of the warp calls it. */
  void (*ldmatrix)(kiln_cusim_thread_t *thread, int64_t tiles, int64_t trans,
                   const uint16_t *row, uint16_t *out);
  /* cp.async (nvgpu.device_async_copy) of `bytes` (4, 8 or 16) from global
   * `src` to shared `dst`, both aligned to `bytes`: reads `src_bytes`
   * (<= bytes) and zero-fills the rest. Only begun: the bytes land when
   * this thread waits for the copy's group (`async_wait`), not before. */
  void (*async_copy)(kiln_cusim_thread_t *thread, void *dst, const void *src,
                     int64_t bytes, int64_t src_bytes);
  /* cp.async.commit_group: this thread's copies since the last commit
   * become one group. */
  void (*async_commit)(kiln_cusim_thread_t *thread);
  /* cp.async.wait_group `pending`: completes this thread's committed
   * groups but the `pending` newest. */
  void (*async_wait)(kiln_cusim_thread_t *thread, int64_t pending);
};

enum {
  KILN_CUSIM_SHUFFLE_XOR = 0,  /* source lane ^ offset */
  KILN_CUSIM_SHUFFLE_DOWN = 1, /* lane + offset */
  KILN_CUSIM_SHUFFLE_UP = 2,   /* lane - offset */
  KILN_CUSIM_SHUFFLE_IDX = 3,  /* lane offset */
};

enum {
  KILN_CUSIM_MMA_M16N8K16 = 0,     /* f16 or bf16 operands */
  KILN_CUSIM_MMA_M16N8K8_TF32 = 1, /* tf32 operands (f32, low bits dropped) */
};

enum {
  KILN_CUSIM_WORD_THREAD_ID = 0,
  KILN_CUSIM_WORD_BLOCK_ID = 3,
  KILN_CUSIM_WORD_BLOCK_DIM = 6,
  KILN_CUSIM_WORD_GRID_DIM = 9,
  KILN_CUSIM_WORD_SHARED = 12,
  KILN_CUSIM_WORD_BARRIER = 13,
  KILN_CUSIM_WORD_MMA = 14,
  KILN_CUSIM_WORD_SHUFFLE = 15,
  KILN_CUSIM_WORD_LDMATRIX = 16,
  KILN_CUSIM_WORD_ASYNC_COPY = 17,
  KILN_CUSIM_WORD_ASYNC_COMMIT = 18,
  KILN_CUSIM_WORD_ASYNC_WAIT = 19,
};

#endif /* KILN_CODEGEN_CUDA_SIMULATORABI_H */
