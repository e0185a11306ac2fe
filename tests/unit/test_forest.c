/* test_forest.c - random forests: binning, accuracy against scikit-learn's
 * reference numbers (tests/data/forest_reference.json, made by
 * tests/data/forest_reference.py), bitwise identity across thread counts,
 * parameters (depth, leaf size, class weights, OOB, importances), bad
 * input, and the model-file round trip. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/rng.h"
#include "ml/forest.h"
#include "ml/forest_walk.h"
#include "ml/model.h"
#include "ml/modelfile.h"
#include "testutil.h"

/* A numeric CSV with a header, target in column `label_col` (-1: last). */
typedef struct table {
	size_t n, d;     /* rows, features */
	double *X;       /* n x d */
	double *y;       /* n targets */
} table;

static table read_csv(const char *rel)
{
	FILE *f = fopen(tu_repo_path(rel), "r");
	char *line = NULL;
	size_t cap = 0, alloc = 1024, cols = 1;
	table t = { 0 };
	double *row;

	assert_non_null(f);
	assert_true(getline(&line, &cap, f) > 0);
	for (char *c = line; *c; c++)
		cols += *c == ',';
	t.d = cols - 1;
	t.X = malloc(alloc * t.d * sizeof(double));
	t.y = malloc(alloc * sizeof(double));
	row = malloc(cols * sizeof(double));
	while (getline(&line, &cap, f) > 0) {
		char *s = line;
		if (t.n == alloc) {
			alloc *= 2;
			t.X = realloc(t.X, alloc * t.d * sizeof(double));
			t.y = realloc(t.y, alloc * sizeof(double));
		}
		for (size_t j = 0; j < cols; j++) {
			row[j] = strtod(s, &s);
			if (*s == ',')
				s++;
		}
		memcpy(t.X + t.n * t.d, row, t.d * sizeof(double));
		t.y[t.n++] = row[t.d];
	}
	free(row);
	free(line);
	fclose(f);
	return t;
}

static void table_free(table *t)
{
	free(t->X);
	free(t->y);
}

/* The shared split rule: row i is a test row when i % 4 == 0. */
static void split(const table *t, table *tr, table *te)
{
	memset(tr, 0, sizeof(*tr));
	memset(te, 0, sizeof(*te));
	tr->d = te->d = t->d;
	tr->X = malloc(t->n * t->d * sizeof(double));
	te->X = malloc(t->n * t->d * sizeof(double));
	tr->y = malloc(t->n * sizeof(double));
	te->y = malloc(t->n * sizeof(double));
	for (size_t i = 0; i < t->n; i++) {
		table *o = i % 4 == 0 ? te : tr;
		memcpy(o->X + o->n * t->d, t->X + i * t->d, t->d * sizeof(double));
		o->y[o->n++] = t->y[i];
	}
}

static int32_t *classes_of(const table *t, int *K)
{
	int32_t *y = malloc(t->n * sizeof(*y));

	*K = 0;
	for (size_t i = 0; i < t->n; i++) {
		y[i] = (int32_t)t->y[i];
		if (y[i] + 1 > *K)
			*K = y[i] + 1;
	}
	return y;
}

static fl_forest *fit_class(const table *t, const fl_forest_params *p)
{
	fl_err err = FL_ERR_INIT;
	fl_forest *rf = NULL;
	int K;
	int32_t *y = classes_of(t, &K);

	if (fl_forest_fit(&rf, t->X, t->n, t->d, y, K, NULL, p, &err) < 0)
		fail_msg("%s", err.msg);
	free(y);
	return rf;
}

static double accuracy(const fl_forest *rf, const table *t)
{
	fl_err err = FL_ERR_INIT;
	int32_t *pred = malloc(t->n * sizeof(*pred));
	size_t hit = 0;

	assert_int_equal(fl_forest_predict_class(rf, t->X, t->n, pred, 0, &err), 0);
	for (size_t i = 0; i < t->n; i++)
		hit += pred[i] == (int32_t)t->y[i];
	free(pred);
	return (double)hit / (double)t->n;
}

static double r2(const fl_forest *rf, const table *t)
{
	fl_err err = FL_ERR_INIT;
	double *p = malloc(t->n * sizeof(*p)), mean = 0, sr = 0, st = 0;

	assert_int_equal(fl_forest_predict_value(rf, t->X, t->n, p, 0, &err), 0);
	for (size_t i = 0; i < t->n; i++)
		mean += t->y[i];
	mean /= (double)t->n;
	for (size_t i = 0; i < t->n; i++) {
		sr += (t->y[i] - p[i]) * (t->y[i] - p[i]);
		st += (t->y[i] - mean) * (t->y[i] - mean);
	}
	free(p);
	return 1 - sr / st;
}

/* reference[set][metric]["mean"] from forest_reference.json */
static double reference(const char *set, const char *metric)
{
	json_error_t je;
	json_t *j = json_load_file(tu_repo_path("tests/data/forest_reference.json"), 0, &je);
	double v;

	assert_non_null(j);
	v = json_real_value(json_object_get(json_object_get(json_object_get(j, set),
							    metric), "mean"));
	json_decref(j);
	assert_true(v > 0);
	return v;
}

