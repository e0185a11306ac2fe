/* test_hashtree.c - folder digests: stable across thread counts, sensitive
 * to names, content and the executable bit, blind to mtime and umask. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hashtree.h"
#include "testutil.h"

static fl_digest digest_of(const char *path, int threads)
{
	fl_hashtree_opts o = FL_HASHTREE_OPTS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_digest d;

	o.n_threads = threads;
	if (fl_hash_path(path, &o, &d, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	return d;
}

static char *make_tree(int n_files)
{
	char *dir = tu_tmpdir();
	char p[4096];

	for (int i = 0; i < n_files; i++) {
		snprintf(p, sizeof(p), "%s/sub%d", dir, i % 3);
		mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/sub%d/f%03d.txt", dir, i % 3, i);
		char content[64];
		snprintf(content, sizeof(content), "file number %d\n", i);
		tu_write(p, content);
	}
	return dir;
}

static void test_file_is_plain_sha256(void **state)
{
	char *dir = tu_tmpdir();
	char p[4096];
	fl_digest d;
	char hex[65];

	(void)state;
	snprintf(p, sizeof(p), "%s/abc", dir);
	tu_write(p, "abc");
	d = digest_of(p, 1);
	fl_digest_hex(&d, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	tu_rmrf(dir);
	free(dir);
}

static void test_same_digest_any_thread_count(void **state)
{
	char *dir = make_tree(300);
	fl_digest d1 = digest_of(dir, 1), d2 = digest_of(dir, 2), d7 = digest_of(dir, 7);

	(void)state;
	assert_memory_equal(d1.b, d2.b, 32);
	assert_memory_equal(d1.b, d7.b, 32);
	tu_rmrf(dir);
	free(dir);
}

static void test_sensitive_to_content_name_and_mode(void **state)
{
	char *dir = make_tree(10);
	char p[4096], q[4096];
	fl_digest base = digest_of(dir, 2), d;

	(void)state;
	snprintf(p, sizeof(p), "%s/sub1/f001.txt", dir);
	/* mtime alone does not matter */
	utimensat(AT_FDCWD, p, NULL, 0);
	d = digest_of(dir, 2);
	assert_memory_equal(base.b, d.b, 32);
	/* the executable bit does */
	chmod(p, 0755);
	d = digest_of(dir, 2);
	assert_memory_not_equal(base.b, d.b, 32);
	/* group/other bits (umask) do not */
	chmod(p, 0600);
	d = digest_of(dir, 2);
	assert_memory_equal(base.b, d.b, 32);
	/* a rename does */
	snprintf(q, sizeof(q), "%s/sub1/g001.txt", dir);
	rename(p, q);
	d = digest_of(dir, 2);
	assert_memory_not_equal(base.b, d.b, 32);
	rename(q, p);
	/* content does */
	tu_write(p, "changed\n");
	d = digest_of(dir, 2);
	assert_memory_not_equal(base.b, d.b, 32);
	tu_rmrf(dir);
	free(dir);
}

static void test_empty_folder_and_links(void **state)
{
	char *dir = tu_tmpdir();
	char p[4096];
	fl_digest empty, withlink;
	fl_err err = FL_ERR_INIT;

	(void)state;
	/* An empty folder hashes the empty string. */
	empty = digest_of(dir, 1);
	assert_int_equal(fl_sha256_buf("", 0, &withlink, &err), 0);
	assert_memory_equal(empty.b, withlink.b, 32);
	/* A dangling link is hashed by its target text, not followed. */
	snprintf(p, sizeof(p), "%s/link", dir);
	assert_int_equal(symlink("nowhere", p), 0);
	withlink = digest_of(dir, 1);
	assert_memory_not_equal(empty.b, withlink.b, 32);
	tu_rmrf(dir);
	free(dir);
}

static void test_missing_and_unreadable(void **state)
{
	fl_hashtree_opts o = FL_HASHTREE_OPTS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_digest d;
	char *dir = tu_tmpdir();
	char p[4096];

	(void)state;
	snprintf(p, sizeof(p), "%s/nope", dir);
	assert_int_equal(fl_hash_path(p, &o, &d, NULL, &err), FL_ENOTFOUND);
	assert_non_null(strstr(err.msg, "nope: No such file or directory"));
	snprintf(p, sizeof(p), "%s/fifo", dir);
	assert_int_equal(mkfifo(p, 0644), 0);
	assert_int_equal(fl_hash_path(dir, &o, &d, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "fifo: not a regular file"));
	tu_rmrf(dir);
	free(dir);
}

static void test_stats(void **state)
{
	char *dir = make_tree(25);
	fl_hashtree_opts o = FL_HASHTREE_OPTS_INIT;
	fl_hashtree_stats st;
	fl_err err = FL_ERR_INIT;
	fl_digest d;

	(void)state;
	assert_int_equal(fl_hash_path(dir, &o, &d, &st, &err), 0);
	assert_int_equal(st.files, 25);
	assert_true(st.bytes > 25 * 14);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_is_plain_sha256),
		cmocka_unit_test(test_same_digest_any_thread_count),
		cmocka_unit_test(test_sensitive_to_content_name_and_mode),
		cmocka_unit_test(test_empty_folder_and_links),
		cmocka_unit_test(test_missing_and_unreadable),
		cmocka_unit_test(test_stats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
