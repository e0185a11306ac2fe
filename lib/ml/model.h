/* model.h - model kinds and fitted models. Every kind (linear_regression,
 * ridge, logistic_regression, pca, kmeans, random_forest, mlp, ...) is one
 * row of the table in lib/ml/kinds.c and one lib/ml/<kind>.c defining an
 * fl_model_kind; the generic functions below do the shared work (parameter
 * checks, input checks, schema, BLAS pinning, model files, metrics).
 *
 *   fl_model *m = NULL;
 *   const fl_model_kind *k = fl_model_kind_find("ridge");
 *   fl_hparams_from_args(k->params, args, n_args, &params, &err);
 *   fl_model_fit(&m, k, train, params, &fit_opts, &err);
 *   fl_model_predict(m, test, n_threads, yhat, &err);     // n values
 *   fl_model_save(m, "ridge.floe", &err);
 *   fl_model_free(m);
 *
 * Determinism: fl_model_fit and the predict/transform functions pin
 * OpenBLAS to one thread; a kind that uses more threads must split its work
 * into fixed items (fl_parallel_for) and reduce them in index order, so
 * the same data and seed give the same bits with any thread count. */
#ifndef FL_MODEL_H
#define FL_MODEL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/log.h"
#include "ml/dataset.h"
#include "ml/modelfile.h"
#include "ml/hparams.h"

typedef enum fl_task {
	FL_TASK_CLASSIFICATION = 0, /* needs a class target; predicts classes */
	FL_TASK_REGRESSION = 1,     /* needs a real target; predicts values */
	FL_TASK_CLUSTERING = 2,     /* no target; predicts cluster indices */
	FL_TASK_REDUCTION = 3,      /* no target; transforms to fewer columns */
} fl_task;

/* "classification", "regression", "clustering", "reduction". */
const char *fl_task_name(fl_task t);

/* How a fit runs (not part of the model's identity except the seed). */
typedef struct fl_fit_opts {
	uint64_t seed;               /* every random choice derives from it */
	int n_threads;               /* 0: all cores */
	const fl_progress *progress; /* may be NULL */
} fl_fit_opts;

#define FL_FIT_OPTS_INIT { 0, 0, NULL }

/* One model kind. Fitted state is a kind-private object (`void *`) that
 * only the kind's functions touch. Functions a kind does not offer are
 * NULL (e.g. predict_proba for regression, transform for classifiers). */
typedef struct fl_model_kind {
	const char *name;             /* "logistic_regression" */
	fl_task task;                 /* what it does */
	const char *summary;          /* one line for `floe train --help` */
	const fl_hparam_spec *params;  /* parameter table, NULL-name terminated */

	/* Fit on `train` (already checked: n >= 1, d >= 1, finite, target of
	 * the kind's task present; for classification every class index in
	 * range and at least two classes present). `params` is resolved
	 * (every parameter present). *state owned by the caller (free_state). */
	int (*fit)(void **state, const fl_dataset *train, const json_t *params,
		   const fl_fit_opts *opts, fl_err *err);

	/* n rows of d features (row-major, d = the schema's n_features) ->
	 * out[n]: class index (classification), value (regression) or cluster
	 * index (clustering), as doubles. */
	int (*predict)(const void *state, const double *X, size_t n, size_t d,
		       int n_threads, double *out, fl_err *err);

	/* -> out[n * n_classes], row-major probabilities summing to 1. */
	int (*predict_proba)(const void *state, const double *X, size_t n,
			     size_t d, int n_threads, double *out, fl_err *err);

	/* -> out[n * n_outputs(state)] (PCA components, k-means distances). */
	int (*transform)(const void *state, const double *X, size_t n, size_t d,
			 int n_threads, double *out, fl_err *err);
	size_t (*n_outputs)(const void *state);

	/* Add the fitted state to `mf` as named arrays (mf->kind, schema and
	 * params are already set). */
	int (*save)(const void *state, fl_modelfile *mf, fl_err *err);

	/* Rebuild the state from a model file of this kind (mf->params and
	 * mf->schema are available). Damaged arrays are FL_EINVAL. */
	int (*load)(void **state, const fl_modelfile *mf, fl_err *err);

	/* Fit diagnostics and a summary for `floe model info` (n_iter, final
	 * loss, explained variance ratio, inertia, tree count...): add keys to
	 * the object `info`. Called right after a fit; the result is stored
	 * in the model's metrics under "fit". */
	int (*describe)(const void *state, json_t *info, fl_err *err);

	void (*free_state)(void *state);
} fl_model_kind;

