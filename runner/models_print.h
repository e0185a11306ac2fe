/* models_print.h - how `floe models list/show/diff/fsck` print as text. */
#ifndef FL_MODELS_PRINT_H
#define FL_MODELS_PRINT_H

#include <jansson.h>

/* A table of versions (fl_repo_list's array). */
void models_print_list(const json_t *list, const char *root);

/* One version record (fl_repo_show's object). */
void models_print_show(const json_t *rec);

/* A diff (fl_repo_diff's array) of refs a and b; `all`: identical rows too. */
void models_print_diff(const json_t *diff, const char *a, const char *b, int all);

/* An fsck report; returns the number of problems. */
size_t models_print_fsck(const json_t *rep, const char *root);

#endif
