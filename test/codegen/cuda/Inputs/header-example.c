/* The usage example at the top of a GPU model's header (the MLP's),
 * extracted by mlp-ptx.test into EXAMPLE, compiled as written: it must be
 * valid C against the header and <kiln/cuda.h>. */
#include <kiln/cuda.h>
#include <kiln/runtime.h>
#include <stdio.h>

int main(void) {
  static float flatten_input[MLP_INPUT_0_NUM_ELEMENTS],
      dense_1[MLP_OUTPUT_0_NUM_ELEMENTS];
#include EXAMPLE
  return status != KILN_STATUS_OK;
}
