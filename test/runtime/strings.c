/* libkiln_rt's kiln_string_normalize against hand-written expectations:
 * stopwords with and without case, case mapping of ASCII only, NULL
 * padding in and out, the all-stopwords result and the capacity check. */
#include <kiln/runtime.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;

/* Runs the op and compares with `want` (`nwant` strings, then NULLs). */
static void check(const char *label, const char *const *in, int64_t n,
                  int32_t action, int32_t sensitive, const char *words,
                  int64_t nwords, int64_t capacity, kiln_status_t want_status,
                  const char *const *want, int64_t nwant) {
  const char *out[8];
  char storage[64];
  kiln_status_t s = kiln_string_normalize(in, n, out, storage, capacity, action,
                                          sensitive, words, nwords);
  int ok = s == want_status;
  for (int64_t i = 0; ok && want_status == KILN_STATUS_OK && i < n; ++i) {
    if (i < nwant)
      ok = out[i] && strcmp(out[i], want[i]) == 0;
    else
      ok = out[i] == NULL;
  }
  if (want_status != KILN_STATUS_OK)
    for (int64_t i = 0; ok && i < n; ++i)
      ok = out[i] && out[i][0] == '\0';
  printf("%s: %s\n", label, ok ? "ok" : "MISMATCH");
  failures += !ok;
}

/* kiln_string_from_f32 against numpy's str(np.float32(x)), recorded. */
static void check_format(float x, const char *want) {
  const char *out[1];
  char storage[64];
  kiln_status_t s = kiln_string_from_f32(&x, 1, out, storage, 64);
  int ok = s == KILN_STATUS_OK && strcmp(out[0], want) == 0;
  printf("format %s: %s\n", want, ok ? "ok" : "MISMATCH");
  if (!ok)
    printf("  got '%s'\n", out[0]);
  failures += !ok;
}

int main(void) {
  /* The program's locale must not change number text (a decimal comma
   * where one is installed; the check holds either way). */
  setlocale(LC_ALL, "de_DE.UTF-8");
  /* numpy 2.x: str(np.float32(v)) for each v below. */
  check_format(0.1f, "0.1");
  check_format(100.0f, "100.0");
  check_format(999999.0f, "999999.0");
  check_format(1e6f, "1e+06");
  check_format(1234567.0f, "1.234567e+06");
  check_format(1e-5f, "1e-05");
  check_format(0.0001f, "1e-04");
  check_format(0.00012345f, "0.00012345");
  check_format(1.5e20f, "1.5e+20");
  check_format(-0.0f, "-0.0");
  check_format(3.4028235e38f, "3.4028235e+38");
  check_format(7e-45f, "7e-45");
  check_format(0.9767611f, "0.9767611");
  check_format(NAN, "nan");
  check_format(-INFINITY, "-inf");
  {
    const char *in[] = {"0.47892547", "NaN",    "+INF", "-inf",
                        " 2.5 ",      "0x1p-2", "abc"};
    float got[7];
    kiln_status_t s = kiln_string_to_f32(in, 7, got);
    int ok = s == KILN_STATUS_INVALID_ARGUMENT && got[0] == 0.47892547f &&
             isnan(got[1]) && isinf(got[2]) && got[2] > 0 && isinf(got[3]) &&
             got[3] < 0 && got[4] == 2.5f && got[5] == 0.25f && isnan(got[6]);
    printf("parse: %s\n", ok ? "ok" : "MISMATCH");
    failures += !ok;
  }
  char small[8];
  const char *out2[2];
  float two[2] = {0.1f, 123.456f};
  {
    kiln_status_t s = kiln_string_from_f32(two, 2, out2, small, 8);
    int ok = s == KILN_STATUS_OUT_OF_RANGE && out2[0][0] == '\0' &&
             out2[1][0] == '\0';
    printf("format out of storage: %s\n", ok ? "ok" : "MISMATCH");
    failures += !ok;
  }
  const char *days[] = {"Monday", "tuesday", "MONDAY", "wednesday"};
  const char *a[] = {"tuesday", "wednesday"};
  check("case-insensitive stopword, no case change", days, 4, 0, 0, "monday\0",
        1, 64, KILN_STATUS_OK, a, 2);
  const char *b[] = {"TUESDAY", "MONDAY", "WEDNESDAY"};
  check("case-sensitive stopword, upper", days, 4, 2, 1, "Monday\0", 1, 64,
        KILN_STATUS_OK, b, 3);
  const char *mixed[] = {"\xc3\x84pfel Zug", NULL, "x"};
  const char *c[] = {"\xc3\x84pfel zug"};
  check("lower maps ASCII only, NULL skipped", mixed, 3, 1, 1, "x\0y\0", 2, 64,
        KILN_STATUS_OK, c, 1);
  const char *d[] = {""};
  check("every string a stopword", days, 4, 0, 0,
        "monday\0tuesday\0WEDNESDAY\0", 3, 64, KILN_STATUS_OK, d, 1);
  /* "tuesday\0wednesday\0" is 18 bytes. */
  check("exactly fits", days, 4, 0, 0, "monday\0", 1, 18, KILN_STATUS_OK, a, 2);
  check("one byte short", days, 4, 0, 0, "monday\0", 1, 17,
        KILN_STATUS_OUT_OF_RANGE, NULL, 0);
  printf("%s\n", failures ? "FAILED" : "all ok");
  return failures != 0;
}
