/* test_core.c - error objects, atomic files, the parallel loop, the RNG. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/atomic.h"
#include "core/err.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "testutil.h"

static void test_err_set_wrap_sys(void **state)
{
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_err_set(&err, FL_EINVAL, "bad value '%s'", "x"), FL_EINVAL);
	assert_string_equal(err.msg, "bad value 'x'");
	assert_int_equal(fl_err_wrap(&err, "reading %s", "r.yaml"), FL_EINVAL);
	assert_string_equal(err.msg, "reading r.yaml: bad value 'x'");
	assert_int_equal(fl_err_sys(&err, ENOSPC, "writing %s", "f"), FL_ENOSPC);
	assert_string_equal(err.msg, "writing f: No space left on device");
	assert_int_equal(fl_err_sys(&err, ENOENT, "f"), FL_ENOTFOUND);
	fl_err_clear(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
	/* NULL error objects are allowed and the code still comes back */
	assert_int_equal(fl_err_set(NULL, FL_EIO, "x"), FL_EIO);
}

static void test_err_wrap_truncates_safely(void **state)
{
	fl_err err = FL_ERR_INIT;
	char big[FL_ERR_MSG_MAX * 2];

	(void)state;
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fl_err_set(&err, FL_EFAIL, "%s", big);
	fl_err_wrap(&err, "ctx");
	assert_int_equal(strlen(err.msg), FL_ERR_MSG_MAX - 1);
	assert_memory_equal(err.msg, "ctx: mmm", 8);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || strncmp(e->d_name, ".f.tmp", 6) == 0 ? 1 : 0;
	closedir(d);
	return n;
}

static void test_atomic_write_commit_abort(void **state)
{
	char *dir = tu_tmpdir();
	char path[4096];
	fl_err err = FL_ERR_INIT;
	fl_afile *f = NULL;
	char *content = NULL;
	size_t len = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/f", dir);
	assert_int_equal(fl_write_file_atomic(path, "first", 5, &err), 0);
	/* an aborted rewrite leaves the old content and no temporary file */
	assert_int_equal(fl_afile_open(&f, path, &err), 0);
	fputs("second, half written", fl_afile_stream(f));
	fl_afile_abort(f);
	assert_int_equal(fl_read_file(path, &content, &len, &err), 0);
	assert_string_equal(content, "first");
	assert_int_equal(len, 5);
	free(content);
	assert_int_equal(count_entries(dir), 1);
	/* a committed rewrite replaces it */
	assert_int_equal(fl_write_file_atomic(path, "third", 5, &err), 0);
	assert_int_equal(fl_read_file(path, &content, NULL, &err), 0);
	assert_string_equal(content, "third");
	free(content);
	tu_rmrf(dir);
	free(dir);
}

static void test_atomic_errors(void **state)
{
	fl_err err = FL_ERR_INIT;
	char *content = NULL;

	(void)state;
	assert_int_equal(fl_write_file_atomic("/nonexistent-dir/x", "a", 1, &err),
			 FL_ENOTFOUND);
	assert_non_null(strstr(err.msg, "No such file or directory"));
	assert_int_equal(fl_read_file("/nonexistent-dir/x", &content, NULL, &err),
			 FL_ENOTFOUND);
	assert_null(content);
}

