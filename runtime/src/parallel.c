/* The thread pool behind kiln_parallel_for: the generated code hands it the
 * outer loop of each large kernel. Workers start on first use, spin for a
 * few milliseconds between kernels (a model runs hundreds of them back to
 * back) and then sleep; the calling thread always takes part. One parallel loop runs at a
 * time: a call made while the pool is busy (another thread's model, or a
 * task that itself calls a model) runs on its caller alone, so there is no
 * deadlock and no oversubscription.
 */
#if defined(__linux__)
#define _GNU_SOURCE /* sched_getcpu, sched_setaffinity */
#else
#define _POSIX_C_SOURCE 200809L
#endif

#include "kiln/runtime.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define KILN_MAX_THREADS 64
/* How long a worker spins for the next job before it sleeps: longer than
 * one kernel takes on one thread, so that a worker that finished its
 * pieces early (or started late) is still awake for the next kernel. With
 * a fixed 20000 PAUSEs (0.3 ms on a KVM guest's Emerald Rapids), a worker
 * that fell behind once slept between most of a call's kernels, woke for
 * each too late to take part, and the call ran on one thread: ResNet-50
 * at batch 1 on 2 threads, 28 ms back to back, 28-49 ms after 100 ms idle.
 * OpenMP runtimes spin 0.2 ms (libgomp) to 200 ms (Intel's) by default;
 * onnxruntime's workers spin about 40 ms after a call. */
#define KILN_SPIN_NS 5000000LL
/* PAUSEs between reads of the clock while spinning. */
#define KILN_SPIN_CHECK 64

/* One thread's share of a job: units [front, back) of the job's iterations,
 * packed as front | back << 32 so that the owner (taking chunks from the
 * front) and a thief (taking half from the back) agree through one
 * compare-and-swap. On a cache line of its own. */
typedef struct kiln_range {
  _Alignas(64) atomic_ullong bounds;
} kiln_range;

typedef struct kiln_job {
  kiln_parallel_task_t task;
  void *context;
  int64_t count;
  int64_t unit;          /* iterations per unit (a multiple of the grain) */
  uint32_t units;        /* [0, count) in units: the ranges count these */
  uint32_t chunk;        /* units an owner takes at a time */
  int parts;             /* threads taking part: the caller is part 0 */
  atomic_llong done;     /* units finished */
  atomic_int active;     /* workers inside this job (see worker_main) */
  int caller_cpu;        /* the CPU the caller posted the job from, or -1 */
  kiln_range range[KILN_MAX_THREADS];
} kiln_job;

static struct {
  pthread_mutex_t lock;
  pthread_cond_t wake;
  int started;           /* workers running (guarded by lock) */
  /* generation << 16 | number of workers taking part; bumped per job, and
   * again (with 0 workers) when the job is over. */
  atomic_ullong ticket;
  atomic_int sleepers;   /* workers blocked on `wake` */
  atomic_flag busy;      /* a job is in flight */
  kiln_job job;
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0,
          ATOMIC_FLAG_INIT, {0}};

static atomic_int requested_threads; /* 0: the default */
static kiln_parallel_for_fn_t user_parallel_for;
static void *user_parallel_data;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Iterations of the caller's wait for the pieces workers hold before it
 * yields its CPU instead: a worker woken onto the caller's own CPU (the
 * scheduler does that when the other one is idle in a deep state) runs
 * only once the caller lets it. */
#define KILN_WAIT_SPINS 2000

/* The caller's wait: spin briefly, then yield between checks. */
static void wait_pause(int *spins) {
  if (*spins < KILN_WAIT_SPINS) {
    ++*spins;
    cpu_relax();
  } else {
    sched_yield();
  }
}

static inline unsigned long long pack(uint32_t front, uint32_t back) {
  return (unsigned long long)front | (unsigned long long)back << 32;
}

/* Runs part `self` of the job: chunks from the front of its own range, then
 * halves stolen from the back of the fullest other range, until every range
 * is empty. Each thread starts on a contiguous share (neighbouring tiles
 * share inputs in cache), and a thread that stalls (its virtual CPU taken
 * by the host, a late wake-up) holds up the others by about one chunk: the
 * rest of its share goes to whoever is free. With fixed pieces of a
 * quarter of the job, the caller of ResNet-50 at batch 1 on 2 threads
 * waited up to 13 ms of a 43 ms call for a stalled worker's piece. */
