/* select.c - parallel cross-validated model selection (select.h). */
#include "develop/select.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"
#include "ml/model.h"

int fl_splits_from_folds(fl_split_rows **out, const int32_t *fold, size_t n, int k,
			 fl_err *err)
{
	fl_split_rows *s = calloc((size_t)k, sizeof(*s));

	*out = NULL;
	if (!s)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (int f = 0; f < k; f++) {
		fl_split_rows *p = &s[f];
		if (!(p->train = malloc((n + 1) * sizeof(size_t))) ||
		    !(p->held = malloc((n + 1) * sizeof(size_t)))) {
			fl_splits_free(s, (size_t)k);
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		}
		for (size_t i = 0; i < n; i++) {
			if (fold[i] == f)
				p->held[p->n_held++] = i;
			else
				p->train[p->n_train++] = i;
		}
		if (!p->n_held || !p->n_train) {
			int all = p->n_held != 0;
			fl_splits_free(s, (size_t)k);
			return fl_err_set(err, FL_EINVAL,
					  "fold %d of %d %s: %zu rows are too few for %d folds",
					  f + 1, k, all ? "holds every row" : "has no rows", n, k);
		}
	}
	*out = s;
	return 0;
}

int fl_splits_holdout(fl_split_rows **out, size_t n_train, size_t n, fl_err *err)
{
	fl_split_rows *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (n_train == 0 || n_train >= n) {
		free(s);
		return fl_err_set(err, FL_EINVAL, "the %s has no rows",
				  n_train ? "validation table" : "training table");
	}
	if (!s || !(s->train = malloc(n_train * sizeof(size_t))) ||
	    !(s->held = malloc((n - n_train) * sizeof(size_t)))) {
		fl_splits_free(s, 1);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (i < n_train)
			s->train[s->n_train++] = i;
		else
			s->held[s->n_held++] = i;
	}
	*out = s;
	return 0;
}

void fl_splits_free(fl_split_rows *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		free(s[i].train);
		free(s[i].held);
	}
	free(s);
}

/* Shared state of the parallel fits. */
typedef struct job {
	const fl_select_opts *o;
	fl_dataset **fit;       /* per split: training rows */
	fl_dataset **held;      /* per split: held-out rows */
	json_t **scores;        /* per (candidate, split) */
	pthread_mutex_t lock;   /* guards `done` and progress calls */
	size_t done, total;
} job;

static int fit_one(void *ud, size_t i, int worker, fl_err *err)
{
	job *j = ud;
	const fl_select_opts *o = j->o;
	size_t c = i / o->n_splits, s = i % o->n_splits;
	const fl_candidate *cand = &o->grid->c[c];
	fl_fit_opts fo = FL_FIT_OPTS_INIT;
	fl_model *m = NULL;
	int rc;

	(void)worker;
	if (o->stop && *o->stop)
		return fl_err_set(err, FL_EINTR, "interrupted");
	fo.seed = o->seed;
	fo.n_threads = 1; /* the fits themselves are the parallel items */
	if ((rc = fl_model_fit(&m, cand->kind, j->fit[s], cand->params, &fo, err)) == 0)
		rc = fl_model_score(m, j->held[s], 1, o->seed, &j->scores[i], err);
	fl_model_free(m);
	if (rc < 0)
		return fl_err_wrap(err, "candidate %zu (%s), split %zu", c + 1, cand->kind->name,
				   s + 1);
	pthread_mutex_lock(&j->lock);
	j->done++;
	fl_progress_report(o->progress, "fits", j->done, j->total);
	pthread_mutex_unlock(&j->lock);
	return 0;
}

