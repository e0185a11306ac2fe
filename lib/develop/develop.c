/* develop.c - the develop phase: settings, tables, selection, refit, test
 * score (develop.h). The files are written by devout.c. */
#define _GNU_SOURCE
#include "develop/develop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/format.h"
#include "data/h5table.h"
#include "data/load.h"
#include "data/prepare.h"
#include "data/split.h"
#include "data/table.h"
#include "develop/devout.h"
#include "develop/grid.h"
#include "develop/select.h"
#include "develop/selmetric.h"
#include "ml/model.h"

/* The settings a develop step's parameters give. */
typedef struct settings {
	fl_task task;
	const fl_selmetric *metric;
	const char *label;  /* or NULL */
	int holdout;        /* 1: resampling: holdout (the validation table) */
	int folds;          /* cross-validation folds */
	int stratify;       /* stratified folds (classification) */
	fl_grid *grid;      /* the expanded candidates */
} settings;

static const fl_value *param(const fl_value *params, const char *name)
{
	const fl_value *v = fl_value_get(params, name);

	return v && !(v->type == FL_VALUE_SCALAR && !v->quoted && fl_value_is_null(v)) ? v : NULL;
}

/* Re-raise the current message at `at`. */
static int at_value(fl_err *err, const fl_value *at, int rc)
{
	char msg[FL_ERR_MSG_MAX];

	snprintf(msg, sizeof(msg), "%s", err->msg);
	return fl_value_error(err, at, rc, "%s", msg);
}

static int read_task_metric(settings *s, const fl_value *params, fl_err *err)
{
	const fl_value *t = param(params, "task"), *m = param(params, "metric");
	int rc;

	if (!t)
		return fl_value_error(err, params, FL_EINVAL, "missing parameter 'task'");
	if ((rc = fl_task_parse(t->text, &s->task, err)) < 0)
		return at_value(err, t, rc);
	s->metric = fl_selmetric_default(s->task);
	if (m && (rc = fl_selmetric_get(s->task, m->text, &s->metric, err)) < 0)
		return at_value(err, m, rc);
	return 0;
}

static int read_resampling(settings *s, const fl_value *params, int has_validation,
			   fl_err *err)
{
	const fl_value *r = param(params, "resampling"), *f = param(params, "folds");
	int64_t folds = 5;
	int rc;

	s->holdout = r && strcmp(r->text, "holdout") == 0;
	if (r && !s->holdout && strcmp(r->text, "cv") != 0)
		return fl_value_error(err, r, FL_EINVAL,
				      "'resampling' must be cv (k-fold cross-validation) or "
				      "holdout (the validation table), not '%s'", r->text);
	if (s->holdout && !has_validation)
		return fl_value_error(err, r, FL_EINVAL,
				      "resampling: holdout needs a 'validation' input");
	if (!s->holdout && has_validation)
		return fl_value_error(err, r ? r : params, FL_EINVAL,
				      "a 'validation' input is used only with resampling: holdout "
				      "(cross-validation folds the training table)");
	if (f && (rc = fl_value_int(f, "'folds'", &folds, err)) < 0)
		return rc;
	if (folds < 2 || folds > 100)
		return fl_value_error(err, f, FL_EINVAL, "'folds' must be 2 to 100, not %lld",
				      (long long)folds);
	s->folds = (int)folds;
	return 0;
}

/* Every candidate must offer probabilities for log_loss and roc_auc. */
static int check_proba(const settings *s, const fl_value *params, fl_err *err)
{
	for (size_t i = 0; s->metric->needs_proba && i < s->grid->n; i++)
		if (!s->grid->c[i].kind->predict_proba)
			return fl_value_error(err, param(params, "metric"), FL_EINVAL,
					      "metric '%s' needs class probabilities, which '%s' "
					      "does not give", s->metric->name,
					      s->grid->c[i].kind->name);
	return 0;
}

