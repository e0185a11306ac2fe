/* test_kmeans.c - kmeans on the real digits data against scikit-learn
 * (mean inertia over 5 seeds within 1% with the same n_init), more starts
 * never worse, predictions consistent with the centres, converged centres
 * the means of their rows (the Hamerly steps update the sums by the rows
 * that move) with the same bits on 1 and 3 threads, and the bad inputs: k
 * above the number of distinct rows or of rows. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "ml/model.h"
#include "mlfixture.h"

/* kmeans with n_clusters=k, n_init, and `extra` (one more NAME=VALUE, or
 * NULL) on n_threads threads; NULL with err set on failure. */
static fl_model *fit_opts(const fl_dataset *ds, size_t k, int n_init, const char *extra,
			  uint64_t seed, int n_threads, fl_err *err)
{
	const fl_model_kind *kind = fl_model_kind_find("kmeans");
	char a[32], b[32];
	const char *args[] = { a, b, extra };
	json_t *p = NULL;
	fl_model *m = NULL;
	fl_fit_opts o = FL_FIT_OPTS_INIT;

	snprintf(a, sizeof(a), "n_clusters=%zu", k);
	snprintf(b, sizeof(b), "n_init=%d", n_init);
	assert_int_equal(fl_hparams_from_args(kind->params, args, extra ? 3 : 2, &p, err), 0);
	o.n_threads = n_threads;
	o.seed = seed;
	fl_model_fit(&m, kind, ds, p, &o, err);
	json_decref(p);
	return m;
}

static fl_model *fit(const fl_dataset *ds, size_t k, int n_init, uint64_t seed, fl_err *err)
{
	return fit_opts(ds, k, n_init, NULL, seed, 1, err);
}

static double inertia(const fl_model *m)
{
	return json_real_value(json_object_get(json_object_get(m->metrics, "fit"), "inertia"));
}

static long long n_iter(const fl_model *m)
{
	return json_integer_value(json_object_get(json_object_get(m->metrics, "fit"), "n_iter"));
}

static void test_inertia_matches_sklearn(void **state)
{
	fl_dataset *ds = mlf_load_csv("tests/data/digits8x8.csv", "label", FL_TARGET_NONE, NULL);
	json_t *ref = mlf_fixture("kmeans_digits.json");
	fl_err err = FL_ERR_INIT;
	double sum = 0, want;

	(void)state;
	want = json_number_value(json_object_get(
		json_object_get(json_object_get(ref, "by_n_init"), "4"), "inertia_mean"));
	for (uint64_t s = 0; s < 5; s++) {
		fl_model *m = fit(ds, 10, 4, s, &err);
		if (!m)
			fail_msg("%s", err.msg);
		sum += inertia(m);
		fl_model_free(m);
	}
	mlf_close(sum / 5, want, 0.01, 0, "mean inertia, n_init=4");
	json_decref(ref);
	fl_dataset_free(ds);
}

/* The best of several starts is at most the first start's inertia, and
 * score() recomputes the same inertia from predict + transform. */
static void test_starts_and_score(void **state)
{
	fl_dataset *ds = mlf_load_csv("tests/data/digits8x8.csv", "label", FL_TARGET_CLASS, NULL);
	fl_err err = FL_ERR_INIT;
	fl_model *one = fit(ds, 10, 1, 3, &err), *four = fit(ds, 10, 4, 3, &err);
	json_t *sc = NULL;

	(void)state;
	assert_true(inertia(four) <= inertia(one));
	assert_int_equal(fl_model_score(four, ds, 2, 1, &sc, &err), 0);
	mlf_close(json_real_value(json_object_get(sc, "inertia")), inertia(four), 1e-9, 0,
		  "scored inertia");
	double ari = json_real_value(json_object_get(sc, "adjusted_rand"));
	assert_true(ari > 0.4 && ari <= 1.0); /* digits cluster well */
	assert_non_null(json_object_get(sc, "silhouette"));
	json_decref(sc);
	fl_model_free(one);
	fl_model_free(four);
	fl_dataset_free(ds);
}

#define OV_N 20000 /* five row blocks, so the thread count matters */
#define OV_D 6

/* Two broad, overlapping Gaussian clouds: many rows near every boundary,
 * so the Lloyd steps after the first move rows for many iterations. */
