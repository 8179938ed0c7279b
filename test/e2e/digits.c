/* Runs the digits example model on its ten held-out samples and prints the
 * argmax of each, for comparison with the labels. */
#include "digits.h"
#include "samples.h"

#include <stdio.h>

int main(void) {
  static _Alignas(64) unsigned char arena[DIGITS_ARENA_SIZE + 1];
  for (int i = 0; i < DIGITS_NUM_SAMPLES; ++i) {
    float p[10];
    if (digits_run(digits_samples[i], p, arena) != KILN_STATUS_OK)
      return 1;
    int best = 0;
    float sum = 0;
    for (int k = 0; k < 10; ++k) {
      sum += p[k];
      if (p[k] > p[best])
        best = k;
    }
    printf("label %d predicted %d sum %.4f\n", digits_labels[i], best, sum);
  }
  return 0;
}
