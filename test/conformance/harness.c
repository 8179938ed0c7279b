/* Generic harness of the ONNX conformance runner (test/conformance/run.py):
 * describes a compiled model, or runs it on raw input files and writes raw
 * output files. It compares nothing; run.py does.
 *
 * Build: cc -include MODEL.h -DKILN_MODEL=<name> harness.c MODEL.o libkiln_rt.a
 * -lm Run:   ./harness describe prints "input|output INDEX DTYPE NUM_ELEMENTS
 * RANK DIMS... NAME" per tensor (DTYPE is the kiln_dtype_t value), then "arena
 * SIZE".
 *        ./harness run IN_DIR OUT_DIR [BATCH]
 *          reads IN_DIR/input_<i>.bin (exactly num_elements * dtype size
 *          bytes each), calls the model, writes OUT_DIR/output_<i>.bin.
 *          A dynamic-batch model (dims and num_elements print as -1 for the
 *          batch) needs BATCH, and every tensor then holds BATCH samples.
 *          String tensors (KILN_DTYPE_STRING) travel as their strings, each
 *          NUL-terminated: an input file holds exactly num_elements of
 *          them, and an output file the strings before the first NULL
 *          element (a string output's shape is a bound, see kiln/abi.h).
 * With -DKILN_CUDA (models compiled with --target=cuda:*), every buffer
 * and the arena are device copies around the call.
 * Exit status: 0 on success, 1 when the model returns an error status, 2 on
 * a usage or I/O error. */
#include <kiln/runtime.h>
#ifdef KILN_CUDA
#include <kiln/cuda.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(KILN_BATCH)
extern const kiln_model_desc_t *(*const kiln_models[])(void);
extern const int kiln_num_models;
#elif defined(KILN_MODEL)
#define KILN_CAT_(a, b) a##b
#define KILN_CAT(a, b) KILN_CAT_(a, b)
static const kiln_model_desc_t *(*const kiln_models[])(void) = {
    KILN_CAT(KILN_MODEL, _describe)};
static const int kiln_num_models = 1;
#else
#error "define KILN_MODEL (with -include MODEL.h) or KILN_BATCH"
#endif

