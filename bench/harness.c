/* Timing harness for one kiln-compiled model: reads raw inputs, runs the
 * model warm-up + N timed times (CLOCK_MONOTONIC), prints the times and the
 * median, and writes the outputs for bench/run.py's correctness check.
 * Assumes the model header was force-included (-include MODEL.h) and
 * KILN_MODEL names it, as for test/e2e/harness.c.
 *
 * Build: cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -include MODEL.h
 *          -DKILN_MODEL=<name> bench/harness.c MODEL.o libkiln_rt.a -lm
 * Run:   ./harness [--warmup W] [--iters N] [--batch B] [--threads T]
 *                  [--serve] INPUT_DIR [OUTPUT_DIR]
 * INPUT_DIR holds input_<i>.bin, raw little-endian tensors in the order of
 * the model descriptor; OUTPUT_DIR gets output_<i>.bin after the last run.
 * --batch is required by (and passed to) a dynamic-batch model only.
 *
 * --serve: after loading, reads commands from stdin, one per line, so that
 * bench/run.py can interleave this process with the other runtimes:
 *   run N       run N times; answers "ok T1 ... TN" (nanoseconds per run)
 *   dump DIR    write the last outputs to DIR/output_<i>.bin; answers "ok"
 *   quit        exit
 * Errors answer "error MESSAGE". */
#ifndef _POSIX_C_SOURCE /* bench/run.py passes it: MODEL.h comes first */
#define _POSIX_C_SOURCE 200809L
#endif
#include <kiln/runtime.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KILN_CAT_(a, b) a##b
#define KILN_CAT(a, b) KILN_CAT_(a, b)
#define MODEL_DESCRIBE KILN_CAT(KILN_MODEL, _describe)

typedef struct bench_t {
  const kiln_model_desc_t *model;
  int64_t batch;
  void **inputs;
  void **outputs;
  size_t *output_bytes;
  void *arena;
} bench_t;

static int64_t count(const bench_t *b, const kiln_tensor_desc_t *t) {
  if (!b->model->dynamic_batch)
    return t->num_elements;
  int64_t n = b->batch;
  for (int32_t d = 1; d < t->rank; ++d)
    n *= t->shape[d];
  return n;
}

static void *read_input(const char *dir, int i, size_t bytes) {
  char path[4096];
  snprintf(path, sizeof path, "%s/input_%d.bin", dir, i);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "harness: cannot open %s\n", path);
    exit(2);
  }
  void *data = malloc(bytes ? bytes : 1);
  size_t got = fread(data, 1, bytes, f);
  int extra = fgetc(f);
  fclose(f);
  if (got != bytes || extra != EOF) {
    fprintf(stderr, "harness: %s does not hold %zu bytes\n", path, bytes);
    exit(2);
  }
  return data;
}

