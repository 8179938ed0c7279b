/* Generic end-to-end harness: runs a compiled model on the raw float32
 * inputs of a fixture folder and compares every output element with the
 * reference outputs there (input_<i>.bin / output_<i>.bin, written by
 * test/fixtures/onnx/generate.py from onnxruntime).
 *
 * Build: cc -include MODEL.h -DKILN_MODEL=<name> harness.c MODEL.o libkiln_rt.a -lm
 * Run:   ./harness FIXTURE_DIR ATOL RTOL [BATCH]
 * BATCH is required by, and passed to, a dynamic-batch model. Prints one line per output and exits non-zero on any mismatch.
 * With -DKILN_CUDA (a model compiled with --target=cuda:*), inputs, outputs
 * and the arena are copied to and from device memory around the call. */
#include <kiln/runtime.h>
#ifdef KILN_CUDA
#include <kiln/cuda.h>
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define KILN_CAT_(a, b) a##b
#define KILN_CAT(a, b) KILN_CAT_(a, b)
#define MODEL_DESCRIBE KILN_CAT(KILN_MODEL, _describe)

static void *read_file(const char *dir, const char *kind, int i, size_t bytes) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s_%d.bin", dir, kind, i);
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

/* Elements of `t` for `batch` samples (dynamic-batch models), else its
 * static count. */
static int64_t count(const kiln_model_desc_t *model,
                     const kiln_tensor_desc_t *t, int64_t batch) {
  if (!model->dynamic_batch)
    return t->num_elements;
  int64_t n = batch;
  for (int32_t d = 1; d < t->rank; ++d)
    n *= t->shape[d];
  return n;
}

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: %s FIXTURE_DIR ATOL RTOL [BATCH]\n", argv[0]);
    return 2;
  }
  const char *dir = argv[1];
  double atol = atof(argv[2]), rtol = atof(argv[3]);
  const kiln_model_desc_t *model = MODEL_DESCRIBE();
  int64_t batch = argc == 5 ? atoll(argv[4]) : -1;
  if (model->dynamic_batch != (batch >= 0)) {
    fprintf(stderr, "harness: pass BATCH exactly for a dynamic-batch model\n");
    return 2;
  }
  void **inputs = calloc((size_t)model->num_inputs + 1, sizeof(void *));
  void **outputs = calloc((size_t)model->num_outputs + 1, sizeof(void *));
  for (int i = 0; i < model->num_inputs; ++i) {
    const kiln_tensor_desc_t *t = &model->inputs[i];
    inputs[i] = read_file(dir, "input", i,
                          (size_t)count(model, t, batch) *
                              kiln_dtype_size(t->dtype));
  }
  for (int i = 0; i < model->num_outputs; ++i) {
    const kiln_tensor_desc_t *t = &model->outputs[i];
    outputs[i] =
        calloc((size_t)count(model, t, batch) + 1, kiln_dtype_size(t->dtype));
  }
#ifdef KILN_CUDA
  /* The same call on device copies of every buffer. */
  void **host_outputs = outputs;
  void **device_inputs = calloc((size_t)model->num_inputs + 1, sizeof(void *));
  void **device_outputs =
      calloc((size_t)model->num_outputs + 1, sizeof(void *));
  void *arena = NULL;
  kiln_status_t status = kiln_cuda_malloc(&arena, (size_t)model->arena_size);
  for (int i = 0; status == KILN_STATUS_OK && i < model->num_inputs; ++i) {
    size_t bytes = (size_t)count(model, &model->inputs[i], batch) *
                   kiln_dtype_size(model->inputs[i].dtype);
    status = kiln_cuda_malloc(&device_inputs[i], bytes);
    if (status == KILN_STATUS_OK)
      status = kiln_cuda_copy_to_device(device_inputs[i], inputs[i], bytes);
  }
  for (int i = 0; status == KILN_STATUS_OK && i < model->num_outputs; ++i)
    status = kiln_cuda_malloc(
        &device_outputs[i], (size_t)count(model, &model->outputs[i], batch) *
                                kiln_dtype_size(model->outputs[i].dtype));
  if (status == KILN_STATUS_OK)
    status = kiln_model_invoke(model, batch, (const void *const *)device_inputs,
                               (void *const *)device_outputs, arena);
  if (status == KILN_STATUS_OK)
    status = kiln_cuda_synchronize();
  for (int i = 0; status == KILN_STATUS_OK && i < model->num_outputs; ++i)
    status = kiln_cuda_copy_to_host(
        host_outputs[i], device_outputs[i],
        (size_t)count(model, &model->outputs[i], batch) *
            kiln_dtype_size(model->outputs[i].dtype));
  /* On failure the buffers are still released (LeakSanitizer checks). */
  if (status != KILN_STATUS_OK)
    printf("run failed: %s: %s\n", kiln_status_message(status),
           kiln_cuda_last_error());
#else
  void *arena = kiln_arena_allocate((size_t)model->arena_size,
                                    (size_t)model->arena_alignment);
  kiln_status_t status = kiln_model_invoke(
      model, batch, (const void *const *)inputs, (void *const *)outputs, arena);
  if (status != KILN_STATUS_OK) {
    printf("run failed: %s\n", kiln_status_message(status));
    return 1;
  }
#endif
  int failures = status != KILN_STATUS_OK;
  for (int i = 0; status == KILN_STATUS_OK && i < model->num_outputs; ++i) {
    const kiln_tensor_desc_t *t = &model->outputs[i];
    if (t->dtype != KILN_DTYPE_F32) {
      printf("output %d '%s': unsupported dtype %s\n", i, t->name,
             kiln_dtype_name(t->dtype));
      ++failures;
      continue;
    }
    int64_t n = count(model, t, batch);
    float *want = read_file(dir, "output", i, (size_t)n * sizeof(float));
    const float *got = outputs[i];
    double max_err = 0;
    int64_t bad = 0, first_bad = -1;
    for (int64_t k = 0; k < n; ++k) {
      double err = fabs((double)got[k] - (double)want[k]);
      if (err > max_err || isnan(got[k]))
        max_err = isnan(got[k]) ? INFINITY : err;
      if (!(err <= atol + rtol * fabs((double)want[k]))) {
        if (first_bad < 0)
          first_bad = k;
        ++bad;
      }
    }
    printf("output %d '%s': %lld elements, max abs error %.3g: %s\n", i,
           t->name, (long long)n, max_err, bad ? "FAIL" : "PASS");
    if (bad) {
      printf("  %lld mismatches; first at %lld: got %.9g want %.9g\n",
             (long long)bad, (long long)first_bad, got[first_bad],
             want[first_bad]);
      ++failures;
    }
    free(want);
  }
#ifdef KILN_CUDA
  kiln_cuda_free(arena);
  for (int i = 0; i < model->num_inputs; ++i)
    kiln_cuda_free(device_inputs[i]);
  for (int i = 0; i < model->num_outputs; ++i)
    kiln_cuda_free(device_outputs[i]);
  free(device_inputs);
  free(device_outputs);
#else
  kiln_arena_free(arena);
#endif
  for (int i = 0; i < model->num_inputs; ++i)
    free(inputs[i]);
  for (int i = 0; i < model->num_outputs; ++i)
    free(outputs[i]);
  free(inputs);
  free(outputs);
  return failures ? 1 : 0;
}
