/* test_table.c - the table type: columns, levels, rows, statistics against
 * a naive reference, chunk merging, the matrix view and the dataset. */
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
#include "data/table.h"
#include "data/transform.h"

#define assert_close(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static fl_table *make(void)
{
	fl_table *t = NULL;
	fl_err err = FL_ERR_INIT;
	const char *sp[] = { "b", "a", "b", "c", "a" };

	assert_int_equal(fl_table_new(&t, &err), 0);
	assert_int_equal(fl_table_add_column(t, "sp", FL_COL_CATEGORICAL, &err), 0);
	assert_int_equal(fl_table_add_column(t, "x", FL_COL_NUMERIC, &err), 1);
	assert_int_equal(fl_table_add_column(t, "y", FL_COL_NUMERIC, &err), 2);
	assert_int_equal(fl_table_add_rows(t, 5, &err), 0);
	for (int i = 0; i < 5; i++) {
		t->cols[0].codes[i] = fl_table_intern(t, 0, sp[i], 1, &err);
		t->cols[1].num[i] = i * 1.5;
		t->cols[2].num[i] = 10 - i;
	}
	return t;
}

static void test_columns_levels(void **s)
{
	fl_err err = FL_ERR_INIT;
	fl_table *t = make();

	(void)s;
	assert_int_equal(t->cols[0].n_levels, 3);
	assert_string_equal(t->cols[0].levels[0], "b"); /* first-seen order */
	assert_int_equal(fl_table_intern(t, 0, "axx", 1, &err), 1); /* only 1 byte: "a" */
	assert_int_equal(fl_table_find(t, "y"), 2);
	assert_int_equal(fl_table_find(t, "nope"), -1);
	assert_int_equal(fl_table_add_column(t, "x", FL_COL_NUMERIC, &err), FL_EINVAL);
	assert_string_equal(err.msg, "duplicate column name 'x'");
	/* many levels: the hash grows */
	for (int i = 0; i < 5000; i++) {
		char b[16];
		snprintf(b, sizeof(b), "k%d", i);
		assert_int_equal(fl_table_intern(t, 0, b, strlen(b), &err), 3 + i);
	}
	assert_int_equal(fl_table_intern(t, 0, "k42", 3, &err), 45);
	fl_table_free(t);
}

static void test_take_append_copy(void **s)
{
	fl_err err = FL_ERR_INIT;
	fl_table *t = make(), *a = NULL, *b = NULL, *c = NULL;
	uint32_t rows[] = { 4, 0, 0 };

	(void)s;
	assert_int_equal(fl_table_take(&a, t, rows, 3, &err), 0);
	assert_int_equal(a->n_rows, 3);
	assert_true(a->cols[1].num[0] == 6.0);
	assert_string_equal(a->cols[0].levels[a->cols[0].codes[2]], "b");
	/* append with a different level order remaps codes */
	assert_int_equal(fl_table_clone_schema(&b, t, &err), 0);
	assert_int_equal(fl_table_add_rows(b, 1, &err), 0);
	b->cols[0].codes[0] = fl_table_intern(b, 0, "zz", 2, &err);
	assert_int_equal(fl_table_append(a, b, &err), 0);
	assert_int_equal(a->n_rows, 4);
	assert_string_equal(a->cols[0].levels[a->cols[0].codes[3]], "zz");
	assert_true(isnan(a->cols[1].num[3]));
	assert_int_equal(fl_table_copy(&c, a, &err), 0);
	assert_int_equal(c->n_rows, 4);
	assert_string_equal(c->cols[0].levels[c->cols[0].codes[3]], "zz");
	fl_table_truncate(c);
	assert_int_equal(c->n_rows, 0);
	assert_int_equal(c->cols[0].n_levels, 0);
	assert_int_equal(fl_table_intern(c, 0, "new", 3, &err), 0);
	fl_table_free(a);
	fl_table_free(b);
	fl_table_free(c);
	fl_table_free(t);
}

static void test_stats_and_merge(void **s)
{
	fl_err err = FL_ERR_INIT;
	fl_table *t = NULL, *part = NULL;
	fl_rng r;
	fl_col_stats whole, merged, one;
	double sum = 0, ss = 0;
	size_t n = 0;

	(void)s;
	fl_rng_seed(&r, 5, 0);
	assert_int_equal(fl_table_new(&t, &err), 0);
	assert_int_equal(fl_table_add_column(t, "v", FL_COL_NUMERIC, &err), 0);
	assert_int_equal(fl_table_add_rows(t, 1000, &err), 0);
	for (int i = 0; i < 1000; i++)
		t->cols[0].num[i] = i % 13 == 0 ? NAN : 1e6 + fl_rng_normal(&r);
	for (int i = 0; i < 1000; i++)
		if (!isnan(t->cols[0].num[i])) {
			sum += t->cols[0].num[i];
			n++;
		}
	for (int i = 0; i < 1000; i++)
		if (!isnan(t->cols[0].num[i]))
			ss += pow(t->cols[0].num[i] - sum / (double)n, 2);
	fl_col_stats_compute(t, 0, &whole);
	assert_int_equal(whole.n, n);
	assert_int_equal(whole.n_missing, 1000 - n);
	assert_close(whole.mean, sum / (double)n, 1e-9);
	assert_close(fl_col_stats_std(&whole), sqrt(ss / (double)(n - 1)), 1e-9);
	/* merging chunks of 137 rows gives the same within rounding */
	memset(&merged, 0, sizeof(merged));
	merged.mean = merged.min = merged.max = NAN;
	for (uint32_t at = 0; at < 1000; at += 137) {
		uint32_t idx[137], k = 0;
		for (uint32_t i = at; i < at + 137 && i < 1000; i++)
			idx[k++] = i;
		assert_int_equal(fl_table_take(&part, t, idx, k, &err), 0);
		fl_col_stats_compute(part, 0, &one);
		fl_col_stats_merge(&merged, &one);
		fl_table_free(part);
	}
	assert_int_equal(merged.n, whole.n);
	assert_int_equal(merged.n_missing, whole.n_missing);
	assert_close(merged.mean, whole.mean, 1e-9);
	assert_close(merged.m2, whole.m2, 1e-6 * whole.m2);
	assert_true(merged.min == whole.min && merged.max == whole.max);
	fl_table_free(t);
}

