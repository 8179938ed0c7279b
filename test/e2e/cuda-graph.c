/* The tutorial MLP compiled for the GPU, recorded once into a CUDA graph
 * (kiln_cuda_graph_capture) and replayed: a replay recomputes the outputs
 * (cleared before it) from the inputs the buffers hold at that time,
 * checked against onnxruntime's outputs and against a plain mlp_run on a
 * second input, on a stream from kiln_cuda_stream_create. */
#include "mlp.h"

#include <kiln/cuda.h>
#include <kiln/runtime.h>

#include "read-floats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { kIn = MLP_INPUT_0_NUM_ELEMENTS, kOut = MLP_OUTPUT_0_NUM_ELEMENTS };

static int mismatches(const float *got, const float *want) {
  int bad = 0;
  for (int k = 0; k < kOut; ++k)
    bad += !(fabsf(got[k] - want[k]) <= 1e-5f + 1e-4f * fabsf(want[k]));
  return bad;
}

static int check(kiln_status_t s, const char *what) {
  if (s == KILN_STATUS_OK)
    return 0;
  printf("%s: %s: %s\n", what, kiln_status_message(s), kiln_cuda_last_error());
  exit(1);
}

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  static float input[kIn], want[kOut], got[kOut], second[kOut], zeros[kOut];
  read_floats(argv[1], "input_0.bin", input, kIn);
  read_floats(argv[1], "output_0.bin", want, kOut);
  check(kiln_cuda_init(), "init");
  void *stream = NULL;
  check(kiln_cuda_stream_create(&stream), "stream");
  void *in = NULL, *out = NULL, *arena = NULL;
  check(kiln_cuda_malloc(&in, sizeof input), "malloc");
  check(kiln_cuda_malloc(&out, sizeof got), "malloc");
  check(kiln_cuda_malloc(&arena, MLP_ARENA_SIZE), "malloc");
  check(kiln_cuda_copy_to_device(in, input, sizeof input), "copy");
  const void *inputs[] = {in};
  void *outputs[] = {out};

  kiln_cuda_graph_t *graph = NULL;
  kiln_status_t s =
      kiln_cuda_graph_capture(mlp_invoke, inputs, outputs, arena, NULL, &graph);
  printf("default stream: %s\n", kiln_status_message(s));
  s = kiln_cuda_graph_capture(mlp_invoke, inputs, outputs, arena, stream,
                              &graph);
  printf("capture status %d\n", (int)s);
  check(s, "capture");
  /* The capture's first, plain call left its results. */
  check(kiln_cuda_copy_to_host(got, out, sizeof got), "copy");
  printf("first call mismatches %d\n", mismatches(got, want));

  /* A replay recomputes the cleared outputs. */
  check(kiln_cuda_copy_to_device(out, zeros, sizeof zeros), "copy");
  check(kiln_cuda_graph_launch(graph, stream), "launch");
  void *previous = kiln_cuda_set_stream(stream);
  check(kiln_cuda_synchronize(), "synchronize");
  kiln_cuda_set_stream(previous);
  check(kiln_cuda_copy_to_host(got, out, sizeof got), "copy");
  printf("replay mismatches %d\n", mismatches(got, want));

  /* New input contents, same buffers: the replay reads them. */
  for (int k = 0; k < kIn; ++k)
    input[k] = 0.5f * input[k] + 0.25f;
  check(kiln_cuda_copy_to_device(in, input, sizeof input), "copy");
  check(mlp_invoke(inputs, outputs, arena), "run");
  check(kiln_cuda_synchronize(), "synchronize");
  check(kiln_cuda_copy_to_host(second, out, sizeof second), "copy");
  int differs = mismatches(second, want) > 0;
  check(kiln_cuda_copy_to_device(out, zeros, sizeof zeros), "copy");
  for (int i = 0; i < 3; ++i)
    check(kiln_cuda_graph_launch(graph, stream), "launch");
  previous = kiln_cuda_set_stream(stream);
  check(kiln_cuda_synchronize(), "synchronize");
  kiln_cuda_set_stream(previous);
  check(kiln_cuda_copy_to_host(got, out, sizeof got), "copy");
  printf("new input: differs from the first %d, replay mismatches %d\n",
         differs, mismatches(got, second));

  kiln_cuda_graph_destroy(graph);
  check(kiln_cuda_stream_destroy(stream), "stream");
  kiln_cuda_free(in);
  kiln_cuda_free(out);
  kiln_cuda_free(arena);
  return 0;
}