/* ---- binning ---- */

static void test_binning(void **state)
{
	enum { N = 3000, F = 3 };
	double *X = malloc(N * F * sizeof(double));
	fl_bins *b = NULL;
	fl_err err = FL_ERR_INIT;
	fl_rng r;

	(void)state;
	fl_rng_seed(&r, 1, 0);
	for (size_t i = 0; i < N; i++) {
		X[i * F] = fl_rng_normal(&r);       /* continuous: 256 bins */
		X[i * F + 1] = (double)(i % 7);      /* 7 distinct values */
		X[i * F + 2] = 4.5;                  /* constant */
	}
	assert_int_equal(fl_bins_fit(&b, X, N, F, 256, 0, 2, &err), 0);
	assert_int_equal(b->n_bins[0], 256);
	assert_int_equal(b->n_bins[1], 7);
	assert_int_equal(b->n_bins[2], 1);
	for (unsigned k = 0; k < 6; k++)
		assert_true(fl_bins_edge(b, 1, k) == k + 0.5);
	for (size_t i = 0; i < N; i++)
		for (size_t f = 0; f < F; f++) {
			uint8_t c = b->codes[i * F + f];
			assert_int_equal(c, fl_bins_code(b, f, X[i * F + f]));
			/* code <= k exactly when x <= edge k */
			for (unsigned k = 0; k + 1u < b->n_bins[f]; k += 17)
				assert_int_equal(c <= k, X[i * F + f] <= fl_bins_edge(b, f, k));
		}
	/* roughly equal counts in the quantile bins */
	size_t cnt[256] = { 0 };
	for (size_t i = 0; i < N; i++)
		cnt[b->codes[i * F]]++;
	for (int k = 0; k < 256; k++)
		assert_true(cnt[k] >= 5 && cnt[k] <= 25);
	fl_bins_free(b);
	free(X);
}

/* The lookup-table binning gives fl_bins_code() exactly: on the data, on
 * every edge and its neighbours, far outside, for constant, two-bin,
 * few-valued, normal and heavy-tailed (crowded edges) features. */
static void test_binning_lut(void **state)
{
	enum { N = 4000, F = 6 };
	double *X = malloc(N * F * sizeof(double)), *Y = NULL;
	uint8_t *codes = NULL;
	fl_bins *b = NULL;
	fl_bins_lut lut;
	fl_err err = FL_ERR_INIT;
	size_t m = 0, cap;
	fl_rng r;

	(void)state;
	fl_rng_seed(&r, 5, 0);
	for (size_t i = 0; i < N; i++) {
		double z = fl_rng_normal(&r);
		X[i * F] = z;                       /* 256 quantile bins */
		X[i * F + 1] = exp(12.0 * z);        /* edges crowd near 0 */
		X[i * F + 2] = -2.5;                 /* constant: 1 bin */
		X[i * F + 3] = i % 2 ? 1e300 : -1e300; /* 2 bins, huge range */
		X[i * F + 4] = (double)(i % 5) * 0.1;  /* 5 distinct values */
		X[i * F + 5] = z < 0 ? floor(z * 3) : z; /* ties, then continuous */
	}
	assert_int_equal(fl_bins_fit(&b, X, N, F, 256, 0, 1, &err), 0);
	assert_int_equal(fl_bins_lut_init(&lut, b->edges, b->n_bins, F, &err), 0);
	/* the data, then every edge, its neighbours, and extremes, per row */
	cap = N + 256 * 5 + 8;
	Y = malloc(cap * F * sizeof(double));
	memcpy(Y, X, N * F * sizeof(double));
	m = N;
	for (unsigned k = 0; k < 255; k++)
		for (int w = 0; w < 5; w++, m++)
			for (size_t f = 0; f < F; f++) {
				unsigned ne = b->n_bins[f] - 1u;
				double e = ne ? fl_bins_edge(b, f, k % ne) : 0.0;
				double v[5] = { e, nextafter(e, -INFINITY),
						nextafter(e, INFINITY), e * 1.5, -e };
				Y[m * F + f] = v[w];
			}
	for (size_t f = 0; f < F; f++) {
		double ext[4] = { -DBL_MAX, DBL_MAX, -DBL_MIN, 0.0 };
		for (int w = 0; w < 4; w++)
			Y[(m + (size_t)w) * F + f] = ext[w];
	}
	m += 4;
	codes = malloc(m * F);
	fl_bins_lut_codes(&lut, Y, m, codes);
	for (size_t i = 0; i < m; i++)
		for (size_t f = 0; f < F; f++)
			if (codes[i * F + f] != fl_bins_code(b, f, Y[i * F + f]))
				fail_msg("row %zu feature %zu: %.17g -> %u, not %u", i, f,
					 Y[i * F + f], codes[i * F + f],
					 fl_bins_code(b, f, Y[i * F + f]));
	/* both ways of finding the code are exercised */
	assert_true(lut.steps[0] > 0);
	assert_int_equal(lut.steps[1], 0);
	fl_bins_lut_free(&lut);
	fl_bins_free(b);
	free(codes);
	free(Y);
	free(X);
}

