/* test_model.c - the generic model layer: every kind gives the same bytes
 * with 1 and 3 threads and the same predictions after a save/load round
 * trip; data checks (NaN, empty, missing target) and parameter checks;
 * the train/test split. */
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
#include "testutil.h"

#define N 10000 /* three row blocks, so thread counts matter */
#define D 6

/* Three Gaussian blobs, a class target, and a real target kept in y2. */
static fl_dataset *synth(double **y2)
{
	static const char *const cls[] = { "a", "b", "c" };
	fl_dataset *ds = NULL;
	fl_err err = FL_ERR_INIT;
	fl_rng r;

	fl_rng_seed(&r, 42, 0);
	assert_int_equal(fl_dataset_new(&ds, N, D, &err), 0);
	assert_int_equal(fl_dataset_set_classes(ds, 3, cls, &err), 0);
	*y2 = malloc(N * sizeof(double));
	for (size_t i = 0; i < N; i++) {
		int c = (int)fl_rng_below(&r, 3);
		ds->y_class[i] = c;
		(*y2)[i] = 0;
		for (size_t j = 0; j < D; j++) {
			ds->X[i * D + j] = fl_rng_normal(&r) + (j % 3 == (size_t)c ? 2.0 : 0.0);
			(*y2)[i] += (double)(j + 1) * ds->X[i * D + j];
		}
		(*y2)[i] += 0.1 * fl_rng_normal(&r);
	}
	return ds;
}

static fl_dataset *as_regression(const fl_dataset *ds, const double *y)
{
	fl_dataset *r = NULL;
	size_t *idx = malloc(N * sizeof(size_t));
	fl_err err = FL_ERR_INIT;

	for (size_t i = 0; i < N; i++)
		idx[i] = i;
	assert_int_equal(fl_dataset_subset(&r, ds, idx, N, &err), 0);
	assert_int_equal(fl_dataset_set_real_target(r, &err), 0);
	memcpy(r->y_real, y, N * sizeof(double));
	free(idx);
	return r;
}

static uint8_t *model_bytes(const fl_model *m, size_t *len)
{
	fl_modelfile *mf = NULL;
	fl_err err = FL_ERR_INIT;
	uint8_t *b = NULL;

	assert_int_equal(fl_model_to_modelfile(m, &mf, &err), 0);
	assert_int_equal(fl_modelfile_to_bytes(mf, &b, len, &err), 0);
	fl_modelfile_free(mf);
	return b;
}

static void outputs(const fl_model *m, const fl_dataset *ds, int threads, double *out)
{
	fl_err err = FL_ERR_INIT;
	int rc = m->kind->task == FL_TASK_REDUCTION ? fl_model_transform(m, ds, threads, out, &err)
						    : fl_model_predict(m, ds, threads, out, &err);
	if (rc < 0)
		fail_msg("%s: %s", m->kind->name, err.msg);
}

