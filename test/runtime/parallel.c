/* kiln_parallel_for against a naive count: every iteration runs exactly
 * once, ranges respect the grain, results do not depend on the thread
 * count, workers that wake late leave finished jobs alone, concurrent
 * and nested calls complete, and a caller's own
 * parallel-for replaces the pool. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kiln/runtime.h"

typedef struct {
  atomic_int *hits;
  int64_t grain, count;
  atomic_int short_ranges;
} cover_t;

static void cover(void *context, int64_t begin, int64_t end) {
  cover_t *c = context;
  if (end - begin < c->grain && end != c->count)
    atomic_fetch_add(&c->short_ranges, 1);
  for (int64_t i = begin; i < end; ++i)
    atomic_fetch_add(&c->hits[i], 1);
}

static int check_cover(int64_t count, int64_t grain) {
  cover_t c = {calloc((size_t)count + 1, sizeof(atomic_int)), grain, count, 0};
  kiln_parallel_for(cover, &c, count, grain);
  int bad = 0;
  for (int64_t i = 0; i < count; ++i)
    bad += atomic_load(&c.hits[i]) != 1;
  bad += atomic_load(&c.short_ranges);
  free(c.hits);
  return bad;
}

/* A reduction whose per-range partial sums are combined in a fixed order
 * gives the same answer on any number of threads. */
typedef struct {
  double *partial;
  const float *x;
} sum_t;

static void sum_rows(void *context, int64_t begin, int64_t end) {
  sum_t *s = context;
  for (int64_t r = begin; r < end; ++r) {
    double acc = 0;
    for (int j = 0; j < 1000; ++j)
      acc += s->x[r * 1000 + j];
    s->partial[r] = acc;
  }
}

static void *concurrent_caller(void *arg) {
  int *bad = arg;
  for (int round = 0; round < 200; ++round)
    *bad += check_cover(1000 + round, 3);
  return NULL;
}

static void nested_inner(void *context, int64_t begin, int64_t end) {
  atomic_int *total = context;
  for (int64_t i = begin; i < end; ++i)
    atomic_fetch_add(total, 1);
}

static void nested_outer(void *context, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i)
    kiln_parallel_for(nested_inner, context, 100, 1);
}

static int custom_calls;
static void serial_parallel_for(void *user, kiln_parallel_task_t task,
                                void *context, int64_t count, int64_t grain) {
  ++*(int *)user;
  for (int64_t b = 0; b < count; b += grain)
    task(context, b, b + grain < count ? b + grain : count);
}

int main(void) {
  int failures = 0;
  if (kiln_set_num_threads(-1) != KILN_STATUS_INVALID_ARGUMENT) {
    printf("FAIL: negative thread count accepted\n");
    ++failures;
  }
  static const int threads[] = {1, 2, 3, 8};
  static const int64_t counts[] = {1, 2, 7, 64, 1000, 100003};
  static const int64_t grains[] = {1, 5, 64, 1 << 20};
  for (size_t t = 0; t < sizeof threads / sizeof *threads; ++t) {
    kiln_set_num_threads(threads[t]);
    if (kiln_get_num_threads() != threads[t]) {
      printf("FAIL: kiln_get_num_threads %d != %d\n", kiln_get_num_threads(),
             threads[t]);
      ++failures;
    }
    int bad = 0;
    for (size_t c = 0; c < sizeof counts / sizeof *counts; ++c)
      for (size_t g = 0; g < sizeof grains / sizeof *grains; ++g)
        for (int repeat = 0; repeat < 20; ++repeat)
          bad += check_cover(counts[c], grains[g]);
    printf("%d threads: coverage %s\n", threads[t], bad ? "FAIL" : "ok");
    failures += bad != 0;
  }

  /* Same sums on 1 and 4 threads. */
  enum { ROWS = 4096 };
  float *x = malloc(sizeof(float) * ROWS * 1000);
  for (int i = 0; i < ROWS * 1000; ++i)
    x[i] = (float)(((long long)i * 7919) % 1000) / 1000.0f - 0.5f;
  double *one = calloc(ROWS, sizeof(double)), *four = calloc(ROWS, sizeof(double));
  sum_t s1 = {one, x}, s4 = {four, x};
  kiln_set_num_threads(1);
  kiln_parallel_for(sum_rows, &s1, ROWS, 16);
  kiln_set_num_threads(4);
  kiln_parallel_for(sum_rows, &s4, ROWS, 16);
  int same = memcmp(one, four, sizeof(double) * ROWS) == 0;
  printf("row sums on 1 and 4 threads: %s\n", same ? "identical" : "FAIL");
  failures += !same;
  free(x), free(one), free(four);

  /* Workers asleep (past their spin) wake late, while the caller has
   * already run short jobs alone and posted the next ones: they must take
   * no piece twice and none of a job that is over. */
  int late = 0;
  for (size_t t = 1; t < sizeof threads / sizeof *threads; ++t) {
    kiln_set_num_threads(threads[t]);
    for (int round = 0; round < 400; ++round) {
      if (round % 20 == 0) {
        struct timespec pause = {0, 3000000};
        nanosleep(&pause, NULL);
      }
      late += check_cover(1 + round % 37, 1);
    }
  }
  printf("late workers: %s\n", late ? "FAIL" : "ok");
  failures += late != 0;

  /* Four threads call at once; each call must still cover its range. */
  kiln_set_num_threads(2);
  pthread_t callers[4];
  int bad[4] = {0};
  for (int i = 0; i < 4; ++i)
    pthread_create(&callers[i], NULL, concurrent_caller, &bad[i]);
  for (int i = 0; i < 4; ++i)
    pthread_join(callers[i], NULL);
  int concurrent = bad[0] + bad[1] + bad[2] + bad[3];
  printf("4 concurrent callers: %s\n", concurrent ? "FAIL" : "ok");
  failures += concurrent != 0;

  /* A task that itself calls kiln_parallel_for. */
  atomic_int total = 0;
  kiln_parallel_for(nested_outer, &total, 50, 1);
  printf("nested calls: %d of 5000\n", atomic_load(&total));
  failures += atomic_load(&total) != 5000;

  /* The caller's own parallel-for. */
  kiln_set_parallel_for(serial_parallel_for, &custom_calls);
  int custom = check_cover(1000, 10);
  kiln_set_parallel_for(NULL, NULL);
  printf("custom parallel-for: %d call(s), coverage %s\n", custom_calls,
         custom ? "FAIL" : "ok");
  failures += custom != 0 || custom_calls != 1;

  printf("%s\n", failures ? "FAILED" : "all ok");
  return failures != 0;
}
