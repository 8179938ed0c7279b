/* Runs the uint8 -> float Cast of unsigned.pbtxt on bytes above 127. */
#include <kiln/runtime.h>
#include <stdio.h>

int main(void) {
  static _Alignas(64) unsigned char arena[UNSIGNED_ARENA_SIZE + 64];
  uint8_t in[4] = {0, 127, 128, 255};
  float out[4];
  if (unsigned_run(in, out, arena) != KILN_STATUS_OK)
    return 1;
  printf("%g %g %g %g\n", out[0], out[1], out[2], out[3]);
  return 0;
}