static fl_dataset *overlapping(void)
{
	fl_dataset *ds = NULL;
	fl_err err = FL_ERR_INIT;
	fl_rng r;

	assert_int_equal(fl_dataset_new(&ds, OV_N, OV_D, &err), 0);
	fl_rng_seed(&r, 11, 0);
	for (size_t i = 0; i < OV_N; i++)
		for (size_t j = 0; j < OV_D; j++)
			ds->X[i * OV_D + j] = fl_rng_normal(&r) * (1.0 + 0.3 * (double)j) +
					      (i % 2 ? 1.5 : -1.5);
	return ds;
}

/* With tol=0 the iterations stop only when no row changes centre; then
 * every centre is the mean of its rows, so the inertia about the means of
 * the predicted clusters equals the fitted inertia (a centre off its mean
 * by e adds n_c e^2). Catches centre sums that lose or double-count a row
 * that moved. The same bits with 1 and 3 threads. */
static void test_converged_centres_are_means(void **state)
{
	fl_dataset *ds = overlapping();
	fl_err err = FL_ERR_INIT;
	fl_model *m1 = fit_opts(ds, 6, 1, "tol=0", 5, 1, &err);
	fl_model *m3 = fit_opts(ds, 6, 1, "tol=0", 5, 3, &err);
	double *lab = malloc(OV_N * sizeof(double)), *t1 = malloc(OV_N * 6 * sizeof(double));
	double *t3 = malloc(OV_N * 6 * sizeof(double)), mean[6][OV_D] = { { 0 } }, cnt[6] = { 0 };
	double about_means = 0;

	(void)state;
	if (!m1 || !m3)
		fail_msg("%s", err.msg);
	assert_true(n_iter(m1) >= 10 && n_iter(m1) < 300); /* many moving steps, converged */
	assert_int_equal(fl_model_predict(m1, ds, 1, lab, &err), 0);
	for (size_t i = 0; i < OV_N; i++) {
		size_t c = (size_t)lab[i];
		cnt[c] += 1;
		for (size_t j = 0; j < OV_D; j++)
			mean[c][j] += ds->X[i * OV_D + j];
	}
	for (size_t c = 0; c < 6; c++)
		for (size_t j = 0; j < OV_D; j++)
			mean[c][j] /= cnt[c];
	for (size_t i = 0; i < OV_N; i++)
		for (size_t j = 0; j < OV_D; j++) {
			double e = ds->X[i * OV_D + j] - mean[(size_t)lab[i]][j];
			about_means += e * e;
		}
	mlf_close(inertia(m1), about_means, 1e-10, 0, "inertia about the cluster means");
	assert_int_equal(n_iter(m1), n_iter(m3));
	assert_memory_equal(&(double){ inertia(m1) }, &(double){ inertia(m3) }, sizeof(double));
	assert_int_equal(fl_model_transform(m1, ds, 1, t1, &err), 0);
	assert_int_equal(fl_model_transform(m3, ds, 1, t3, &err), 0);
	assert_memory_equal(t1, t3, OV_N * 6 * sizeof(double));
	free(lab);
	free(t1);
	free(t3);
	fl_model_free(m1);
	fl_model_free(m3);
	fl_dataset_free(ds);
}

static void test_too_many_clusters(void **state)
{
	fl_dataset *ds = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_dataset_new(&ds, 30, 2, &err), 0);
	for (size_t i = 0; i < 30; i++) { /* 3 distinct points */
		ds->X[2 * i] = (double)(i % 3);
		ds->X[2 * i + 1] = 1.0;
	}
	assert_null(fit(ds, 4, 1, 0, &err));
	assert_non_null(strstr(err.msg, "only 3 distinct rows"));
	fl_model *m = fit(ds, 3, 2, 0, &err);
	assert_non_null(m);
	mlf_close(inertia(m), 0.0, 0, 0, "exact fit of 3 points");
	fl_model_free(m);
	assert_null(fit(ds, 31, 1, 0, &err));
	assert_non_null(strstr(err.msg, "more than the 30 rows"));
	fl_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inertia_matches_sklearn),
		cmocka_unit_test(test_starts_and_score),
		cmocka_unit_test(test_converged_centres_are_means),
		cmocka_unit_test(test_too_many_clusters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
