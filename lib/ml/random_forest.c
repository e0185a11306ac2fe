/* random_forest.c - the random_forest (classifier) and
 * random_forest_regressor model kinds: parameters, fit, predict, the
 * model-file arrays and the `floe model info` summary, over forest.h. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ml/forest.h"
#include "ml/forest_walk.h"
#include "ml/model.h"

/* The fitted state: the forest, and the feature names for describe(). */
typedef struct rf_state {
	fl_forest *rf;     /* owned */
	char **names;      /* n_features copies, or NULL after a load */
} rf_state;

static void rf_free(void *state)
{
	rf_state *s = state;

	if (!s)
		return;
	for (size_t j = 0; s->names && s->rf && j < s->rf->n_features; j++)
		free(s->names[j]);
	free(s->names);
	fl_forest_free(s->rf);
	free(s);
}

/* max_features from its resolved JSON value. */
static int max_features_of(const json_t *p, fl_forest_params *fp, fl_err *err)
{
	const char *w = fl_hparam_str(p, "max_features");
	double x;

	if (w) {
		fp->max_features_kind = !strcmp(w, "sqrt") ? FL_MAXF_SQRT :
					!strcmp(w, "log2") ? FL_MAXF_LOG2 :
					FL_MAXF_ALL;
		return 0;
	}
	x = fl_hparam_real(p, "max_features");
	fp->max_features = x;
	if (x > 0 && x <= 1) {
		fp->max_features_kind = FL_MAXF_FRACTION;
		return 0;
	}
	if (x > 1 && x == floor(x)) {
		fp->max_features_kind = FL_MAXF_COUNT;
		return 0;
	}
	return fl_err_set(err, FL_EINVAL, "max_features=%g: give a fraction in "
			  "(0, 1], a whole number of features, sqrt, log2 or all",
			  x);
}

static int params_of(const json_t *p, const fl_fit_opts *o, int classifier,
		     fl_forest_params *fp, fl_err *err)
{
	*fp = (fl_forest_params)FL_FOREST_PARAMS_INIT;
	fp->n_estimators = (int)fl_hparam_int(p, "n_estimators");
	fp->max_depth = fl_hparam_is_null(p, "max_depth") ? 0 :
			(int)fl_hparam_int(p, "max_depth");
	fp->min_samples_split = (size_t)fl_hparam_int(p, "min_samples_split");
	fp->min_samples_leaf = (size_t)fl_hparam_int(p, "min_samples_leaf");
	fp->bootstrap = fl_hparam_bool(p, "bootstrap");
	fp->oob_score = fl_hparam_bool(p, "oob_score");
	fp->max_bins = (int)fl_hparam_int(p, "max_bins");
	if (classifier) {
		const char *cw = fl_hparam_str(p, "class_weight");
		fp->class_weight_balanced = cw && !strcmp(cw, "balanced");
	}
	fp->seed = o->seed;
	fp->n_threads = o->n_threads;
	fp->progress = o->progress;
	return max_features_of(p, fp, err);
}

static int copy_names(rf_state *s, const fl_dataset *ds)
{
	if (!(s->names = calloc(ds->d, sizeof(*s->names))))
		return FL_ENOMEM;
	for (size_t j = 0; j < ds->d; j++)
		if (!(s->names[j] = strdup(ds->feature_names[j])))
			return FL_ENOMEM;
	return 0;
}

static int rf_fit(void **state, const fl_dataset *train, const json_t *params,
		  const fl_fit_opts *opts, fl_err *err)
{
	int classifier = train->target == FL_TARGET_CLASS;
	fl_forest_params fp;
	rf_state *s = calloc(1, sizeof(*s));
	int rc;

	*state = NULL;
	if (!s)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = params_of(params, opts, classifier, &fp, err)) < 0 ||
	    (rc = fl_forest_fit(&s->rf, train->X, train->n, train->d,
				classifier ? train->y_class : NULL,
				classifier ? (int)train->n_classes : 0,
				classifier ? NULL : train->y_real, &fp, err)) < 0)
		goto fail;
	if (copy_names(s, train) < 0) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto fail;
	}
	*state = s;
	return 0;
fail:
	rf_free(s);
	return rc;
}

static int check_width(const fl_forest *rf, size_t d, fl_err *err)
{
	if (d != rf->n_features)
		return fl_err_set(err, FL_EINVAL, "the forest reads %zu features, "
				  "the data has %zu", rf->n_features, d);
	return 0;
}