/* ---- accuracy against scikit-learn ---- */

static void test_digits_accuracy(void **state)
{
	table t = read_csv("tests/data/digits8x8.csv"), tr, te;
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	fl_forest *rf;
	double acc, ref = reference("digits", "accuracy");

	(void)state;
	split(&t, &tr, &te);
	rf = fit_class(&tr, &p);
	acc = accuracy(rf, &te);
	print_message("# digits accuracy %.4f (scikit-learn mean %.4f)\n", acc, ref);
	assert_true(acc >= 0.97);
	assert_true(fabs(acc - ref) <= 0.01);
	fl_forest_free(rf);
	table_free(&t);
	table_free(&tr);
	table_free(&te);
}

static void test_synthetic_accuracy(void **state)
{
	table t = read_csv("tests/data/synth_classif.csv"), tr, te;
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	double mean = 0, ref = reference("synth", "accuracy");

	(void)state;
	split(&t, &tr, &te);
	for (int s = 0; s < 5; s++) { /* seeds 0..4, as the reference */
		p.seed = (uint64_t)s;
		fl_forest *rf = fit_class(&tr, &p);
		mean += accuracy(rf, &te) / 5;
		fl_forest_free(rf);
	}
	print_message("# synthetic accuracy %.4f (scikit-learn mean %.4f)\n", mean, ref);
	assert_true(fabs(mean - ref) <= 0.005);
	table_free(&t);
	table_free(&tr);
	table_free(&te);
}

static void test_sst_regression(void **state)
{
	table t = read_csv("tests/data/coads_sst_12k.csv"), tr, te;
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_forest *rf = NULL;
	double got, ref = reference("sst", "r2");

	(void)state;
	split(&t, &tr, &te);
	assert_int_equal(fl_forest_fit(&rf, tr.X, tr.n, tr.d, NULL, 0, tr.y, &p, &err), 0);
	assert_int_equal(rf->mtry, tr.d); /* regressors try every feature */
	got = r2(rf, &te);
	print_message("# SST R^2 %.5f (scikit-learn mean %.5f)\n", got, ref);
	assert_true(fabs(got - ref) <= 0.01);
	fl_forest_free(rf);
	table_free(&t);
	table_free(&tr);
	table_free(&te);
}

/* ---- determinism ---- */

static void assert_same_forest(const fl_forest *a, const fl_forest *b)
{
	size_t no = a->n_classes ? (size_t)a->n_classes : 1;

	assert_int_equal(a->n_trees, b->n_trees);
	for (size_t t = 0; t < a->n_trees; t++) {
		const fl_tree *x = &a->trees[t], *y = &b->trees[t];
		assert_int_equal(x->n_nodes, y->n_nodes);
		assert_int_equal(x->n_leaves, y->n_leaves);
		assert_int_equal(x->n_values, y->n_values);
		assert_memory_equal(x->nodes, y->nodes, x->n_nodes * sizeof(*x->nodes));
		assert_memory_equal(x->values, y->values, x->n_values * no * sizeof(float));
	}
	assert_memory_equal(a->importance, b->importance, a->n_features * sizeof(double));
	assert_memory_equal(&a->oob_score, &b->oob_score, sizeof(double));
}

static void test_threads_bitwise(void **state)
{
	table t = read_csv("tests/data/digits8x8.csv");
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_forest *rf[3];
	double *proba[3];
	int threads[3] = { 1, 2, 3 };

	(void)state;
	p.n_estimators = 24;
	p.oob_score = 1;
	p.seed = 7;
	for (int i = 0; i < 3; i++) {
		p.n_threads = threads[i];
		rf[i] = fit_class(&t, &p);
		proba[i] = malloc(t.n * 10 * sizeof(double));
		assert_int_equal(fl_forest_predict_proba(rf[i], t.X, t.n, proba[i],
							 threads[i], &err), 0);
	}
	for (int i = 1; i < 3; i++) {
		assert_same_forest(rf[0], rf[i]);
		assert_memory_equal(proba[0], proba[i], t.n * 10 * sizeof(double));
	}
	/* another seed gives another forest */
	p.seed = 8;
	fl_forest *other = fit_class(&t, &p);
	assert_true(other->trees[0].n_nodes != rf[0]->trees[0].n_nodes ||
		    memcmp(other->trees[0].nodes, rf[0]->trees[0].nodes,
			   rf[0]->trees[0].n_nodes * sizeof(fl_tree_node)) != 0);
	fl_forest_free(other);
	for (int i = 0; i < 3; i++) {
		fl_forest_free(rf[i]);
		free(proba[i]);
	}
	table_free(&t);
}

