/* A dynamic-batch model with no --max-batch (the residual block) refuses a
 * batch whose buffers' bytes would overflow an int64_t, before touching
 * any buffer (the pointers here are never read), and takes a real one. */
#include <kiln/runtime.h>
#include <stdint.h>
#include <stdio.h>

int main(void) {
  static _Alignas(64) unsigned char arena[RESBLOCK_ARENA_SIZE + 64];
  static float in[RESBLOCK_INPUT_0_SAMPLE_ELEMENTS],
      out[RESBLOCK_OUTPUT_0_SAMPLE_ELEMENTS];
  printf("batch 2^62: %d\n", resblock_run(INT64_C(1) << 62, in, out, arena));
  printf("batch INT64_MAX: %d\n", resblock_run(INT64_MAX, in, out, arena));
  printf("batch 1: %d\n", resblock_run(1, in, out, arena));
  return 0;
}
