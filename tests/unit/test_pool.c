/* test_pool.c - the persistent thread pool: every item runs exactly once
 * per run across many short runs of changing sizes, workers never leak
 * into a later run, and the error of the lowest failing index wins. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <string.h>

#include "core/pool.h"

#define MAX_ITEMS 64

typedef struct job {
	int run;                         /* run number */
	atomic_int count[MAX_ITEMS];     /* executions of each item */
	atomic_int wrong_run;            /* an item saw another run's data */
	int fail_from;                   /* items >= this fail (-1: none) */
} job;

static job *current;

static int item(void *ud, size_t i, int worker, fl_err *err)
{
	job *j = ud;

	(void)worker;
	if (j != current)
		atomic_fetch_add(&j->wrong_run, 1);
	atomic_fetch_add(&j->count[i], 1);
	for (volatile int spin = 0; spin < (int)(i % 7) * 50; spin++)
		;
	if (j->fail_from >= 0 && (int)i >= j->fail_from)
		return fl_err_set(err, FL_EINVAL, "item %zu failed", i);
	return 0;
}

static void many_runs(int threads)
{
	static job jobs[2];
	fl_pool *p = NULL;
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_pool_new(&p, threads, &err), 0);
	assert_true(fl_pool_threads(p) >= 1 && fl_pool_threads(p) <= threads);
	for (int r = 0; r < 3000; r++) {
		job *j = &jobs[r % 2];
		size_t n = 1 + (size_t)(r * 7919) % MAX_ITEMS;

		memset(j, 0, sizeof(*j));
		j->run = r;
		j->fail_from = -1;
		current = j;
		assert_int_equal(fl_pool_run(p, n, item, j, &err), 0);
		for (size_t i = 0; i < MAX_ITEMS; i++)
			assert_int_equal(atomic_load(&j->count[i]), i < n ? 1 : 0);
		assert_int_equal(atomic_load(&j->wrong_run), 0);
	}
	fl_pool_free(p);
}

static void test_items_once(void **state)
{
	(void)state;
	many_runs(1);
	many_runs(2);
	many_runs(4);
}

static void test_lowest_error(void **state)
{
	static job j;
	fl_pool *p = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_pool_new(&p, 3, &err), 0);
	for (int r = 0; r < 200; r++) {
		memset(&j, 0, sizeof(j));
		j.fail_from = 5;
		current = &j;
		fl_err_clear(&err);
		assert_int_equal(fl_pool_run(p, 40, item, &j, &err), FL_EINVAL);
		assert_string_equal(err.msg, "item 5 failed");
	}
	/* the pool still works after failures */
	memset(&j, 0, sizeof(j));
	j.fail_from = -1;
	assert_int_equal(fl_pool_run(p, 10, item, &j, &err), 0);
	assert_int_equal(fl_pool_run(p, 0, item, &j, &err), 0);
	fl_pool_free(p);
	fl_pool_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_items_once),
		cmocka_unit_test(test_lowest_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
