/* modelscore.h - a trained classifier's probability of one class for
 * every row of a raw feature table (the model's prepare chain applied
 * first): the window scores of the `detect` step kind. Kept apart from
 * the step-kind files because the ML headers and recipe/step.h both
 * define parameter types. */
#ifndef FL_MODELSCORE_H
#define FL_MODELSCORE_H

#include <stddef.h>

#include "core/err.h"
#include "data/table.h"

/* Load the model file `model_path`, apply it to `raw` and return in
 * *scores (caller frees; raw->n_rows values) the probability of class
 * `positive`. A model without that class, or a chain that drops rows, is
 * FL_EINVAL; FL_ENOTFOUND when the class is missing (the message lists
 * the model's classes). */
int fl_model_class_scores(const char *model_path, const fl_table *raw, const char *positive,
			  int n_threads, double **scores, fl_err *err);

#endif