static int make_subsets(job *j, fl_err *err)
{
	const fl_select_opts *o = j->o;
	int rc = 0;

	if (!(j->fit = calloc(o->n_splits, sizeof(fl_dataset *))) ||
	    !(j->held = calloc(o->n_splits, sizeof(fl_dataset *))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t s = 0; rc == 0 && s < o->n_splits; s++)
		if ((rc = fl_dataset_subset(&j->fit[s], o->data, o->splits[s].train,
					    o->splits[s].n_train, err)) == 0)
			rc = fl_dataset_subset(&j->held[s], o->data, o->splits[s].held,
					       o->splits[s].n_held, err);
	return rc;
}

static void job_clear(job *j, size_t n_splits)
{
	for (size_t s = 0; s < n_splits; s++) {
		if (j->fit)
			fl_dataset_free(j->fit[s]);
		if (j->held)
			fl_dataset_free(j->held[s]);
	}
	free(j->fit);
	free(j->held);
}

/* Mean and population std of metric `name` over candidate c's splits, in
 * split order; NAN when any split lacks it. */
static void summarise(fl_selection *r, size_t c, size_t m, const char *name)
{
	double sum = 0, ss = 0, mean;
	size_t k = r->n_splits;

	for (size_t s = 0; s < k; s++) {
		const json_t *v = json_object_get(r->scores[c * k + s], name);
		if (!json_is_number(v)) {
			r->mean[c * r->n_metrics + m] = r->std[c * r->n_metrics + m] = NAN;
			return;
		}
		sum += json_number_value(v);
	}
	mean = sum / (double)k;
	for (size_t s = 0; s < k; s++) {
		double d = json_number_value(json_object_get(r->scores[c * k + s], name)) - mean;
		ss += d * d;
	}
	r->mean[c * r->n_metrics + m] = mean;
	r->std[c * r->n_metrics + m] = sqrt(ss / (double)k);
}

/* Is candidate a better than b by the selection metric (column m)? NAN is
 * worst; equal means keep grid order. */
static int better(const fl_selection *r, size_t m, int higher, size_t a, size_t b)
{
	double x = r->mean[a * r->n_metrics + m], y = r->mean[b * r->n_metrics + m];

	if (isnan(x) || isnan(y))
		return isnan(y) && !isnan(x) ? 1 : isnan(x) && !isnan(y) ? 0 : a < b;
	if (x != y)
		return higher ? x > y : x < y;
	return a < b;
}

static int rank_all(fl_selection *r, const fl_selmetric *metric, fl_err *err)
{
	size_t m = 0;

	while (fl_selmetric_at(metric->task, m) != metric)
		m++;
	for (size_t c = 0; c < r->n_cand; c++) {
		r->rank[c] = 1;
		for (size_t d = 0; d < r->n_cand; d++)
			if (d != c && better(r, m, metric->higher_better, d, c))
				r->rank[c]++;
		if (r->rank[c] == 1)
			r->best = c;
	}
	if (isnan(r->mean[r->best * r->n_metrics + m]))
		return fl_err_set(err, FL_EINVAL,
				  "no candidate could be scored by '%s' on every split",
				  metric->name);
	return 0;
}

static int selection_new(fl_selection **out, const fl_select_opts *o, fl_err *err)
{
	fl_selection *r = calloc(1, sizeof(*r));
	size_t nm = 0;

	while (fl_selmetric_at(o->metric->task, nm))
		nm++;
	if (r) {
		r->n_cand = o->grid->n;
		r->n_splits = o->n_splits;
		r->n_metrics = nm;
		r->scores = calloc(r->n_cand * r->n_splits + 1, sizeof(json_t *));
		r->mean = calloc(r->n_cand * nm + 1, sizeof(double));
		r->std = calloc(r->n_cand * nm + 1, sizeof(double));
		r->rank = calloc(r->n_cand + 1, sizeof(size_t));
	}
	if (!r || !r->scores || !r->mean || !r->std || !r->rank) {
		fl_selection_free(r);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	*out = r;
	return 0;
}

int fl_select_run(fl_selection **out, const fl_select_opts *o, fl_err *err)
{
	fl_selection *r = NULL;
	job j = { 0 };
	int rc;

	*out = NULL;
	if (o->grid->n == 0 || o->n_splits == 0)
		return fl_err_set(err, FL_EINVAL, "nothing to select: no candidates or no splits");
	if ((rc = selection_new(&r, o, err)) < 0)
		return rc;
	j.o = o;
	j.scores = r->scores;
	j.total = r->n_cand * r->n_splits;
	pthread_mutex_init(&j.lock, NULL);
	if ((rc = make_subsets(&j, err)) == 0)
		rc = fl_parallel_for(j.total, o->n_threads, fit_one, &j, err);
	job_clear(&j, o->n_splits);
	pthread_mutex_destroy(&j.lock);
	for (size_t c = 0; rc == 0 && c < r->n_cand; c++)
		for (size_t m = 0; m < r->n_metrics; m++)
			summarise(r, c, m, fl_selmetric_at(o->metric->task, m)->name);
	if (rc == 0)
		rc = rank_all(r, o->metric, err);
	if (rc < 0) {
		fl_selection_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void fl_selection_free(fl_selection *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->scores && i < s->n_cand * s->n_splits; i++)
		json_decref(s->scores[i]);
	free(s->scores);
	free(s->mean);
	free(s->std);
	free(s->rank);
	free(s);
}
