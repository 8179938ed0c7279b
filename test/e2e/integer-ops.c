/* Runs the integer-ops model on values that tell signed from unsigned
 * arithmetic apart (>= 128 in uint8, negative remainders) and compares each
 * output with plain C. */
#include "ops.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const uint8_t kBytes[16] = {0,   1,   2,   3,   7,   100, 127, 128,
                                   129, 150, 200, 201, 250, 254, 255, 64};
static const int32_t kInts[16] = {-2147483647 - 1, -100, -7, -3, -1, 0, 1, 2,
                                  3, 7, 9, 100, 2147483647, -2, 5, -9};

/* The bf16 bit pattern nearest to f (ties to even), found by comparing the
 * two truncation candidates in double; quiet NaN for NaN. */
static uint16_t nearestBf16(float f) {
  if (isnan(f))
    return 0x7FC0;
  uint32_t bits;
  memcpy(&bits, &f, 4);
  uint16_t lo = (uint16_t)(bits >> 16), hi = (uint16_t)(lo + 1);
  uint32_t lob = (uint32_t)lo << 16, hib = (uint32_t)hi << 16;
  float fl, fh;
  memcpy(&fl, &lob, 4);
  memcpy(&fh, &hib, 4);
  if ((bits & 0xFFFF) == 0)
    return lo;
  /* Past the largest finite bf16, the next step up is 2^128 (infinity). */
  double high = isinf(fh) ? copysign(ldexp(1.0, 128), f) : fh;
  double dl = fabs((double)f - fl), dh = fabs(high - f);
  if (dl < dh)
    return lo;
  if (dh < dl)
    return hi;
  return (lo & 1) ? hi : lo;
}

int main(void) {
  static uint8_t a[256], b[256], s[256], d[256], mx[256], lt[256], m[256],
      sr[256], sl[256];
  static int32_t i[256], j[256], fm[256], tm[256];
  static float x[1024], p[1024], f[256], e[1024];
  static uint16_t bf[1024], u[1024];
  uint8_t rmx, rmn;
  static _Alignas(64) unsigned char arena[OPS_ARENA_SIZE + 1];
  for (int k = 0; k < 256; ++k) {
    a[k] = kBytes[k / 16];
    b[k] = kBytes[k % 16] ? kBytes[k % 16] : 13;
    s[k] = (uint8_t)(k % 10);
    i[k] = kInts[k / 16];
    j[k] = kInts[k % 16] ? kInts[k % 16] : 4;
    if (j[k] == -1)
      j[k] = -6; /* INT_MIN / -1 overflows in C */
  }
  for (int k = 0; k < 1024; ++k) {
    x[k] = (k - 512) / 100.0f + (k % 7) * 1e-5f; /* erf and bf16 inputs */
    p[k] = k * 63.9f;                            /* 0 .. 65400 */
  }
  x[0] = 1e-30f;
  x[1] = -3.4e38f;
  printf("status %d\n", ops_run(a, b, s, i, j, x, p, d, mx, lt, f, m, sr, sl,
                                fm, tm, e, bf, u, &rmx, &rmn, arena));
  int bad8 = 0, bad32 = 0, badErf = 0, badBf = 0, bad16 = 0;
  uint8_t wantMax = 0, wantMin = 255;
  for (int k = 0; k < 256; ++k) {
    wantMax = b[k] > wantMax ? b[k] : wantMax;
    wantMin = b[k] < wantMin ? b[k] : wantMin;
  }
  bad8 += (rmx != wantMax) + (rmn != wantMin);
  for (int k = 0; k < 256; ++k) {
    bad8 += d[k] != a[k] / b[k];
    bad8 += mx[k] != (a[k] > b[k] ? a[k] : b[k]);
    bad8 += lt[k] != (a[k] < b[k]);
    bad8 += f[k] != (float)a[k];
    bad8 += m[k] != a[k] % b[k];
    bad8 += sr[k] != (uint8_t)(a[k] >> s[k]);
    bad8 += sl[k] != (uint8_t)(s[k] < 8 ? a[k] << s[k] : 0);
    int32_t r = i[k] % j[k];
    bad32 += tm[k] != r;
    bad32 += fm[k] != ((r != 0 && ((r < 0) != (j[k] < 0))) ? r + j[k] : r);
  }
  for (int k = 0; k < 1024; ++k) {
    double want = erf((double)x[k]);
    badErf += !(fabs(e[k] - want) <= 1e-6 * fabs(want) + 1e-30);
    badBf += bf[k] != nearestBf16(x[k]);
    bad16 += u[k] != (uint16_t)p[k];
  }
  printf("uint8 mismatches: %d\nint32 mismatches: %d\nerf mismatches: %d\n"
         "bf16 mismatches: %d\nuint16 mismatches: %d\n",
         bad8, bad32, badErf, badBf, bad16);
  return 0;
}
