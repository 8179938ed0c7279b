/* Calling a model through its descriptor (kiln_model_desc_t). */
#include "kiln/runtime.h"

kiln_status_t kiln_model_invoke(const kiln_model_desc_t *model, int64_t batch,
                                const void *const *inputs,
                                void *const *outputs, void *arena) {
  if (!model)
    return KILN_STATUS_INVALID_ARGUMENT;
  if (model->dynamic_batch)
    return model->invoke_batch
               ? model->invoke_batch(batch, inputs, outputs, arena)
               : KILN_STATUS_INVALID_ARGUMENT;
  return model->invoke ? model->invoke(inputs, outputs, arena)
                       : KILN_STATUS_INVALID_ARGUMENT;
}