/* Bytes of `t`; with a dynamic batch, of `batch` samples. */
static size_t tensor_bytes(const kiln_tensor_desc_t *t, int64_t batch) {
  int64_t n = t->num_elements;
  if (n < 0) {
    n = batch;
    for (int d = 1; d < t->rank; ++d)
      n *= t->shape[d];
  }
  return (size_t)n * kiln_dtype_size(t->dtype);
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

/* A string input: the file's NUL-terminated strings as `count` pointers
 * into one block (freed with the array: the block follows it). */
static void *read_strings(const char *dir, int i, int64_t count) {
  char path[4096];
  snprintf(path, sizeof path, "%s/input_%d.bin", dir, i);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "harness: cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  size_t table = (size_t)count * sizeof(char *);
  char *block = malloc(table + (size_t)size + 1);
  const char **strings = (const char **)block;
  char *chars = block + table;
  if (size < 0 || fread(chars, 1, (size_t)size, f) != (size_t)size) {
    fprintf(stderr, "harness: cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
  chars[size > 0 ? size : 0] = '\0';
  int64_t found = 0;
  for (long at = 0; at < size; at += (long)strlen(chars + at) + 1) {
    if (found == count || chars[size - 1] != '\0') {
      found = -1;
      break;
    }
    strings[found++] = chars + at;
  }
  if (found != count) {
    fprintf(stderr, "harness: %s does not hold %lld NUL-terminated strings\n",
            path, (long long)count);
    exit(2);
  }
  return block;
}

static void write_strings(const char *dir, int i, const char *const *strings,
                          int64_t count) {
  char path[4096];
  snprintf(path, sizeof path, "%s/output_%d.bin", dir, i);
  FILE *f = fopen(path, "wb");
  int ok = f != NULL;
  for (int64_t k = 0; ok && k < count && strings[k]; ++k)
    ok = fwrite(strings[k], 1, strlen(strings[k]) + 1, f) ==
         strlen(strings[k]) + 1;
  if (!f || !ok || fclose(f) != 0) {
    fprintf(stderr, "harness: cannot write %s\n", path);
    exit(2);
  }
}

static void write_output(const char *dir, int i, const void *data,
                         size_t bytes) {
  char path[4096];
  snprintf(path, sizeof path, "%s/output_%d.bin", dir, i);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, bytes, f) != bytes || fclose(f) != 0) {
    fprintf(stderr, "harness: cannot write %s\n", path);
    exit(2);
  }
}

static void describe(const char *kind, int i, const kiln_tensor_desc_t *t) {
  printf("%s %d %d %lld %d", kind, i, (int)t->dtype, (long long)t->num_elements,
         (int)t->rank);
  for (int d = 0; d < t->rank; ++d)
    printf(" %lld", (long long)t->shape[d]);
  printf(" %s\n", t->name);
}

/* Frees the host input and output buffers main allocated. */
static void free_buffers(const kiln_model_desc_t *model, void **inputs,
                         void **outputs) {
  for (int i = 0; i < model->num_inputs; ++i)
    free(inputs[i]);
  for (int i = 0; i < model->num_outputs; ++i)
    free(outputs[i]);
  free(inputs);
  free(outputs);
}

int main(int argc, char **argv) {
  int index = 0;
  if (argc >= 3 && strcmp(argv[1], "-m") == 0) {
    index = atoi(argv[2]);
    argc -= 2;
    argv += 2;
  }
  if (index < 0 || index >= kiln_num_models) {
    fprintf(stderr, "harness: no model %d (%d linked)\n", index,
            kiln_num_models);
    return 2;
  }
  const kiln_model_desc_t *model = kiln_models[index]();
  if (argc == 2 && strcmp(argv[1], "describe") == 0) {
    for (int i = 0; i < model->num_inputs; ++i)
      describe("input", i, &model->inputs[i]);
    for (int i = 0; i < model->num_outputs; ++i)
      describe("output", i, &model->outputs[i]);
    printf("arena %llu\n", (unsigned long long)model->arena_size);
    return 0;
  }
  if ((argc != 4 && argc != 5) || strcmp(argv[1], "run") != 0) {
    fprintf(stderr, "usage: harness [-m INDEX] describe | run IN_DIR OUT_DIR "
                    "[BATCH]\n");
    return 2;
  }
  int64_t batch = argc == 5 ? atoll(argv[4]) : -1;
  if ((model->dynamic_batch != 0) != (batch >= 0)) {
    fprintf(stderr, "harness: BATCH is needed exactly by dynamic-batch "
                    "models\n");
    return 2;
  }
  void **inputs = calloc((size_t)model->num_inputs + 1, sizeof(void *));
  void **outputs = calloc((size_t)model->num_outputs + 1, sizeof(void *));
  for (int i = 0; i < model->num_inputs; ++i)
    inputs[i] = model->inputs[i].dtype == KILN_DTYPE_STRING
                    ? read_strings(argv[2], i,
                                   (int64_t)(tensor_bytes(&model->inputs[i],
                                                          batch) /
                                             sizeof(char *)))
                    : read_input(argv[2], i,
                                 tensor_bytes(&model->inputs[i], batch));
  for (int i = 0; i < model->num_outputs; ++i)
    outputs[i] = calloc(tensor_bytes(&model->outputs[i], batch) + 1, 1);
#ifdef KILN_CUDA
  /* A --target=cuda:* model: the same call on device copies. */
  void *arena = NULL;
  kiln_status_t status = kiln_cuda_malloc(&arena, (size_t)model->arena_size);
  void **device = calloc((size_t)(model->num_inputs + model->num_outputs) + 1,
                         sizeof(void *));
  for (int i = 0; status == KILN_STATUS_OK && i < model->num_inputs; ++i) {
    size_t bytes = tensor_bytes(&model->inputs[i], batch);
    status = kiln_cuda_malloc(&device[i], bytes);
    if (status == KILN_STATUS_OK)
      status = kiln_cuda_copy_to_device(device[i], inputs[i], bytes);
  }
  for (int i = 0; status == KILN_STATUS_OK && i < model->num_outputs; ++i)
    status = kiln_cuda_malloc(&device[model->num_inputs + i],
                              tensor_bytes(&model->outputs[i], batch));
  if (status == KILN_STATUS_OK)
    status = kiln_model_invoke(model, batch, (const void *const *)device,
                               (void *const *)(device + model->num_inputs),
                               arena);
  if (status == KILN_STATUS_OK)
    status = kiln_cuda_synchronize();
  for (int i = 0; status == KILN_STATUS_OK && i < model->num_outputs; ++i)
    status = kiln_cuda_copy_to_host(outputs[i], device[model->num_inputs + i],
                                    tensor_bytes(&model->outputs[i], batch));
  for (int i = 0; i < model->num_inputs + model->num_outputs; ++i)
    kiln_cuda_free(device[i]);
  free(device);
  kiln_cuda_free(arena);
  if (status != KILN_STATUS_OK) {
    printf("model returned %s: %s\n", kiln_status_message(status),
           kiln_cuda_last_error());
    free_buffers(model, inputs, outputs);
    return 1;
  }
#else
  void *arena = kiln_arena_allocate((size_t)model->arena_size,
                                    (size_t)model->arena_alignment);
  if (!arena) {
    fprintf(stderr, "harness: cannot allocate the arena\n");
    return 2;
  }
  kiln_status_t status = kiln_model_invoke(
      model, batch, (const void *const *)inputs, (void *const *)outputs, arena);
  if (status != KILN_STATUS_OK) {
    printf("model returned %s\n", kiln_status_message(status));
    return 1;
  }
#endif
  for (int i = 0; i < model->num_outputs; ++i) {
    size_t bytes = tensor_bytes(&model->outputs[i], batch);
    if (model->outputs[i].dtype == KILN_DTYPE_STRING)
      write_strings(argv[3], i, (const char *const *)outputs[i],
                    (int64_t)(bytes / sizeof(char *)));
    else
      write_output(argv[3], i, outputs[i], bytes);
  }
#ifndef KILN_CUDA
  kiln_arena_free(arena);
#endif
  free_buffers(model, inputs, outputs);
  return 0;
}
