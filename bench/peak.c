/* Measures the machine's FP32 FMA peak: 12 independent chains of packed FMAs
 * (enough to cover FMA latency x FMA ports on current x86 cores) in AVX2
 * (ymm) and, where the CPU has it, AVX-512 (zmm) registers, on T threads
 * (each pinned to its own CPU when there are enough), best of R repetitions.
 * Uses no model; built by bench/run.py with
 *   cc -O2 -pthread bench/peak.c -o peak
 * Run: ./peak [--threads T] [--seconds S]
 * Prints one line per ISA: `peak avx2 threads 1 gflops 97.3`, or
 * `peak avx512 unsupported` when the CPU lacks AVX-512F. */
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHAINS 12

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Each iteration: CHAINS FMAs of 8 lanes = CHAINS * 16 flops. */
__attribute__((target("avx2,fma"), noinline)) static float
fma_avx2(int64_t iters) {
  __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-6f);
  __m256 a0 = _mm256_set1_ps(0), a1 = _mm256_set1_ps(1), a2 = _mm256_set1_ps(2),
         a3 = _mm256_set1_ps(3);
  __m256 a4 = _mm256_set1_ps(4), a5 = _mm256_set1_ps(5), a6 = _mm256_set1_ps(6),
         a7 = _mm256_set1_ps(7);
  __m256 a8 = _mm256_set1_ps(8), a9 = _mm256_set1_ps(9),
         a10 = _mm256_set1_ps(10), a11 = _mm256_set1_ps(11);
  for (int64_t i = 0; i < iters; ++i) {
    a0 = _mm256_fmadd_ps(a0, m, c);
    a1 = _mm256_fmadd_ps(a1, m, c);
    a2 = _mm256_fmadd_ps(a2, m, c);
    a3 = _mm256_fmadd_ps(a3, m, c);
    a4 = _mm256_fmadd_ps(a4, m, c);
    a5 = _mm256_fmadd_ps(a5, m, c);
    a6 = _mm256_fmadd_ps(a6, m, c);
    a7 = _mm256_fmadd_ps(a7, m, c);
    a8 = _mm256_fmadd_ps(a8, m, c);
    a9 = _mm256_fmadd_ps(a9, m, c);
    a10 = _mm256_fmadd_ps(a10, m, c);
    a11 = _mm256_fmadd_ps(a11, m, c);
    /* Register operands only: keeps the compiler from collapsing the chains
     * without forcing them to memory. */
    __asm__ volatile(""
                     : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4),
                       "+x"(a5), "+x"(a6), "+x"(a7), "+x"(a8), "+x"(a9),
                       "+x"(a10), "+x"(a11));
  }
  __m256 s = _mm256_add_ps(
      _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
      _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  s = _mm256_add_ps(
      s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0];
}

/* Each iteration: CHAINS FMAs of 16 lanes = CHAINS * 32 flops. */
__attribute__((target("avx512f"), noinline)) static float
fma_avx512(int64_t iters) {
  __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-6f);
  __m512 a0 = _mm512_set1_ps(0), a1 = _mm512_set1_ps(1), a2 = _mm512_set1_ps(2),
         a3 = _mm512_set1_ps(3);
  __m512 a4 = _mm512_set1_ps(4), a5 = _mm512_set1_ps(5), a6 = _mm512_set1_ps(6),
         a7 = _mm512_set1_ps(7);
  __m512 a8 = _mm512_set1_ps(8), a9 = _mm512_set1_ps(9),
         a10 = _mm512_set1_ps(10), a11 = _mm512_set1_ps(11);
  for (int64_t i = 0; i < iters; ++i) {
    a0 = _mm512_fmadd_ps(a0, m, c);
    a1 = _mm512_fmadd_ps(a1, m, c);
    a2 = _mm512_fmadd_ps(a2, m, c);
    a3 = _mm512_fmadd_ps(a3, m, c);
    a4 = _mm512_fmadd_ps(a4, m, c);
    a5 = _mm512_fmadd_ps(a5, m, c);
    a6 = _mm512_fmadd_ps(a6, m, c);
    a7 = _mm512_fmadd_ps(a7, m, c);
    a8 = _mm512_fmadd_ps(a8, m, c);
    a9 = _mm512_fmadd_ps(a9, m, c);
    a10 = _mm512_fmadd_ps(a10, m, c);
    a11 = _mm512_fmadd_ps(a11, m, c);
    /* Register operands only: keeps the compiler from collapsing the chains
     * without forcing them to memory. */
    __asm__ volatile(""
                     : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4),
                       "+v"(a5), "+v"(a6), "+v"(a7), "+v"(a8), "+v"(a9),
                       "+v"(a10), "+v"(a11));
  }
  __m512 s = _mm512_add_ps(
      _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
      _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
  s = _mm512_add_ps(
      s, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)));
  float out[16];
  _mm512_storeu_ps(out, s);
  return out[0];
}