static void run_part(kiln_job *job, int self) {
  atomic_ullong *own = &job->range[self].bounds;
  for (;;) {
    unsigned long long r = atomic_load_explicit(own, memory_order_acquire);
    uint32_t front = (uint32_t)r, back = (uint32_t)(r >> 32);
    if (front < back) {
      uint32_t n = back - front < job->chunk ? back - front : job->chunk;
      if (atomic_compare_exchange_weak_explicit(own, &r, pack(front + n, back),
                                                memory_order_acq_rel,
                                                memory_order_acquire)) {
        int64_t begin = (int64_t)front * job->unit;
        int64_t left = job->count - begin;
        int64_t size = (int64_t)n <= left / job->unit ? (int64_t)n * job->unit
                                                      : left;
        job->task(job->context, begin, begin + size);
        atomic_fetch_add_explicit(&job->done, n, memory_order_release);
      }
      continue;
    }
    /* Own range empty (no thief touches an empty range, so it is ours to
     * refill): steal the back half of the fullest other one. */
    int victim = -1;
    uint32_t most = 0;
    unsigned long long seen = 0;
    for (int p = 0; p < job->parts; ++p) {
      if (p == self)
        continue;
      unsigned long long v = atomic_load_explicit(&job->range[p].bounds,
                                                  memory_order_acquire);
      uint32_t left = (uint32_t)(v >> 32) - (uint32_t)v;
      if ((uint32_t)v < (uint32_t)(v >> 32) && left > most) {
        most = left;
        victim = p;
        seen = v;
      }
    }
    if (victim < 0)
      return;
    uint32_t vfront = (uint32_t)seen, vback = (uint32_t)(seen >> 32);
    uint32_t take = most < 2 ? most : most / 2;
    if (atomic_compare_exchange_strong_explicit(
            &job->range[victim].bounds, &seen, pack(vfront, vback - take),
            memory_order_acq_rel, memory_order_acquire))
      atomic_store_explicit(own, pack(vback - take, vback),
                            memory_order_release);
  }
}

static long long monotonic_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}

/* The CPU the calling thread runs on, or -1 where that cannot be known. */
static int current_cpu(void) {
#if defined(__linux__)
  return sched_getcpu();
#else
  return -1;
#endif
}

/* Moves the calling worker off `cpu`, the CPU of the job's caller, onto
 * another one it may run on. The scheduler can wake a sleeping worker onto
 * its previous CPU while the caller runs there (measured on a 2-vCPU KVM
 * guest: in most calls after 100 ms idle) and then leaves it there while
 * the other CPU idles: the worker's spinning halved the caller's time
 * slices, and MobileNetV2 at batch 1 on 2 threads took 7.5 ms instead of
 * 3.4 on one thread (1.9 when both run). Excluding the CPU from the
 * worker's affinity migrates it at once; the worker's own mask is then
 * restored, so it stays free to go anywhere later. */
static void leave_cpu(int cpu) {
#if defined(__linux__)
  cpu_set_t allowed, others;
  if (cpu < 0 || cpu >= CPU_SETSIZE ||
      sched_getaffinity(0, sizeof allowed, &allowed) != 0 ||
      !CPU_ISSET(cpu, &allowed) || CPU_COUNT(&allowed) < 2)
    return;
  others = allowed;
  CPU_CLR(cpu, &others);
  if (sched_setaffinity(0, sizeof others, &others) == 0)
    sched_setaffinity(0, sizeof allowed, &allowed);
#else
  (void)cpu;
#endif
}

/* `arg` packs the worker's index (low 8 bits) and the generation current
 * when it was created: a job posted before the thread first runs is still
 * one it has not seen.
 *
 * The caller waits for the job's pieces, not for its workers: a worker
 * that wakes late (a sleeping thread on a virtual CPU the host had
 * descheduled can take milliseconds) finds the pieces taken, or the job
 * over, and the caller has not waited for it. A worker enters a job by
 * counting itself in `active` and then checking that the ticket has not
 * moved on; the caller ends a job by moving the ticket on and then waiting
 * for `active` to drain, so no worker reads a job's fields once the next
 * job may be writing them. */
static void *worker_main(void *arg) {
  int index = (int)((uintptr_t)arg & 0xff);
  unsigned long long seen = (unsigned long long)((uintptr_t)arg >> 8);
  for (;;) {
    unsigned long long ticket = atomic_load(&pool.ticket);
    long long since = (ticket >> 16) == seen ? monotonic_ns() : 0;
    for (int spins = 1; (ticket >> 16) == seen; ++spins) {
      if (spins % KILN_SPIN_CHECK != 0 ||
          monotonic_ns() - since < KILN_SPIN_NS) {
        cpu_relax();
      } else {
        pthread_mutex_lock(&pool.lock);
        atomic_fetch_add(&pool.sleepers, 1);
        while (((ticket = atomic_load(&pool.ticket)) >> 16) == seen)
          pthread_cond_wait(&pool.wake, &pool.lock);
        atomic_fetch_sub(&pool.sleepers, 1);
        pthread_mutex_unlock(&pool.lock);
        break;
      }
      ticket = atomic_load(&pool.ticket);
    }
    seen = ticket >> 16;
    /* Workers past the job's count (0 once it is over) leave it alone. */
    if (index >= (int)(ticket & 0xffff))
      continue;
    atomic_fetch_add(&pool.job.active, 1);
    if (atomic_load(&pool.ticket) == ticket) {
      int caller = pool.job.caller_cpu;
      if (caller >= 0 && current_cpu() == caller)
        leave_cpu(caller);
      run_part(&pool.job, index + 1);
    }
    atomic_fetch_sub_explicit(&pool.job.active, 1, memory_order_release);
  }
  return NULL;
}

