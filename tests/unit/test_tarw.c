/* test_tarw.c - the deterministic archive writer: byte-identical output
 * whatever the source files' times, modes, owners or the entry order; fixed
 * header fields; refused names; digests checked while copying. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "bundle/tarw.h"
#include "core/atomic.h"
#include "testutil.h"

static char *path_in(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	return p;
}

/* Three source files plus an in-memory entry; `variant` changes what must
 * not matter: mtimes, permission bits other than x, the entry order. */
static void write_variant(const char *dir, const char *out, int variant)
{
	char *a = path_in(dir, "a.csv"), *b = path_in(dir, "b.bin"), *c = path_in(dir, "run.sh");
	static const char json[] = "{\"x\": 1}\n";
	struct timeval tv[2] = { { 1000000 + variant * 777, 0 }, { 2000000 + variant, 0 } };
	unsigned char big[300000];
	fl_err err = FL_ERR_INIT;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 2654435761u >> 13);
	tu_write(a, "x,y\n1,2\n3,4\n");
	tu_write_bytes(b, big, sizeof(big));
	tu_write(c, "#!/bin/sh\necho hi\n");
	chmod(a, variant ? 0600 : 0664);
	chmod(c, variant ? 0700 : 0755);
	utimes(a, tv);
	utimes(b, tv);
	fl_tar_entry e[] = {
		{ .name = "data/a.csv", .src = a },
		{ .name = "data/b.bin", .src = b },
		{ .name = "bin/run.sh", .src = c, .exec = 1 },
		{ .name = "meta.json", .buf = json, .len = sizeof(json) - 1, .priority = -1 },
		{ .name = "empty/" },
		/* over ustar's 100-byte name field: a pax header */
		{ .name = "long/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
			  "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc.txt",
		  .buf = "long", .len = 4 },
	};
	fl_tar_entry r[6];
	for (int i = 0; i < 6; i++)
		r[i] = e[variant ? 5 - i : i];
	assert_int_equal(fl_tarw_write(out, r, 6, NULL, &err), 0);
	free(a);
	free(b);
	free(c);
}

static void test_byte_identical(void **state)
{
	char *dir = tu_tmpdir();
	char *o1 = path_in(dir, "one.tar.zst"), *o2 = path_in(dir, "two.tar.zst");
	char *b1 = NULL, *b2 = NULL;
	size_t l1, l2;
	fl_err err = FL_ERR_INIT;
	mode_t um;

	(void)state;
	write_variant(dir, o1, 0);
	um = umask(0077);
	write_variant(dir, o2, 1);
	umask(um);
	assert_int_equal(fl_read_file(o1, &b1, &l1, &err), 0);
	assert_int_equal(fl_read_file(o2, &b2, &l2, &err), 0);
	assert_true(l1 > 100);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	/* the magic number of a zstd frame */
	assert_memory_equal(b1, "\x28\xb5\x2f\xfd", 4);
	free(b1);
	free(b2);
	free(o1);
	free(o2);
	tu_rmrf(dir);
	free(dir);
}

static void test_header_fields(void **state)
{
	char *dir = tu_tmpdir(), *out = path_in(dir, "x.tar.zst");
	static const char *order[] = { "meta.json", "bin/run.sh", "data/a.csv", "data/b.bin",
				       "empty", "long/aaaa" };
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int i = 0;

	(void)state;
	write_variant(dir, out, 1);
	archive_read_support_format_tar(a);
	archive_read_support_filter_zstd(a);
	assert_int_equal(archive_read_open_filename(a, out, 65536), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		size_t n = strlen(name);
		assert_true(i < 6);
		assert_int_equal(strncmp(name, order[i], strlen(order[i])), 0);
		assert_int_equal(archive_entry_uid(e), 0);
		assert_int_equal(archive_entry_gid(e), 0);
		assert_true(!archive_entry_uname(e) || !*archive_entry_uname(e));
		assert_true(!archive_entry_gname(e) || !*archive_entry_gname(e));
		assert_int_equal(archive_entry_mtime(e), 0);
		if (name[n - 1] == '/' || !strcmp(name, "bin/run.sh"))
			assert_int_equal(archive_entry_perm(e), 0755);
		else
			assert_int_equal(archive_entry_perm(e), 0644);
		i++;
	}
	assert_int_equal(i, 6);
	assert_int_equal(archive_filter_code(a, 0), ARCHIVE_FILTER_ZSTD);
	archive_read_free(a);
	free(out);
	tu_rmrf(dir);
	free(dir);
}

static void test_mtime_option_and_digests(void **state)
{
	char *dir = tu_tmpdir(), *out = path_in(dir, "x.tar.zst"), *src = path_in(dir, "s");
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	fl_tarw_opts o = FL_TARW_OPTS_INIT;
	fl_digest got, want;
	fl_err err = FL_ERR_INIT;

	(void)state;
	tu_write(src, "hello\n");
	assert_int_equal(fl_sha256_buf("hello\n", 6, &want, &err), 0);
	o.mtime = 1700000000;
	fl_tar_entry x = { .name = "s", .src = src, .digest_out = &got, .expect = &want };
	assert_int_equal(fl_tarw_write(out, &x, 1, &o, &err), 0);
	assert_memory_equal(got.b, want.b, sizeof(want.b));
	archive_read_support_format_tar(a);
	archive_read_support_filter_zstd(a);
	assert_int_equal(archive_read_open_filename(a, out, 65536), ARCHIVE_OK);
	assert_int_equal(archive_read_next_header(a, &e), ARCHIVE_OK);
	assert_int_equal(archive_entry_mtime(e), 1700000000);
	archive_read_free(a);
	free(out);
	free(src);
	tu_rmrf(dir);
	free(dir);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void test_refusals_leave_nothing(void **state)
{
	char *dir = tu_tmpdir(), *out = path_in(dir, "x.tar.zst"), *src = path_in(dir, "s");
	fl_digest wrong = { { 0 } };
	fl_err err = FL_ERR_INIT;

	(void)state;
	tu_write(src, "content");
	fl_tar_entry dup[] = { { .name = "a", .buf = "1", .len = 1 },
			       { .name = "a", .buf = "2", .len = 1 } };
	assert_int_equal(fl_tarw_write(out, dup, 2, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "duplicate entry 'a'"));
	static const char *bad[] = { "/etc/passwd", "../up", "a/../../b", "a//b", "./a", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		fl_tar_entry x = { .name = bad[i], .buf = "1", .len = 1 };
		fl_err_clear(&err);
		assert_int_equal(fl_tarw_write(out, &x, 1, NULL, &err), FL_EINVAL);
		assert_non_null(strstr(err.msg, "unsafe entry name"));
	}
	fl_tar_entry x = { .name = "s", .src = src, .expect = &wrong };
	assert_int_equal(fl_tarw_write(out, &x, 1, NULL, &err), FL_EMISMATCH);
	assert_non_null(strstr(err.msg, "entry 's'"));
	/* nothing but the source: no archive, no temporary file */
	assert_int_equal(count_entries(dir), 1);
	free(out);
	free(src);
	tu_rmrf(dir);
	free(dir);
}

static void test_zstd_available(void **state)
{
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_tarw_check_zstd(&err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byte_identical),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_mtime_option_and_digests),
		cmocka_unit_test(test_refusals_leave_nothing),
		cmocka_unit_test(test_zstd_available),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
