/* diff.h - `floe models diff A B`: two version records side by side, by
 * section: the model (kind, task, entry, step, bundle, recipe), the
 * parameters, the metrics, the inputs (by name: digest and size), the input
 * schema and the environment. Nested values are flattened to dotted keys
 * ("test.accuracy", "libraries.openblas.corename"). */
#ifndef FL_REPO_DIFF_H
#define FL_REPO_DIFF_H

#include <jansson.h>

#include "core/err.h"

/* *out (new reference): [{section, rows: [{key, a, b, same}]}], where a
 * and b are the values as text (null when absent on that side). */
int fl_repo_diff(const json_t *a, const json_t *b, json_t **out, fl_err *err);

#endif
