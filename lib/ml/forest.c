/* forest.c - fit random forests over parallel trees, predict, out-of-bag
 * score and impurity importances. */
#include "ml/forest.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"
#include "core/rng.h"
#include "ml/forest_walk.h"

/* ---- parameters ---- */

int fl_forest_mtry(const fl_forest_params *p, int classifier, size_t F,
		   size_t *out, fl_err *err)
{
	double m;

	switch (p->max_features_kind) {
	case FL_MAXF_DEFAULT:
		m = classifier ? floor(sqrt((double)F)) : (double)F;
		break;
	case FL_MAXF_SQRT:
		m = floor(sqrt((double)F));
		break;
	case FL_MAXF_LOG2:
		m = F > 0 ? floor(log2((double)F)) : 0;
		break;
	case FL_MAXF_FRACTION:
		m = floor(p->max_features * (double)F);
		break;
	case FL_MAXF_COUNT:
		m = p->max_features;
		if (m > (double)F)
			return fl_err_set(err, FL_EINVAL,
					  "max_features=%.0f is more than the %zu "
					  "features of the data", m, F);
		break;
	default:
		m = (double)F;
	}
	*out = m < 1 ? 1 : (size_t)m;
	if (F == 0)
		return fl_err_set(err, FL_EINVAL, "the data has no features");
	return 0;
}

/* ---- checks ---- */

int fl_forest_check_finite(const double *X, size_t n, size_t F, fl_err *err)
{
	for (size_t i = 0; i < n; i++)
		for (size_t f = 0; f < F; f++)
			if (!isfinite(X[i * F + f]))
				return fl_err_set(err, FL_EINVAL,
						  "row %zu, feature %zu: %s value; "
						  "random_forest needs finite "
						  "numbers (remove or impute "
						  "missing values first)",
						  i + 1, f + 1,
						  isnan(X[i * F + f]) ? "NaN" :
						  "infinite");
	return 0;
}

static int check_params(const fl_forest_params *p, fl_err *err)
{
	if (p->n_estimators < 1)
		return fl_err_set(err, FL_EINVAL, "n_estimators must be >= 1");
	if (p->max_depth < 0)
		return fl_err_set(err, FL_EINVAL, "max_depth must be >= 1 or None");
	if (p->min_samples_split < 2)
		return fl_err_set(err, FL_EINVAL, "min_samples_split must be >= 2");
	if (p->min_samples_leaf < 1)
		return fl_err_set(err, FL_EINVAL, "min_samples_leaf must be >= 1");
	/* a forest takes fewer than 2^32 rows; larger limits would only
	 * overflow the tree's arithmetic */
	if (p->min_samples_split > UINT32_MAX)
		return fl_err_set(err, FL_EINVAL, "min_samples_split must be "
				  "at most %" PRIu32, UINT32_MAX);
	if (p->min_samples_leaf > UINT32_MAX)
		return fl_err_set(err, FL_EINVAL, "min_samples_leaf must be "
				  "at most %" PRIu32, UINT32_MAX);
	if (p->max_bins < 2 || p->max_bins > FL_BINS_MAX)
		return fl_err_set(err, FL_EINVAL, "max_bins must be in 2..256");
	if (p->oob_score && !p->bootstrap)
		return fl_err_set(err, FL_EINVAL,
				  "oob_score needs bootstrap=true: without it "
				  "no row is out of bag");
	return 0;
}

/* Count classes; error unless y is in range with at least two present.
 * Fills the balanced class weights when asked. */
static int check_classes(const int32_t *y, size_t n, int K, int balanced,
			 double *cw, fl_err *err)
{
	size_t *cnt = calloc((size_t)K, sizeof(*cnt));
	int present = 0, rc = 0;

	if (!cnt)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (y[i] < 0 || y[i] >= K)
			rc = fl_err_set(err, FL_EINVAL, "row %zu: class index %d "
					"is outside 0..%d", i + 1, y[i], K - 1);
		else
			cnt[y[i]]++;
	}
	for (int k = 0; k < K; k++) {
		present += cnt[k] > 0;
		cw[k] = cnt[k] && balanced ? (double)n / ((double)K * cnt[k]) : 1.0;
	}
	if (rc == 0 && present < 2)
		rc = fl_err_set(err, FL_EINVAL,
				"the labels have only one class: a classifier "
				"needs at least two");
	free(cnt);
	return rc;
}

