/* test_linreg.c - linear_regression and ridge against scikit-learn
 * (coefficients within 1e-8 relative), and their bad-input behaviour:
 * rank-deficient design, constant feature, more features than rows. */
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

static fl_model *fit(const char *kind, const fl_dataset *ds, const char *param, fl_err *err)
{
	const fl_model_kind *k = fl_model_kind_find(kind);
	json_t *p = NULL;
	fl_model *m = NULL;
	fl_fit_opts o = FL_FIT_OPTS_INIT;

	assert_non_null(k);
	assert_int_equal(fl_hparams_from_args(k->params, &param, param ? 1 : 0, &p, err), 0);
	o.n_threads = 1;
	fl_model_fit(&m, k, ds, p, &o, err);
	json_decref(p);
	return m;
}

static void check_coefs(const fl_model *m, const json_t *ref, const char *ck, const char *ik)
{
	fl_modelfile *mf = NULL;
	fl_err err = FL_ERR_INIT;
	const double *coef, *b;
	size_t n;
	double *want = mlf_doubles(json_object_get(ref, ck), &n);

	assert_int_equal(fl_model_to_modelfile(m, &mf, &err), 0);
	assert_int_equal(fl_modelfile_get(mf, "coef", FL_DTYPE_F64, 1, NULL,
					  (const void **)&coef, &err), 0);
	assert_int_equal(fl_modelfile_get(mf, "intercept", FL_DTYPE_F64, 1, NULL,
					  (const void **)&b, &err), 0);
	for (size_t j = 0; j < n; j++)
		mlf_close(coef[j], want[j], 1e-8, 0, ck);
	mlf_close(b[0], json_number_value(json_object_get(ref, ik)), 1e-8, 0, ik);
	free(want);
	fl_modelfile_free(mf);
}

static void test_ols_matches_sklearn(void **state)
{
	fl_dataset *ds = mlf_load_csv("tests/fixtures/synth_reg.csv", "y", FL_TARGET_REAL, NULL);
	json_t *ref = mlf_fixture("linear.json"), *sc = NULL;
	fl_err err = FL_ERR_INIT;
	fl_model *m = fit("linear_regression", ds, NULL, &err);

	(void)state;
	if (!m)
		fail_msg("%s", err.msg);
	check_coefs(m, ref, "ols_coef", "ols_intercept");
	assert_int_equal(fl_model_score(m, ds, 1, 0, &sc, &err), 0);
	mlf_close(json_real_value(json_object_get(sc, "r2")),
		  json_number_value(json_object_get(ref, "ols_train_r2")), 1e-10, 0, "r2");
	json_decref(sc);
	fl_model_free(m);
	json_decref(ref);
	fl_dataset_free(ds);
}

static void test_ridge_matches_sklearn(void **state)
{
	fl_dataset *ds = mlf_load_csv("tests/fixtures/synth_reg.csv", "y", FL_TARGET_REAL, NULL);
	json_t *ref = mlf_fixture("linear.json");
	fl_err err = FL_ERR_INIT;
	fl_model *m = fit("ridge", ds, "alpha=3.0", &err);

	(void)state;
	if (!m)
		fail_msg("%s", err.msg);
	check_coefs(m, ref, "ridge_coef", "ridge_intercept");
	fl_model_free(m);
	json_decref(ref);
	fl_dataset_free(ds);
}

/* x3 = 2 x0 - x1: OLS refuses and names x3 (or a member of the set),
 * ridge fits. */
static void test_rank_deficient(void **state)
{
	fl_dataset *ds = mlf_load_csv("tests/fixtures/synth_reg.csv", "y", FL_TARGET_REAL, NULL);
	fl_err err = FL_ERR_INIT;
	fl_model *m;

	(void)state;
	for (size_t i = 0; i < ds->n; i++)
		ds->X[i * ds->d + 3] = 2 * ds->X[i * ds->d] - ds->X[i * ds->d + 1];
	m = fit("linear_regression", ds, NULL, &err);
	assert_null(m);
	assert_int_equal(err.code, FL_EINVAL);
	assert_non_null(strstr(err.msg, "rank-deficient (rank 5 of 6"));
	assert_non_null(strstr(err.msg, "ridge"));
	fl_err_clear(&err);
	m = fit("ridge", ds, "alpha=0.1", &err);
	if (!m)
		fail_msg("%s", err.msg);
	fl_model_free(m);
	fl_dataset_free(ds);
}

static void test_constant_feature(void **state)
{
	fl_dataset *ds = mlf_load_csv("tests/fixtures/synth_reg.csv", "y", FL_TARGET_REAL, NULL);
	fl_err err = FL_ERR_INIT;
	fl_model *m;
	double *pred = malloc(ds->n * sizeof(double));

	(void)state;
	for (size_t i = 0; i < ds->n; i++)
		ds->X[i * ds->d + 2] = 4.0;
	m = fit("linear_regression", ds, NULL, &err);
	assert_null(m);
	assert_non_null(strstr(err.msg, "'x2' is constant or a linear combination"));
	/* ridge gives the constant column a zero coefficient, finite output */
	fl_err_clear(&err);
	m = fit("ridge", ds, NULL, &err);
	assert_non_null(m);
	assert_int_equal(fl_model_predict(m, ds, 1, pred, &err), 0);
	for (size_t i = 0; i < ds->n; i++)
		assert_true(isfinite(pred[i]));
	fl_model_free(m);
	free(pred);
	fl_dataset_free(ds);
}

static void test_more_features_than_rows(void **state)
{
	fl_dataset *ds = NULL;
	fl_err err = FL_ERR_INIT;
	fl_model *m;

	(void)state;
	assert_int_equal(fl_dataset_new(&ds, 4, 6, &err), 0);
	assert_int_equal(fl_dataset_set_real_target(ds, &err), 0);
	for (size_t t = 0; t < 24; t++)
		ds->X[t] = sin((double)t * 1.3);
	for (size_t i = 0; i < 4; i++)
		ds->y_real[i] = (double)i;
	m = fit("linear_regression", ds, NULL, &err);
	assert_null(m);
	assert_non_null(strstr(err.msg, "more features (6) than rows (4)"));
	fl_err_clear(&err);
	m = fit("ridge", ds, NULL, &err);
	assert_non_null(m);
	fl_model_free(m);
	fl_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ols_matches_sklearn),
		cmocka_unit_test(test_ridge_matches_sklearn),
		cmocka_unit_test(test_rank_deficient),
		cmocka_unit_test(test_constant_feature),
		cmocka_unit_test(test_more_features_than_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
