/* Two compiled models linked into one program: their symbols are prefixed
 * by --name and their weights are internal, so nothing collides. */
#include "cnn.h"
#include "mlp.h"

#include <kiln/runtime.h>
#include <stdio.h>

int main(void) {
  const kiln_model_desc_t *a = mlp_describe(), *b = cnn_describe();
  printf("%s: %d input(s), arena %llu\n", a->name, a->num_inputs,
         (unsigned long long)a->arena_size);
  printf("%s: %d input(s), arena %llu\n", b->name, b->num_inputs,
         (unsigned long long)b->arena_size);
  static _Alignas(64) unsigned char arena[MLP_ARENA_SIZE + CNN_ARENA_SIZE + 64];
  static float x1[MLP_INPUT_0_NUM_ELEMENTS], y1[MLP_OUTPUT_0_NUM_ELEMENTS];
  static float x2[CNN_INPUT_0_NUM_ELEMENTS], y2[CNN_OUTPUT_0_NUM_ELEMENTS];
  printf("mlp_run: %d\n", mlp_run(x1, y1, arena));
  printf("cnn_run: %d\n", cnn_run(x2, y2, arena));
  return 0;
}
