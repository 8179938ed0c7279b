/* String ops that generated code calls (ONNX StringNormalizer, Cast to
 * and from strings). */
#define _POSIX_C_SOURCE 200809L
#include "kiln/runtime.h"

#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static char ascii_upper(char c) {
  return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Equal as strings, ignoring ASCII case unless `case_sensitive`. */
static int same_word(const char *a, const char *b, int32_t case_sensitive) {
  if (case_sensitive)
    return strcmp(a, b) == 0;
  for (; *a && *b; ++a, ++b)
    if (ascii_lower(*a) != ascii_lower(*b))
      return 0;
  return *a == *b;
}

static int is_stopword(const char *s, const char *stopwords,
                       int64_t num_stopwords, int32_t case_sensitive) {
  const char *w = stopwords;
  for (int64_t i = 0; i < num_stopwords; ++i, w += strlen(w) + 1)
    if (same_word(s, w, case_sensitive))
      return 1;
  return 0;
}

static void fill_empty(const char **output, int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    output[i] = "";
}

kiln_status_t kiln_string_normalize(const char *const *input, int64_t count,
                                    const char **output, char *storage,
                                    int64_t capacity, int32_t case_action,
                                    int32_t case_sensitive,
                                    const char *stopwords,
                                    int64_t num_stopwords) {
  int64_t kept = 0, used = 0;
  for (int64_t i = 0; i < count; ++i) {
    const char *s = input[i];
    /* NULL is an absent string: the padding of a bounded string tensor
     * that another string op produced. */
    if (!s)
      continue;
    if (is_stopword(s, stopwords, num_stopwords, case_sensitive))
      continue;
    size_t bytes = strlen(s) + 1;
    if ((uint64_t)bytes > (uint64_t)(capacity - used)) {
      fill_empty(output, count);
      return KILN_STATUS_OUT_OF_RANGE;
    }
    char *copy = storage + used;
    for (size_t k = 0; k < bytes; ++k)
      copy[k] = case_action == 1   ? ascii_lower(s[k])
                : case_action == 2 ? ascii_upper(s[k])
                                   : s[k];
    used += (int64_t)bytes;
    output[kept++] = copy;
  }
  if (kept == 0 && count > 0)
    output[kept++] = "";
  for (int64_t i = kept; i < count; ++i)
    output[i] = NULL;
  return KILN_STATUS_OK;
}

/* The "C" locale: number text must not follow the program's LC_NUMERIC
 * (a German locale would write and expect "1,5"). */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static void make_c_locale(void) {
  c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* Switches this thread to the "C" locale; returns the one to restore. */
static locale_t enter_c_locale(void) {
  pthread_once(&c_locale_once, make_c_locale);
  return c_locale ? uselocale(c_locale) : (locale_t)0;
}

static void leave_c_locale(locale_t previous) {
  if (previous)
    uselocale(previous);
}

/* `x` as numpy's str(np.float32(x)) writes it, into `buf` (>= 32 bytes):
 * the shortest round-trip digits, positional for 1e-4 <= |x| < 1e6 (and 0)
 * with at least one fractional digit, else d.ddde+XX. */
static void format_f32(float x, char *buf) {
  if (isnan(x)) {
    strcpy(buf, "nan");
    return;
  }
  if (isinf(x)) {
    strcpy(buf, x < 0 ? "-inf" : "inf");
    return;
  }
  /* The fewest significant digits that read back to `x`. */
  char sci[32];
  int digits = 1;
  for (; digits < 9; ++digits) {
    snprintf(sci, sizeof sci, "%.*e", digits - 1, (double)x);
    if (strtof(sci, NULL) == x)
      break;
  }
  snprintf(sci, sizeof sci, "%.*e", digits - 1, (double)x);
  /* sci is [-]d[.ddd]e[+-]XX: split it into sign, digits and exponent. */
  const char *p = sci;
  char *out = buf;
  if (*p == '-')
    *out++ = *p++;
  char mantissa[16];
  int n = 0;
  for (; *p != 'e'; ++p)
    if (*p != '.')
      mantissa[n++] = *p;
  int exponent = atoi(p + 1);
  if (x == 0.0f)
    exponent = 0;
  /* numpy's float32 rule: positional for 1e-4 <= |x| < 1e6 and for 0. */
  double magnitude = fabs((double)x);
  if (x == 0.0f || (magnitude >= 1e-4 && magnitude < 1e6)) {
    /* Positional, with at least one digit after the point. */
    if (exponent < 0) {
      *out++ = '0';
      *out++ = '.';
      for (int k = -1; k > exponent; --k)
        *out++ = '0';
      for (int k = 0; k < n; ++k)
        *out++ = mantissa[k];
    } else {
      for (int k = 0; k <= exponent; ++k)
        *out++ = k < n ? mantissa[k] : '0';
      *out++ = '.';
      if (n > exponent + 1)
        for (int k = exponent + 1; k < n; ++k)
          *out++ = mantissa[k];
      else
        *out++ = '0';
    }
    *out = '\0';
    return;
  }
  /* Scientific: d[.ddd]e+XX (at least two exponent digits). */
  *out++ = mantissa[0];
  if (n > 1) {
    *out++ = '.';
    for (int k = 1; k < n; ++k)
      *out++ = mantissa[k];
  }
  sprintf(out, "e%c%02d", exponent < 0 ? '-' : '+',
          exponent < 0 ? -exponent : exponent);
}

kiln_status_t kiln_string_from_f32(const float *input, int64_t count,
                                   const char **output, char *storage,
                                   int64_t capacity) {
  int64_t used = 0;
  locale_t previous = enter_c_locale();
  for (int64_t i = 0; i < count; ++i) {
    char text[32];
    format_f32(input[i], text);
    size_t bytes = strlen(text) + 1;
    if ((uint64_t)bytes > (uint64_t)(capacity - used)) {
      leave_c_locale(previous);
      fill_empty(output, count);
      return KILN_STATUS_OUT_OF_RANGE;
    }
    memcpy(storage + used, text, bytes);
    output[i] = storage + used;
    used += (int64_t)bytes;
  }
  leave_c_locale(previous);
  return KILN_STATUS_OK;
}

kiln_status_t kiln_string_to_f32(const char *const *input, int64_t count,
                                 float *output) {
  kiln_status_t status = KILN_STATUS_OK;
  locale_t previous = enter_c_locale();
  for (int64_t i = 0; i < count; ++i) {
    const char *s = input[i];
    char *end = NULL;
    float v = s ? strtof(s, &end) : NAN;
    if (s)
      while (isspace((unsigned char)*end))
        ++end;
    if (!s || end == s || *end != '\0') {
      v = NAN;
      status = KILN_STATUS_INVALID_ARGUMENT;
    }
    output[i] = v;
  }
  leave_c_locale(previous);
  return status;
}
