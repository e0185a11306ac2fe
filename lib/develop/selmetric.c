/* selmetric.c - the table of selection metrics per task (selmetric.h). */
#include "develop/selmetric.h"

#include <stdio.h>
#include <string.h>

/* Per task, the default first. Names and directions follow fl_model_score
 * (lib/ml/score.c) and scikit-learn's scorers. */
static const fl_selmetric table[] = {
	{ "accuracy", FL_TASK_CLASSIFICATION, 1, 0 },
	{ "balanced_accuracy", FL_TASK_CLASSIFICATION, 1, 0 },
	{ "f1_macro", FL_TASK_CLASSIFICATION, 1, 0 },
	{ "precision_macro", FL_TASK_CLASSIFICATION, 1, 0 },
	{ "recall_macro", FL_TASK_CLASSIFICATION, 1, 0 },
	{ "log_loss", FL_TASK_CLASSIFICATION, 0, 1 },
	{ "roc_auc", FL_TASK_CLASSIFICATION, 1, 1 },
	{ "r2", FL_TASK_REGRESSION, 1, 0 },
	{ "rmse", FL_TASK_REGRESSION, 0, 0 },
	{ "mae", FL_TASK_REGRESSION, 0, 0 },
	{ "explained_variance", FL_TASK_REGRESSION, 1, 0 },
	{ "silhouette", FL_TASK_CLUSTERING, 1, 0 },
	{ "inertia", FL_TASK_CLUSTERING, 0, 0 },
	{ "adjusted_rand", FL_TASK_CLUSTERING, 1, 0 },
	{ "explained_variance_ratio", FL_TASK_REDUCTION, 1, 0 },
};

#define N_METRICS (sizeof(table) / sizeof(table[0]))

int fl_task_parse(const char *name, fl_task *out, fl_err *err)
{
	for (int t = FL_TASK_CLASSIFICATION; t <= FL_TASK_REDUCTION; t++)
		if (strcmp(name, fl_task_name((fl_task)t)) == 0) {
			*out = (fl_task)t;
			return 0;
		}
	return fl_err_set(err, FL_EINVAL,
			  "unknown task '%s' (known: classification, regression, clustering, "
			  "reduction)", name);
}

const fl_selmetric *fl_selmetric_at(fl_task task, size_t i)
{
	for (size_t j = 0; j < N_METRICS; j++)
		if (table[j].task == task && i-- == 0)
			return &table[j];
	return NULL;
}

const fl_selmetric *fl_selmetric_default(fl_task task)
{
	return fl_selmetric_at(task, 0);
}

int fl_selmetric_get(fl_task task, const char *name, const fl_selmetric **out,
		     fl_err *err)
{
	char list[256] = "";
	size_t len = 0;
	const fl_selmetric *m;

	*out = NULL;
	for (size_t i = 0; (m = fl_selmetric_at(task, i)); i++) {
		if (strcmp(m->name, name) == 0) {
			*out = m;
			return 0;
		}
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					m->name);
	}
	for (size_t j = 0; j < N_METRICS; j++)
		if (strcmp(table[j].name, name) == 0)
			return fl_err_set(err, FL_EINVAL,
					  "metric '%s' is for %s, not %s (use one of: %s)", name,
					  fl_task_name(table[j].task), fl_task_name(task), list);
	return fl_err_set(err, FL_EINVAL, "unknown metric '%s' for %s (use one of: %s)", name,
			  fl_task_name(task), list);
}
