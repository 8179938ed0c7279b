/* libkiln_rt's kiln_string_normalize against hand-written expectations:
 * stopwords with and without case, case mapping of ASCII only, NULL
 * padding in and out, the all-stopwords result and the capacity check. */
#include <kiln/runtime.h>

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
  kiln_status_t s = kiln_string_normalize(in, n, out, storage, capacity,
                                          action, sensitive, words, nwords);
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

int main(void) {
  const char *days[] = {"Monday", "tuesday", "MONDAY", "wednesday"};
  const char *a[] = {"tuesday", "wednesday"};
  check("case-insensitive stopword, no case change", days, 4, 0, 0,
        "monday\0", 1, 64, KILN_STATUS_OK, a, 2);
  const char *b[] = {"TUESDAY", "MONDAY", "WEDNESDAY"};
  check("case-sensitive stopword, upper", days, 4, 2, 1, "Monday\0", 1, 64,
        KILN_STATUS_OK, b, 3);
  const char *mixed[] = {"\xc3\x84pfel Zug", NULL, "x"};
  const char *c[] = {"\xc3\x84pfel zug"};
  check("lower maps ASCII only, NULL skipped", mixed, 3, 1, 1, "x\0y\0", 2,
        64, KILN_STATUS_OK, c, 1);
  const char *d[] = {""};
  check("every string a stopword", days, 4, 0, 0, "monday\0tuesday\0WEDNESDAY\0",
        3, 64, KILN_STATUS_OK, d, 1);
  /* "tuesday\0wednesday\0" is 18 bytes. */
  check("exactly fits", days, 4, 0, 0, "monday\0", 1, 18, KILN_STATUS_OK, a,
        2);
  check("one byte short", days, 4, 0, 0, "monday\0", 1, 17,
        KILN_STATUS_OUT_OF_RANGE, NULL, 0);
  printf("%s\n", failures ? "FAILED" : "all ok");
  return failures != 0;
}
