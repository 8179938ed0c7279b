/* String ops that generated code calls (ONNX StringNormalizer). */
#include "kiln/runtime.h"

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
