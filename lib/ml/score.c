/* score.c - fl_model_score (model.h): the metrics of a fitted model on a
 * data set, chosen by the model's task. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "ml/metrics.h"
#include "ml/model.h"

#define SILHOUETTE_MAX_ROWS 5000

/* The model's class index of each row's class, matched by name (the data's
 * class list may differ from training's). */
static int map_classes(const fl_model *m, const fl_dataset *ds, int32_t *y, fl_err *err)
{
	const fl_schema *s = &m->schema;

	for (size_t i = 0; i < ds->n; i++) {
		const char *name = ds->class_names[ds->y_class[i]];
		size_t k = 0;
		while (k < s->n_classes && strcmp(s->class_names[k], name) != 0)
			k++;
		if (k == s->n_classes)
			return fl_err_set(err, FL_EINVAL,
					  "row %zu: class '%s' was not seen in training", i + 1,
					  name);
		y[i] = (int32_t)k;
	}
	return 0;
}

static json_t *per_class(const fl_schema *s, const uint64_t *cm, size_t k)
{
	double *p = calloc(3 * k, sizeof(double));
	json_t *o = json_object();

	if (!p)
		return o;
	fl_metric_prf(cm, k, p, p + k, p + 2 * k, NULL, NULL, NULL);
	for (size_t c = 0; c < k; c++) {
		uint64_t support = 0;
		for (size_t q = 0; q < k; q++)
			support += cm[c * k + q];
		json_object_set_new(o, s->class_names[c],
				    json_pack("{s:f, s:f, s:f, s:I}", "precision", p[c],
					      "recall", p[k + c], "f1", p[2 * k + c],
					      "support", (json_int_t)support));
	}
	free(p);
	return o;
}

static json_t *cm_json(const uint64_t *cm, size_t k)
{
	json_t *rows = json_array();

	for (size_t t = 0; t < k; t++) {
		json_t *r = json_array();
		for (size_t p = 0; p < k; p++)
			json_array_append_new(r, json_integer((json_int_t)cm[t * k + p]));
		json_array_append_new(rows, r);
	}
	return rows;
}

static int add_proba_metrics(const fl_model *m, const fl_dataset *ds, const int32_t *y,
			     int n_threads, json_t *o, fl_err *err)
{
	size_t k = m->schema.n_classes, n = ds->n;
	double *proba = malloc((n * k > 0 ? n * k : 1) * sizeof(double)), auc;
	int rc;

	if (!proba)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_model_predict_proba(m, ds, n_threads, proba, err)) == 0) {
		json_object_set_new(o, "log_loss", json_real(fl_metric_log_loss(y, proba, n, k)));
		if (k == 2) {
			for (size_t i = 0; i < n; i++)
				proba[i] = proba[i * 2 + 1];
			if (fl_metric_roc_auc(y, proba, n, &auc, NULL) == 0)
				json_object_set_new(o, "roc_auc", json_real(auc));
		}
	}
	free(proba);
	return rc;
}

static int score_classification(const fl_model *m, const fl_dataset *ds, int n_threads,
				const double *pred, json_t *o, fl_err *err)
{
	size_t k = m->schema.n_classes, n = ds->n;
	int32_t *y = malloc(2 * (n ? n : 1) * sizeof(int32_t)), *yp = y + (n ? n : 1);
	uint64_t *cm = calloc(k * k, sizeof(uint64_t));
	double p, r, f;
	int rc = 0;

	if (!y || !cm)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0 && ds->target != FL_TARGET_CLASS)
		rc = fl_err_set(err, FL_EINVAL, "scoring a classifier needs class labels");
	if (rc == 0)
		rc = map_classes(m, ds, y, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		yp[i] = (int32_t)pred[i];
	if (rc == 0)
		rc = fl_metric_confusion(y, yp, n, k, cm, err);
	if (rc == 0) {
		fl_metric_prf(cm, k, NULL, NULL, NULL, &p, &r, &f);
		json_object_set_new(o, "accuracy", json_real(fl_metric_accuracy(y, yp, n)));
		json_object_set_new(o, "balanced_accuracy",
				    json_real(fl_metric_balanced_accuracy(cm, k)));
		json_object_set_new(o, "precision_macro", json_real(p));
		json_object_set_new(o, "recall_macro", json_real(r));
		json_object_set_new(o, "f1_macro", json_real(f));
		json_object_set_new(o, "per_class", per_class(&m->schema, cm, k));
		json_object_set_new(o, "confusion_matrix", cm_json(cm, k));
		if (m->kind->predict_proba)
			rc = add_proba_metrics(m, ds, y, n_threads, o, err);
	}
	free(y);
	free(cm);
	return rc;
}

static int score_regression(const fl_dataset *ds, const double *pred, json_t *o,
			    fl_err *err)
{
	if (ds->target != FL_TARGET_REAL)
		return fl_err_set(err, FL_EINVAL, "scoring a regression needs a numeric target");
	json_object_set_new(o, "r2", json_real(fl_metric_r2(ds->y_real, pred, ds->n)));
	json_object_set_new(o, "rmse", json_real(fl_metric_rmse(ds->y_real, pred, ds->n)));
	json_object_set_new(o, "mae", json_real(fl_metric_mae(ds->y_real, pred, ds->n)));
	json_object_set_new(o, "explained_variance",
			    json_real(fl_metric_explained_variance(ds->y_real, pred, ds->n)));
	return 0;
}

