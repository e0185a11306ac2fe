/* suggest.h - the nearest valid name to a misspelt one ("did you mean"). */
#ifndef FL_SUGGEST_H
#define FL_SUGGEST_H

#include <stddef.h>

/* The candidate closest to `word` by edit distance (insert, delete,
 * substitute, swap of neighbours), or NULL when none is close enough
 * (distance at most max(2, strlen(word) / 3)). `cands` ends with NULL.
 * Borrowed from `cands`. */
const char *fl_suggest(const char *word, const char *const *cands);

/* Edit distance between two strings (optimal string alignment). */
size_t fl_edit_distance(const char *a, const char *b);

#endif