static void test_regression_threads_bitwise(void **state)
{
	table t = read_csv("tests/data/coads_sst_12k.csv");
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_forest *a = NULL, *b = NULL;
	double *pa = malloc(t.n * sizeof(double)), *pb = malloc(t.n * sizeof(double));

	(void)state;
	p.n_estimators = 6;
	p.n_threads = 1;
	assert_int_equal(fl_forest_fit(&a, t.X, t.n, t.d, NULL, 0, t.y, &p, &err), 0);
	p.n_threads = 2;
	assert_int_equal(fl_forest_fit(&b, t.X, t.n, t.d, NULL, 0, t.y, &p, &err), 0);
	assert_same_forest(a, b);
	assert_int_equal(fl_forest_predict_value(a, t.X, t.n, pa, 1, &err), 0);
	assert_int_equal(fl_forest_predict_value(b, t.X, t.n, pb, 2, &err), 0);
	assert_memory_equal(pa, pb, t.n * sizeof(double));
	fl_forest_free(a);
	fl_forest_free(b);
	free(pa);
	free(pb);
	table_free(&t);
}

/* ---- parameters ---- */

/* Walk the training rows down tree 0; every leaf must hold >= msl rows. */
static void test_depth_and_leaf_size(void **state)
{
	table t = read_csv("tests/data/digits8x8.csv");
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	fl_forest *rf;

	(void)state;
	p.n_estimators = 4;
	p.max_depth = 4;
	rf = fit_class(&t, &p);
	for (size_t i = 0; i < rf->n_trees; i++)
		assert_true(rf->trees[i].depth <= 4 && rf->trees[i].depth >= 3);
	fl_forest_free(rf);

	p.max_depth = 0;
	p.bootstrap = 0;
	p.min_samples_leaf = 7;
	rf = fit_class(&t, &p);
	const fl_tree *tr = &rf->trees[0];
	uint32_t *cnt = calloc(tr->n_nodes, sizeof(*cnt)), leaves = 0;
	uint8_t *codes = malloc(t.n * t.d);
	fl_forest_codes(rf, t.X, t.n, codes);
	for (size_t i = 0; i < t.n; i++)
		cnt[fl_tree_leaf_node(tr, codes + i * t.d)]++;
	free(codes);
	for (uint32_t l = 0; l < tr->n_nodes; l++) {
		if (!tr->nodes[l].leaf)
			continue;
		leaves++;
		assert_true(cnt[l] >= 7);
	}
	assert_int_equal(leaves, tr->n_leaves);
	/* pure leaves share the one-hot rows: fewer value rows than leaves */
	assert_true(tr->n_values >= 10 && tr->n_values < tr->n_leaves + 10);
	free(cnt);
	fl_forest_free(rf);
	table_free(&t);
}

static void test_oob_and_importance(void **state)
{
	table t = read_csv("tests/data/digits8x8.csv");
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	fl_forest *rf;
	double sum = 0;

	(void)state;
	p.oob_score = 1;
	p.n_estimators = 60;
	rf = fit_class(&t, &p);
	assert_true(rf->has_oob);
	assert_int_equal(rf->n_oob, t.n); /* 60 trees: every row is out of some bag */
	assert_true(rf->oob_score > 0.95 && rf->oob_score < 1.0);
	for (size_t f = 0; f < t.d; f++) {
		assert_true(rf->importance[f] >= 0);
		sum += rf->importance[f];
	}
	assert_true(fabs(sum - 1) < 1e-12);
	/* pixel 0 is always 0 in digits: never split on, no importance */
	assert_true(rf->importance[0] == 0);
	fl_forest_free(rf);
	table_free(&t);
}

/* y depends on feature 1 only: it gets nearly all the importance. */
static void test_importance_ranking(void **state)
{
	enum { N = 2000, F = 5 };
	double X[N * F], y[N];
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_forest *rf = NULL;
	fl_rng r;

	(void)state;
	fl_rng_seed(&r, 3, 0);
	for (size_t i = 0; i < N; i++) {
		for (size_t f = 0; f < F; f++)
			X[i * F + f] = fl_rng_uniform(&r);
		y[i] = 10 * X[i * F + 1] + 0.1 * fl_rng_normal(&r);
	}
	p.n_estimators = 20;
	assert_int_equal(fl_forest_fit(&rf, X, N, F, NULL, 0, y, &p, &err), 0);
	assert_true(rf->importance[1] > 0.9);
	fl_forest_free(rf);
}

/* Balanced class weights raise the rare class's predicted probability. */
static void test_class_weight_balanced(void **state)
{
	enum { N = 3000, F = 4 };
	double X[N * F], *proba = malloc(N * 2 * sizeof(double)), m[2] = { 0, 0 };
	int32_t y[N];
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_rng r;

	(void)state;
	fl_rng_seed(&r, 5, 0);
	for (size_t i = 0; i < N; i++) {
		y[i] = fl_rng_uniform(&r) < 0.1;
		for (size_t f = 0; f < F; f++)
			X[i * F + f] = fl_rng_normal(&r) + (f == 0 ? 0.7 * y[i] : 0);
	}
	p.n_estimators = 30;
	p.min_samples_leaf = 20;
	for (int bal = 0; bal < 2; bal++) {
		fl_forest *rf = NULL;
		p.class_weight_balanced = bal;
		assert_int_equal(fl_forest_fit(&rf, X, N, F, y, 2, NULL, &p, &err), 0);
		assert_int_equal(fl_forest_predict_proba(rf, X, N, proba, 0, &err), 0);
		for (size_t i = 0; i < N; i++)
			m[bal] += proba[i * 2 + 1] / N;
		fl_forest_free(rf);
	}
	assert_true(m[1] > m[0] + 0.15);
	free(proba);
}

