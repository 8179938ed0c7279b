/* One compiled model run from 8 threads at once, each with its own arena,
 * 1000 runs per thread over 4 distinct inputs: every result must be
 * bit-identical to the single-threaded result for the same input. Built
 * with -include <model>.h -DKILN_MODEL=<name> (1 float input, 1 float
 * output); the entry points are documented reentrant. */
#include <kiln/runtime.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define RUN CAT(KILN_MODEL, _run)
#define UPPER_IN_ELEMS CAT(MODEL_PREFIX, _INPUT_0_NUM_ELEMENTS)
#define UPPER_OUT_ELEMS CAT(MODEL_PREFIX, _OUTPUT_0_NUM_ELEMENTS)
#define UPPER_ARENA CAT(MODEL_PREFIX, _ARENA_SIZE)

enum { kThreads = 8, kRuns = 1000, kInputs = 4 };

static float inputs[kInputs][UPPER_IN_ELEMS];
static float expected[kInputs][UPPER_OUT_ELEMS];

typedef struct {
  int id;
  long mismatches;
  kiln_status_t status;
} worker_t;

static void *work(void *arg) {
  worker_t *w = arg;
  unsigned char *arena = aligned_alloc(64, UPPER_ARENA ? UPPER_ARENA : 64);
  float *out = malloc(sizeof(float) * UPPER_OUT_ELEMS);
  for (int r = 0; r < kRuns; ++r) {
    int k = (r + w->id) % kInputs;
    kiln_status_t s = RUN(inputs[k], out, arena);
    if (s != KILN_STATUS_OK) {
      w->status = s;
      break;
    }
    if (memcmp(out, expected[k], sizeof(float) * UPPER_OUT_ELEMS) != 0)
      ++w->mismatches;
  }
  free(out);
  free(arena);
  return NULL;
}

int main(void) {
  unsigned seed = 12345u;
  for (int k = 0; k < kInputs; ++k)
    for (long i = 0; i < UPPER_IN_ELEMS; ++i) {
      seed = seed * 1664525u + 1013904223u;
      inputs[k][i] = (float)(seed >> 8) / 16777216.0f - 0.5f;
    }
  unsigned char *arena = aligned_alloc(64, UPPER_ARENA ? UPPER_ARENA : 64);
  for (int k = 0; k < kInputs; ++k)
    if (RUN(inputs[k], expected[k], arena) != KILN_STATUS_OK) {
      fprintf(stderr, "single-threaded run failed\n");
      return 1;
    }
  /* Distinct inputs must give distinct outputs, or the test proves little. */
  if (memcmp(expected[0], expected[1], sizeof expected[0]) == 0) {
    fprintf(stderr, "inputs 0 and 1 gave identical outputs\n");
    return 1;
  }
  free(arena);
  pthread_t threads[kThreads];
  worker_t workers[kThreads];
  for (int t = 0; t < kThreads; ++t) {
    workers[t] = (worker_t){t, 0, KILN_STATUS_OK};
    pthread_create(&threads[t], NULL, work, &workers[t]);
  }
  long total = 0;
  int failed = 0;
  for (int t = 0; t < kThreads; ++t) {
    pthread_join(threads[t], NULL);
    total += workers[t].mismatches;
    failed |= workers[t].status != KILN_STATUS_OK;
  }
  printf("%d threads x %d runs: %ld mismatches, %s\n", kThreads, kRuns, total,
         failed ? "a run failed" : "all runs ok");
  return total == 0 && !failed ? 0 : 1;
}