/* ---- fitting ---- */

typedef struct fit_job {
	fl_forest *rf;
	fl_tree_grow g;
	fl_tree_scratch **scratch; /* per worker, created on first use */
	uint8_t *inbag;            /* n_trees x inbag_len bits, or NULL */
	size_t inbag_len;
	pthread_mutex_t lock;      /* guards done and the progress calls */
	size_t done;               /* trees grown */
	const fl_progress *progress; /* borrowed from the parameters */
} fit_job;

static int fit_tree(void *ud, size_t i, int worker, fl_err *err)
{
	fit_job *j = ud;
	fl_rng r;
	int rc;

	if (!j->scratch[worker] &&
	    (rc = fl_tree_scratch_new(&j->scratch[worker], &j->g, err)) < 0)
		return rc;
	fl_rng_seed(&r, j->rf->params.seed, i);
	if ((rc = fl_tree_fit(&j->rf->trees[i], &j->g, &r, j->scratch[worker],
			      j->inbag ? j->inbag + i * j->inbag_len : NULL,
			      err)) < 0 ||
	    (rc = fl_tree_walk_prepare(&j->rf->trees[i], j->rf->n_features,
				       err)) < 0)
		return rc;
	pthread_mutex_lock(&j->lock);
	j->done++;
	fl_progress_report(j->progress, "trees", j->done,
			   j->rf->n_trees);
	pthread_mutex_unlock(&j->lock);
	return 0;
}

/* Mean of the per-tree importances normalised to sum 1 (single-node trees
 * left out), normalised again, as scikit-learn does. */
static void forest_importance(fl_forest *rf)
{
	size_t F = rf->n_features, used = 0;
	double total = 0;

	for (size_t t = 0; t < rf->n_trees; t++) {
		const fl_tree *tr = &rf->trees[t];
		double s = 0;
		if (tr->n_nodes <= 1)
			continue;
		for (size_t f = 0; f < F; f++)
			s += tr->importance[f];
		used++;
		for (size_t f = 0; f < F && s > 0; f++)
			rf->importance[f] += tr->importance[f] / s;
	}
	for (size_t f = 0; f < F; f++)
		total += rf->importance[f] /= used ? (double)used : 1.0;
	for (size_t f = 0; f < F && total > 0; f++)
		rf->importance[f] /= total;
}

static fl_forest *forest_alloc(size_t F, int K, const fl_forest_params *p)
{
	fl_forest *rf = calloc(1, sizeof(*rf));

	if (!rf)
		return NULL;
	rf->n_classes = K;
	rf->n_features = F;
	rf->params = *p;
	rf->params.progress = NULL; /* the caller's, valid during the fit only */
	rf->n_trees = (size_t)p->n_estimators;
	rf->trees = calloc(rf->n_trees, sizeof(*rf->trees));
	rf->importance = calloc(F, sizeof(*rf->importance));
	rf->n_bins = calloc(F, sizeof(*rf->n_bins));
	rf->edges = calloc(F * (FL_BINS_MAX - 1), sizeof(*rf->edges));
	if (!rf->trees || !rf->importance || !rf->n_bins || !rf->edges) {
		fl_forest_free(rf);
		return NULL;
	}
	return rf;
}

static int oob_compute(fl_forest *rf, const double *X, size_t n,
		       const int32_t *yc, const double *yv, const uint8_t *inbag,
		       size_t inbag_len, int n_threads, fl_err *err);

static int fit_check(const double *X, size_t n, size_t F, const int32_t *yc,
		     int K, const double *yv, const fl_forest_params *p,
		     fl_err *err)
{
	int rc;

	if ((rc = check_params(p, err)) < 0)
		return rc;
	if ((K > 0) != (yc != NULL) || (K == 0) != (yv != NULL) || K == 1)
		return fl_err_set(err, FL_EINVAL, "a classifier needs class "
				  "labels and >= 2 classes, a regressor numbers");
	if (n < 2)
		return fl_err_set(err, FL_EINVAL, "need at least 2 rows to fit "
				  "a forest, got %zu", n);
	if (n > UINT32_MAX - 1)
		return fl_err_set(err, FL_EINVAL, "too many rows (%zu)", n);
	if (F > FL_TREE_MAX_FEATURES)
		return fl_err_set(err, FL_EINVAL, "random_forest takes at most %u "
				  "features, the data has %zu",
				  FL_TREE_MAX_FEATURES, F);
	if ((rc = fl_forest_check_finite(X, n, F, err)) < 0)
		return rc;
	for (size_t i = 0; yv && i < n; i++)
		if (!isfinite(yv[i]))
			return fl_err_set(err, FL_EINVAL, "row %zu: the target "
					  "is not a finite number", i + 1);
	return 0;
}