static void test_max_features(void **state)
{
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	size_t m;

	(void)state;
	assert_int_equal(fl_forest_mtry(&p, 1, 64, &m, &err), 0);
	assert_int_equal(m, 8);
	assert_int_equal(fl_forest_mtry(&p, 0, 64, &m, &err), 0);
	assert_int_equal(m, 64);
	p.max_features_kind = FL_MAXF_LOG2;
	assert_int_equal(fl_forest_mtry(&p, 1, 64, &m, &err), 0);
	assert_int_equal(m, 6);
	p.max_features_kind = FL_MAXF_FRACTION;
	p.max_features = 0.01;
	assert_int_equal(fl_forest_mtry(&p, 1, 64, &m, &err), 0);
	assert_int_equal(m, 1);
	p.max_features_kind = FL_MAXF_COUNT;
	p.max_features = 65;
	assert_int_equal(fl_forest_mtry(&p, 1, 64, &m, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "max_features=65 is more than the 64 features"));
}

/* ---- progress ---- */

static fl_dataset *digits_dataset(void);

typedef struct calls {
	size_t n;           /* calls */
	uint64_t done[64];  /* their done counts */
	uint64_t total;     /* the last total */
	int bad_what;       /* a call named something else than "trees" */
} calls;

static void record(void *ud, const char *what, uint64_t done, uint64_t total)
{
	calls *c = ud;

	if (c->n < 64)
		c->done[c->n] = done;
	c->n++;
	c->total = total;
	c->bad_what |= strcmp(what, "trees") != 0;
}

static void check_calls(const calls *c, size_t trees)
{
	assert_int_equal(c->n, trees);
	assert_int_equal(c->total, trees);
	assert_false(c->bad_what);
	for (size_t i = 0; i < trees; i++)
		assert_int_equal(c->done[i], i + 1);
}

/* One call per tree, counting up, with 1 and 3 threads; the forest is the
 * same as without a progress sink. Through the model kind too. */
static void test_progress(void **state)
{
	table t = read_csv("tests/data/digits8x8.csv");
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	calls c1 = { 0 }, c3 = { 0 }, ck = { 0 };
	fl_progress s1 = { record, &c1 }, s3 = { record, &c3 }, sk = { record, &ck };
	fl_forest *plain, *a, *b;

	(void)state;
	p.n_estimators = 11;
	p.seed = 4;
	p.n_threads = 1;
	plain = fit_class(&t, &p);
	p.progress = &s1;
	a = fit_class(&t, &p);
	p.progress = &s3;
	p.n_threads = 3;
	b = fit_class(&t, &p);
	check_calls(&c1, 11);
	check_calls(&c3, 11);
	assert_same_forest(plain, a);
	assert_same_forest(plain, b);
	assert_null(a->params.progress); /* not kept past the fit */
	fl_forest_free(plain);
	fl_forest_free(a);
	fl_forest_free(b);
	table_free(&t);

	fl_dataset *ds = digits_dataset();
	const fl_model_kind *k = fl_model_kind_find("random_forest");
	const char *args[] = { "n_estimators=7" };
	fl_fit_opts o = FL_FIT_OPTS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_model *m = NULL;
	json_t *params = NULL;

	assert_int_equal(fl_hparams_from_args(k->params, args, 1, &params, &err), 0);
	o.n_threads = 2;
	o.progress = &sk;
	if (fl_model_fit(&m, k, ds, params, &o, &err) < 0)
		fail_msg("%s", err.msg);
	check_calls(&ck, 7);
	json_decref(params);
	fl_model_free(m);
	fl_dataset_free(ds);
}

/* A row's prediction does not depend on the rows predicted with it (work
 * items are cut by the thread count and by PREDICT_BLOCK_MAX). */
static void test_predict_rows_independent(void **state)
{
	table t = read_csv("tests/data/digits8x8.csv");
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_forest *rf;
	double *all = malloc(t.n * 10 * sizeof(double)), one[10];

	(void)state;
	p.n_estimators = 9;
	p.seed = 2;
	rf = fit_class(&t, &p);
	assert_int_equal(fl_forest_predict_proba(rf, t.X, t.n, all, 2, &err), 0);
	for (size_t i = 0; i < t.n; i += 37) {
		assert_int_equal(fl_forest_predict_proba(rf, t.X + i * t.d, 1, one, 3,
							 &err), 0);
		assert_memory_equal(one, all + i * 10, sizeof(one));
	}
	assert_int_equal(fl_forest_predict_proba(rf, t.X, 0, one, 2, &err), 0);
	fl_forest_free(rf);
	free(all);
	table_free(&t);
}

