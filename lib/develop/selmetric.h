/* selmetric.h - the metrics a develop step can choose models by: for each
 * task, the scalar metrics fl_model_score reports, which way is better, and
 * the task's default. A metric that does not fit the task is refused. */
#ifndef FL_SELMETRIC_H
#define FL_SELMETRIC_H

#include "core/err.h"
#include "ml/model.h"

typedef struct fl_selmetric {
	const char *name;  /* as fl_model_score names it ("accuracy") */
	fl_task task;      /* the task it belongs to */
	int higher_better; /* 1: larger is better; 0: smaller (log_loss, rmse) */
	int needs_proba;   /* 1: every candidate must offer predict_proba */
} fl_selmetric;

/* The task called `name` ("classification", "regression", "clustering",
 * "reduction"); FL_EINVAL listing them otherwise. */
int fl_task_parse(const char *name, fl_task *out, fl_err *err);

/* The metric `name` of `task` (static, borrowed). A metric of another
 * task, or an unknown one, is FL_EINVAL naming the task's metrics. */
int fl_selmetric_get(fl_task task, const char *name, const fl_selmetric **out,
		     fl_err *err);

/* The task's default selection metric (accuracy, r2, silhouette,
 * explained_variance_ratio). */
const fl_selmetric *fl_selmetric_default(fl_task task);

/* The i-th metric of `task` (for tables: every metric over the folds), or
 * NULL past the last. */
const fl_selmetric *fl_selmetric_at(fl_task task, size_t i);

#endif