int fl_forest_fit(fl_forest **out, const double *X, size_t n, size_t F,
		  const int32_t *y_class, int n_classes, const double *y_value,
		  const fl_forest_params *p, fl_err *err)
{
	fit_job j = { .lock = PTHREAD_MUTEX_INITIALIZER, .progress = p->progress };
	fl_bins *bins = NULL;
	double *cw = NULL;
	int nt = fl_threads_resolve(p->n_threads), rc;

	*out = NULL;
	if ((rc = fit_check(X, n, F, y_class, n_classes, y_value, p, err)) < 0)
		return rc;
	if (!(j.rf = forest_alloc(F, n_classes, p)) ||
	    (n_classes && !(cw = calloc((size_t)n_classes, sizeof(*cw)))) ||
	    !(j.scratch = calloc((size_t)nt, sizeof(*j.scratch)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = fl_forest_mtry(p, n_classes > 0, F, &j.rf->mtry, err)) < 0 ||
	    (n_classes && (rc = check_classes(y_class, n, n_classes,
					      p->class_weight_balanced, cw,
					      err)) < 0))
		goto cleanup;
	if ((rc = fl_bins_fit(&bins, X, n, F, p->max_bins, p->seed, nt, err)) < 0)
		goto cleanup;
	memcpy(j.rf->n_bins, bins->n_bins, F * sizeof(*bins->n_bins));
	memcpy(j.rf->edges, bins->edges, F * (FL_BINS_MAX - 1) * sizeof(double));
	j.g = (fl_tree_grow){ bins, y_class, y_value,
			      p->class_weight_balanced ? cw : NULL, n_classes,
			      j.rf->mtry, p->max_depth, p->min_samples_split,
			      p->min_samples_leaf, p->bootstrap };
	j.inbag_len = (n + 7) / 8;
	if (p->oob_score &&
	    !(j.inbag = malloc(j.inbag_len * j.rf->n_trees))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = fl_parallel_for(j.rf->n_trees, nt, fit_tree, &j, err)) < 0)
		goto cleanup;
	forest_importance(j.rf);
	if (p->oob_score &&
	    (rc = oob_compute(j.rf, X, n, y_class, y_value, j.inbag,
			      j.inbag_len, nt, err)) < 0)
		goto cleanup;
	*out = j.rf;
	j.rf = NULL;
cleanup:
	for (int t = 0; j.scratch && t < nt; t++)
		fl_tree_scratch_free(j.scratch[t]);
	free(j.scratch);
	free(j.inbag);
	free(cw);
	pthread_mutex_destroy(&j.lock);
	fl_bins_free(bins);
	fl_forest_free(j.rf);
	return rc;
}

/* ---- prediction ---- */

/* Most rows per prediction work item. Items are as large as the thread
 * count allows: each item walks every tree over all its rows, so the
 * fewer the items, the fewer times each tree is brought into cache. */
#define PREDICT_BLOCK_MAX 65536

typedef struct pred_job {
	const fl_forest *rf;
	const double *X;
	size_t n;
	size_t block;          /* rows per work item */
	fl_bins_lut lut;       /* bins the rows */
	double *out;           /* n x n_outputs sums, then means */
	const uint8_t *inbag;  /* OOB: skip trees whose bit is set */
	size_t inbag_len;
	uint32_t *n_used;      /* OOB: trees used per row */
} pred_job;

static size_t outputs_of(const fl_forest *rf)
{
	return rf->n_classes > 0 ? (size_t)rf->n_classes : 1;
}

void fl_forest_codes(const fl_forest *rf, const double *X, size_t n,
		     uint8_t *out)
{
	fl_bins b = { .n_rows = n, .n_features = rf->n_features,
		      .n_bins = rf->n_bins, .edges = rf->edges };
	size_t F = rf->n_features;

	for (size_t i = 0; i < n; i++)
		for (size_t f = 0; f < F; f++)
			out[i * F + f] = fl_bins_code(&b, f, X[i * F + f]);
}

