/* test_pca.c - pca on the real digits data against scikit-learn: components
 * within 1e-6 up to sign, explained variance (ratio) within 1e-8; the
 * randomized solver close to the exact one; whitening; the Gram route for
 * wide data; too many components refused. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ml/model.h"
#include "mlfixture.h"

static fl_model *fit(const fl_dataset *ds, const char *const *args, size_t n, fl_err *err)
{
	const fl_model_kind *k = fl_model_kind_find("pca");
	json_t *p = NULL;
	fl_model *m = NULL;
	fl_fit_opts o = FL_FIT_OPTS_INIT;

	assert_int_equal(fl_hparams_from_args(k->params, args, n, &p, err), 0);
	o.n_threads = 1;
	o.seed = 5;
	fl_model_fit(&m, k, ds, p, &o, err);
	json_decref(p);
	return m;
}

static const double *array(const fl_model *m, const char *name, fl_modelfile **mf)
{
	fl_err err = FL_ERR_INIT;
	const fl_mf_array *a;

	assert_int_equal(fl_model_to_modelfile(m, mf, &err), 0);
	a = fl_modelfile_find(*mf, name);
	assert_non_null(a);
	return a->data;
}

/* Compare k components (k x d) with the reference up to sign. */
static void same_components(const double *got, const json_t *ref, size_t k, size_t d,
			    double tol)
{
	for (size_t c = 0; c < k; c++) {
		size_t n;
		double *want = mlf_doubles(json_array_get(ref, c), &n), dot = 0;
		assert_int_equal(n, d);
		for (size_t j = 0; j < d; j++)
			dot += got[c * d + j] * want[j];
		double sg = dot < 0 ? -1 : 1;
		for (size_t j = 0; j < d; j++)
			if (fabs(sg * got[c * d + j] - want[j]) > tol)
				fail_msg("component %zu entry %zu: %.12g vs %.12g", c, j,
					 sg * got[c * d + j], want[j]);
		free(want);
	}
}

static void test_full_matches_sklearn(void **state)
{
	static const char *const args[] = { "n_components=10", "svd_solver=full" };
	fl_dataset *ds = mlf_load_csv("tests/data/digits8x8.csv", "label", FL_TARGET_NONE, NULL);
	json_t *ref = mlf_fixture("pca_digits.json");
	fl_err err = FL_ERR_INIT;
	fl_modelfile *mf = NULL;
	fl_model *m = fit(ds, args, 2, &err);
	size_t n;

	(void)state;
	if (!m)
		fail_msg("%s", err.msg);
	same_components(array(m, "components", &mf), json_object_get(ref, "components"), 10,
			ds->d, 1e-6);
	const double *ev = fl_modelfile_find(mf, "explained_variance")->data;
	double *want = mlf_doubles(json_object_get(ref, "explained_variance"), &n);
	for (size_t c = 0; c < n; c++)
		mlf_close(ev[c], want[c], 1e-8, 0, "explained variance");
	free(want);
	want = mlf_doubles(json_object_get(ref, "explained_variance_ratio"), &n);
	json_t *r = json_object_get(json_object_get(m->metrics, "fit"), "explained_variance_ratio");
	for (size_t c = 0; c < n; c++)
		mlf_close(json_real_value(json_array_get(r, c)), want[c], 1e-8, 0, "ratio");
	free(want);
	fl_modelfile_free(mf);
	fl_model_free(m);
	json_decref(ref);
	fl_dataset_free(ds);
}

