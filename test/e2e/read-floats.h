/* The e2e test programs' fixture reader: `n` floats from DIR/NAME, or exit
 * status 2 with the path named. */
#ifndef KILN_TEST_E2E_READ_FLOATS_H
#define KILN_TEST_E2E_READ_FLOATS_H

#include <stdio.h>
#include <stdlib.h>

static void read_floats(const char *dir, const char *name, float *out,
                        size_t n) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f || fread(out, sizeof(float), n, f) != n) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
}

#endif /* KILN_TEST_E2E_READ_FLOATS_H */