static void check_kind(const char *name, const fl_dataset *ds, const char *param)
{
	const fl_model_kind *k = fl_model_kind_find(name);
	fl_fit_opts o = FL_FIT_OPTS_INIT;
	fl_model *m1 = NULL, *m3 = NULL, *back = NULL;
	json_t *p = NULL;
	fl_err err = FL_ERR_INIT;
	size_t l1, l3, width = 8;
	double *a = malloc(N * width * sizeof(double)), *b = malloc(N * width * sizeof(double));
	char *dir = tu_tmpdir(), path[512];

	assert_int_equal(fl_hparams_from_args(k->params, &param, param ? 1 : 0, &p, &err), 0);
	o.seed = 7;
	o.n_threads = 1;
	if (fl_model_fit(&m1, k, ds, p, &o, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	o.n_threads = 3;
	assert_int_equal(fl_model_fit(&m3, k, ds, p, &o, &err), 0);
	uint8_t *b1 = model_bytes(m1, &l1), *b3 = model_bytes(m3, &l3);
	assert_int_equal(l1, l3);
	if (memcmp(b1, b3, l1) != 0)
		fail_msg("%s: the model differs between 1 and 3 threads", name);
	memset(a, 0, N * width * sizeof(double));
	memset(b, 0, N * width * sizeof(double));
	outputs(m1, ds, 1, a);
	outputs(m3, ds, 3, b);
	assert_memory_equal(a, b, N * width * sizeof(double));
	snprintf(path, sizeof(path), "%s/m.floe", dir);
	assert_int_equal(fl_model_save(m1, path, &err), 0);
	assert_int_equal(fl_model_load(&back, path, &err), 0);
	memset(b, 0, N * width * sizeof(double));
	outputs(back, ds, 2, b);
	assert_memory_equal(a, b, N * width * sizeof(double));
	free(b1);
	free(b3);
	free(a);
	free(b);
	json_decref(p);
	fl_model_free(m1);
	fl_model_free(m3);
	fl_model_free(back);
	tu_rmrf(dir);
	free(dir);
}

static void test_same_bits_any_threads(void **state)
{
	double *y2;
	fl_dataset *ds = synth(&y2), *reg = as_regression(ds, y2);

	(void)state;
	check_kind("logistic_regression", ds, NULL);
	check_kind("kmeans", ds, "n_clusters=3");
	check_kind("pca", ds, "n_components=3");
	check_kind("pca", ds, "svd_solver=randomized");
	check_kind("linear_regression", reg, NULL);
	check_kind("ridge", reg, NULL);
	check_kind("mlp", ds, "max_iter=5");
	check_kind("mlp_regressor", reg, "max_iter=5");
	fl_dataset_free(reg);
	fl_dataset_free(ds);
	free(y2);
}

static void test_bad_data(void **state)
{
	double *y2;
	fl_dataset *ds = synth(&y2), *empty = NULL;
	const fl_model_kind *lr = fl_model_kind_find("logistic_regression");
	const fl_model_kind *ols = fl_model_kind_find("linear_regression");
	fl_model *m = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	ds->X[17 * D + 2] = NAN;
	assert_int_equal(fl_model_fit(&m, lr, ds, NULL, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "row 18, feature 'x2': NaN"));
	ds->X[17 * D + 2] = INFINITY;
	assert_int_equal(fl_model_fit(&m, lr, ds, NULL, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "infinity"));
	ds->X[17 * D + 2] = 0;
	/* regression on a class target */
	assert_int_equal(fl_model_fit(&m, ols, ds, NULL, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "needs a numeric target"));
	/* NaN at prediction time */
	assert_int_equal(fl_model_fit(&m, lr, ds, NULL, NULL, &err), 0);
	ds->X[5] = NAN;
	double *out = malloc(N * sizeof(double));
	assert_int_equal(fl_model_predict(m, ds, 1, out, &err), FL_EINVAL);
	assert_int_equal(fl_model_transform(m, ds, 1, out, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "has no transform"));
	free(out);
	fl_model_free(m);
	assert_int_equal(fl_dataset_new(&empty, 0, 3, &err), 0);
	assert_int_equal(fl_model_fit(&m, fl_model_kind_find("pca"), empty, NULL, NULL, &err),
			 FL_EINVAL);
	assert_non_null(strstr(err.msg, "no training rows"));
	fl_dataset_free(empty);
	fl_dataset_free(ds);
	free(y2);
}

static void test_params(void **state)
{
	const fl_model_kind *k = fl_model_kind_find("pca");
	json_t *p = NULL, *given;
	fl_err err = FL_ERR_INIT;
	const char *a1[] = { "n_components=3", "whiten=yes" };
	const char *bad[][1] = { { "n_component=3" }, { "n_components=2.5" },
				 { "svd_solver=magic" }, { "whiten=maybe" }, { "n_components" },
				 { "n_components=0" } };
	const char *msgs[] = { "unknown parameter 'n_component' (known: n_components, svd_solver",
			       "n_components: '2.5' is not a whole number",
			       "'magic' is not auto|full|randomized", "'maybe' is not true or false",
			       "is not NAME=VALUE", "'0' is not a whole number in [1," };

	(void)state;
	assert_int_equal(fl_hparams_from_args(k->params, a1, 2, &p, &err), 0);
	assert_int_equal(fl_hparam_int(p, "n_components"), 3);
	assert_true(fl_hparam_bool(p, "whiten"));
	assert_string_equal(fl_hparam_str(p, "svd_solver"), "auto");
	assert_int_equal(fl_hparam_int(p, "n_oversamples"), 10);
	assert_true(fl_hparam_is_null(p, "iterated_power"));
	json_decref(p);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(fl_hparams_from_args(k->params, bad[i], 1, &p, &err), FL_EINVAL);
		if (!strstr(err.msg, msgs[i]))
			fail_msg("case %zu: %s", i, err.msg);
	}
	/* recipe JSON takes the same route; a resolved object resolves again */
	given = json_pack("{s:i, s:b}", "n_components", 2, "whiten", 1);
	assert_int_equal(fl_hparams_resolve(k->params, given, &p, &err), 0);
	json_t *again = NULL;
	assert_int_equal(fl_hparams_resolve(k->params, p, &again, &err), 0);
	assert_true(json_equal(p, again));
	json_decref(again);
	json_decref(given);
	json_decref(p);
	/* unknown kind */
	const fl_model_kind *none;
	assert_int_equal(fl_model_kind_get(&none, "svm", &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "unknown model kind 'svm' (known: linear_regression"));
}

static void test_split(void **state)
{
	double *y2;
	fl_dataset *ds = synth(&y2), *tr = NULL, *te = NULL, *tr2 = NULL, *te2 = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_dataset_split(ds, 0.25, 3, &tr, &te, &err), 0);
	assert_int_equal(tr->n, 7500);
	assert_int_equal(te->n, 2500);
	assert_int_equal(fl_dataset_split(ds, 0.25, 3, &tr2, &te2, &err), 0);
	assert_memory_equal(te->X, te2->X, te->n * D * sizeof(double));
	assert_memory_equal(te->y_class, te2->y_class, te->n * sizeof(int32_t));
	fl_dataset_free(tr);
	fl_dataset_free(te);
	assert_int_equal(fl_dataset_split(ds, 1.0, 3, &tr, &te, &err), FL_EINVAL);
	assert_null(tr);
	/* in place: the same training and test rows in the same order */
	fl_dataset_free(tr2);
	fl_dataset_free(te2);
	assert_int_equal(fl_dataset_split(ds, 0.3, 9, &tr2, &te2, &err), 0);
	assert_int_equal(fl_dataset_split_inplace(ds, 0.3, 9, &te, &err), 0);
	assert_int_equal(ds->n, tr2->n);
	assert_memory_equal(ds->X, tr2->X, ds->n * D * sizeof(double));
	assert_memory_equal(ds->y_class, tr2->y_class, ds->n * sizeof(int32_t));
	assert_memory_equal(te->X, te2->X, te->n * D * sizeof(double));
	fl_dataset_free(te);
	fl_dataset_free(tr2);
	fl_dataset_free(te2);
	fl_dataset_free(ds);
	free(y2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bits_any_threads),
		cmocka_unit_test(test_bad_data),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
