/* The tutorial MLP compiled for the GPU, called through mlp_run_host on
 * host buffers with one device workspace, compared element by element with
 * onnxruntime's outputs (test/e2e/mlp/output_0.bin). Without a usable GPU it
 * prints the status and the reason instead. */
#include "mlp.h"

#include <kiln/cuda.h>
#include <kiln/runtime.h>

#include "read-floats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  static float input[MLP_INPUT_0_NUM_ELEMENTS], want[MLP_OUTPUT_0_NUM_ELEMENTS],
      got[MLP_OUTPUT_0_NUM_ELEMENTS];
  read_floats(argv[1], "input_0.bin", input, MLP_INPUT_0_NUM_ELEMENTS);
  read_floats(argv[1], "output_0.bin", want, MLP_OUTPUT_0_NUM_ELEMENTS);
  void *workspace = NULL;
  kiln_status_t status = kiln_cuda_malloc(&workspace, MLP_HOST_WORKSPACE_SIZE);
  if (status == KILN_STATUS_OK)
    status = mlp_run_host(input, got, workspace);
  printf("status %d\n", (int)status);
  if (status != KILN_STATUS_OK) {
    printf("%s: %s\n", kiln_status_message(status), kiln_cuda_last_error());
    return 1;
  }
  /* Twice on the same workspace: the weights are uploaded once. */
  status = mlp_run_host(input, got, workspace);
  int bad = 0;
  for (int k = 0; k < MLP_OUTPUT_0_NUM_ELEMENTS; ++k)
    bad += !(fabsf(got[k] - want[k]) <= 1e-5f + 1e-4f * fabsf(want[k]));
  printf("second call status %d, mismatches %d\n", (int)status, bad);
  kiln_cuda_free(workspace);
  return bad != 0;
}
