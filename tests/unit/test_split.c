/* test_split.c - splits, k folds and rebalancing: sizes, stratification,
 * seeds (same seed same rows, other seed other rows), thread-free
 * determinism, and the one-class error. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/split.h"

/* n rows: id 0..n-1, class "A" for the first n_a rows, then "B". */
static fl_table *classes(size_t n, size_t n_a)
{
	fl_table *t = NULL;
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_table_new(&t, &err), 0);
	fl_table_add_column(t, "id", FL_COL_NUMERIC, &err);
	fl_table_add_column(t, "cls", FL_COL_CATEGORICAL, &err);
	assert_int_equal(fl_table_add_rows(t, n, &err), 0);
	for (size_t i = 0; i < n; i++) {
		t->cols[0].num[i] = (double)i;
		t->cols[1].codes[i] = fl_table_intern(t, 1, i < n_a ? "A" : "B", 1, &err);
	}
	return t;
}

static size_t count_class(const fl_table *t, const char *c)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_rows; i++)
		n += !strcmp(t->cols[1].levels[t->cols[1].codes[i]], c);
	return n;
}

static void free3(fl_table *p[3])
{
	for (int i = 0; i < 3; i++)
		fl_table_free(p[i]);
}

static void test_split_sizes_and_partition(void **s)
{
	fl_table *t = classes(1000, 900), *p[3];
	fl_err err = FL_ERR_INIT;
	fl_split_opts o = { 0.7, 0.1, 0.2, "cls", 42 };
	char *seen;

	(void)s;
	assert_int_equal(fl_split(p, t, &o, &err), 0);
	assert_int_equal(p[0]->n_rows + p[1]->n_rows + p[2]->n_rows, 1000);
	assert_int_equal(count_class(p[2], "A"), 180); /* stratified: 20 % of 900 */
	assert_int_equal(count_class(p[2], "B"), 20);
	assert_int_equal(count_class(p[1], "B"), 10);
	seen = calloc(1000, 1);
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < p[k]->n_rows; i++) {
			size_t id = (size_t)p[k]->cols[0].num[i];
			assert_int_equal(seen[id], 0);
			seen[id] = 1;
			if (i)
				assert_true(p[k]->cols[0].num[i - 1] < p[k]->cols[0].num[i]);
		}
	free(seen);
	/* same seed, same rows; another seed, other rows */
	fl_table *q[3];
	assert_int_equal(fl_split(q, t, &o, &err), 0);
	for (size_t i = 0; i < p[2]->n_rows; i++)
		assert_true(p[2]->cols[0].num[i] == q[2]->cols[0].num[i]);
	free3(q);
	o.seed = 43;
	assert_int_equal(fl_split(q, t, &o, &err), 0);
	int differ = 0;
	for (size_t i = 0; i < p[2]->n_rows; i++)
		differ |= p[2]->cols[0].num[i] != q[2]->cols[0].num[i];
	assert_true(differ);
	free3(q);
	free3(p);
	fl_table_free(t);
}

static void test_split_errors(void **s)
{
	fl_table *t = classes(50, 50), *p[3];
	fl_err err = FL_ERR_INIT;
	fl_split_opts o = { 0.8, 0, 0.2, "cls", 1 };

	(void)s;
	assert_int_equal(fl_split(p, t, &o, &err), FL_EINVAL);
	assert_string_equal(err.msg, "split: label column 'cls' has only one class ('A'); stratifying needs at least 2");
	o.stratify = NULL;
	assert_int_equal(fl_split(p, t, &o, &err), 0); /* fine without stratifying */
	assert_int_equal(p[2]->n_rows, 10);
	assert_int_equal(p[1]->n_rows, 0);
	free3(p);
	o.train = 0.5;
	assert_int_equal(fl_split(p, t, &o, &err), FL_EINVAL);
	assert_string_equal(err.msg, "split: train + validation + test = 0.7, not 1");
	fl_table_free(t);
	t = classes(50, 49); /* class B has one row: too few for 3 parts */
	fl_split_opts o3 = { 0.6, 0.2, 0.2, "cls", 1 };
	assert_int_equal(fl_split(p, t, &o3, &err), FL_EINVAL);
	assert_string_equal(err.msg, "split: class 'B' of label 'cls' has 1 rows; it needs at least 3");
	o3.stratify = "species";
	assert_int_equal(fl_split(p, t, &o3, &err), FL_EINVAL);
	assert_string_equal(err.msg, "stratify: no column 'species' (the table has: id, cls)");
	fl_table_free(t);
}

static void test_kfold(void **s)
{
	fl_table *t = classes(103, 60), *tr = NULL, *te = NULL;
	fl_err err = FL_ERR_INIT;
	int32_t *fold = NULL, *again = NULL;
	size_t per[5][2] = { { 0 } };

	(void)s;
	assert_int_equal(fl_kfold(&fold, t, 5, "cls", 9, &err), 0);
	for (size_t i = 0; i < 103; i++) {
		assert_true(fold[i] >= 0 && fold[i] < 5);
		per[fold[i]][i >= 60]++;
	}
	for (int f = 0; f < 5; f++) {
		assert_true(per[f][0] == 12);              /* 60 A rows: 12 per fold */
		assert_true(per[f][1] >= 8 && per[f][1] <= 9); /* 43 B rows */
	}
	assert_int_equal(fl_kfold(&again, t, 5, "cls", 9, &err), 0);
	assert_memory_equal(fold, again, 103 * sizeof(int32_t));
	assert_int_equal(fl_kfold_tables(&tr, &te, t, fold, 2, &err), 0);
	assert_int_equal(tr->n_rows + te->n_rows, 103);
	assert_int_equal(te->n_rows, per[2][0] + per[2][1]);
	fl_table_free(tr);
	fl_table_free(te);
	free(again);
	free(fold);
	assert_int_equal(fl_kfold(&fold, t, 1, NULL, 9, &err), FL_EINVAL);
	assert_string_equal(err.msg, "kfold: k = 1; it must be 2..103 (the rows)");
	fl_table_free(t);
	t = classes(20, 20);
	assert_int_equal(fl_kfold(&fold, t, 4, "cls", 9, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "has only one class"));
	fl_table_free(t);
}

static void test_rebalance(void **s)
{
	fl_table *t = classes(1000, 950), *r = NULL, *r2 = NULL;
	fl_err err = FL_ERR_INIT;
	fl_rebalance_opts o = { "cls", 100, 100, 5 };

	(void)s;
	assert_int_equal(fl_rebalance(&r, t, &o, &err), 0);
	assert_int_equal(count_class(r, "A"), 100);
	assert_int_equal(count_class(r, "B"), 100); /* 50 rows, 50 drawn again */
	for (size_t i = 1; i < r->n_rows; i++)
		assert_true(r->cols[0].num[i - 1] <= r->cols[0].num[i]);
	assert_int_equal(fl_rebalance(&r2, t, &o, &err), 0);
	for (size_t i = 0; i < r->n_rows; i++)
		assert_true(r->cols[0].num[i] == r2->cols[0].num[i]);
	fl_table_free(r);
	fl_table_free(r2);
	o.min_per_class = 0; /* subsample only */
	assert_int_equal(fl_rebalance(&r, t, &o, &err), 0);
	assert_int_equal(r->n_rows, 150);
	fl_table_free(r);
	o.min_per_class = 200;
	assert_int_equal(fl_rebalance(&r, t, &o, &err), FL_EINVAL);
	fl_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_sizes_and_partition),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_kfold),
		cmocka_unit_test(test_rebalance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
