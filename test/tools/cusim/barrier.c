/* kiln-cusim's coroutine blocks: a hand-written image whose kernel
 * reverses each block's slice of a buffer through shared memory with a
 * barrier between the writes and the reads (wrong without the barrier:
 * a thread would read slots later threads have not written yet), and a
 * kernel without barriers. Checked against a plain loop. */
#include "codegen/cuda/SimulatorAbi.h"

#include <stdio.h>
#include <string.h>

typedef unsigned long long CUdeviceptr;
int cuInit(unsigned);
int cuModuleLoadData(void **, const void *);
int cuModuleGetFunction(void **, void *, const char *);
int cuLaunchKernel(void *, unsigned, unsigned, unsigned, unsigned, unsigned,
                   unsigned, unsigned, void *, void **, void **);
int cuMemAlloc_v2(CUdeviceptr *, size_t);
int cuMemFree_v2(CUdeviceptr);

static void reverse(void **args, kiln_cusim_thread_t *t) {
  const float *in = *(float **)args[0];
  float *out = *(float **)args[1];
  float *shared = (float *)t->shared;
  int64_t n = t->block_dim[0] * t->block_dim[1];
  int64_t i = t->thread_id[1] * t->block_dim[0] + t->thread_id[0];
  int64_t base = t->block_id[0] * n;
  shared[i] = in[base + i];
  t->barrier(t);
  out[base + i] = shared[n - 1 - i];
  t->barrier(t); /* a second phase: the block's threads meet again */
  if (i == 0)
    out[base] += 1000.0f * (float)t->grid_dim[0];
}

static void iota(void **args, kiln_cusim_thread_t *t) {
  float *out = *(float **)args[0];
  out[t->block_id[0] * t->block_dim[0] + t->thread_id[0]] =
      (float)(t->block_id[0] * 10 + t->thread_id[0]);
}

/* Every lane's fragments all ones (m16n8k16, K = 16): each element of D
 * is 16 + C, C = the lane's number. Two warps exchange separately. */
static void ones(void **args, kiln_cusim_thread_t *t) {
  float *out = *(float **)args[0];
  float a[8], b[4], c[4], d[4];
  int64_t lane = t->thread_id[0];
  for (int i = 0; i < 8; ++i)
    a[i] = 1;
  for (int i = 0; i < 4; ++i)
    b[i] = 1, c[i] = (float)lane;
  t->mma(t, KILN_CUSIM_MMA_M16N8K16, a, b, c, d);
  for (int i = 0; i < 4; ++i)
    out[lane * 4 + i] = d[i];
}

static struct {
  char magic[KILN_CUSIM_MAGIC_BYTES];
  kiln_cusim_kernel_t kernels[4];
} image = {KILN_CUSIM_MAGIC,
           {{"reverse", reverse, KILN_CUSIM_USES_BARRIER, "p384,p384", 0},
            {"iota", iota, 0, "p80", 0},
            {"ones", ones, KILN_CUSIM_USES_BARRIER, "p1024", 0},
            {0, 0, 0, 0, 0}}};

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0); /* in order with kiln-cusim's stderr */
  enum { kBlocks = 3, kX = 8, kY = 4, kN = kBlocks * kX * kY };
  void *module, *fn_reverse, *fn_iota, *fn_missing;
  CUdeviceptr in, out;
  if (cuInit(0) || cuModuleLoadData(&module, &image) ||
      cuModuleGetFunction(&fn_reverse, module, "reverse") ||
      cuModuleGetFunction(&fn_iota, module, "iota") ||
      cuMemAlloc_v2(&in, kN * sizeof(float)) ||
      cuMemAlloc_v2(&out, 256 * sizeof(float))) { /* 256: the mma test */
    puts("setup failed");
    return 1;
  }
  printf("missing kernel: %d\n",
         cuModuleGetFunction(&fn_missing, module, "nope"));
  printf("ptx image: %d\n", cuModuleLoadData(&module, ".version 8.0\n"
                                                      ".target sm_90\n"
                                                      ".address_size 64\n"));
  float *host_in = (float *)(uintptr_t)in, *host_out = (float *)(uintptr_t)out;
  for (int i = 0; i < kN; ++i)
    host_in[i] = (float)i;
  void *args[] = {&in, &out};
  int r = cuLaunchKernel(fn_reverse, kBlocks, 1, 1, kX, kY, 1,
                         kX * kY * sizeof(float), NULL, args, NULL);
  int wrong = 0;
  for (int b = 0; b < kBlocks; ++b)
    for (int i = 0; i < kX * kY; ++i) {
      float want = (float)(b * kX * kY + kX * kY - 1 - i);
      if (i == 0)
        want += 1000.0f * kBlocks;
      wrong += host_out[b * kX * kY + i] != want;
    }
  printf("reverse: status %d, wrong %d\n", r, wrong);
  void *iota_args[] = {&out};
  r = cuLaunchKernel(fn_iota, 4, 1, 1, 5, 1, 1, 0, NULL, iota_args, NULL);
  wrong = 0;
  for (int b = 0; b < 4; ++b)
    for (int i = 0; i < 5; ++i)
      wrong += host_out[b * 5 + i] != (float)(b * 10 + i);
  printf("iota: status %d, wrong %d\n", r, wrong);
  printf("too many threads: %d\n", cuLaunchKernel(fn_iota, 1, 1, 1, 1025, 1, 1,
                                                  0, NULL, iota_args, NULL));
  void *fn_ones;
  cuModuleGetFunction(&fn_ones, module, "ones");
  r = cuLaunchKernel(fn_ones, 1, 1, 1, 64, 1, 1, 0, NULL, iota_args, NULL);
  wrong = 0;
  for (int i = 0; i < 64 * 4; ++i)
    wrong += host_out[i] != 16.0f + (float)(i / 4);
  printf("mma: status %d, wrong %d\n", r, wrong);
  float host[20];
  void *host_ptr = host, *host_args[] = {&host_ptr};
  printf("host pointer: %d\n",
         cuLaunchKernel(fn_iota, 4, 1, 1, 5, 1, 1, 0, NULL, host_args, NULL));
  /* 80 bytes from 960 of a 1024-byte allocation: past its end. */
  CUdeviceptr tail = out + 960;
  void *tail_args[] = {&tail};
  printf("past the end: %d\n",
         cuLaunchKernel(fn_iota, 4, 1, 1, 5, 1, 1, 0, NULL, tail_args, NULL));
  printf("free unknown: %d\n", cuMemFree_v2(in + 4));
  printf("free: %d %d\n", cuMemFree_v2(in), cuMemFree_v2(out));
  return 0;
}
