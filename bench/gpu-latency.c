/* GPU latency of a model compiled with --target=cuda:sm_XX: device
 * buffers (inputs from a fixture folder or zeros), a caller's stream, and
 * two ways of calling: <name>_invoke launching its kernels each call, and
 * one CUDA graph of the call replayed (kiln_cuda_graph_capture). Prints
 * the median and best wall time of a call waited for, in milliseconds.
 *
 * Build: cc -O2 -include MODEL.h -DKILN_MODEL=<name> gpu-latency.c MODEL.o
 *        libkiln_rt.a -lm -ldl -lpthread
 * Run:   ./gpu-latency [FIXTURE_DIR|-] [CALLS] */
#include <kiln/cuda.h>
#include <kiln/runtime.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KILN_CAT_(a, b) a##b
#define KILN_CAT(a, b) KILN_CAT_(a, b)
#define MODEL_DESCRIBE KILN_CAT(KILN_MODEL, _describe)
#define STR_(x) #x
#define STR(x) STR_(x)

static double now_ms(void) {
  struct timespec t;
  timespec_get(&t, TIME_UTC);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void check(kiln_status_t s, const char *what) {
  if (s == KILN_STATUS_OK)
    return;
  printf("%s failed: %s: %s\n", what, kiln_status_message(s),
         kiln_cuda_last_error());
  exit(1);
}

static void *fixture_or_zeros(const char *dir, int i, size_t bytes) {
  void *data = calloc(1, bytes ? bytes : 1);
  if (!dir || strcmp(dir, "-") == 0)
    return data;
  char path[4096];
  snprintf(path, sizeof path, "%s/input_%d.bin", dir, i);
  FILE *f = fopen(path, "rb");
  if (!f || fread(data, 1, bytes, f) != bytes) {
    fprintf(stderr, "gpu-latency: cannot read %zu bytes from %s\n", bytes,
            path);
    exit(2);
  }
  fclose(f);
  return data;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : NULL;
  int calls = argc > 2 ? atoi(argv[2]) : 50;
  if (calls < 1)
    calls = 1;
  const kiln_model_desc_t *model = MODEL_DESCRIBE();
  check(kiln_cuda_init(), "init");
  void *stream = NULL;
  check(kiln_cuda_stream_create(&stream), "stream");
  void **inputs = calloc((size_t)model->num_inputs + 1, sizeof(void *));
  void **outputs = calloc((size_t)model->num_outputs + 1, sizeof(void *));
  void *arena = NULL;
  check(kiln_cuda_malloc(&arena, (size_t)model->arena_size), "malloc");
  for (int i = 0; i < model->num_inputs; ++i) {
    size_t bytes = (size_t)model->inputs[i].num_elements *
                   kiln_dtype_size(model->inputs[i].dtype);
    void *host = fixture_or_zeros(dir, i, bytes);
    check(kiln_cuda_malloc(&inputs[i], bytes), "malloc");
    check(kiln_cuda_copy_to_device(inputs[i], host, bytes), "copy");
    free(host);
  }
  for (int i = 0; i < model->num_outputs; ++i)
    check(kiln_cuda_malloc(&outputs[i],
                           (size_t)model->outputs[i].num_elements *
                               kiln_dtype_size(model->outputs[i].dtype)),
          "malloc");
  void *previous = kiln_cuda_set_stream(stream);
  double *ms = calloc((size_t)calls, sizeof(double));
  /* Launch by launch (the first calls load the module and the weights). */
  for (int i = 0; i < 3; ++i) {
    check(model->invoke((const void *const *)inputs, (void *const *)outputs,
                        arena),
          "warm-up");
    check(kiln_cuda_synchronize(), "synchronize");
  }
  for (int i = 0; i < calls; ++i) {
    double t0 = now_ms();
    check(model->invoke((const void *const *)inputs, (void *const *)outputs,
                        arena),
          "call");
    check(kiln_cuda_synchronize(), "synchronize");
    ms[i] = now_ms() - t0;
  }
  qsort(ms, (size_t)calls, sizeof(double), by_value);
  printf("%s: launches: median %.4f ms, best %.4f ms (%d calls)\n",
         STR(KILN_MODEL), ms[calls / 2], ms[0], calls);
  /* One CUDA graph, replayed. */
  kiln_cuda_graph_t *graph = NULL;
  check(kiln_cuda_graph_capture(model->invoke, (const void *const *)inputs,
                                (void *const *)outputs, arena, stream, &graph),
        "graph capture");
  for (int i = 0; i < 3; ++i) {
    check(kiln_cuda_graph_launch(graph, stream), "graph warm-up");
    check(kiln_cuda_synchronize(), "synchronize");
  }
  for (int i = 0; i < calls; ++i) {
    double t0 = now_ms();
    check(kiln_cuda_graph_launch(graph, stream), "graph replay");
    check(kiln_cuda_synchronize(), "synchronize");
    ms[i] = now_ms() - t0;
  }
  qsort(ms, (size_t)calls, sizeof(double), by_value);
  printf("%s: graph: median %.4f ms, best %.4f ms (%d calls)\n",
         STR(KILN_MODEL), ms[calls / 2], ms[0], calls);
  kiln_cuda_set_stream(previous);
  kiln_cuda_graph_destroy(graph);
  kiln_cuda_stream_destroy(stream);
  for (int i = 0; i < model->num_inputs; ++i)
    kiln_cuda_free(inputs[i]);
  for (int i = 0; i < model->num_outputs; ++i)
    kiln_cuda_free(outputs[i]);
  kiln_cuda_free(arena);
  free(inputs);
  free(outputs);
  free(ms);
  return 0;
}
