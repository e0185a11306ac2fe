/* modelscore.c - one class's probability per row from a model file. */
#include "media/modelscore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "develop/apply.h"
#include "ml/model.h"

int fl_model_class_scores(const char *model_path, const fl_table *raw, const char *positive,
			  int n_threads, double **scores, fl_err *err)
{
	fl_apply_opts ao = FL_APPLY_OPTS_INIT;
	fl_model *model = NULL;
	fl_table *pred = NULL;
	char col[512];
	int rc, c;

	*scores = NULL;
	ao.row_ids = 0;
	ao.proba = 1;
	ao.n_threads = n_threads;
	snprintf(col, sizeof(col), "proba_%s", positive);
	if ((rc = fl_model_load(&model, model_path, err)) < 0 ||
	    (rc = fl_apply_table(&pred, model, raw, &ao, err)) < 0)
		goto cleanup;
	if ((c = fl_table_find(pred, col)) < 0) {
		rc = fl_err_set(err, FL_ENOTFOUND, "%s: the model has no class '%s' (no column '%s')",
				model_path, positive, col);
		goto cleanup;
	}
	if (pred->n_rows != raw->n_rows) {
		rc = fl_err_set(err, FL_EINVAL, "%s: the model's prepare chain dropped rows (%zu of %zu left)",
				model_path, pred->n_rows, raw->n_rows);
		goto cleanup;
	}
	if (!(*scores = malloc((pred->n_rows + 1) * sizeof(double)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	memcpy(*scores, pred->cols[c].num, pred->n_rows * sizeof(double));
cleanup:
	fl_table_free(pred);
	fl_model_free(model);
	return rc;
}
