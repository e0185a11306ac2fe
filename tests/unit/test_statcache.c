/* test_statcache.c - the stat cache: hits only on an identical stat, the
 * same-tick guard, persistence, pruning, a damaged file, and folder
 * digests through the cache equal plain fl_hash_path. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/statcache.h"
#include "testutil.h"

#define FAR_FUTURE (INT64_MAX / 2)

static fl_statcache *open_cache(const char *path)
{
	fl_statcache *c = NULL;
	fl_err err = FL_ERR_INIT;

	if (fl_statcache_open(&c, path, &err) < 0)
		fail_msg("%s", err.msg);
	return c;
}

static void test_lookup_needs_identical_stat(void **state)
{
	char *dir = tu_tmpdir(), f[4096], cf[4096];
	struct stat st, st2;
	fl_digest d = { { 7 } }, got;
	fl_statcache *c;

	(void)state;
	snprintf(f, sizeof(f), "%s/a", dir);
	snprintf(cf, sizeof(cf), "%s/cache", dir);
	tu_write(f, "abc");
	stat(f, &st);
	c = open_cache(cf);
	fl_statcache_set_cutoff(c, FAR_FUTURE);
	assert_int_equal(fl_statcache_lookup(c, f, &st, &got), 0);
	fl_statcache_put(c, f, &st, &d);
	assert_int_equal(fl_statcache_lookup(c, f, &st, &got), 1);
	assert_memory_equal(got.b, d.b, 32);
	st2 = st;
	st2.st_size++;
	assert_int_equal(fl_statcache_lookup(c, f, &st2, &got), 0);
	st2 = st;
	st2.st_mtim.tv_nsec ^= 1;
	assert_int_equal(fl_statcache_lookup(c, f, &st2, &got), 0);
	st2 = st;
	st2.st_ctim.tv_sec++;
	assert_int_equal(fl_statcache_lookup(c, f, &st2, &got), 0);
	st2 = st;
	st2.st_ino++;
	assert_int_equal(fl_statcache_lookup(c, f, &st2, &got), 0);
	fl_statcache_free(c);
	tu_rmrf(dir);
	free(dir);
}

static void test_same_tick_guard(void **state)
{
	char *dir = tu_tmpdir(), f[4096], cf[4096];
	struct stat st;
	fl_digest d = { { 1 } }, got;
	fl_statcache *c;

	(void)state;
	snprintf(f, sizeof(f), "%s/a", dir);
	snprintf(cf, sizeof(cf), "%s/cache", dir);
	tu_write(f, "abc");
	stat(f, &st);
	/* Default cutoff: now minus the margin; a file written just now is
	 * too recent to trust, so it is not stored. */
	c = open_cache(cf);
	fl_statcache_put(c, f, &st, &d);
	assert_int_equal(fl_statcache_lookup(c, f, &st, &got), 0);
	/* A cutoff at exactly the file's mtime also refuses it (same tick). */
	fl_statcache_set_cutoff(c, (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
	fl_statcache_put(c, f, &st, &d);
	assert_int_equal(fl_statcache_lookup(c, f, &st, &got), 0);
	fl_statcache_set_cutoff(c, FAR_FUTURE);
	fl_statcache_put(c, f, &st, &d);
	assert_int_equal(fl_statcache_lookup(c, f, &st, &got), 1);
	fl_statcache_free(c);
	tu_rmrf(dir);
	free(dir);
}

static void test_persistence_pruning_damage(void **state)
{
	char *dir = tu_tmpdir(), f[4096], g[4096], cf[4096];
	struct stat sf, sg;
	fl_digest d1 = { { 1 } }, d2 = { { 2 } }, got;
	fl_err err = FL_ERR_INIT;
	fl_statcache *c;

	(void)state;
	snprintf(f, sizeof(f), "%s/a", dir);
	snprintf(g, sizeof(g), "%s/b", dir);
	snprintf(cf, sizeof(cf), "%s/cache", dir);
	tu_write(f, "a");
	tu_write(g, "b");
	stat(f, &sf);
	stat(g, &sg);
	c = open_cache(cf);
	fl_statcache_set_cutoff(c, FAR_FUTURE);
	fl_statcache_put(c, f, &sf, &d1);
	fl_statcache_put(c, g, &sg, &d2);
	assert_int_equal(fl_statcache_save(c, &err), 0);
	fl_statcache_free(c);

	c = open_cache(cf); /* reloaded; only f is used this time */
	assert_int_equal(fl_statcache_size(c), 2);
	assert_int_equal(fl_statcache_lookup(c, f, &sf, &got), 1);
	assert_memory_equal(got.b, d1.b, 32);
	assert_int_equal(fl_statcache_save(c, &err), 0);
	fl_statcache_free(c);

	c = open_cache(cf); /* g was pruned as unused */
	assert_int_equal(fl_statcache_size(c), 1);
	assert_int_equal(fl_statcache_lookup(c, g, &sg, &got), 0);
	fl_statcache_free(c);

	FILE *fp = fopen(cf, "r+b"); /* flip a byte: the checksum catches it */
	fseek(fp, 20, SEEK_SET);
	fputc(0x55, fp);
	fclose(fp);
	c = open_cache(cf);
	assert_int_equal(fl_statcache_size(c), 0);
	fl_statcache_free(c);
	tu_rmrf(dir);
	free(dir);
}

static void test_hash_through_cache(void **state)
{
	char *dir = tu_tmpdir(), p[4096], cf[4096];
	fl_hashtree_stats hs;
	fl_digest plain, cached;
	fl_err err = FL_ERR_INIT;
	fl_statcache *c;

	(void)state;
	snprintf(p, sizeof(p), "%s/data", dir);
	mkdir(p, 0755);
	for (int i = 0; i < 20; i++) {
		snprintf(p, sizeof(p), "%s/data/f%02d", dir, i);
		tu_write(p, i % 2 ? "odd" : "even");
	}
	snprintf(p, sizeof(p), "%s/data", dir);
	snprintf(cf, sizeof(cf), "%s/cache", dir);
	assert_int_equal(fl_hash_path(p, NULL, &plain, NULL, &err), 0);
	c = open_cache(cf);
	fl_statcache_set_cutoff(c, FAR_FUTURE);
	assert_int_equal(fl_statcache_hash(c, p, 2, NULL, &cached, &hs, &err), 0);
	assert_memory_equal(plain.b, cached.b, 32);
	assert_int_equal(hs.hashed, 20);
	assert_int_equal(fl_statcache_hash(c, p, 2, NULL, &cached, &hs, &err), 0);
	assert_memory_equal(plain.b, cached.b, 32);
	assert_int_equal(hs.hashed, 0); /* every file answered by the cache */
	assert_int_equal(hs.files, 20);
	/* change one file: only it is read again, and the digest follows */
	snprintf(p, sizeof(p), "%s/data/f03", dir);
	tu_write(p, "changed!");
	snprintf(p, sizeof(p), "%s/data", dir);
	assert_int_equal(fl_statcache_hash(c, p, 2, NULL, &cached, &hs, &err), 0);
	assert_int_equal(hs.hashed, 1);
	assert_int_equal(fl_hash_path(p, NULL, &plain, NULL, &err), 0);
	assert_memory_equal(plain.b, cached.b, 32);
	fl_statcache_free(c);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_needs_identical_stat),
		cmocka_unit_test(test_same_tick_guard),
		cmocka_unit_test(test_persistence_pruning_damage),
		cmocka_unit_test(test_hash_through_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