typedef struct job_t {
  int avx512;
  int cpu;
  int64_t iters;
  pthread_barrier_t *barrier;
  float sink;
  double start, end; /* each thread's own clock readings */
} job_t;

static void *worker(void *arg) {
  job_t *job = arg;
  if (job->cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(job->cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  }
  pthread_barrier_wait(job->barrier);
  job->start = now_s();
  job->sink = job->avx512 ? fma_avx512(job->iters) : fma_avx2(job->iters);
  job->end = now_s();
  return NULL;
}

/* GFLOP/s of `threads` threads each running `iters` iterations. */
static double measure(int avx512, int threads, int64_t iters) {
  pthread_t tid[256];
  job_t jobs[256];
  pthread_barrier_t barrier;
  pthread_barrier_init(&barrier, NULL, (unsigned)threads + 1);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  for (int t = 0; t < threads; ++t) {
    jobs[t] =
        (job_t){avx512, threads <= cpus ? t : -1, iters, &barrier, 0, 0, 0};
    pthread_create(&tid[t], NULL, worker, &jobs[t]);
  }
  pthread_barrier_wait(&barrier);
  /* Time from the first thread's start to the last one's end, as the
   * threads saw it: this (main) thread may not be scheduled while they run. */
  float sink = 0;
  double start = 0, end = 0;
  for (int t = 0; t < threads; ++t) {
    pthread_join(tid[t], NULL);
    sink += jobs[t].sink;
    if (t == 0 || jobs[t].start < start)
      start = jobs[t].start;
    if (jobs[t].end > end)
      end = jobs[t].end;
  }
  double secs = end - start;
  pthread_barrier_destroy(&barrier);
  if (sink == 12345.0f) /* never true; keeps the results alive */
    puts("");
  double flops = (double)threads * iters * CHAINS * (avx512 ? 32 : 16);
  return flops / secs / 1e9;
}

int main(int argc, char **argv) {
  int threads = 1;
  double seconds = 0.3;
  int reps = 5;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
      seconds = atof(argv[++i]);
    else {
      fprintf(stderr, "usage: %s [--threads T] [--seconds S]\n", argv[0]);
      return 2;
    }
  }
  if (threads < 1 || threads > 256) {
    fprintf(stderr, "peak: --threads must be 1..256\n");
    return 2;
  }
  __builtin_cpu_init();
  for (int avx512 = 0; avx512 <= 1; ++avx512) {
    const char *isa = avx512 ? "avx512" : "avx2";
    if (avx512 ? !__builtin_cpu_supports("avx512f")
               : !(__builtin_cpu_supports("avx2") &&
                   __builtin_cpu_supports("fma"))) {
      printf("peak %s unsupported\n", isa);
      continue;
    }
    /* Calibrate the iteration count to about `seconds` per repetition. */
    int64_t iters = 1 << 20;
    double g = measure(avx512, threads, iters);
    iters = (int64_t)(g * 1e9 * seconds /
                      ((double)threads * CHAINS * (avx512 ? 32 : 16)));
    if (iters < 1000)
      iters = 1000;
    if (iters > ((int64_t)1 << 34)) /* a bad calibration must not hang */
      iters = (int64_t)1 << 34;
    double best = 0;
    for (int r = 0; r < reps; ++r) {
      double x = measure(avx512, threads, iters);
      if (x > best)
        best = x;
    }
    printf("peak %s threads %d gflops %.2f\n", isa, threads, best);
  }
  return 0;
}