static void test_randomized_close_to_full(void **state)
{
	static const char *const args[] = { "n_components=5", "svd_solver=randomized" };
	fl_dataset *ds = mlf_load_csv("tests/data/digits8x8.csv", "label", FL_TARGET_NONE, NULL);
	json_t *ref = mlf_fixture("pca_digits.json");
	fl_err err = FL_ERR_INIT;
	fl_modelfile *mf = NULL;
	fl_model *m = fit(ds, args, 2, &err);
	size_t n;

	(void)state;
	if (!m)
		fail_msg("%s", err.msg);
	same_components(array(m, "components", &mf), json_object_get(ref, "components"), 5,
			ds->d, 1e-3);
	const double *ev = fl_modelfile_find(mf, "explained_variance")->data;
	double *want = mlf_doubles(json_object_get(ref, "explained_variance"), &n);
	for (size_t c = 0; c < 5; c++)
		mlf_close(ev[c], want[c], 1e-4, 0, "randomized explained variance");
	free(want);
	fl_modelfile_free(mf);
	fl_model_free(m);
	json_decref(ref);
	fl_dataset_free(ds);
}

/* Whitened outputs have unit variance on the training data. */
static void test_whiten(void **state)
{
	static const char *const args[] = { "n_components=4", "whiten=true" };
	fl_dataset *ds = mlf_load_csv("tests/data/digits8x8.csv", "label", FL_TARGET_NONE, NULL);
	fl_err err = FL_ERR_INIT;
	fl_model *m = fit(ds, args, 2, &err);
	double *Z = malloc(ds->n * 4 * sizeof(double));

	(void)state;
	assert_int_equal(fl_model_transform(m, ds, 1, Z, &err), 0);
	for (size_t c = 0; c < 4; c++) {
		double mean = 0, var = 0;
		for (size_t i = 0; i < ds->n; i++)
			mean += Z[i * 4 + c];
		mean /= (double)ds->n;
		for (size_t i = 0; i < ds->n; i++)
			var += (Z[i * 4 + c] - mean) * (Z[i * 4 + c] - mean);
		mlf_close(var / (double)(ds->n - 1), 1.0, 1e-9, 0, "whitened variance");
		assert_true(fabs(mean) < 1e-9);
	}
	free(Z);
	fl_model_free(m);
	fl_dataset_free(ds);
}

/* More features than rows: full goes through the Gram matrix, randomized
 * is the default, and both agree on the leading variance. */
static void test_wide_data(void **state)
{
	static const char *const full[] = { "n_components=3", "svd_solver=full" };
	static const char *const rnd[] = { "n_components=3" };
	fl_dataset *ds = mlf_load_csv("tests/data/digits8x8.csv", "label", FL_TARGET_NONE, NULL);
	fl_dataset *wide = NULL;
	size_t idx[40];
	fl_err err = FL_ERR_INIT;
	fl_modelfile *a = NULL, *b = NULL;

	(void)state;
	for (size_t i = 0; i < 40; i++)
		idx[i] = i * 7;
	assert_int_equal(fl_dataset_subset(&wide, ds, idx, 40, &err), 0);
	fl_model *mf = fit(wide, full, 2, &err), *mr = fit(wide, rnd, 1, &err);
	assert_non_null(mf);
	assert_non_null(mr);
	assert_string_equal(json_string_value(json_object_get(json_object_get(mr->metrics, "fit"),
							      "solver")), "randomized");
	const double *ef = fl_modelfile_find((array(mf, "components", &a), a), "explained_variance")->data;
	const double *er = fl_modelfile_find((array(mr, "components", &b), b), "explained_variance")->data;
	mlf_close(er[0], ef[0], 1e-6, 0, "leading variance, wide data");
	/* 65 components of 40 rows: refused */
	static const char *const many[] = { "n_components=41" };
	assert_null(fit(wide, many, 1, &err));
	assert_non_null(strstr(err.msg, "more than min(rows, features) = 40"));
	fl_modelfile_free(a);
	fl_modelfile_free(b);
	fl_model_free(mf);
	fl_model_free(mr);
	fl_dataset_free(wide);
	fl_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_matches_sklearn),
		cmocka_unit_test(test_randomized_close_to_full),
		cmocka_unit_test(test_whiten),
		cmocka_unit_test(test_wide_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
