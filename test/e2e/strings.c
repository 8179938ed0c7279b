/* Two chained StringNormalizers (test/e2e/Inputs/strings.onnxtext): the
 * second reads the first's NULL-padded result. Prints the status and the
 * strings before the first NULL; strings.test holds the expectation worked
 * out by hand from the ONNX definition. */
#include "strings_model.h"

#include <kiln/runtime.h>

#include <stdio.h>

int main(void) {
  const char *words[5] = {"The", "Cat", "sat", "on", "a"};
  const char *kept[5];
  void *arena =
      kiln_arena_allocate(STRINGS_ARENA_SIZE, STRINGS_ARENA_ALIGNMENT);
  kiln_status_t s = strings_run(words, kept, arena);
  printf("status %d\n", (int)s);
  printf("kept:");
  for (int i = 0; s == KILN_STATUS_OK && i < 5 && kept[i]; ++i)
    printf(" [%s]", kept[i]);
  printf("\n");
  kiln_arena_free(arena);
  return 0;
}