/* Every walker gives each row its leaf's value row, as the one-row walk
 * does: for batches shorter than, equal to and longer than the vector
 * walker's lanes, and for a batch that ends at the end of the codes
 * buffer. Returns whether the vector walker ran. */
static int check_walkers(const fl_forest *rf, const table *t)
{
	size_t F = t->d, sizes[] = { 1, 15, 16, 17, 63, 64, 65, 200, t->n };
	uint8_t *codes = malloc(t->n * F + FL_TREE_WALK_PAD);
	uint32_t *want = malloc(t->n * sizeof(*want));
	uint32_t *got = malloc(t->n * sizeof(*got));
	int vector_ran = 0;

	fl_forest_codes(rf, t->X, t->n, codes);
	for (size_t k = 0; k < rf->n_trees; k++) {
		const fl_tree *tr = &rf->trees[k];
		for (size_t i = 0; i < t->n; i++)
			want[i] = tr->nodes[fl_tree_leaf_node(tr, codes + i * F)].left;
		for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++) {
			size_t m = sizes[s], lo = t->n - m; /* the last m rows */
			const uint8_t *c = codes + lo * F;
			memset(got, 0xff, m * sizeof(*got));
			fl_tree_walk_scalar(tr, c, F, m, got);
			assert_memory_equal(got, want + lo, m * sizeof(*got));
			memset(got, 0xff, m * sizeof(*got));
			if (fl_tree_walk_vector(tr, c, F, m, got) == 0) {
				vector_ran = 1;
				assert_memory_equal(got, want + lo, m * sizeof(*got));
			}
			memset(got, 0xff, m * sizeof(*got));
			fl_tree_walk(tr, c, F, m, got);
			assert_memory_equal(got, want + lo, m * sizeof(*got));
		}
	}
	free(codes);
	free(want);
	free(got);
	return vector_ran;
}

/* Deep and shallow classification trees, a regression tree, and trees
 * packed with room for 2^15 features (8 bits left for node indices): the
 * shallow ones are packed, the deep ones fall back to the portable walker
 * with the same results. */
static void test_walkers_agree(void **state)
{
	table t = read_csv("tests/data/digits8x8.csv");
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_forest *rf = NULL;
	int vector;

	(void)state;
	p.n_estimators = 6;
	p.seed = 5;
	rf = fit_class(&t, &p);
	vector = rf->trees[0].packed != NULL;
	assert_int_equal(check_walkers(rf, &t), vector);
	for (size_t k = 0; k < rf->n_trees; k++) {
		assert_int_equal(fl_tree_walk_prepare(&rf->trees[k], 1u << 15,
						      &err), 0);
		assert_null(rf->trees[k].packed); /* > 256 nodes */
	}
	assert_int_equal(check_walkers(rf, &t), 0);
	fl_forest_free(rf);

	p.max_depth = 3;
	rf = fit_class(&t, &p);
	assert_int_equal(check_walkers(rf, &t), vector);
	for (size_t k = 0; k < rf->n_trees; k++) {
		assert_int_equal(fl_tree_walk_prepare(&rf->trees[k], 1u << 15,
						      &err), 0);
		assert_int_equal(rf->trees[k].packed != NULL, vector);
	}
	assert_int_equal(check_walkers(rf, &t), vector);
	fl_forest_free(rf);

	p.max_depth = 0;
	rf = NULL;
	assert_int_equal(fl_forest_fit(&rf, t.X, t.n, t.d, NULL, 0, t.y, &p,
				       &err), 0);
	assert_int_equal(check_walkers(rf, &t), vector);
	fl_forest_free(rf);
	if (!vector)
		print_message("# no AVX-512 here: the vector walker was not "
			      "checked\n");
	table_free(&t);
}

/* ---- bad input ---- */

/* A constant feature next to informative ones: never split on, importance
 * exactly 0, the others still learnt. */
static void test_constant_feature(void **state)
{
	enum { N = 400, F = 3 };
	double X[N * F];
	int32_t y[N];
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_forest *rf = NULL;
	int32_t pred[N];
	size_t hit = 0;
	fl_rng r;

	(void)state;
	fl_rng_seed(&r, 9, 0);
	for (size_t i = 0; i < N; i++) {
		X[i * F] = fl_rng_normal(&r);
		X[i * F + 1] = 7.25; /* constant */
		X[i * F + 2] = fl_rng_normal(&r);
		y[i] = X[i * F] + X[i * F + 2] > 0;
	}
	p.n_estimators = 20;
	p.max_features_kind = FL_MAXF_ALL;
	assert_int_equal(fl_forest_fit(&rf, X, N, F, y, 2, NULL, &p, &err), 0);
	assert_true(rf->importance[1] == 0.0);
	assert_true(rf->importance[0] > 0.2 && rf->importance[2] > 0.2);
	for (size_t t = 0; t < rf->n_trees; t++)
		for (uint32_t i = 0; i < rf->trees[t].n_nodes; i++)
			assert_false(!rf->trees[t].nodes[i].leaf &&
				     rf->trees[t].nodes[i].feature == 1);
	assert_int_equal(fl_forest_predict_class(rf, X, N, pred, 2, &err), 0);
	for (size_t i = 0; i < N; i++)
		hit += pred[i] == y[i];
	assert_true(hit > N * 95 / 100);
	fl_forest_free(rf);
}


