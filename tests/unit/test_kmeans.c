/* test_kmeans.c - kmeans on the real digits data against scikit-learn
 * (mean inertia over 5 seeds within 1% with the same n_init), more starts
 * never worse, predictions consistent with the centres, and the bad
 * inputs: k above the number of distinct rows or of rows. */
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

#include "ml/model.h"
#include "mlfixture.h"

static fl_model *fit(const fl_dataset *ds, size_t k, int n_init, uint64_t seed, fl_err *err)
{
	const fl_model_kind *kind = fl_model_kind_find("kmeans");
	char a[32], b[32];
	const char *args[] = { a, b };
	json_t *p = NULL;
	fl_model *m = NULL;
	fl_fit_opts o = FL_FIT_OPTS_INIT;

	snprintf(a, sizeof(a), "n_clusters=%zu", k);
	snprintf(b, sizeof(b), "n_init=%d", n_init);
	assert_int_equal(fl_params_from_args(kind->params, args, 2, &p, err), 0);
	o.n_threads = 1;
	o.seed = seed;
	fl_model_fit(&m, kind, ds, p, &o, err);
	json_decref(p);
	return m;
}

static double inertia(const fl_model *m)
{
	return json_real_value(json_object_get(json_object_get(m->metrics, "fit"), "inertia"));
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
		cmocka_unit_test(test_too_many_clusters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
