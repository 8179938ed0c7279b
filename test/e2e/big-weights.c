/* Runs the model big_weights.py generated (LAYERS x MatMul + Relu over
 * D x D weights in weights.bin) and checks its output against the same
 * layers computed in double from weights.bin itself, to 1e-4 relative
 * (inputs and weights are positive: no cancellation). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "big.h"

#define D BIG_INPUT_0_NUM_ELEMENTS

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s weights.bin layers\n", argv[0]);
    return 2;
  }
  int layers = atoi(argv[2]);
  FILE *fh = fopen(argv[1], "rb");
  float *w = malloc(sizeof(float) * D * D);
  static float x[D], y[D];
  static double ref[D], next[D];
  void *arena = aligned_alloc(BIG_ARENA_ALIGNMENT, BIG_ARENA_SIZE + 64);
  if (!fh || !w || !arena)
    return 2;
  for (int i = 0; i < D; ++i) {
    x[i] = (float)((i % 13) + 1) / 13.0f;
    ref[i] = x[i];
  }
  kiln_status_t s = big_run(x, y, arena);
  if (s != KILN_STATUS_OK) {
    printf("status %d\n", (int)s);
    return 1;
  }
  for (int l = 0; l < layers; ++l) {
    if (fread(w, sizeof(float), (size_t)D * D, fh) != (size_t)D * D)
      return 2;
    for (int j = 0; j < D; ++j)
      next[j] = 0;
    for (int k = 0; k < D; ++k)
      for (int j = 0; j < D; ++j)
        next[j] += ref[k] * w[(size_t)k * D + j];
    for (int j = 0; j < D; ++j)
      ref[j] = next[j] > 0 ? next[j] : 0;
  }
  int bad = 0;
  double maxref = 0;
  for (int j = 0; j < D; ++j)
    maxref = fmax(maxref, fabs(ref[j]));
  for (int j = 0; j < D; ++j)
    if (!(fabs(y[j] - ref[j]) <= 1e-4 * fabs(ref[j])) && bad++ < 5)
      printf("y[%d] = %.7g, expected %.7g\n", j, y[j], ref[j]);
  printf("%s: max |ref| %.3g, %d wrong\n", bad ? "FAIL" : "ok", maxref, bad);
  return bad != 0;
}