/* Silhouette on at most SILHOUETTE_MAX_ROWS rows drawn with `seed`. */
static int add_silhouette(const fl_dataset *ds, const int32_t *lab, size_t k,
			  int n_threads, uint64_t seed, json_t *o, fl_err *err)
{
	size_t n = ds->n, m = n < SILHOUETTE_MAX_ROWS ? n : SILHOUETTE_MAX_ROWS;
	size_t *idx = malloc(n * sizeof(size_t));
	double *X = malloc(m * ds->d * sizeof(double)), s;
	int32_t *l = malloc(m * sizeof(int32_t));
	fl_rng r;
	int rc = 0;

	if (!idx || !X || !l)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++)
		idx[i] = i;
	fl_rng_seed(&r, seed, 7);
	for (size_t i = 0; rc == 0 && i < m && m < n; i++) { /* partial shuffle */
		size_t j = i + (size_t)fl_rng_below(&r, n - i), t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	for (size_t i = 0; rc == 0 && i < m; i++) {
		memcpy(X + i * ds->d, ds->X + idx[i] * ds->d, ds->d * sizeof(double));
		l[i] = lab[idx[i]];
	}
	/* undefined (one cluster used): leave it out rather than fail */
	if (rc == 0 && fl_metric_silhouette(X, m, ds->d, l, k, n_threads, &s, NULL) == 0) {
		json_object_set_new(o, "silhouette", json_real(s));
		json_object_set_new(o, "silhouette_rows", json_integer((json_int_t)m));
	}
	free(idx);
	free(X);
	free(l);
	return rc;
}

static int score_clustering(const fl_model *m, const fl_dataset *ds, int n_threads,
			    uint64_t seed, const double *pred, json_t *o, fl_err *err)
{
	size_t n = ds->n, k = m->kind->n_outputs ? m->kind->n_outputs(m->state) : 0;
	int32_t *lab = malloc((n ? n : 1) * sizeof(int32_t));
	double *dist = NULL, inertia = 0, ari;
	int rc = 0;

	if (!lab)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		lab[i] = (int32_t)pred[i];
	if (m->kind->transform && k) {
		if (!(dist = malloc(n * k * sizeof(double))))
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		if (rc == 0 && (rc = fl_model_transform(m, ds, n_threads, dist, err)) == 0) {
			for (size_t i = 0; i < n; i++)
				inertia += dist[i * k + lab[i]] * dist[i * k + lab[i]];
			json_object_set_new(o, "inertia", json_real(inertia));
		}
	}
	if (rc == 0)
		rc = add_silhouette(ds, lab, k ? k : n, n_threads, seed, o, err);
	if (rc == 0 && ds->target == FL_TARGET_CLASS &&
	    fl_metric_adjusted_rand(ds->y_class, lab, n, &ari, err) == 0)
		json_object_set_new(o, "adjusted_rand", json_real(ari));
	free(lab);
	free(dist);
	return rc;
}

/* Sum of the column variances (divisor n-1) of an n x d matrix. */
static double total_variance(const double *X, size_t n, size_t d)
{
	double total = 0;

	for (size_t j = 0; j < d; j++) {
		double mean = 0, ss = 0;
		for (size_t i = 0; i < n; i++)
			mean += X[i * d + j];
		mean /= (double)n;
		for (size_t i = 0; i < n; i++)
			ss += (X[i * d + j] - mean) * (X[i * d + j] - mean);
		total += ss;
	}
	return n > 1 ? total / (double)(n - 1) : 0.0;
}

/* Share of the data's variance the components keep (orthonormal
 * projections only: not reported for whitened output). */
static int score_reduction(const fl_model *m, const fl_dataset *ds, int n_threads,
			   json_t *o, fl_err *err)
{
	size_t k = m->kind->n_outputs(m->state), n = ds->n;
	double *Z = malloc((n * k > 0 ? n * k : 1) * sizeof(double)), tx;
	int rc;

	if (!Z)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	json_object_set_new(o, "n_components", json_integer((json_int_t)k));
	rc = fl_model_transform(m, ds, n_threads, Z, err);
	tx = total_variance(ds->X, n, ds->d);
	if (rc == 0 && !json_is_true(json_object_get(m->params, "whiten")) && tx > 0)
		json_object_set_new(o, "explained_variance_ratio",
				    json_real(total_variance(Z, n, k) / tx));
	free(Z);
	return rc;
}

int fl_model_score(const fl_model *m, const fl_dataset *data, int n_threads,
		   uint64_t seed, json_t **out, fl_err *err)
{
	json_t *o = json_object();
	double *pred = NULL;
	int rc = 0;

	*out = NULL;
	if (!o || !(pred = malloc((data->n ? data->n : 1) * sizeof(double))))
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0 && data->n == 0)
		rc = fl_err_set(err, FL_EINVAL, "no rows to score");
	if (rc == 0)
		json_object_set_new(o, "rows", json_integer((json_int_t)data->n));
	if (rc == 0 && m->kind->task != FL_TASK_REDUCTION)
		rc = fl_model_predict(m, data, n_threads, pred, err);
	if (rc == 0) {
		switch (m->kind->task) {
		case FL_TASK_CLASSIFICATION:
			rc = score_classification(m, data, n_threads, pred, o, err);
			break;
		case FL_TASK_REGRESSION:
			rc = score_regression(data, pred, o, err);
			break;
		case FL_TASK_CLUSTERING:
			rc = score_clustering(m, data, n_threads, seed, pred, o, err);
			break;
		case FL_TASK_REDUCTION:
			rc = score_reduction(m, data, n_threads, o, err);
			break;
		}
	}
	free(pred);
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}
