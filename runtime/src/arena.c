/* Aligned allocation over malloc (portable C11: no aligned_alloc size rules,
 * no posix_memalign). The pointer malloc returned is stored in the word just
 * below the aligned block so kiln_arena_free can recover it.
 */
#include "kiln/runtime.h"

#include <stdint.h>
#include <stdlib.h>

void *kiln_arena_allocate(size_t size, size_t alignment) {
  if (alignment == 0)
    alignment = _Alignof(max_align_t);
  if ((alignment & (alignment - 1)) != 0)
    return NULL;
  /* The slot for the original pointer must itself be suitably aligned. */
  if (alignment < sizeof(void *))
    alignment = sizeof(void *);

  size_t overhead = alignment - 1 + sizeof(void *);
  if (size > SIZE_MAX - overhead)
    return NULL;
  void *base = malloc(size + overhead);
  if (!base)
    return NULL;

  uintptr_t first = (uintptr_t)base + sizeof(void *);
  uintptr_t aligned = (first + (alignment - 1)) & ~(uintptr_t)(alignment - 1);
  void **block = (void **)aligned;
  block[-1] = base;
  return block;
}

void kiln_arena_free(void *arena) {
  if (!arena)
    return;
  free(((void **)arena)[-1]);
}