static void test_bad_input(void **state)
{
	double X[8 * 2] = { 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8 };
	int32_t y1[8] = { 0 }, y2[8] = { 0, 1, 0, 1, 0, 1, 0, 1 };
	fl_forest_params p = FL_FOREST_PARAMS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_forest *rf = NULL;
	double proba[16];

	(void)state;
	assert_int_equal(fl_forest_fit(&rf, X, 8, 2, y1, 2, NULL, &p, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "only one class"));
	X[5] = NAN;
	assert_int_equal(fl_forest_fit(&rf, X, 8, 2, y2, 2, NULL, &p, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "row 3, feature 2: NaN"));
	X[5] = INFINITY;
	assert_int_equal(fl_forest_fit(&rf, X, 8, 2, y2, 2, NULL, &p, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "infinite"));
	X[5] = 6;
	p.max_features_kind = FL_MAXF_COUNT;
	p.max_features = 3;
	assert_int_equal(fl_forest_fit(&rf, X, 8, 2, y2, 2, NULL, &p, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "more than the 2 features"));
	p = (fl_forest_params)FL_FOREST_PARAMS_INIT;
	p.bootstrap = 0;
	p.oob_score = 1;
	assert_int_equal(fl_forest_fit(&rf, X, 8, 2, y2, 2, NULL, &p, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "oob_score needs bootstrap"));
	p = (fl_forest_params)FL_FOREST_PARAMS_INIT;
	p.min_samples_leaf = (size_t)UINT32_MAX + 1;
	assert_int_equal(fl_forest_fit(&rf, X, 8, 2, y2, 2, NULL, &p, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "min_samples_leaf must be at most 4294967295"));
	p = (fl_forest_params)FL_FOREST_PARAMS_INIT;
	p.min_samples_split = SIZE_MAX;
	assert_int_equal(fl_forest_fit(&rf, X, 8, 2, y2, 2, NULL, &p, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "min_samples_split must be at most"));
	assert_null(rf);

	/* constant features: every tree is one leaf holding the class shares */
	double C[8 * 2];
	for (int i = 0; i < 16; i++)
		C[i] = 3.0;
	p = (fl_forest_params)FL_FOREST_PARAMS_INIT;
	p.bootstrap = 0;
	p.n_estimators = 3;
	assert_int_equal(fl_forest_fit(&rf, C, 8, 2, y2, 2, NULL, &p, &err), 0);
	assert_int_equal(rf->trees[0].n_nodes, 1);
	assert_int_equal(fl_forest_predict_proba(rf, C, 8, proba, 1, &err), 0);
	assert_true(proba[0] == 0.5 && proba[1] == 0.5);
	/* NaN at prediction time is refused too */
	C[3] = NAN;
	assert_int_equal(fl_forest_predict_proba(rf, C, 8, proba, 1, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "row 2, feature 2"));
	fl_forest_free(rf);
}

/* ---- the model kind: file round trip, describe ---- */

static fl_dataset *digits_dataset(void)
{
	table t = read_csv("tests/data/digits8x8.csv");
	const char *names[10] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
	fl_err err = FL_ERR_INIT;
	fl_dataset *ds = NULL;

	assert_int_equal(fl_dataset_new(&ds, t.n, t.d, &err), 0);
	memcpy(ds->X, t.X, t.n * t.d * sizeof(double));
	assert_int_equal(fl_dataset_set_classes(ds, 10, names, &err), 0);
	for (size_t i = 0; i < t.n; i++)
		ds->y_class[i] = (int32_t)t.y[i];
	table_free(&t);
	return ds;
}

