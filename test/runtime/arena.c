/* kiln_arena_allocate: every size and alignment gives a block with that
 * alignment whose every byte can be written and read back (a pattern, so
 * blocks do not overlap), big blocks included (the huge-page path on Linux:
 * 2 MiB aligned), bad alignments are refused, and every block is released. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kiln/runtime.h"

int main(void) {
  const size_t sizes[] = {0, 1, 100, 4096, (2u << 20) - 1, 2u << 20,
                          (3u << 20) + 5, 64u << 20};
  const size_t alignments[] = {0, 8, 64, 4096, 2u << 20, 8u << 20};
  enum { kSizes = sizeof sizes / sizeof *sizes,
         kAlignments = sizeof alignments / sizeof *alignments };
  unsigned char *blocks[kSizes][kAlignments];
  int failures = 0;
  for (size_t s = 0; s < kSizes; ++s)
    for (size_t a = 0; a < kAlignments; ++a) {
      size_t want = alignments[a] ? alignments[a] : _Alignof(max_align_t);
      unsigned char *p = kiln_arena_allocate(sizes[s], alignments[a]);
      blocks[s][a] = p;
      if (!p || (uintptr_t)p % want != 0) {
        printf("size %zu alignment %zu: %p\n", sizes[s], alignments[a],
               (void *)p);
        ++failures;
        continue;
      }
      memset(p, (int)(s * kAlignments + a), sizes[s]);
    }
  for (size_t s = 0; s < kSizes; ++s)
    for (size_t a = 0; a < kAlignments; ++a) {
      unsigned char *p = blocks[s][a];
      for (size_t i = 0; p && i < sizes[s]; i += 4093)
        if (p[i] != (unsigned char)(s * kAlignments + a)) {
          printf("size %zu alignment %zu: byte %zu overwritten\n", sizes[s],
                 alignments[a], i);
          ++failures;
          break;
        }
      if (p && sizes[s] && p[sizes[s] - 1] != (unsigned char)(s * kAlignments + a)) {
        printf("size %zu alignment %zu: last byte overwritten\n", sizes[s],
               alignments[a]);
        ++failures;
      }
      kiln_arena_free(p);
    }
  kiln_arena_free(NULL);
  if (kiln_arena_allocate(64, 3) || kiln_arena_allocate(64, 48)) {
    printf("a bad alignment was accepted\n");
    ++failures;
  }
  if (kiln_arena_allocate(SIZE_MAX - 8, 64) ||
      kiln_arena_allocate(SIZE_MAX - 8, 2u << 20)) {
    printf("an overflowing size was accepted\n");
    ++failures;
  }
  printf(failures ? "%d failures\n" : "arena: all ok\n", failures);
  return failures != 0;
}
