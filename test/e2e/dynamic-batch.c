/* Run-time batch checks of a dynamic-batch model (the MLP, --max-batch=8),
 * and that sample k of a batch equals the same sample run alone. */
#include <kiln/runtime.h>
#include <stdio.h>
#include <string.h>

static float in[9 * MLP_INPUT_0_SAMPLE_ELEMENTS];
static float out[9 * MLP_OUTPUT_0_SAMPLE_ELEMENTS];
static float alone[MLP_OUTPUT_0_SAMPLE_ELEMENTS];

int main(void) {
  static _Alignas(64) unsigned char arena[MLP_ARENA_SIZE + 64];
  for (size_t i = 0; i < sizeof in / sizeof in[0]; ++i)
    in[i] = (float)((i * 7919u) % 1000u) / 1000.0f;
  long batches[] = {0, 8, 9, -1};
  for (int i = 0; i < 4; ++i)
    printf("batch %ld: %d\n", batches[i],
           mlp_run(batches[i], in, out, arena));
  int same = 1;
  for (int k = 0; k < 8; ++k) {
    mlp_run(1, in + k * MLP_INPUT_0_SAMPLE_ELEMENTS, alone, arena);
    same &= memcmp(alone, out + k * MLP_OUTPUT_0_SAMPLE_ELEMENTS,
                   sizeof alone) == 0;
  }
  printf("samples independent: %s\n", same ? "yes" : "no");
  return 0;
}