/* Add one tree's leaf values to rows [lo, hi) of the sums, given each
 * row's value row (fl_tree_walk). A classifier's value rows below n_classes
 * are one-hot (pure leaves): adding their zeros would leave the sums
 * unchanged, so only the one is added. */
static void add_leaves(pred_job *j, const fl_tree *tr, const uint8_t *bag,
		       const uint32_t *vrow, size_t lo, size_t hi)
{
	size_t no = outputs_of(j->rf);
	uint32_t onehot = j->rf->n_classes > 0 ? (uint32_t)j->rf->n_classes : 0;

	for (size_t i = lo; i < hi; i++) {
		uint32_t row = vrow[i - lo];
		double *o = j->out + i * no;
		if (bag && (bag[i / 8] >> (i % 8) & 1))
			continue;
		if (j->n_used)
			j->n_used[i]++;
		if (row < onehot) {
			o[row] += 1.0;
			continue;
		}
		const float *v = tr->values + (size_t)row * no;
		for (size_t k = 0; k < no; k++)
			o[k] += v[k];
	}
}

/* Sum the trees' leaf values over a block of rows, tree by tree so one
 * tree's nodes stay in cache; the sum per row runs in tree order whatever
 * the blocking, so results do not depend on the thread count. */
static int predict_block(void *ud, size_t blk, int worker, fl_err *err)
{
	pred_job *j = ud;
	const fl_forest *rf = j->rf;
	size_t no = outputs_of(rf), F = rf->n_features;
	size_t lo = blk * j->block;
	size_t hi = lo + j->block < j->n ? lo + j->block : j->n;
	uint8_t *codes = malloc((hi - lo) * F + FL_TREE_WALK_PAD);
	uint32_t *vrow = malloc((hi - lo + 1) * sizeof(*vrow));

	(void)worker;
	if (!codes || !vrow) {
		free(codes);
		free(vrow);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	fl_bins_lut_codes(&j->lut, j->X + lo * F, hi - lo, codes);
	memset(j->out + lo * no, 0, (hi - lo) * no * sizeof(double));
	for (size_t t = 0; t < rf->n_trees; t++) {
		const fl_tree *tr = &rf->trees[t];
		fl_tree_walk(tr, codes, F, hi - lo, vrow);
		add_leaves(j, tr, j->inbag ? j->inbag + t * j->inbag_len : NULL,
			   vrow, lo, hi);
	}
	free(codes);
	free(vrow);
	for (size_t i = lo; i < hi; i++) {
		double d = j->n_used ? j->n_used[i] : (double)rf->n_trees;
		for (size_t k = 0; k < no && d > 0; k++)
			j->out[i * no + k] /= d;
	}
	return 0;
}

/* As many work items as threads (more only when they would exceed
 * PREDICT_BLOCK_MAX rows), over the rows in order. */
static int predict_sums(pred_job *j, int n_threads, fl_err *err)
{
	size_t nt = (size_t)fl_threads_resolve(n_threads), nblk;
	int rc;

	if (j->n == 0)
		return 0;
	nblk = (j->n + PREDICT_BLOCK_MAX - 1) / PREDICT_BLOCK_MAX;
	if (nblk < nt)
		nblk = nt < j->n ? nt : j->n;
	j->block = (j->n + nblk - 1) / nblk;
	nblk = (j->n + j->block - 1) / j->block;
	if ((rc = fl_bins_lut_init(&j->lut, j->rf->edges, j->rf->n_bins,
				   j->rf->n_features, err)) < 0)
		return rc;
	rc = fl_parallel_for(nblk, (int)nt, predict_block, j, err);
	fl_bins_lut_free(&j->lut);
	return rc;
}

static int check_predict(const fl_forest *rf, int want_classes,
			 const double *X, size_t n, fl_err *err)
{
	if (want_classes && rf->n_classes == 0)
		return fl_err_set(err, FL_EINVAL, "a regression forest has no "
				  "class probabilities");
	if (!want_classes && rf->n_classes > 0)
		return fl_err_set(err, FL_EINVAL, "a classification forest "
				  "predicts classes, not values");
	return fl_forest_check_finite(X, n, rf->n_features, err);
}

int fl_forest_predict_proba(const fl_forest *rf, const double *X, size_t n,
			    double *out, int n_threads, fl_err *err)
{
	pred_job j = { .rf = rf, .X = X, .n = n, .out = out };
	int rc;

	if ((rc = check_predict(rf, 1, X, n, err)) < 0)
		return rc;
	return predict_sums(&j, n_threads, err);
}

static int32_t argmax(const double *p, size_t K)
{
	size_t best = 0;

	for (size_t k = 1; k < K; k++)
		if (p[k] > p[best])
			best = k;
	return (int32_t)best;
}

int fl_forest_predict_class(const fl_forest *rf, const double *X, size_t n,
			    int32_t *out, int n_threads, fl_err *err)
{
	size_t K = outputs_of(rf);
	double *p = malloc((n ? n : 1) * K * sizeof(*p));
	int rc;

	if (!p)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	rc = fl_forest_predict_proba(rf, X, n, p, n_threads, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		out[i] = argmax(p + i * K, K);
	free(p);
	return rc;
}

int fl_forest_predict_value(const fl_forest *rf, const double *X, size_t n,
			    double *out, int n_threads, fl_err *err)
{
	pred_job j = { .rf = rf, .X = X, .n = n, .out = out };
	int rc;

	if ((rc = check_predict(rf, 0, X, n, err)) < 0)
		return rc;
	return predict_sums(&j, n_threads, err);
}

/* ---- out-of-bag score ---- */

static double oob_score_of(const fl_forest *rf, const double *pred,
			   const uint32_t *used, size_t n, const int32_t *yc,
			   const double *yv, size_t *n_oob)
{
	size_t K = outputs_of(rf), m = 0, hit = 0;
	double mean = 0, ss_res = 0, ss_tot = 0;

	for (size_t i = 0; i < n; i++) {
		if (!used[i])
			continue;
		m++;
		if (yc)
			hit += argmax(pred + i * K, K) == yc[i];
		else
			mean += yv[i];
	}
	*n_oob = m;
	if (m == 0)
		return NAN;
	if (yc)
		return (double)hit / (double)m;
	mean /= (double)m;
	for (size_t i = 0; i < n; i++) {
		if (!used[i])
			continue;
		ss_res += (yv[i] - pred[i]) * (yv[i] - pred[i]);
		ss_tot += (yv[i] - mean) * (yv[i] - mean);
	}
	return ss_tot > 0 ? 1.0 - ss_res / ss_tot : (ss_res > 0 ? 0.0 : 1.0);
}

static int oob_compute(fl_forest *rf, const double *X, size_t n,
		       const int32_t *yc, const double *yv, const uint8_t *inbag,
		       size_t inbag_len, int n_threads, fl_err *err)
{
	pred_job j = { .rf = rf, .X = X, .n = n, .inbag = inbag,
		       .inbag_len = inbag_len };
	int rc;

	j.out = malloc(n * outputs_of(rf) * sizeof(double));
	j.n_used = calloc(n, sizeof(*j.n_used));
	if (!j.out || !j.n_used) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = predict_sums(&j, n_threads, err)) < 0)
		goto cleanup;
	rf->oob_score = oob_score_of(rf, j.out, j.n_used, n, yc, yv, &rf->n_oob);
	rf->has_oob = 1;
cleanup:
	free(j.out);
	free(j.n_used);
	return rc;
}

/* ---- the rest ---- */

void fl_forest_stats(const fl_forest *rf, uint32_t *max_depth,
		     uint64_t *n_nodes, uint64_t *n_leaves)
{
	*max_depth = 0;
	*n_nodes = *n_leaves = 0;
	for (size_t t = 0; t < rf->n_trees; t++) {
		if (rf->trees[t].depth > *max_depth)
			*max_depth = rf->trees[t].depth;
		*n_nodes += rf->trees[t].n_nodes;
		*n_leaves += rf->trees[t].n_leaves;
	}
}

void fl_forest_free(fl_forest *rf)
{
	if (!rf)
		return;
	for (size_t t = 0; rf->trees && t < rf->n_trees; t++)
		fl_tree_clear(&rf->trees[t]);
	free(rf->trees);
	free(rf->importance);
	free(rf->n_bins);
	free(rf->edges);
	free(rf);
}
