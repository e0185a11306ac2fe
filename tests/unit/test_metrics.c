/* test_metrics.c - every metric against scikit-learn's value on the same
 * arrays (tests/fixtures/metrics.json), plus the edge cases. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ml/metrics.h"
#include "mlfixture.h"

static json_t *ref;

static int32_t *ints(const char *key, size_t *n)
{
	double *d = mlf_doubles(json_object_get(ref, key), n);
	int32_t *v = malloc(*n * sizeof(int32_t));

	for (size_t i = 0; i < *n; i++)
		v[i] = (int32_t)d[i];
	free(d);
	return v;
}

static double num(const char *key)
{
	return json_number_value(json_object_get(ref, key));
}

static double *flat(const char *key, size_t *rows, size_t *cols)
{
	json_t *a = json_object_get(ref, key);
	size_t i, c;
	double *out, *row;

	*rows = json_array_size(a);
	*cols = json_array_size(json_array_get(a, 0));
	out = malloc(*rows * *cols * sizeof(double));
	for (i = 0; i < *rows; i++) {
		row = mlf_doubles(json_array_get(a, i), &c);
		memcpy(out + i * *cols, row, c * sizeof(double));
		free(row);
	}
	return out;
}

static void test_classification(void **state)
{
	size_t n, k = (size_t)num("k"), r, c;
	int32_t *y = ints("y_true", &n), *p = ints("y_pred", &n);
	uint64_t cm[16];
	double prec[4], rec[4], f1[4], mp, mr, mf;
	fl_err err = FL_ERR_INIT;

	(void)state;
	mlf_close(fl_metric_accuracy(y, p, n), num("accuracy"), 1e-12, 0, "accuracy");
	assert_int_equal(fl_metric_confusion(y, p, n, k, cm, &err), 0);
	double *want = flat("confusion", &r, &c);
	for (size_t t = 0; t < k * k; t++)
		assert_int_equal(cm[t], (uint64_t)want[t]);
	free(want);
	mlf_close(fl_metric_balanced_accuracy(cm, k), num("balanced_accuracy"), 1e-12, 0, "bal");
	fl_metric_prf(cm, k, prec, rec, f1, &mp, &mr, &mf);
	double *wp = mlf_doubles(json_object_get(ref, "precision"), &r);
	double *wr = mlf_doubles(json_object_get(ref, "recall"), &r);
	double *wf = mlf_doubles(json_object_get(ref, "f1"), &r);
	for (size_t t = 0; t < k; t++) {
		mlf_close(prec[t], wp[t], 1e-12, 1e-300, "precision");
		mlf_close(rec[t], wr[t], 1e-12, 1e-300, "recall");
		mlf_close(f1[t], wf[t], 1e-12, 1e-300, "f1");
	}
	mlf_close(mp, num("precision_macro"), 1e-12, 0, "precision_macro");
	mlf_close(mr, num("recall_macro"), 1e-12, 0, "recall_macro");
	mlf_close(mf, num("f1_macro"), 1e-12, 0, "f1_macro");
	double *P = flat("proba", &r, &c);
	mlf_close(fl_metric_log_loss(y, P, n, k), num("log_loss"), 1e-12, 0, "log_loss");
	/* a label outside 0..k-1 is an error, not a write out of bounds */
	p[0] = 9;
	assert_int_equal(fl_metric_confusion(y, p, n, k, cm, &err), FL_EINVAL);
	free(P);
	free(wp);
	free(wr);
	free(wf);
	free(y);
	free(p);
}

static void test_roc_auc(void **state)
{
	size_t n;
	int32_t *y = ints("y_bin", &n);
	double *s = mlf_doubles(json_object_get(ref, "score_bin"), &n), auc;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_metric_roc_auc(y, s, n, &auc, &err), 0);
	mlf_close(auc, num("roc_auc"), 1e-12, 0, "roc_auc (with ties)");
	for (size_t i = 0; i < n; i++)
		y[i] = 1;
	assert_int_equal(fl_metric_roc_auc(y, s, n, &auc, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "only one class"));
	free(y);
	free(s);
}

static void test_regression(void **state)
{
	size_t n;
	double *y = mlf_doubles(json_object_get(ref, "y_real"), &n);
	double *p = mlf_doubles(json_object_get(ref, "pred_real"), &n);

	(void)state;
	mlf_close(fl_metric_r2(y, p, n), num("r2"), 1e-12, 0, "r2");
	mlf_close(fl_metric_rmse(y, p, n), num("rmse"), 1e-12, 0, "rmse");
	mlf_close(fl_metric_mae(y, p, n), num("mae"), 1e-12, 0, "mae");
	mlf_close(fl_metric_explained_variance(y, p, n), num("explained_variance"), 1e-12, 0, "ev");
	/* constant target: 1 when perfect, 0 otherwise (sklearn) */
	double c[3] = { 2, 2, 2 }, q[3] = { 2, 2, 3 };
	mlf_close(fl_metric_r2(c, c, 3), 1.0, 0, 0, "r2 perfect constant");
	mlf_close(fl_metric_r2(c, q, 3), 0.0, 0, 0, "r2 imperfect constant");
	free(y);
	free(p);
}

static void test_clustering(void **state)
{
	size_t n, r, c;
	int32_t *y = ints("y_true", &n), *a = ints("labels_a", &n);
	double *X = flat("X_sil", &r, &c), s1, s2, ari;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_metric_silhouette(X, r, c, y, 4, 1, &s1, &err), 0);
	mlf_close(s1, num("silhouette"), 1e-10, 0, "silhouette");
	assert_int_equal(fl_metric_silhouette(X, r, c, y, 4, 3, &s2, &err), 0);
	assert_memory_equal(&s1, &s2, sizeof(double)); /* same bits on 3 threads */
	assert_int_equal(fl_metric_adjusted_rand(y, a, n, &ari, &err), 0);
	mlf_close(ari, num("adjusted_rand"), 1e-10, 1e-3, "adjusted_rand");
	assert_int_equal(fl_metric_adjusted_rand(y, y, n, &ari, &err), 0);
	mlf_close(ari, 1.0, 1e-12, 0, "ARI of identical labellings");
	/* a single cluster: silhouette undefined */
	memset(a, 0, n * sizeof(int32_t));
	assert_int_equal(fl_metric_silhouette(X, r, c, a, 4, 1, &s1, &err), FL_EINVAL);
	free(X);
	free(y);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classification),
		cmocka_unit_test(test_roc_auc),
		cmocka_unit_test(test_regression),
		cmocka_unit_test(test_clustering),
	};
	int rc;

	ref = mlf_fixture("metrics.json");
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	json_decref(ref);
	return rc;
}