static int rf_predict(const void *state, const double *X, size_t n, size_t d,
		      int n_threads, double *out, fl_err *err)
{
	const fl_forest *rf = ((const rf_state *)state)->rf;
	int32_t *cls;
	int rc;

	if ((rc = check_width(rf, d, err)) < 0)
		return rc;
	if (rf->n_classes == 0)
		return fl_forest_predict_value(rf, X, n, out, n_threads, err);
	if (!(cls = malloc((n ? n : 1) * sizeof(*cls))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	rc = fl_forest_predict_class(rf, X, n, cls, n_threads, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		out[i] = cls[i];
	free(cls);
	return rc;
}

static int rf_predict_proba(const void *state, const double *X, size_t n,
			    size_t d, int n_threads, double *out, fl_err *err)
{
	const fl_forest *rf = ((const rf_state *)state)->rf;
	int rc;

	if ((rc = check_width(rf, d, err)) < 0)
		return rc;
	return fl_forest_predict_proba(rf, X, n, out, n_threads, err);
}

/* ---- model file arrays (layout in docs/models.md) ---- */

static int rf_save(const void *state, fl_modelfile *mf, fl_err *err)
{
	const fl_forest *rf = ((const rf_state *)state)->rf;
	size_t T = rf->n_trees, no = rf->n_classes ? (size_t)rf->n_classes : 1;
	uint32_t dmax;
	uint64_t nn, nl, d1[1], d2[2];
	int64_t meta[4] = { rf->n_classes, (int64_t)rf->n_features, (int64_t)T,
			    (int64_t)rf->mtry };
	uint32_t *shape = malloc(T * 4 * sizeof(*shape)), *nb = NULL;
	uint32_t *node = NULL;
	float *val = NULL;
	int rc = FL_ENOMEM;

	fl_forest_stats(rf, &dmax, &nn, &nl);
	nl = 0; /* value rows, not leaves */
	for (size_t t = 0; t < T; t++)
		nl += rf->trees[t].n_values;
	if (!shape || !(nb = malloc((rf->n_features + 1) * sizeof(*nb))) ||
	    !(node = malloc((nn + 1) * 2 * sizeof(*node))) ||
	    !(val = malloc((nl * no + 1) * sizeof(*val)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	for (size_t t = 0, o = 0, ov = 0; t < T; t++) {
		const fl_tree *tr = &rf->trees[t];
		shape[4 * t] = tr->n_nodes;
		shape[4 * t + 1] = tr->n_leaves;
		shape[4 * t + 2] = tr->n_values;
		shape[4 * t + 3] = tr->depth;
		for (uint32_t i = 0; i < tr->n_nodes; i++, o++) {
			const fl_tree_node *nd = &tr->nodes[i];
			node[2 * o] = nd->left;
			node[2 * o + 1] = nd->feature | (uint32_t)nd->bin << 16 |
					  (uint32_t)nd->leaf << 24;
		}
		memcpy(val + ov, tr->values, (size_t)tr->n_values * no * sizeof(*val));
		ov += (size_t)tr->n_values * no;
	}
	d1[0] = 4;
	if ((rc = fl_modelfile_add_array(mf, "forest_meta", FL_DTYPE_I64, 1, d1, meta, err)) < 0)
		goto cleanup;
	d2[0] = T, d2[1] = 4;
	if ((rc = fl_modelfile_add_array(mf, "tree_shape", FL_DTYPE_U32, 2, d2, shape, err)) < 0)
		goto cleanup;
	d2[0] = nn, d2[1] = 2;
	rc = fl_modelfile_add_array(mf, "nodes", FL_DTYPE_U32, 2, d2, node, err);
	free(node);
	node = NULL;
	if (rc < 0)
		goto cleanup;
	d2[0] = nl, d2[1] = no;
	if ((rc = fl_modelfile_add_array(mf, "leaf_value", FL_DTYPE_F32, 2, d2, val, err)) < 0)
		goto cleanup;
	d1[0] = rf->n_features;
	for (size_t f = 0; f < rf->n_features; f++)
		nb[f] = rf->n_bins[f];
	if ((rc = fl_modelfile_add_array(mf, "n_bins", FL_DTYPE_U32, 1, d1, nb, err)) < 0 ||
	    (rc = fl_modelfile_add_array(mf, "feature_importance", FL_DTYPE_F64, 1, d1,
					 rf->importance, err)) < 0)
		goto cleanup;
	d2[0] = rf->n_features, d2[1] = FL_BINS_MAX - 1;
	rc = fl_modelfile_add_array(mf, "bin_edges", FL_DTYPE_F64, 2, d2, rf->edges, err);
cleanup:
	free(shape);
	free(node);
	free(nb);
	free(val);
	return rc;
}

static int damaged(fl_err *err, const char *what)
{
	return fl_err_set(err, FL_EINVAL, "model file is damaged: random forest %s",
			  what);
}

/* Check one tree's nodes: features and bins in range, children after
 * their parent and inside the tree (so every walk ends), leaf rows in
 * range; a classifier's first n_classes value rows one-hot (prediction
 * adds only their one). */
static int check_tree(const fl_tree *t, const fl_forest *rf, fl_err *err)
{
	size_t K = rf->n_classes > 0 ? (size_t)rf->n_classes : 0;

	if (t->n_nodes == 0 || t->n_values == 0 || t->n_values < K)
		return damaged(err, "has an empty tree");
	for (size_t k = 0; k < K; k++)
		for (size_t c = 0; c < K; c++)
			if (t->values[k * K + c] != (c == k ? 1.0f : 0.0f))
				return damaged(err, "has no one-hot value rows");
	for (uint32_t i = 0; i < t->n_nodes; i++) {
		const fl_tree_node *nd = &t->nodes[i];
		if (nd->leaf) {
			if (nd->left >= t->n_values || nd->feature || nd->bin)
				return damaged(err, "has an invalid leaf");
		} else if (nd->feature >= rf->n_features ||
			   nd->bin + 1u >= rf->n_bins[nd->feature] ||
			   nd->left <= i || nd->left >= t->n_nodes - 1) {
			return damaged(err, "has an invalid split node");
		}
	}
	return 0;
}

typedef struct rf_arrays {
	const int64_t *meta;
	const uint32_t *shape, *node, *nb;
	const double *edges, *imp;
	const float *val;
	uint64_t nn, nl, no, T;
} rf_arrays;

static int get_arrays(const fl_modelfile *mf, rf_arrays *a, fl_err *err)
{
	uint64_t d[2];
	int rc;

	if ((rc = fl_modelfile_get(mf, "forest_meta", FL_DTYPE_I64, 1, d, (const void **)&a->meta, err)) < 0)
		return rc;
	if (d[0] != 4 || a->meta[0] < 0 || a->meta[0] == 1 || a->meta[2] < 1 ||
	    a->meta[1] < 1 || a->meta[1] > FL_TREE_MAX_FEATURES ||
	    (uint64_t)a->meta[1] != mf->schema.n_features)
		return damaged(err, "header does not match the schema");
	a->T = (uint64_t)a->meta[2];
	a->no = a->meta[0] ? (uint64_t)a->meta[0] : 1;
	if ((rc = fl_modelfile_get(mf, "tree_shape", FL_DTYPE_U32, 2, d, (const void **)&a->shape, err)) < 0)
		return rc;
	if (d[0] != a->T || d[1] != 4)
		return damaged(err, "tree table has the wrong size");
	a->nn = a->nl = 0;
	for (uint64_t t = 0; t < a->T; t++) {
		a->nn += a->shape[4 * t];
		a->nl += a->shape[4 * t + 2]; /* value rows */
	}
	if ((rc = fl_modelfile_get(mf, "nodes", FL_DTYPE_U32, 2, d, (const void **)&a->node, err)) < 0 ||
	    d[0] != a->nn || d[1] != 2 ||
	    (rc = fl_modelfile_get(mf, "leaf_value", FL_DTYPE_F32, 2, d, (const void **)&a->val, err)) < 0 ||
	    d[0] != a->nl || d[1] != a->no ||
	    (rc = fl_modelfile_get(mf, "feature_importance", FL_DTYPE_F64, 1, d, (const void **)&a->imp, err)) < 0 ||
	    d[0] != (uint64_t)a->meta[1] ||
	    (rc = fl_modelfile_get(mf, "n_bins", FL_DTYPE_U32, 1, d, (const void **)&a->nb, err)) < 0 ||
	    d[0] != (uint64_t)a->meta[1] ||
	    (rc = fl_modelfile_get(mf, "bin_edges", FL_DTYPE_F64, 2, d, (const void **)&a->edges, err)) < 0 ||
	    d[0] != (uint64_t)a->meta[1] || d[1] != FL_BINS_MAX - 1)
		return rc < 0 ? rc : damaged(err, "arrays do not match the tree table");
	return 0;
}

static int fill_forest(fl_forest *rf, const rf_arrays *a, fl_err *err)
{
	int rc;

	memcpy(rf->importance, a->imp, rf->n_features * sizeof(double));
	memcpy(rf->edges, a->edges, rf->n_features * (FL_BINS_MAX - 1) * sizeof(double));
	for (size_t f = 0; f < rf->n_features; f++) {
		if (a->nb[f] < 1 || a->nb[f] > FL_BINS_MAX)
			return damaged(err, "has a bad bin count");
		rf->n_bins[f] = (uint16_t)a->nb[f];
		for (uint32_t b = 1; b + 1 < a->nb[f]; b++)
			if (!(rf->edges[f * (FL_BINS_MAX - 1) + b] >
			      rf->edges[f * (FL_BINS_MAX - 1) + b - 1]))
				return damaged(err, "has unordered bin edges");
	}
	for (uint64_t t = 0, o = 0, ov = 0; t < a->T; t++) {
		fl_tree *tr = &rf->trees[t];
		tr->n_nodes = a->shape[4 * t];
		tr->n_leaves = a->shape[4 * t + 1];
		tr->n_values = a->shape[4 * t + 2];
		tr->depth = a->shape[4 * t + 3];
		tr->nodes = malloc((tr->n_nodes + 1) * sizeof(*tr->nodes));
		tr->values = malloc((tr->n_values * a->no + 1) * sizeof(float));
		if (!tr->nodes || !tr->values)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		for (uint32_t i = 0; i < tr->n_nodes; i++, o++) {
			uint32_t w = a->node[2 * o + 1];
			if (w >> 25)
				return damaged(err, "has an invalid node");
			tr->nodes[i] = (fl_tree_node){ a->node[2 * o],
				(uint16_t)(w & 0xffff), (uint8_t)(w >> 16),
				(uint8_t)(w >> 24) };
		}
		memcpy(tr->values, a->val + ov, tr->n_values * a->no * sizeof(float));
		ov += tr->n_values * a->no;
		if ((rc = check_tree(tr, rf, err)) < 0 ||
		    (rc = fl_tree_walk_prepare(tr, rf->n_features, err)) < 0)
			return rc;
	}
	return 0;
}

static int rf_load(void **state, const fl_modelfile *mf, fl_err *err)
{
	fl_forest_params fp = FL_FOREST_PARAMS_INIT;
	rf_arrays a;
	rf_state *s = NULL;
	int rc;

	*state = NULL;
	if ((rc = get_arrays(mf, &a, err)) < 0)
		return rc;
	fp.n_estimators = (int)a.T;
	if (!(s = calloc(1, sizeof(*s))) ||
	    !(s->rf = calloc(1, sizeof(*s->rf))) ||
	    !(s->rf->trees = calloc(a.T, sizeof(fl_tree))) ||
	    !(s->rf->importance = calloc((size_t)a.meta[1] + 1, sizeof(double))) ||
	    !(s->rf->n_bins = calloc((size_t)a.meta[1] + 1, sizeof(uint16_t))) ||
	    !(s->rf->edges = calloc(((size_t)a.meta[1] + 1) * (FL_BINS_MAX - 1),
				    sizeof(double)))) {
		rf_free(s);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	s->rf->n_classes = (int)a.meta[0];
	s->rf->n_features = (size_t)a.meta[1];
	s->rf->n_trees = a.T;
	s->rf->mtry = (size_t)a.meta[3];
	s->rf->params = fp;
	if ((rc = fill_forest(s->rf, &a, err)) < 0) {
		rf_free(s);
		return rc;
	}
	*state = s;
	return 0;
}

/* ---- describe ---- */

typedef struct ranked {
	double importance; /* the feature's importance */
	size_t index;      /* the feature */
} ranked;

/* Decreasing importance, then increasing index. */
static int by_importance(const void *a, const void *b)
{
	const ranked *x = a, *y = b;

	if (x->importance != y->importance)
		return x->importance < y->importance ? 1 : -1;
	return (x->index > y->index) - (x->index < y->index);
}

/* [{feature, importance}] in decreasing order of importance. */
static json_t *importance_json(const fl_forest *rf, char *const *names)
{
	size_t F = rf->n_features;
	ranked *order = malloc((F + 1) * sizeof(*order));
	json_t *arr = json_array();

	if (!order || !arr) {
		free(order);
		json_decref(arr);
		return NULL;
	}
	for (size_t j = 0; j < F; j++)
		order[j] = (ranked){ rf->importance[j], j };
	qsort(order, F, sizeof(*order), by_importance);
	for (size_t j = 0; j < F; j++)
		json_array_append_new(arr, json_pack("{s:s,s:f}", "feature",
						     names[order[j].index],
						     "importance", order[j].importance));
	free(order);
	return arr;
}

static int rf_describe(const void *state, json_t *info, fl_err *err)
{
	const rf_state *s = state;
	const fl_forest *rf = s->rf;
	uint32_t dmax;
	uint64_t nn, nl;
	double dsum = 0;
	json_t *imp;

	fl_forest_stats(rf, &dmax, &nn, &nl);
	for (size_t t = 0; t < rf->n_trees; t++)
		dsum += rf->trees[t].depth;
	json_object_set_new(info, "n_trees", json_integer((json_int_t)rf->n_trees));
	json_object_set_new(info, "max_depth", json_integer(dmax));
	json_object_set_new(info, "mean_depth", json_real(dsum / (double)rf->n_trees));
	json_object_set_new(info, "n_nodes", json_integer((json_int_t)nn));
	json_object_set_new(info, "n_leaves", json_integer((json_int_t)nl));
	json_object_set_new(info, "max_features", json_integer((json_int_t)rf->mtry));
	if (rf->has_oob) {
		json_object_set_new(info, "oob_score", isfinite(rf->oob_score) ?
				    json_real(rf->oob_score) : json_null());
		json_object_set_new(info, "oob_rows", json_integer((json_int_t)rf->n_oob));
	}
	if (s->names) {
		if (!(imp = importance_json(rf, s->names)))
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		json_object_set_new(info, "feature_importances", imp);
	}
	return 0;
}

/* ---- the two kinds ---- */

#define COMMON_PARAMS \
	{ "n_estimators", "n_estimators", FL_HPARAM_INT, "100", 1, 100000, NULL, 0, \
	  "number of trees" }, \
	{ "max_depth", "max_depth", FL_HPARAM_INT, "none", 1, 100000, NULL, 1, \
	  "deepest a tree may grow; none: until leaves are pure" }, \
	{ "min_samples_split", "min_samples_split", FL_HPARAM_INT, "2", 2, 1e9, NULL, 0, \
	  "fewest (distinct in-bag) rows a node needs to be split" }, \
	{ "min_samples_leaf", "min_samples_leaf", FL_HPARAM_INT, "1", 1, 1e9, NULL, 0, \
	  "fewest rows each side of a split must keep" }, \
	{ "bootstrap", "bootstrap", FL_HPARAM_BOOL, "true", 0, 0, NULL, 0, \
	  "grow each tree on n rows drawn with replacement" }, \
	{ "oob_score", "oob_score", FL_HPARAM_BOOL, "false", 0, 0, NULL, 0, \
	  "score each row with the trees that did not draw it (needs bootstrap)" }, \
	{ "max_bins", "max_bins (HistGradientBoosting)", FL_HPARAM_INT, "256", 2, 256, \
	  NULL, 0, "quantile bins per feature for split search" }

static const fl_hparam_spec rfc_params[] = {
	COMMON_PARAMS,
	{ "max_features", "max_features", FL_HPARAM_NUM_OR_CHOICE, "sqrt", 0, 1e9,
	  "sqrt|log2|all", 0,
	  "features tried per split: sqrt, log2, all, a fraction <= 1 or a count > 1" },
	{ "class_weight", "class_weight", FL_HPARAM_CHOICE, "none", 0, 0,
	  "none|balanced", 0, "balanced: weight classes by n / (n_classes * count)" },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0, NULL },
};

static const fl_hparam_spec rfr_params[] = {
	COMMON_PARAMS,
	{ "max_features", "max_features", FL_HPARAM_NUM_OR_CHOICE, "1.0", 0, 1e9,
	  "sqrt|log2|all", 0,
	  "features tried per split: sqrt, log2, all, a fraction <= 1 or a count > 1" },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0, NULL },
};

const fl_model_kind fl_kind_random_forest = {
	"random_forest", FL_TASK_CLASSIFICATION,
	"random forest classifier (gini, histogram splits, parallel trees)",
	rfc_params, rf_fit, rf_predict, rf_predict_proba, NULL, NULL,
	rf_save, rf_load, rf_describe, rf_free,
};

const fl_model_kind fl_kind_random_forest_regressor = {
	"random_forest_regressor", FL_TASK_REGRESSION,
	"random forest regressor (squared error, histogram splits, parallel trees)",
	rfr_params, rf_fit, rf_predict, NULL, NULL, NULL,
	rf_save, rf_load, rf_describe, rf_free,
};
