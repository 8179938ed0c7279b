/* The tutorial MLP compiled for the GPU with --dynamic-batch --max-batch=8:
 * mlp_run_host on a workspace of MLP_HOST_WORKSPACE_SIZE_FOR_BATCH(batch)
 * bytes, compared with onnxruntime's outputs for the fixture's batch;
 * batches the model refuses; one sample run alone against the same sample
 * in a batch; and a batch recorded into a CUDA graph
 * (kiln_cuda_graph_capture_batch) and replayed. */
#include "mlp.h"

#include <kiln/cuda.h>
#include <kiln/runtime.h>

#include "read-floats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  kBatch = 2, /* the fixture's */
  kIn = MLP_INPUT_0_SAMPLE_ELEMENTS,
  kOut = MLP_OUTPUT_0_SAMPLE_ELEMENTS
};

static int mismatches(const float *got, const float *want, int n) {
  int bad = 0;
  for (int k = 0; k < n; ++k)
    bad += !(fabsf(got[k] - want[k]) <= 1e-5f + 1e-4f * fabsf(want[k]));
  return bad;
}

static int failures;

/* Prints a result line; anything but `expected` counts as a failure. */
static void report(const char *what, long got, long expected) {
  printf("%s: %ld\n", what, got);
  failures += got != expected;
}

static void check(kiln_status_t s, const char *what) {
  if (s == KILN_STATUS_OK)
    return;
  printf("%s: %s: %s\n", what, kiln_status_message(s), kiln_cuda_last_error());
  exit(1);
}

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  static float input[kBatch * kIn], want[kBatch * kOut], got[kBatch * kOut],
      alone[kOut], zeros[kBatch * kOut];
  read_floats(argv[1], "input_0.bin", input, kBatch * kIn);
  read_floats(argv[1], "output_0.bin", want, kBatch * kOut);
  printf("workspace for batch 0: %llu, 2: %llu, max: %llu\n",
         (unsigned long long)MLP_HOST_WORKSPACE_SIZE_FOR_BATCH(0),
         (unsigned long long)MLP_HOST_WORKSPACE_SIZE_FOR_BATCH(kBatch),
         (unsigned long long)MLP_HOST_WORKSPACE_SIZE);

  /* Exactly the bytes the header asks for: kiln-cusim fails any access
   * past an allocation's end. */
  void *workspace = NULL;
  check(kiln_cuda_malloc(&workspace, MLP_HOST_WORKSPACE_SIZE_FOR_BATCH(kBatch)),
        "malloc");
  report("host batch 2 status", mlp_run_host(kBatch, input, got, workspace),
         KILN_STATUS_OK);
  report("host batch 2 mismatches", mismatches(got, want, kBatch * kOut), 0);

  /* Refused batches copy nothing and run nothing; batch 0 does nothing. */
  report("host batch 0", mlp_run_host(0, input, got, workspace),
         KILN_STATUS_OK);
  report("host batch 9", mlp_run_host(MLP_MAX_BATCH + 1, input, got, workspace),
         KILN_STATUS_OUT_OF_RANGE);
  report("host batch -1", mlp_run_host(-1, input, got, workspace),
         KILN_STATUS_OUT_OF_RANGE);

  /* Sample 1 alone, at the start of the same workspace, equals sample 1 of
   * the batch bit for bit. */
  check(mlp_run_host(1, input + kIn, alone, workspace), "run alone");
  report("sample alone differs from batch",
         memcmp(alone, got + kOut, sizeof alone) != 0, 0);
  kiln_cuda_free(workspace);

  /* Device buffers: a batch captured into a graph and replayed. */
  void *stream = NULL, *in = NULL, *out = NULL, *arena = NULL;
  check(kiln_cuda_stream_create(&stream), "stream");
  check(kiln_cuda_malloc(&in, sizeof input), "malloc");
  check(kiln_cuda_malloc(&out, sizeof got), "malloc");
  check(kiln_cuda_malloc(&arena, MLP_ARENA_SIZE_FOR_BATCH(kBatch)), "malloc");
  check(kiln_cuda_copy_to_device(in, input, sizeof input), "copy");
  const void *inputs[] = {in};
  void *outputs[] = {out};
  kiln_cuda_graph_t *graph = NULL;
  report("capture batch 9",
         kiln_cuda_graph_capture_batch(mlp_invoke, MLP_MAX_BATCH + 1, inputs,
                                       outputs, arena, stream, &graph),
         KILN_STATUS_OUT_OF_RANGE);
  check(kiln_cuda_graph_capture_batch(mlp_invoke, kBatch, inputs, outputs,
                                      arena, stream, &graph),
        "capture");
  check(kiln_cuda_copy_to_device(out, zeros, sizeof zeros), "copy");
  check(kiln_cuda_graph_launch(graph, stream), "launch");
  void *previous = kiln_cuda_set_stream(stream);
  check(kiln_cuda_synchronize(), "synchronize");
  kiln_cuda_set_stream(previous);
  check(kiln_cuda_copy_to_host(got, out, sizeof got), "copy");
  report("graph replay mismatches", mismatches(got, want, kBatch * kOut), 0);
  kiln_cuda_graph_destroy(graph);
  check(kiln_cuda_stream_destroy(stream), "stream");
  kiln_cuda_free(in);
  kiln_cuda_free(out);
  kiln_cuda_free(arena);
  return failures != 0;
}