static void test_model_file_round_trip(void **state)
{
	fl_dataset *ds = digits_dataset();
	const fl_model_kind *k = fl_model_kind_find("random_forest");
	const char *args[] = { "n_estimators=12", "max_features=0.25", "oob_score=true" };
	fl_fit_opts o = FL_FIT_OPTS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_model *m = NULL, *m2 = NULL;
	json_t *params = NULL, *fit;
	char *dir = tu_tmpdir(), path[4096];
	double *pa = malloc(ds->n * 10 * sizeof(double)), *pb = malloc(ds->n * 10 * sizeof(double));

	(void)state;
	assert_non_null(k);
	assert_int_equal(fl_hparams_from_args(k->params, args, 3, &params, &err), 0);
	o.seed = 3;
	if (fl_model_fit(&m, k, ds, params, &o, &err) < 0)
		fail_msg("%s", err.msg);
	fit = json_object_get(m->metrics, "fit");
	assert_int_equal(json_integer_value(json_object_get(fit, "n_trees")), 12);
	assert_int_equal(json_integer_value(json_object_get(fit, "max_features")), 16);
	assert_true(json_integer_value(json_object_get(fit, "max_depth")) > 5);
	assert_true(json_real_value(json_object_get(fit, "oob_score")) > 0.8);
	json_t *imp = json_object_get(fit, "feature_importances");
	assert_int_equal(json_array_size(imp), 64);
	assert_true(json_real_value(json_object_get(json_array_get(imp, 0), "importance")) >=
		    json_real_value(json_object_get(json_array_get(imp, 1), "importance")));
	snprintf(path, sizeof(path), "%s/rf.floe", dir);
	assert_int_equal(fl_model_save(m, path, &err), 0);
	if (fl_model_load(&m2, path, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(fl_model_predict_proba(m, ds, 2, pa, &err), 0);
	assert_int_equal(fl_model_predict_proba(m2, ds, 1, pb, &err), 0);
	assert_memory_equal(pa, pb, ds->n * 10 * sizeof(double));
	assert_int_equal(fl_model_predict(m2, ds, 1, pb, &err), 0);
	for (size_t i = 0; i < ds->n; i++)
		assert_true(pb[i] >= 0 && pb[i] < 10 && pb[i] == floor(pb[i]));
	/* a bad max_features value is refused with its name */
	const char *bad[] = { "max_features=2.5" };
	json_decref(params);
	assert_int_equal(fl_hparams_from_args(k->params, bad, 1, &params, &err), 0);
	fl_model_free(m);
	m = NULL;
	assert_int_equal(fl_model_fit(&m, k, ds, params, &o, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "max_features=2.5"));
	json_decref(params);
	fl_model_free(m2);
	free(pa);
	free(pb);
	fl_dataset_free(ds);
	tu_rmrf(dir);
	free(dir);
}

/* A classifier's first value rows must be one-hot (prediction adds only
 * their one): a file whose checksum is right but whose first value row is
 * not one-hot is refused on load, and the same file rewritten untouched
 * loads. */
static void test_load_checks_onehot_rows(void **state)
{
	fl_dataset *ds = digits_dataset();
	const fl_model_kind *k = fl_model_kind_find("random_forest");
	const char *args[] = { "n_estimators=3" };
	fl_fit_opts o = FL_FIT_OPTS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_model *m = NULL, *m2 = NULL;
	fl_modelfile *mf = NULL;
	json_t *params = NULL;
	char *dir = tu_tmpdir(), path[4096], same[4096], bad[4096];

	(void)state;
	assert_int_equal(fl_hparams_from_args(k->params, args, 1, &params, &err), 0);
	if (fl_model_fit(&m, k, ds, params, &o, &err) < 0)
		fail_msg("%s", err.msg);
	snprintf(path, sizeof(path), "%s/rf.floe", dir);
	snprintf(same, sizeof(same), "%s/same.floe", dir);
	snprintf(bad, sizeof(bad), "%s/bad.floe", dir);
	assert_int_equal(fl_model_save(m, path, &err), 0);
	assert_int_equal(fl_modelfile_read(&mf, path, &err), 0);
	assert_int_equal(fl_modelfile_write(mf, same, &err), 0);
	if (fl_model_load(&m2, same, &err) < 0)
		fail_msg("%s", err.msg);
	fl_model_free(m2);
	m2 = NULL;
	const fl_mf_array *a = fl_modelfile_find(mf, "leaf_value");
	assert_non_null(a);
	assert_int_equal(a->dtype, FL_DTYPE_F32);
	assert_true(((float *)a->data)[1] == 0.0f); /* row 0 (class 0), class 1 */
	((float *)a->data)[1] = 0.5f;
	assert_int_equal(fl_modelfile_write(mf, bad, &err), 0);
	assert_int_equal(fl_model_load(&m2, bad, &err), FL_EINVAL);
	assert_null(m2);
	assert_non_null(strstr(err.msg, "no one-hot value rows"));
	fl_modelfile_free(mf);
	fl_model_free(m);
	json_decref(params);
	fl_dataset_free(ds);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binning),
		cmocka_unit_test(test_binning_lut),
		cmocka_unit_test(test_digits_accuracy),
		cmocka_unit_test(test_synthetic_accuracy),
		cmocka_unit_test(test_sst_regression),
		cmocka_unit_test(test_threads_bitwise),
		cmocka_unit_test(test_regression_threads_bitwise),
		cmocka_unit_test(test_depth_and_leaf_size),
		cmocka_unit_test(test_oob_and_importance),
		cmocka_unit_test(test_importance_ranking),
		cmocka_unit_test(test_class_weight_balanced),
		cmocka_unit_test(test_max_features),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_predict_rows_independent),
		cmocka_unit_test(test_walkers_agree),
		cmocka_unit_test(test_constant_feature),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_model_file_round_trip),
		cmocka_unit_test(test_load_checks_onehot_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
