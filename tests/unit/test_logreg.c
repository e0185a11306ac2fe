/* test_logreg.c - logistic_regression against scikit-learn: the objective
 * at the optimum within 1e-6 (binary and multinomial, real penguins data),
 * probabilities that sum to 1, a single class refused. */
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

static fl_model *fit(const fl_dataset *ds, const char *c_param, fl_err *err)
{
	const fl_model_kind *k = fl_model_kind_find("logistic_regression");
	const char *args[] = { c_param };
	json_t *p = NULL;
	fl_model *m = NULL;
	fl_fit_opts o = FL_FIT_OPTS_INIT;

	assert_int_equal(fl_hparams_from_args(k->params, args, 1, &p, err), 0);
	o.n_threads = 1;
	fl_model_fit(&m, k, ds, p, &o, err);
	json_decref(p);
	return m;
}

static double fit_objective(const fl_model *m)
{
	json_t *fitinfo = json_object_get(m->metrics, "fit");

	assert_true(json_is_true(json_object_get(fitinfo, "converged")));
	return json_real_value(json_object_get(fitinfo, "objective"));
}

static void check_case(const fl_dataset *ds, const json_t *ref, const char *c_param)
{
	fl_err err = FL_ERR_INIT;
	fl_model *m = fit(ds, c_param, &err);
	json_t *sc = NULL;
	size_t k = ds->n_classes;
	double *proba = malloc(ds->n * k * sizeof(double));

	if (!m)
		fail_msg("%s", err.msg);
	mlf_close(fit_objective(m), json_number_value(json_object_get(ref, "objective")), 1e-6, 0,
		  "objective at the optimum");
	assert_int_equal(fl_model_score(m, ds, 1, 0, &sc, &err), 0);
	mlf_close(json_real_value(json_object_get(sc, "accuracy")),
		  json_number_value(json_object_get(ref, "train_accuracy")), 0.01, 0, "accuracy");
	assert_int_equal(fl_model_predict_proba(m, ds, 1, proba, &err), 0);
	for (size_t i = 0; i < ds->n; i++) {
		double s = 0;
		for (size_t c = 0; c < k; c++)
			s += proba[i * k + c];
		mlf_close(s, 1.0, 1e-12, 0, "probabilities sum to 1");
	}
	free(proba);
	json_decref(sc);
	fl_model_free(m);
}

static void test_binary_matches_sklearn(void **state)
{
	fl_dataset *ds = mlf_load_csv("tests/fixtures/synth_bin.csv", "label", FL_TARGET_CLASS, NULL);
	json_t *ref = mlf_fixture("logistic.json");

	(void)state;
	assert_int_equal(ds->n_classes, 2);
	check_case(ds, json_object_get(ref, "binary"), "C=0.5");
	json_decref(ref);
	fl_dataset_free(ds);
}

static void test_penguins_multinomial(void **state)
{
	static const char *const cols[] = { "bill_length_mm", "bill_depth_mm",
					    "flipper_length_mm", "body_mass_g", NULL };
	fl_dataset *ds = mlf_load_csv("tests/data/penguins.csv", "species", FL_TARGET_CLASS, cols);
	json_t *ref = mlf_fixture("logistic.json"), *pg = json_object_get(ref, "penguins");

	(void)state;
	assert_int_equal(ds->n, json_integer_value(json_object_get(pg, "rows")));
	assert_int_equal(ds->n_classes, 3);
	check_case(ds, pg, "C=1.0");
	json_decref(ref);
	fl_dataset_free(ds);
}

static void test_single_class_refused(void **state)
{
	fl_dataset *ds = mlf_load_csv("tests/fixtures/synth_bin.csv", "label", FL_TARGET_CLASS, NULL);
	fl_err err = FL_ERR_INIT;

	(void)state;
	for (size_t i = 0; i < ds->n; i++)
		ds->y_class[i] = 1;
	assert_null(fit(ds, "C=1", &err));
	assert_int_equal(err.code, FL_EINVAL);
	assert_non_null(strstr(err.msg, "single class ('1')"));
	fl_dataset_free(ds);
}

/* A constant feature gets a zero coefficient and no NaN. */
static void test_constant_feature(void **state)
{
	fl_dataset *ds = mlf_load_csv("tests/fixtures/synth_bin.csv", "label", FL_TARGET_CLASS, NULL);
	fl_err err = FL_ERR_INIT;
	fl_modelfile *mf = NULL;
	const double *W;
	fl_model *m;

	(void)state;
	for (size_t i = 0; i < ds->n; i++)
		ds->X[i * ds->d + 1] = 3.0;
	m = fit(ds, "C=1", &err);
	assert_non_null(m);
	assert_int_equal(fl_model_to_modelfile(m, &mf, &err), 0);
	assert_int_equal(fl_modelfile_get(mf, "coef", FL_DTYPE_F64, 2, NULL, (const void **)&W,
					  &err), 0);
	for (size_t j = 0; j < ds->d; j++)
		assert_true(isfinite(W[j]));
	assert_true(fabs(W[1]) < 1e-8);
	fl_modelfile_free(mf);
	fl_model_free(m);
	fl_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binary_matches_sklearn),
		cmocka_unit_test(test_penguins_multinomial),
		cmocka_unit_test(test_single_class_refused),
		cmocka_unit_test(test_constant_feature),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