static int write_outputs(const bench_t *b, const char *dir) {
  for (int i = 0; i < b->model->num_outputs; ++i) {
    char path[4096];
    snprintf(path, sizeof path, "%s/output_%d.bin", dir, i);
    FILE *f = fopen(path, "wb");
    if (!f ||
        fwrite(b->outputs[i], 1, b->output_bytes[i], f) != b->output_bytes[i]) {
      fprintf(stderr, "harness: cannot write %s\n", path);
      if (f)
        fclose(f);
      return 1;
    }
    if (fclose(f) != 0)
      return 1;
  }
  return 0;
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* One call of the model; its wall time in ns, or -1 on a failed status. */
static int64_t run_once(bench_t *b) {
  int64_t start = now_ns();
  kiln_status_t status =
      b->model->dynamic_batch
          ? b->model->invoke_batch(b->batch, (const void *const *)b->inputs,
                                   (void *const *)b->outputs, b->arena)
          : b->model->invoke((const void *const *)b->inputs,
                             (void *const *)b->outputs, b->arena);
  int64_t end = now_ns();
  if (status != KILN_STATUS_OK) {
    fprintf(stderr, "harness: run failed: %s\n", kiln_status_message(status));
    return -1;
  }
  return end - start;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static int serve(bench_t *b) {
  char line[4096];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = 0;
    if (strncmp(line, "run ", 4) == 0) {
      long n = atol(line + 4);
      printf("ok");
      for (long k = 0; k < n; ++k) {
        int64_t t = run_once(b);
        if (t < 0) {
          printf("\nerror run failed\n");
          fflush(stdout);
          return 1;
        }
        printf(" %lld", (long long)t);
      }
      printf("\n");
    } else if (strncmp(line, "dump ", 5) == 0) {
      printf(write_outputs(b, line + 5) ? "error cannot write outputs\n"
                                        : "ok\n");
    } else if (strcmp(line, "quit") == 0) {
      return 0;
    } else {
      printf("error unknown command '%s'\n", line);
    }
    fflush(stdout);
  }
  return 0;
}

int main(int argc, char **argv) {
  long warmup = 3, iters = 10, threads = 1;
  int serve_mode = 0;
  bench_t b = {MODEL_DESCRIBE(), -1, NULL, NULL, NULL, NULL};
  const char *dirs[2] = {NULL, NULL};
  int ndirs = 0;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--warmup") && i + 1 < argc)
      warmup = atol(argv[++i]);
    else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
      iters = atol(argv[++i]);
    else if (!strcmp(argv[i], "--batch") && i + 1 < argc)
      b.batch = atoll(argv[++i]);
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = atol(argv[++i]);
    else if (!strcmp(argv[i], "--serve"))
      serve_mode = 1;
    else if (argv[i][0] != '-' && ndirs < 2)
      dirs[ndirs++] = argv[i];
    else {
      fprintf(stderr,
              "usage: %s [--warmup W] [--iters N] [--batch B] [--threads T] "
              "[--serve] INPUT_DIR [OUTPUT_DIR]\n",
              argv[0]);
      return 2;
    }
  }
  if (!ndirs || iters < 1 || warmup < 0) {
    fprintf(stderr, "harness: need INPUT_DIR, --iters >= 1, --warmup >= 0\n");
    return 2;
  }
  /* kiln's parallel kernels run on libkiln_rt's pool, sized here. */
  if (threads < 1 || kiln_set_num_threads((int)threads) != KILN_STATUS_OK) {
    fprintf(stderr, "harness: --threads must be >= 1 (got %ld)\n", threads);
    return 2;
  }
  if (b.model->dynamic_batch != (b.batch >= 0)) {
    fprintf(stderr,
            "harness: pass --batch exactly for a dynamic-batch model\n");
    return 2;
  }
  b.inputs = calloc((size_t)b.model->num_inputs + 1, sizeof(void *));
  b.outputs = calloc((size_t)b.model->num_outputs + 1, sizeof(void *));
  b.output_bytes = calloc((size_t)b.model->num_outputs + 1, sizeof(size_t));
  for (int i = 0; i < b.model->num_inputs; ++i) {
    const kiln_tensor_desc_t *t = &b.model->inputs[i];
    b.inputs[i] = read_input(dirs[0], i,
                             (size_t)count(&b, t) * kiln_dtype_size(t->dtype));
  }
  for (int i = 0; i < b.model->num_outputs; ++i) {
    const kiln_tensor_desc_t *t = &b.model->outputs[i];
    b.output_bytes[i] = (size_t)count(&b, t) * kiln_dtype_size(t->dtype);
    b.outputs[i] = calloc(b.output_bytes[i] + 1, 1);
  }
  b.arena = kiln_arena_allocate((size_t)b.model->arena_size,
                                (size_t)b.model->arena_alignment);
  if (!b.arena) {
    fprintf(stderr, "harness: cannot allocate %llu arena bytes\n",
            (unsigned long long)b.model->arena_size);
    return 1;
  }
  int rc = 0;
  if (serve_mode) {
    printf("ready %s arena %llu\n", b.model->name,
           (unsigned long long)b.model->arena_size);
    fflush(stdout);
    rc = serve(&b);
  } else {
    for (long k = 0; k < warmup; ++k)
      if (run_once(&b) < 0)
        return 1;
    int64_t *times = malloc((size_t)iters * sizeof(int64_t));
    for (long k = 0; k < iters; ++k) {
      if ((times[k] = run_once(&b)) < 0)
        return 1;
      printf("run %ld: %.4f ms\n", k, times[k] / 1e6);
    }
    qsort(times, (size_t)iters, sizeof(int64_t), cmp_i64);
    double median = iters % 2 ? times[iters / 2] / 1e6
                              : (times[iters / 2 - 1] + times[iters / 2]) / 2e6;
    printf("median: %.4f ms over %ld runs (%ld warm-up)\n", median, iters,
           warmup);
    free(times);
    if (ndirs == 2)
      rc = write_outputs(&b, dirs[1]);
  }
  kiln_arena_free(b.arena);
  for (int i = 0; i < b.model->num_inputs; ++i)
    free(b.inputs[i]);
  for (int i = 0; i < b.model->num_outputs; ++i)
    free(b.outputs[i]);
  free(b.inputs);
  free(b.outputs);
  free(b.output_bytes);
  return rc;
}
