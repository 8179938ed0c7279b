/* Proves each run-time check of the generated entry points fires: NULL
 * buffers, a NULL pointer array, a misaligned arena. Built against the
 * digits model (1 input, 1 output). */
#include "digits.h"

#include <kiln/runtime.h>
#include <stdio.h>

int main(void) {
  static _Alignas(64) unsigned char arena[DIGITS_ARENA_SIZE + 64];
  float in[64] = {0}, out[10];
  printf("ok: %s\n", kiln_status_message(digits_run(in, out, arena)));
  printf("null input: %d\n", digits_run(NULL, out, arena));
  printf("null output: %d\n", digits_run(in, NULL, arena));
  printf("null arena: %d\n", digits_run(in, out, NULL));
  printf("misaligned arena: %d\n", digits_run(in, out, arena + 4));
  const void *ins[] = {in};
  void *outs[] = {out};
  printf("invoke: %d\n", digits_invoke(ins, outs, arena));
  printf("invoke null array: %d\n", digits_invoke(NULL, outs, arena));
  /* Through the descriptor (the batch is ignored: a static model). */
  printf("model invoke: %d\n",
         kiln_model_invoke(digits_describe(), 5, ins, outs, arena));
  printf("model invoke null model: %d\n",
         kiln_model_invoke(NULL, 0, ins, outs, arena));
  kiln_model_desc_t none = *digits_describe();
  none.invoke = NULL;
  printf("model invoke no entry: %d\n",
         kiln_model_invoke(&none, 0, ins, outs, arena));
  return 0;
}