/* Starts workers until `count` run; returns how many do (fewer if the
 * system refuses threads). */
static int start_workers(int count) {
  pthread_mutex_lock(&pool.lock);
  while (pool.started < count) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    uintptr_t generation = (uintptr_t)(atomic_load(&pool.ticket) >> 16);
    int rc = pthread_create(&thread, &attr, worker_main,
                            (void *)(generation << 8 | (uintptr_t)pool.started));
    pthread_attr_destroy(&attr);
    if (rc != 0)
      break;
    ++pool.started;
  }
  int started = pool.started;
  pthread_mutex_unlock(&pool.lock);
  return started;
}

/* KILN_NUM_THREADS, else the online CPUs: read once, at first use (every
 * kernel asks, and sysconf may read /sys). */
static int default_threads(void) {
  static atomic_int cached;
  int n = atomic_load_explicit(&cached, memory_order_relaxed);
  if (n > 0)
    return n;
  n = 0;
  const char *env = getenv("KILN_NUM_THREADS");
  if (env && *env) {
    char *end = NULL;
    long v = strtol(env, &end, 10);
    if (end && *end == '\0' && v >= 1)
      n = v > KILN_MAX_THREADS ? KILN_MAX_THREADS : (int)v;
  }
  if (n == 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    n = cpus < 1 ? 1 : cpus > KILN_MAX_THREADS ? KILN_MAX_THREADS : (int)cpus;
  }
  atomic_store_explicit(&cached, n, memory_order_relaxed);
  return n;
}

int kiln_get_num_threads(void) {
  int n = atomic_load(&requested_threads);
  return n > 0 ? n : default_threads();
}

int kiln_set_num_threads(int threads) {
  if (threads < 0)
    return KILN_STATUS_INVALID_ARGUMENT;
  atomic_store(&requested_threads,
               threads > KILN_MAX_THREADS ? KILN_MAX_THREADS : threads);
  return KILN_STATUS_OK;
}

void kiln_set_parallel_for(kiln_parallel_for_fn_t fn, void *user_data) {
  user_parallel_data = user_data;
  user_parallel_for = fn;
}

void kiln_parallel_for(kiln_parallel_task_t task, void *context, int64_t count,
                       int64_t grain) {
  if (count <= 0)
    return;
  if (grain < 1)
    grain = 1;
  if (user_parallel_for) {
    user_parallel_for(user_parallel_data, task, context, count, grain);
    return;
  }
  /* Pieces of at least `grain` iterations: at most count / grain of them. */
  int64_t most = count / grain;
  if (most < 1)
    most = 1;
  int threads = kiln_get_num_threads();
  int64_t parts = most < threads ? most : threads;
  if (parts <= 1 || atomic_flag_test_and_set(&pool.busy)) {
    task(context, 0, count);
    return;
  }
  int workers = start_workers((int)parts - 1);
  if (workers > (int)parts - 1)
    workers = (int)parts - 1;
  if (workers < 1) {
    atomic_flag_clear(&pool.busy);
    task(context, 0, count);
    return;
  }
  kiln_job *job = &pool.job;
  job->task = task;
  job->context = context;
  job->count = count;
  job->parts = workers + 1;
  /* Ranges are whole units of the grain (every range but the last is at
   * least the grain long), and at most 2^30 units. */
  int64_t unit = grain;
  while ((count - 1) / unit + 1 > ((int64_t)1 << 30))
    unit *= 2;
  job->unit = unit;
  job->units = (uint32_t)((count - 1) / unit + 1);
  /* Owners take about a sixteenth of their share at a time: few claims,
   * and a stalled thread holds little. */
  uint32_t chunk = job->units / ((uint32_t)job->parts * 16);
  job->chunk = chunk > 1 ? chunk : 1;
  for (int p = 0; p < job->parts; ++p)
    atomic_store_explicit(
        &job->range[p].bounds,
        pack((uint32_t)((int64_t)job->units * p / job->parts),
             (uint32_t)((int64_t)job->units * (p + 1) / job->parts)),
        memory_order_relaxed);
  atomic_store(&job->done, 0);
  job->caller_cpu = current_cpu();
  unsigned long long generation = (atomic_load(&pool.ticket) >> 16) + 1;
  atomic_store(&pool.ticket, (generation << 16) | (unsigned)workers);
  if (atomic_load(&pool.sleepers) > 0) {
    pthread_mutex_lock(&pool.lock);
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
  }
  run_part(job, 0);
  int spins = 0;
  while (atomic_load_explicit(&job->done, memory_order_acquire) < job->units)
    wait_pause(&spins);
  /* The job is over: late workers must not enter it, and those inside
   * (past their last piece) must be out before the next job is written. */
  atomic_store(&pool.ticket, (generation + 1) << 16);
  while (atomic_load_explicit(&job->active, memory_order_acquire) > 0)
    wait_pause(&spins);
  atomic_flag_clear(&pool.busy);
}