static void test_matrix_view(void **s)
{
	fl_err err = FL_ERR_INIT;
	fl_table *t = make();
	double *x = NULL;
	float *xf = NULL;
	char **names = NULL;
	size_t d = 0;

	(void)s;
	assert_int_equal(fl_table_matrix(t, NULL, &x, &names, &d, &err), FL_EINVAL);
	assert_string_equal(err.msg, "column 'sp' is categorical: encode it (one_hot or ordinal) before using it as a feature");
	assert_int_equal(fl_table_matrix(t, "sp", &x, &names, &d, &err), 0);
	assert_int_equal(d, 2);
	assert_string_equal(names[1], "y");
	assert_true(x[3 * 2 + 0] == 4.5 && x[3 * 2 + 1] == 7);
	fl_names_free(names, d);
	free(x);
	assert_int_equal(fl_table_matrix_f32(t, "sp", &xf, &names, &d, &err), 0);
	assert_true(xf[9] == 6.0f);
	fl_names_free(names, d);
	free(xf);
	t->cols[2].num[1] = NAN;
	assert_int_equal(fl_table_matrix(t, "sp", &x, &names, &d, &err), FL_EINVAL);
	assert_string_equal(err.msg, "column 'y' has 1 missing values: drop or impute them first");
	fl_table_free(t);
}

static void test_dataset(void **s)
{
	fl_err err = FL_ERR_INIT;
	fl_table *t = make();
	fl_dataset *ds = NULL;
	float *xf = NULL;

	(void)s;
	assert_int_equal(fl_dataset_from_table(&ds, t, "sp", FL_LABEL_AUTO, &err), 0);
	assert_int_equal(ds->target, FL_TARGET_CLASS);
	assert_int_equal(ds->n_classes, 3);
	assert_string_equal(ds->class_names[0], "a"); /* sorted */
	assert_int_equal(ds->y_class[0], 1);      /* "b" */
	assert_int_equal(ds->y_class[3], 2);      /* "c" */
	assert_int_equal(ds->d, 2);
	assert_int_equal(fl_dataset_X_f32(ds, &xf, &err), 0);
	assert_true(xf[1] == 10.0f);
	free(xf);
	fl_dataset_free(ds);
	/* 'sp' is categorical and so cannot be a feature for label y */
	assert_int_equal(fl_dataset_from_table(&ds, t, "y", FL_LABEL_AUTO, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "'sp' is categorical"));
	assert_int_equal(fl_dataset_from_table(&ds, t, "nope", FL_LABEL_AUTO, &err), FL_EINVAL);
	assert_string_equal(err.msg, "label column 'nope' does not exist");
	/* a numeric label: regression by default */
	fl_table *u = NULL;
	const char *keep[] = { "x", "y" };
	assert_int_equal(fl_tf_select(&u, t, keep, 2, &err), 0);
	fl_table_free(t);
	assert_int_equal(fl_dataset_from_table(&ds, u, "y", FL_LABEL_AUTO, &err), 0);
	assert_int_equal(ds->target, FL_TARGET_REAL);
	assert_true(ds->y_real[4] == 6 && ds->X[4] == 6.0);
	fl_dataset_free(ds);
	/* ... and a categorical one cannot be regressed */
	fl_table *m = make();
	assert_int_equal(fl_dataset_from_table(&ds, m, "sp", FL_LABEL_REAL, &err), FL_EINVAL);
	fl_table_free(m);
	fl_table_free(u);
}

static void test_numeric_classes(void **s)
{
	fl_err err = FL_ERR_INIT;
	fl_table *t = NULL;
	fl_dataset *ds = NULL;
	const double y[] = { 10, 2, 10, 3 };

	(void)s;
	assert_int_equal(fl_table_new(&t, &err), 0);
	assert_int_equal(fl_table_add_column(t, "f", FL_COL_NUMERIC, &err), 0);
	assert_int_equal(fl_table_add_column(t, "label", FL_COL_NUMERIC, &err), 1);
	assert_int_equal(fl_table_add_rows(t, 4, &err), 0);
	for (int i = 0; i < 4; i++) {
		t->cols[0].num[i] = i;
		t->cols[1].num[i] = y[i];
	}
	assert_int_equal(fl_dataset_from_table(&ds, t, "label", FL_LABEL_CLASS, &err), 0);
	assert_int_equal(ds->n_classes, 3);
	assert_string_equal(ds->class_names[0], "2");
	assert_string_equal(ds->class_names[2], "10"); /* numeric, not text order */
	assert_int_equal(ds->y_class[0], 2);
	fl_dataset_free(ds);
	t->cols[1].num[1] = NAN;
	assert_int_equal(fl_dataset_from_table(&ds, t, "label", FL_LABEL_AUTO, &err), FL_EINVAL);
	assert_string_equal(err.msg, "label column 'label' has 1 missing values: drop those rows first");
	fl_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_levels),
		cmocka_unit_test(test_take_append_copy),
		cmocka_unit_test(test_stats_and_merge),
		cmocka_unit_test(test_matrix_view),
		cmocka_unit_test(test_dataset),
		cmocka_unit_test(test_numeric_classes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
