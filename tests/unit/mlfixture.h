/* mlfixture.h - test helpers for the ML core: a minimal numeric CSV reader
 * (test data only; the real loaders live in lib/data), the scikit-learn
 * reference JSON files, and tolerance checks. */
#ifndef FL_MLFIXTURE_H
#define FL_MLFIXTURE_H

#include <jansson.h>

#include "ml/dataset.h"

/* Load the repository file `rel` (a CSV with a header). `label` names the
 * target column (NULL: none) read as `target` (FL_TARGET_CLASS: sorted
 * distinct strings; FL_TARGET_REAL: numbers). `cols` lists the feature
 * columns to keep, NULL-terminated (NULL: every other column). Rows with
 * "NA" in a used column are skipped. Aborts the test on failure. */
fl_dataset *mlf_load_csv(const char *rel, const char *label, fl_target_type target,
			 const char *const *cols);

/* tests/fixtures/<name> parsed (new reference). */
json_t *mlf_fixture(const char *name);

/* A JSON array of numbers as a new malloc'd double array (*n = length). */
double *mlf_doubles(const json_t *arr, size_t *n);

/* |a - b| <= rel * max(|b|, floor): fail the test with `what` otherwise. */
void mlf_close(double a, double b, double rel, double floor, const char *what);

#endif
