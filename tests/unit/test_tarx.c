/* test_tarx.c - the safe extractor against crafted archives: "..", absolute
 * paths, symbolic and hard links, devices, FIFOs, duplicates, size limits
 * (decompression bombs), truncation, corruption, wrong compression. Each
 * must be refused with nothing written outside the target and no partial
 * target or temporary folder left behind. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "bundle/tarw.h"
#include "bundle/tarx.h"
#include "core/atomic.h"
#include "testutil.h"

/* One crafted entry. type: 'f' file, 'd' folder, 'l' symlink, 'h' hard
 * link, 'c' char device, 'p' FIFO. `size` overrides the file size when
 * `data` is NULL (zeros are written). */
typedef struct craft {
	const char *name;
	char type;
	const char *data;
	size_t size;
	const char *link;
} craft;

/* Write a tar archive by hand with libarchive (zstd unless plain). */
static void write_crafted(const char *path, const craft *c, size_t n, int plain)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	static char zeros[65536];

	archive_write_set_format_pax_restricted(a);
	if (!plain)
		archive_write_add_filter_zstd(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		size_t size = c[i].data ? strlen(c[i].data) : c[i].size;
		archive_entry_clear(e);
		archive_entry_set_pathname(e, c[i].name);
		archive_entry_set_perm(e, 0644);
		switch (c[i].type) {
		case 'd': archive_entry_set_filetype(e, AE_IFDIR); size = 0; break;
		case 'l': archive_entry_set_filetype(e, AE_IFLNK);
			  archive_entry_set_symlink(e, c[i].link); size = 0; break;
		case 'h': archive_entry_set_filetype(e, AE_IFREG);
			  archive_entry_set_hardlink(e, c[i].link); size = 0; break;
		case 'c': archive_entry_set_filetype(e, AE_IFCHR);
			  archive_entry_set_rdev(e, makedev(1, 3)); size = 0; break;
		case 'p': archive_entry_set_filetype(e, AE_IFIFO); size = 0; break;
		default: archive_entry_set_filetype(e, AE_IFREG);
		}
		archive_entry_set_size(e, (la_int64_t)size);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (c[i].data)
			archive_write_data(a, c[i].data, size);
		for (size_t left = c[i].data ? 0 : size; left > 0;) {
			size_t k = left < sizeof(zeros) ? left : sizeof(zeros);
			archive_write_data(a, zeros, k);
			left -= k;
		}
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(e);
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

/* Layout: base/arc.tar.zst and base/sandbox/ (the parent of the target),
 * so that an escape to "../x" would land in base/. */
typedef struct fixture {
	char *base, *arc, *parent, *target;
} fixture;

static fixture setup(void)
{
	fixture f;

	f.base = tu_tmpdir();
	assert_true(asprintf(&f.arc, "%s/arc.tar.zst", f.base) > 0);
	assert_true(asprintf(&f.parent, "%s/sandbox", f.base) > 0);
	assert_true(asprintf(&f.target, "%s/sandbox/out", f.base) > 0);
	assert_int_equal(mkdir(f.parent, 0755), 0);
	return f;
}

static void teardown(fixture *f)
{
	tu_rmrf(f->base);
	free(f->base);
	free(f->arc);
	free(f->parent);
	free(f->target);
}

/* Extraction must fail with `code` and a message holding `needle`; base
 * holds only the archive and the empty sandbox afterwards. */
static void expect_refused(const craft *c, size_t n, const fl_tarx_opts *o, int code,
			   const char *needle)
{
	fixture f = setup();
	fl_err err = FL_ERR_INIT;

	write_crafted(f.arc, c, n, 0);
	assert_int_equal(fl_tarx_extract(f.arc, f.target, o, &err), code);
	if (!strstr(err.msg, needle))
		fail_msg("message '%s' lacks '%s'", err.msg, needle);
	assert_int_equal(count_entries(f.base), 2);
	assert_int_equal(count_entries(f.parent), 0);
	teardown(&f);
}

static void test_good_archive_extracts(void **state)
{
	fixture f = setup();
	static const craft c[] = { { "d/", 'd', NULL, 0, NULL },
				   { "d/a.txt", 'f', "alpha", 0, NULL },
				   { "e/f/b.txt", 'f', "beta", 0, NULL } };
	fl_err err = FL_ERR_INIT;
	char *s = NULL, *p = NULL;

	(void)state;
	write_crafted(f.arc, c, 3, 0);
	assert_int_equal(fl_tarx_extract(f.arc, f.target, NULL, &err), 0);
	assert_true(asprintf(&p, "%s/e/f/b.txt", f.target) > 0);
	assert_int_equal(fl_read_file(p, &s, NULL, &err), 0);
	assert_string_equal(s, "beta");
	/* only the target in the sandbox: the temporary folder was renamed */
	assert_int_equal(count_entries(f.parent), 1);
	/* an existing, non-empty target is refused and left alone */
	assert_int_equal(fl_tarx_extract(f.arc, f.target, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "not an empty folder"));
	assert_int_equal(count_entries(f.parent), 1);
	free(s);
	free(p);
	teardown(&f);
}

static void test_path_attacks(void **state)
{
	static const craft dotdot[] = { { "ok.txt", 'f', "x", 0, NULL },
					{ "../escaped.txt", 'f', "evil", 0, NULL } };
	static const craft inner[] = { { "a/../../escaped.txt", 'f', "evil", 0, NULL } };
	static const craft abs[] = { { "/tmp/floe-escaped.txt", 'f', "evil", 0, NULL } };

	(void)state;
	expect_refused(dotdot, 2, NULL, FL_EINVAL, "'..' component");
	expect_refused(inner, 1, NULL, FL_EINVAL, "'..' component");
	expect_refused(abs, 1, NULL, FL_EINVAL, "absolute path");
	assert_int_equal(access("/tmp/floe-escaped.txt", F_OK), -1);
}

static void test_links_and_specials(void **state)
{
	static const craft sym[] = { { "evil", 'l', NULL, 0, "/etc" },
				     { "evil/passwd", 'f', "owned", 0, NULL } };
	static const craft sym_in[] = { { "a.txt", 'f', "x", 0, NULL },
					{ "b", 'l', NULL, 0, "a.txt" } };
	static const craft hard[] = { { "h", 'h', NULL, 0, "../../etc/passwd" } };
	static const craft dev[] = { { "null", 'c', NULL, 0, NULL } };
	static const craft fifo[] = { { "pipe", 'p', NULL, 0, NULL } };

	(void)state;
	expect_refused(sym, 2, NULL, FL_EINVAL, "'evil' is a symbolic link");
	expect_refused(sym_in, 2, NULL, FL_EINVAL, "'b' is a symbolic link");
	expect_refused(hard, 1, NULL, FL_EINVAL, "'h' is a hard link");
	expect_refused(dev, 1, NULL, FL_EINVAL, "'null' is a device file");
	expect_refused(fifo, 1, NULL, FL_EINVAL, "'pipe' is a FIFO");
}

static void test_duplicates(void **state)
{
	static const craft twice[] = { { "a.txt", 'f', "first", 0, NULL },
				       { "a.txt", 'f', "second", 0, NULL } };
	static const craft dir_file[] = { { "a/", 'd', NULL, 0, NULL },
					  { "a", 'f', "file", 0, NULL } };
	static const craft file_dir[] = { { "a", 'f', "file", 0, NULL },
					  { "a/b", 'f', "under a file", 0, NULL } };

	(void)state;
	expect_refused(twice, 2, NULL, FL_EINVAL, "duplicate entry 'a.txt'");
	expect_refused(dir_file, 2, NULL, FL_EINVAL, "duplicate entry 'a'");
	expect_refused(file_dir, 2, NULL, FL_EIO, "'a/b' conflicts");
}

static void test_size_limits(void **state)
{
	static const craft one_big[] = { { "small", 'f', "x", 0, NULL },
					 { "bomb", 'f', NULL, 5000, NULL } };
	static const craft many[] = { { "a", 'f', NULL, 600, NULL },
				      { "b", 'f', NULL, 600, NULL } };
	static const craft three[] = { { "a", 'f', "1", 0, NULL }, { "b", 'f', "2", 0, NULL },
				       { "c", 'f', "3", 0, NULL } };
	fl_tarx_opts o = FL_TARX_OPTS_INIT;

	(void)state;
	o.limits.max_entry_size = 1000;
	expect_refused(one_big, 2, &o, FL_EINVAL, "'bomb' is 5000 bytes, over the limit of 1000");
	o.limits.max_total_size = 1000;
	expect_refused(many, 2, &o, FL_EINVAL, "more than the limit of 1000 bytes (at 'b')");
	o.limits.max_entries = 2;
	expect_refused(three, 3, &o, FL_EINVAL, "more than 2 entries");
}

/* 64 MB of zeros compresses to a few kB: the limit stops it before it is
 * written out. */
static void test_decompression_bomb(void **state)
{
	static const craft bomb[] = { { "zeros", 'f', NULL, 64u << 20, NULL } };
	fl_tarx_opts o = FL_TARX_OPTS_INIT;
	fixture f = setup();
	struct stat st;
	fl_err err = FL_ERR_INIT;

	(void)state;
	write_crafted(f.arc, bomb, 1, 0);
	assert_int_equal(stat(f.arc, &st), 0);
	assert_true(st.st_size < (1 << 20));
	o.limits.max_total_size = 16u << 20;
	o.limits.max_entry_size = 16u << 20;
	assert_int_equal(fl_tarx_extract(f.arc, f.target, &o, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "over the limit"));
	assert_int_equal(count_entries(f.parent), 0);
	teardown(&f);
}

static void test_truncated_and_corrupt(void **state)
{
	static const craft c[] = { { "a.bin", 'f', NULL, 400000, NULL },
				   { "b.txt", 'f', "tail", 0, NULL } };
	fixture f = setup();
	fl_err err = FL_ERR_INIT;
	struct stat st;
	char *buf = NULL;
	size_t len;

	(void)state;
	/* incompressible-ish content so the archive has some length */
	write_crafted(f.arc, c, 2, 0);
	assert_int_equal(stat(f.arc, &st), 0);
	assert_int_equal(truncate(f.arc, st.st_size / 2), 0);
	assert_int_equal(fl_tarx_extract(f.arc, f.target, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "truncated or corrupt"));
	assert_int_equal(count_entries(f.parent), 0);

	write_crafted(f.arc, c, 2, 0);
	assert_int_equal(fl_read_file(f.arc, &buf, &len, &err), 0);
	for (size_t i = len / 3; i < len / 3 + 16 && i < len; i++)
		buf[i] ^= 0x5a;
	tu_write_bytes(f.arc, buf, len);
	fl_err_clear(&err);
	assert_int_equal(fl_tarx_extract(f.arc, f.target, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "truncated or corrupt"));
	assert_int_equal(count_entries(f.parent), 0);

	tu_write(f.arc, "this is not an archive at all\n");
	assert_true(fl_tarx_extract(f.arc, f.target, NULL, &err) < 0);
	assert_int_equal(count_entries(f.parent), 0);
	free(buf);
	teardown(&f);
}

static void test_plain_tar_refused(void **state)
{
	static const craft c[] = { { "a", 'f', "x", 0, NULL } };
	fixture f = setup();
	fl_err err = FL_ERR_INIT;

	(void)state;
	write_crafted(f.arc, c, 1, 1);
	assert_int_equal(fl_tarx_extract(f.arc, f.target, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "not a zstd-compressed tar"));
	assert_int_equal(count_entries(f.parent), 0);
	teardown(&f);
}

/* A callback refusal (as the manifest check does) also leaves nothing. */
static int refuse_b(void *ud, const char *name, uint64_t size, const fl_digest *d,
		    const char *file, fl_err *err)
{
	(void)size;
	(void)d;
	(void)file;
	(*(int *)ud)++;
	if (!strcmp(name, "b.txt"))
		return fl_err_set(err, FL_EMISMATCH, "entry '%s' does not match", name);
	return 0;
}

static void test_callback_refusal(void **state)
{
	static const craft c[] = { { "a.txt", 'f', "a", 0, NULL },
				   { "b.txt", 'f', "b", 0, NULL } };
	fl_tarx_opts o = FL_TARX_OPTS_INIT;
	fixture f = setup();
	fl_err err = FL_ERR_INIT;
	int calls = 0;

	(void)state;
	o.on_entry = refuse_b;
	o.ud = &calls;
	write_crafted(f.arc, c, 2, 0);
	assert_int_equal(fl_tarx_extract(f.arc, f.target, &o, &err), FL_EMISMATCH);
	assert_int_equal(calls, 2);
	assert_int_equal(count_entries(f.parent), 0);
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_archive_extracts),
		cmocka_unit_test(test_path_attacks),
		cmocka_unit_test(test_links_and_specials),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_decompression_bomb),
		cmocka_unit_test(test_truncated_and_corrupt),
		cmocka_unit_test(test_plain_tar_refused),
		cmocka_unit_test(test_callback_refusal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