static int read_settings(settings *s, const fl_value *params, int has_validation,
			 fl_err *err)
{
	const fl_value *l = param(params, "label"), *st = param(params, "stratify");
	const fl_value *mx = param(params, "max_candidates"), *c = param(params, "candidates");
	int64_t max = 200;
	int rc;

	memset(s, 0, sizeof(*s));
	s->stratify = 1;
	if ((rc = read_task_metric(s, params, err)) < 0 ||
	    (rc = read_resampling(s, params, has_validation, err)) < 0)
		return rc;
	s->label = l ? l->text : NULL;
	if (!s->label && (s->task == FL_TASK_CLASSIFICATION || s->task == FL_TASK_REGRESSION))
		return fl_value_error(err, params, FL_EINVAL,
				      "task %s needs 'label' (the column to predict)",
				      fl_task_name(s->task));
	if (st && (rc = fl_value_bool(st, "'stratify'", &s->stratify, err)) < 0)
		return rc;
	if (mx && ((rc = fl_value_int(mx, "'max_candidates'", &max, err)) < 0 || max < 1))
		return rc < 0 ? rc : fl_value_error(err, mx, FL_EINVAL,
						    "'max_candidates' must be at least 1");
	if (!c)
		return fl_value_error(err, params, FL_EINVAL, "missing parameter 'candidates'");
	if ((rc = fl_grid_parse(&s->grid, c, s->task, (size_t)max, err)) < 0)
		return rc;
	return check_proba(s, params, err);
}

int fl_develop_check(const fl_value *params, int has_validation, fl_err *err)
{
	settings s;
	int rc = read_settings(&s, params, has_validation, err);

	fl_grid_free(s.grid);
	return rc;
}

/* Everything a run holds; freed by dev_free. */
typedef struct dev {
	settings s;
	fl_table *all_t;      /* training rows, then validation rows */
	size_t n_train;       /* rows from the training table */
	fl_dataset *all;      /* all_t as features and target */
	fl_dataset *test;     /* the test table, or NULL */
	fl_split_rows *splits;
	size_t n_splits;
	fl_selection *sel;
	fl_model *model;      /* the chosen candidate, refitted */
	json_t *test_metrics; /* fl_model_score on the test rows, or NULL */
} dev;

static void dev_free(dev *d)
{
	fl_grid_free(d->s.grid);
	fl_table_free(d->all_t);
	fl_dataset_free(d->all);
	fl_dataset_free(d->test);
	fl_splits_free(d->splits, d->n_splits);
	fl_selection_free(d->sel);
	fl_model_free(d->model);
	json_decref(d->test_metrics);
}

static fl_label_mode label_mode(fl_task task)
{
	return task == FL_TASK_REGRESSION ? FL_LABEL_REAL : FL_LABEL_CLASS;
}

static int load_table(fl_table **out, const char *path, const char *what, fl_err *err)
{
	int rc = fl_data_load(out, path, NULL, err);

	return rc < 0 ? fl_err_wrap(err, "reading the %s table", what) : 0;
}

/* The test table as a data set; its label (if any) is the target. */
static int load_test(dev *d, const char *path, fl_err *err)
{
	fl_table *t = NULL;
	const char *label = d->s.label;
	int rc;

	if ((rc = load_table(&t, path, "test", err)) < 0)
		return rc;
	if (label && fl_table_find(t, label) < 0 && d->s.task >= FL_TASK_CLUSTERING)
		label = NULL; /* clustering and reduction score without it */
	rc = fl_dataset_from_table(&d->test, t, label, label_mode(d->s.task), err);
	fl_table_free(t);
	return rc < 0 ? fl_err_wrap(err, "the test table") : 0;
}

static int load_data(dev *d, const fl_develop_opts *o, fl_err *err)
{
	fl_table *val = NULL;
	int rc;

	if ((rc = load_table(&d->all_t, o->train, "training", err)) < 0)
		return rc;
	d->n_train = d->all_t->n_rows;
	if (o->validation && (rc = load_table(&val, o->validation, "validation", err)) == 0 &&
	    (rc = fl_table_append(d->all_t, val, err)) < 0)
		fl_err_wrap(err, "the validation table does not match the training table");
	fl_table_free(val);
	if (rc == 0 && d->n_train == 0)
		rc = fl_err_set(err, FL_EINVAL, "the training table has no rows");
	if (rc == 0 && (rc = fl_dataset_from_table(&d->all, d->all_t, d->s.label,
						   label_mode(d->s.task), err)) < 0)
		fl_err_wrap(err, "the training table");
	if (rc == 0 && o->test)
		rc = load_test(d, o->test, err);
	return rc;
}

