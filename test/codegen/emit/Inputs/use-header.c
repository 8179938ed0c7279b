/* Uses every constant of a generated model header named "small" (included
 * with -include) so that a mismatch between the constants and the
 * prototypes fails to compile. */
#include <stddef.h>

_Static_assert(SMALL_ARENA_SIZE % SMALL_ARENA_ALIGNMENT == 0,
               "arena size is a multiple of the alignment");
_Static_assert(SMALL_NUM_INPUTS == 1 && SMALL_NUM_OUTPUTS == 1, "counts");
_Static_assert(SMALL_INPUT_0_RANK == 2 && SMALL_OUTPUT_0_RANK == 2, "ranks");

static const int64_t in_shape[SMALL_INPUT_0_RANK] = SMALL_INPUT_0_SHAPE;
static const int64_t out_shape[SMALL_OUTPUT_0_RANK] = SMALL_OUTPUT_0_SHAPE;

int call(void *arena);
int call(void *arena) {
  static float x[SMALL_INPUT_0_NUM_ELEMENTS];
  static float y[SMALL_OUTPUT_0_NUM_ELEMENTS];
  const void *inputs[SMALL_NUM_INPUTS] = {x};
  void *outputs[SMALL_NUM_OUTPUTS] = {y};
  kiln_invoke_fn_t invoke = small_invoke;
  const kiln_model_desc_t *desc = small_describe();
  (void)in_shape;
  (void)out_shape;
  (void)desc;
  if (small_run(x, y, arena) != KILN_STATUS_OK)
    return 1;
  return invoke(inputs, outputs, arena);
}