/* The table of kinds (lib/ml/kinds.c), NULL-terminated. */
extern const fl_model_kind *const fl_model_kinds[];

/* The kind called `name`, or NULL. */
const fl_model_kind *fl_model_kind_find(const char *name);

/* FL_EINVAL "unknown model kind 'x' (known: a, b, ...)" when absent. */
int fl_model_kind_get(const fl_model_kind **out, const char *name, fl_err *err);

/* A fitted model. Everything is owned by the struct (fl_model_free). */
typedef struct fl_model {
	const fl_model_kind *kind; /* static, borrowed */
	fl_schema schema;          /* input schema, from the training data */
	json_t *params;            /* resolved parameters, plus "seed" */
	json_t *metrics;           /* {"fit": describe(), "train": {...},
				    * "test": {...}} as they are added */
	void *state;               /* the kind's fitted state */
} fl_model;

/* Fit `kind` on `train` with `params` (a resolved object, or NULL for all
 * defaults; unresolved objects are resolved here). Checks the data first:
 * no rows, no features, NaN/inf (row and feature named), a missing or
 * wrong target for the task, a single class. *out owned by the caller. */
int fl_model_fit(fl_model **out, const fl_model_kind *kind,
		 const fl_dataset *train, const json_t *params,
		 const fl_fit_opts *opts, fl_err *err);

/* Apply to `data` after fl_schema_check (a message naming missing, extra
 * or reordered features) and a finiteness check. `out` as the kind's
 * functions above; a kind lacking the function is FL_EINVAL. */
int fl_model_predict(const fl_model *m, const fl_dataset *data, int n_threads,
		     double *out, fl_err *err);
int fl_model_predict_proba(const fl_model *m, const fl_dataset *data,
			   int n_threads, double *out, fl_err *err);
int fl_model_transform(const fl_model *m, const fl_dataset *data,
		       int n_threads, double *out, fl_err *err);

/* Metrics of the model on `data` as a new JSON object, by task:
 * classification {accuracy, balanced_accuracy, precision_macro,
 * recall_macro, f1_macro, per_class:{...}, confusion_matrix, log_loss
 * (if predict_proba), roc_auc (binary)}; regression {r2, rmse, mae,
 * explained_variance}; clustering {inertia, silhouette (on at most 5000
 * rows, chosen with `seed`), adjusted_rand (if data has classes)};
 * reduction {explained_variance, reconstruction_rmse}. */
int fl_model_score(const fl_model *m, const fl_dataset *data, int n_threads,
		   uint64_t seed, json_t **out, fl_err *err);

/* Record metrics under `key` ("train", "test"); steals `metrics`. */
int fl_model_add_metrics(fl_model *m, const char *key, json_t *metrics,
			 fl_err *err);

/* Model <-> model file (the file holds kind, schema, params, metrics and
 * the kind's arrays). Loading checks that the kind is known. */
int fl_model_to_modelfile(const fl_model *m, fl_modelfile **out, fl_err *err);
int fl_model_from_modelfile(fl_model **out, const fl_modelfile *mf,
			    fl_err *err);
int fl_model_save(const fl_model *m, const char *path, fl_err *err);
int fl_model_load(fl_model **out, const char *path, fl_err *err);

/* Everything `floe model info` prints, as a new JSON object: kind, task,
 * format version, schema, params, metrics, arrays [{name, dtype, dims}]. */
int fl_modelfile_info(const fl_modelfile *mf, json_t **out, fl_err *err);

void fl_model_free(fl_model *m);

#endif
