/* A worker that wakes on the CPU its caller runs on moves off it: the caller
 * is pinned to the CPU the pool's worker last ran on, the worker is left to
 * fall asleep, and the next job's pieces are recorded with the CPU each
 * started on and in the order they started. The worker's first piece must
 * not start on the caller's CPU (later ones may, if the load balancer moves
 * it back while another process keeps the other CPU busy). Without the
 * move, the scheduler tends to wake the worker on that same (its previous)
 * CPU and leave it there, sharing it with the caller while another CPU
 * idles. Trials where the worker takes no piece (it woke after the caller
 * had taken them all) are counted apart. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "kiln/runtime.h"

enum { PIECES = 16, TRIALS = 20 };

typedef struct {
  pthread_t caller;
  int cpu[PIECES];    /* CPU each piece started on */
  int order[PIECES];  /* when it started, counting the job's pieces */
  int by_worker[PIECES];
  atomic_int started;
} job_t;

static void busy_ms(double ms) {
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  do
    clock_gettime(CLOCK_MONOTONIC, &b);
  while ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6 < ms);
}

static void piece(void *context, int64_t begin, int64_t end) {
  job_t *job = context;
  for (int64_t i = begin; i < end; ++i) {
    job->cpu[i] = sched_getcpu();
    job->order[i] = atomic_fetch_add(&job->started, 1);
    job->by_worker[i] = !pthread_equal(pthread_self(), job->caller);
    busy_ms(0.5);
  }
}

int main(void) {
  cpu_set_t all;
  if (sched_getaffinity(0, sizeof all, &all) != 0 || CPU_COUNT(&all) < 2) {
    printf("worker off the caller's CPU: not testable on one CPU\n");
    return 1;
  }
  kiln_set_num_threads(2);
  static job_t job;
  job.caller = pthread_self();
  kiln_parallel_for(piece, &job, PIECES, 1); /* starts the worker */
  int worker_cpu = -1, shared = 0, without = 0;
  for (int trial = 0; trial < TRIALS; ++trial) {
    for (int i = 0; i < PIECES; ++i)
      if (job.by_worker[i])
        worker_cpu = job.cpu[i];
    if (worker_cpu < 0 || !CPU_ISSET(worker_cpu, &all))
      for (worker_cpu = 0; !CPU_ISSET(worker_cpu, &all); ++worker_cpu)
        ;
    /* The worker sleeps after 5 ms without a job. */
    struct timespec pause = {0, 20000000};
    nanosleep(&pause, NULL);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(worker_cpu, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0) {
      printf("cannot pin the caller to CPU %d\n", worker_cpu);
      return 1;
    }
    atomic_store(&job.started, 0);
    kiln_parallel_for(piece, &job, PIECES, 1);
    sched_setaffinity(0, sizeof all, &all);
    int first = -1;
    for (int i = 0; i < PIECES; ++i)
      if (job.by_worker[i] && (first < 0 || job.order[i] < job.order[first]))
        first = i;
    if (first < 0)
      ++without;
    else
      shared += job.cpu[first] == worker_cpu;
  }
  printf("worker off the caller's CPU: %d of %d trials with worker pieces, "
         "%d starting on the caller's CPU\n",
         TRIALS - without, TRIALS, shared);
  return shared != 0 || without == TRIALS;
}