static int make_splits(dev *d, uint64_t seed, fl_err *err)
{
	int32_t *fold = NULL;
	const char *strat;
	int rc;

	if (d->s.holdout) {
		d->n_splits = 1;
		return fl_splits_holdout(&d->splits, d->n_train, d->all->n, err);
	}
	strat = d->s.task == FL_TASK_CLASSIFICATION && d->s.stratify ? d->s.label : NULL;
	if ((rc = fl_kfold(&fold, d->all_t, d->s.folds, strat, seed, err)) == 0 &&
	    (rc = fl_splits_from_folds(&d->splits, fold, d->all->n, d->s.folds, err)) == 0)
		d->n_splits = (size_t)d->s.folds;
	free(fold);
	return rc;
}

/* The prepare chain of the training table (a floe HDF5 table written by
 * prepare steps) goes into the model, so that implement and `floe predict`
 * re-apply it to raw data. A CSV training table has none. */
static int attach_chain(fl_model *m, const char *train, fl_err *err)
{
	fl_format f;
	json_t *chain = NULL;
	int rc;

	if ((rc = fl_format_detect(train, FL_FORMAT_UNKNOWN, &f, err)) < 0)
		return rc;
	if (f != FL_FORMAT_HDF5 || !fl_h5table_is_table(train))
		return 0;
	if ((rc = fl_prep_chain_read(&chain, train, err)) < 0)
		return rc;
	free(m->schema.prep_json);
	m->schema.prep_json = json_dumps(chain, JSON_COMPACT | JSON_SORT_KEYS |
					 JSON_REAL_PRECISION(17));
	json_decref(chain);
	return m->schema.prep_json ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");
}

static int select_models(dev *d, const fl_develop_opts *o, fl_err *err)
{
	fl_select_opts so = { 0 };
	size_t fits = d->s.grid->n * d->n_splits;

	fl_log(FL_LOG_INFO, "develop: %zu candidate%s x %zu %s = %zu fits, then 1 refit on %zu rows",
	       d->s.grid->n, d->s.grid->n == 1 ? "" : "s", d->n_splits,
	       d->s.holdout ? "hold-out split" : "folds", fits, d->all->n);
	so.grid = d->s.grid;
	so.metric = d->s.metric;
	so.data = d->all;
	so.splits = d->splits;
	so.n_splits = d->n_splits;
	so.seed = o->seed;
	so.n_threads = o->n_threads;
	so.progress = o->progress;
	so.stop = o->stop;
	return fl_select_run(&d->sel, &so, err);
}

static int refit_and_test(dev *d, const fl_develop_opts *o, fl_err *err)
{
	const fl_candidate *best = &d->s.grid->c[d->sel->best];
	fl_fit_opts fo = FL_FIT_OPTS_INIT;
	int rc;

	fo.seed = o->seed;
	fo.n_threads = o->n_threads;
	fo.progress = o->progress;
	if ((rc = fl_model_fit(&d->model, best->kind, d->all, best->params, &fo, err)) < 0)
		return fl_err_wrap(err, "refitting candidate %zu (%s)", d->sel->best + 1,
				   best->kind->name);
	if ((rc = attach_chain(d->model, o->train, err)) < 0)
		return rc;
	if (d->test && (rc = fl_model_score(d->model, d->test, o->n_threads, o->seed,
					    &d->test_metrics, err)) < 0)
		return fl_err_wrap(err, "scoring on the test table");
	if (d->test_metrics)
		rc = fl_model_add_metrics(d->model, "test", json_deep_copy(d->test_metrics), err);
	return rc;
}

int fl_develop_run(const fl_develop_opts *o, fl_err *err)
{
	dev d = { 0 };
	fl_devout out = { 0 };
	int rc;

	if ((rc = read_settings(&d.s, o->params, o->validation != NULL, err)) == 0 &&
	    (rc = load_data(&d, o, err)) == 0 && (rc = make_splits(&d, o->seed, err)) == 0 &&
	    (rc = select_models(&d, o, err)) == 0)
		rc = refit_and_test(&d, o, err);
	if (rc == 0) {
		out.task = d.s.task;
		out.metric = d.s.metric;
		out.grid = d.s.grid;
		out.sel = d.sel;
		out.model = d.model;
		out.test = d.test_metrics;
		out.holdout = d.s.holdout;
		out.n_rows = d.all->n;
		out.seed = o->seed;
		rc = fl_devout_write(&out, o->out_dir, err);
	}
	dev_free(&d);
	return rc;
}
