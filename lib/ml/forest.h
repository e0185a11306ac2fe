/* forest.h - random forests for classification (gini) and regression
 * (squared error), in scikit-learn's vocabulary.
 *
 *   fl_forest_params p = FL_FOREST_PARAMS_INIT;
 *   fl_forest *rf = NULL;
 *   p.n_estimators = 100; p.seed = 42;
 *   if (fl_forest_fit(&rf, X, n, F, y, n_classes, NULL, &p, &err) < 0) ...
 *   fl_forest_predict_class(rf, Xtest, m, pred, 0, &err);
 *   fl_forest_free(rf);
 *
 * Features are binned once per fit into at most max_bins quantile bins
 * (forest_bin.h); trees are grown in parallel, each with its own RNG
 * stream fl_rng_seed(seed, tree index), so the forest and its predictions
 * are bitwise identical whatever the thread count. Inputs must be finite:
 * NaN or infinity is an error naming the row and feature. */
#ifndef FL_ML_FOREST_H
#define FL_ML_FOREST_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/log.h"
#include "ml/forest_tree.h"

/* How max_features is given. */
typedef enum fl_max_features {
	FL_MAXF_DEFAULT = 0, /* sqrt for classifiers, all for regressors */
	FL_MAXF_SQRT,        /* floor(sqrt(F)) */
	FL_MAXF_LOG2,        /* floor(log2(F)) */
	FL_MAXF_FRACTION,    /* floor(value * F), value in (0, 1] */
	FL_MAXF_COUNT,       /* value features, 1..F */
	FL_MAXF_ALL,         /* F ("None" in scikit-learn) */
} fl_max_features;

typedef struct fl_forest_params {
	int n_estimators;          /* trees, >= 1 (100) */
	int max_depth;             /* 0: grow until pure (None) */
	size_t min_samples_split;  /* >= 2 (2) */
	size_t min_samples_leaf;   /* >= 1 (1) */
	fl_max_features max_features_kind; /* (FL_MAXF_DEFAULT) */
	double max_features;       /* the fraction or count, when used */
	int bootstrap;             /* 1: sample n rows with replacement (1) */
	int class_weight_balanced; /* 1: weight classes n / (K * n_k) (0) */
	int oob_score;             /* 1: score on out-of-bag rows (0) */
	int max_bins;              /* 2..256 (256) */
	uint64_t seed;             /* random_state (0) */
	int n_threads;             /* 0: all cores; not saved */
	const fl_progress *progress; /* "trees" done / n_estimators after each
				      * tree, from one thread at a time, done
				      * counting up by one; may be NULL; not
				      * saved */
} fl_forest_params;

#define FL_FOREST_PARAMS_INIT \
	{ 100, 0, 2, 1, FL_MAXF_DEFAULT, 0.0, 1, 0, 0, 256, 0, 0, NULL }

/* Features tried per split for F features; FL_EINVAL (with a message) when
 * the request is more than F or less than one. */
int fl_forest_mtry(const fl_forest_params *p, int classifier, size_t F,
		   size_t *out, fl_err *err);

typedef struct fl_forest {
	int n_classes;            /* classifier: >= 2; regressor: 0 */
	size_t n_features;        /* input width */
	fl_forest_params params;  /* as fitted */
	size_t mtry;              /* resolved max_features */
	size_t n_trees;           /* = params.n_estimators */
	fl_tree *trees;           /* n_trees trees */
	uint16_t *n_bins;         /* n_features bin counts (forest_bin.h) */
	double *edges;            /* n_features x (FL_BINS_MAX-1) bin edges */
	double *importance;       /* n_features, sums to 1 (or all 0) */
	int has_oob;              /* oob_score was computed */
	double oob_score;         /* accuracy or R^2 on out-of-bag rows */
	size_t n_oob;             /* rows with at least one out-of-bag tree */
} fl_forest;

/* Fit a forest on the row-major n x F matrix X. A classifier takes
 * y_class (class indices 0..n_classes-1, n_classes >= 2, at least two
 * present) and y_value NULL; a regressor takes y_value and n_classes 0.
 * *out is owned by the caller; free with fl_forest_free(). */
int fl_forest_fit(fl_forest **out, const double *X, size_t n, size_t F,
		  const int32_t *y_class, int n_classes, const double *y_value,
		  const fl_forest_params *p, fl_err *err);

/* Mean of the trees' leaf class distributions: out is n x n_classes
 * (caller-allocated). Classifiers only. n_threads 0: all cores. */
int fl_forest_predict_proba(const fl_forest *rf, const double *X, size_t n,
			    double *out, int n_threads, fl_err *err);

/* Most probable class index per row (ties: the lowest index). */
int fl_forest_predict_class(const fl_forest *rf, const double *X, size_t n,
			    int32_t *out, int n_threads, fl_err *err);

/* Regressors: mean of the trees' leaf means per row. */
int fl_forest_predict_value(const fl_forest *rf, const double *X, size_t n,
			    double *out, int n_threads, fl_err *err);

/* Bin codes of the row-major n x n_features matrix X (out: n x n_features
 * bytes, caller-allocated), as the trees read them. */
void fl_forest_codes(const fl_forest *rf, const double *X, size_t n,
		     uint8_t *out);

/* FL_EINVAL naming the first non-finite value ("row 3, feature 7"), rows
 * and features counted from 1. */
int fl_forest_check_finite(const double *X, size_t n, size_t F, fl_err *err);

/* Deepest tree, total nodes and total leaves. */
void fl_forest_stats(const fl_forest *rf, uint32_t *max_depth,
		     uint64_t *n_nodes, uint64_t *n_leaves);

/* Free a forest (NULL allowed). */
void fl_forest_free(fl_forest *rf);

#endif