static void test_mkdir_p(void **state)
{
	char *dir = tu_tmpdir();
	char path[4096];
	struct stat st;
	fl_err err = FL_ERR_INIT;

	(void)state;
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	assert_int_equal(fl_mkdir_p(path, &err), 0);
	assert_int_equal(fl_mkdir_p(path, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	tu_rmrf(dir);
	free(dir);
}

typedef struct {
	atomic_int hits[1000];
	size_t fail_at[2]; /* items that fail */
} par_state;

static int par_item(void *ud, size_t i, int worker, fl_err *err)
{
	par_state *s = ud;

	(void)worker;
	atomic_fetch_add(&s->hits[i], 1);
	if (i == s->fail_at[0] || i == s->fail_at[1])
		return fl_err_set(err, FL_EINVAL, "item %zu failed", i);
	return 0;
}

static void test_parallel_runs_each_item_once(void **state)
{
	fl_err err = FL_ERR_INIT;

	(void)state;
	for (int threads = 1; threads <= 4; threads++) {
		par_state *s = calloc(1, sizeof(*s));
		s->fail_at[0] = s->fail_at[1] = SIZE_MAX;
		assert_int_equal(fl_parallel_for(1000, threads, par_item, s, &err), 0);
		for (int i = 0; i < 1000; i++)
			assert_int_equal(atomic_load(&s->hits[i]), 1);
		free(s);
	}
}

static void test_parallel_reports_lowest_failure(void **state)
{
	fl_err err = FL_ERR_INIT;

	(void)state;
	for (int threads = 1; threads <= 3; threads++) {
		par_state *s = calloc(1, sizeof(*s));
		s->fail_at[0] = 7;
		s->fail_at[1] = 3;
		/* with one item per worker burst both may fail; 3 must win */
		int rc = fl_parallel_for(8, threads, par_item, s, &err);
		assert_int_equal(rc, FL_EINVAL);
		if (threads == 1 || atomic_load(&s->hits[3]))
			assert_string_equal(err.msg, "item 3 failed");
		free(s);
	}
	assert_int_equal(fl_parallel_for(0, 2, par_item, NULL, &err), 0);
}

static void test_rng_reproducible_and_streams(void **state)
{
	fl_rng a, b, c;

	(void)state;
	fl_rng_seed(&a, 42, 0);
	fl_rng_seed(&b, 42, 0);
	fl_rng_seed(&c, 42, 1);
	int same_c = 0;
	for (int i = 0; i < 1000; i++) {
		uint64_t x = fl_rng_next(&a), y = fl_rng_next(&b), z = fl_rng_next(&c);
		assert_true(x == y);
		same_c += x == z;
	}
	assert_int_equal(same_c, 0);
}

static void test_rng_distributions(void **state)
{
	fl_rng r;
	int counts[10] = { 0 };
	double sum = 0, sumsq = 0;
	const int n = 200000;

	(void)state;
	fl_rng_seed(&r, 7, 0);
	for (int i = 0; i < n; i++) {
		double u = fl_rng_uniform(&r);
		assert_true(u >= 0.0 && u < 1.0);
		counts[fl_rng_below(&r, 10)]++;
		double g = fl_rng_normal(&r);
		sum += g;
		sumsq += g * g;
	}
	for (int k = 0; k < 10; k++) /* 5 sigma of a binomial(n, 0.1) */
		assert_true(abs(counts[k] - n / 10) < 5 * 134);
	assert_true(fabs(sum / n) < 0.02);
	assert_true(fabs(sumsq / n - 1.0) < 0.02);
}

static void test_rng_shuffle_is_permutation(void **state)
{
	fl_rng r;
	uint32_t idx[100];
	int seen[100] = { 0 };

	(void)state;
	for (uint32_t i = 0; i < 100; i++)
		idx[i] = i;
	fl_rng_seed(&r, 1, 2);
	fl_rng_shuffle(&r, idx, 100);
	int moved = 0;
	for (uint32_t i = 0; i < 100; i++) {
		seen[idx[i]]++;
		moved += idx[i] != i;
	}
	for (int i = 0; i < 100; i++)
		assert_int_equal(seen[i], 1);
	assert_true(moved > 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_set_wrap_sys),
		cmocka_unit_test(test_err_wrap_truncates_safely),
		cmocka_unit_test(test_atomic_write_commit_abort),
		cmocka_unit_test(test_atomic_errors),
		cmocka_unit_test(test_mkdir_p),
		cmocka_unit_test(test_parallel_runs_each_item_once),
		cmocka_unit_test(test_parallel_reports_lowest_failure),
		cmocka_unit_test(test_rng_reproducible_and_streams),
		cmocka_unit_test(test_rng_distributions),
		cmocka_unit_test(test_rng_shuffle_is_permutation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
