/* test_media.c - scanning data folders (order, layouts, empty and single
 * classes under skip and fail), labels from CSV, feature-matrix CSV, the
 * feature matrix as a floe table (mediakind.h). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "core/log.h"
#include "media/featmat.h"
#include "media/fileset.h"
#include "media/mediakind.h"
#include "testutil.h"

static const char *const exts[] = { "png", "wav", NULL };
static int n_warnings;
static char last_warning[512];

static void count_warn(void *ud, fl_log_level level, const char *msg)
{
	(void)ud;
	if (level == FL_LOG_WARN) {
		n_warnings++;
		snprintf(last_warning, sizeof(last_warning), "%s", msg);
	}
}

static void touch(const char *dir, const char *rel)
{
	char p[4096], *slash;
	fl_err err = FL_ERR_INIT;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	slash = strrchr(p, '/');
	*slash = '\0';
	assert_int_equal(fl_mkdir_p(p, &err), 0);
	*slash = '/';
	tu_write(p, "x");
}

static void test_labelled_scan(void **state)
{
	char *dir = tu_tmpdir();
	fl_fileset_opts o = { exts, FL_LAYOUT_AUTO, FL_BAD_FAIL };
	fl_fileset *s = NULL;
	fl_err err = FL_ERR_INIT;
	char want[4096];

	(void)state;
	touch(dir, "b_diatom/2.png");
	touch(dir, "b_diatom/10.PNG");
	touch(dir, "a_copepod/x.png");
	touch(dir, "a_copepod/notes.txt");
	touch(dir, "a_copepod/.hidden.png");
	touch(dir, "Z_upper/1.png");
	touch(dir, "stray.png");
	fl_log_set_handler(count_warn, NULL);
	n_warnings = 0;
	assert_int_equal(fl_fileset_scan(dir, &o, &s, &err), 0);
	assert_int_equal(n_warnings, 1); /* the stray file */
	assert_int_equal(s->n_classes, 3);
	assert_string_equal(s->classes[0], "Z_upper"); /* bytewise order */
	assert_string_equal(s->classes[1], "a_copepod");
	assert_int_equal(s->n, 4);
	snprintf(want, sizeof(want), "%s/b_diatom/10.PNG", dir);
	assert_string_equal(s->paths[2], want);
	assert_int_equal(s->labels[3], 2);
	fl_fileset_free(s);
	o.layout = FL_LAYOUT_UNLABELLED;
	assert_int_equal(fl_fileset_scan(dir, &o, &s, &err), 0);
	assert_int_equal(s->n, 1);
	assert_int_equal(s->labels[0], -1);
	fl_fileset_free(s);
	tu_rmrf(dir);
	free(dir);
}

static void test_empty_and_single_class(void **state)
{
	char *dir = tu_tmpdir(), p[4096];
	fl_fileset_opts o = { exts, FL_LAYOUT_AUTO, FL_BAD_FAIL };
	fl_fileset *s = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	touch(dir, "copepod/1.png");
	snprintf(p, sizeof(p), "%s/empty_class", dir);
	assert_int_equal(fl_mkdir_p(p, &err), 0);
	assert_int_equal(fl_fileset_scan(dir, &o, &s, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "empty_class: empty class folder"));
	o.on_bad = FL_BAD_SKIP;
	n_warnings = 0;
	fl_log_set_handler(count_warn, NULL);
	assert_int_equal(fl_fileset_scan(dir, &o, &s, &err), 0);
	assert_int_equal(n_warnings, 2); /* the empty class, then a single class */
	assert_non_null(strstr(last_warning, "only one class ('copepod')"));
	assert_int_equal(s->n_classes, 1);
	fl_fileset_free(s);
	o.on_bad = FL_BAD_FAIL;
	snprintf(p, sizeof(p), "%s/empty_class", dir);
	tu_rmrf(p);
	assert_int_equal(fl_fileset_scan(dir, &o, &s, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "only one class"));
	snprintf(p, sizeof(p), "%s/nothing", dir);
	assert_int_equal(fl_mkdir_p(p, &err), 0);
	assert_int_equal(fl_fileset_scan(p, &o, &s, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "no input files"));
	assert_int_equal(fl_fileset_scan("/nonexistent/x", &o, &s, &err), FL_ENOTFOUND);
	tu_rmrf(dir);
	free(dir);
}

static void test_labels_csv(void **state)
{
	char *dir = tu_tmpdir(), p[4096];
	fl_fileset_opts o = { exts, FL_LAYOUT_AUTO, FL_BAD_FAIL };
	fl_fileset *s = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	touch(dir, "wav/a.wav");
	touch(dir, "wav/b.wav");
	touch(dir, "wav/c.wav");
	snprintf(p, sizeof(p), "%s/labels.csv", dir);
	tu_write(p, "file,category,label\r\nwav/a.wav,\"x, y\",whale\nwav/c.wav,z,noise\n");
	snprintf(p, sizeof(p), "%s/wav", dir);
	assert_int_equal(fl_fileset_scan(p, &o, &s, &err), 0);
	snprintf(p, sizeof(p), "%s/labels.csv", dir);
	assert_int_equal(fl_fileset_label_csv(s, p, FL_BAD_FAIL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "b.wav: no label"));
	fl_fileset_free(s);
	snprintf(p, sizeof(p), "%s/wav", dir);
	assert_int_equal(fl_fileset_scan(p, &o, &s, &err), 0);
	snprintf(p, sizeof(p), "%s/labels.csv", dir);
	assert_int_equal(fl_fileset_label_csv(s, p, FL_BAD_SKIP, &err), 0);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->n_classes, 2);
	assert_string_equal(s->classes[s->labels[0]], "whale");
	assert_string_equal(s->classes[s->labels[1]], "noise");
	fl_fileset_free(s);
	tu_write(p, "name,label\n");
	snprintf(p, sizeof(p), "%s/wav", dir);
	assert_int_equal(fl_fileset_scan(p, &o, &s, &err), 0);
	snprintf(p, sizeof(p), "%s/labels.csv", dir);
	assert_int_equal(fl_fileset_label_csv(s, p, FL_BAD_SKIP, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "labels.csv:1:"));
	fl_fileset_free(s);
	tu_rmrf(dir);
	free(dir);
}

static void test_featmat_csv(void **state)
{
	char *dir = tu_tmpdir(), p[4096], *text = NULL;
	fl_featmat *m = NULL;
	fl_err err = FL_ERR_INIT;
	unsigned char keep[3] = { 1, 0, 1 };

	(void)state;
	assert_int_equal(fl_featmat_new(&m, 3, 1, 2, 1, &err), 0);
	fl_featmat_set_id_name(m, 0, "path", &err);
	fl_featmat_set_col_name(m, 0, "a", &err);
	fl_featmat_set_col_name(m, 1, "b", &err);
	for (size_t r = 0; r < 3; r++) {
		fl_featmat_set_id(m, r, 0, r == 2 ? "x,\"y\"" : "plain", &err);
		fl_featmat_set_label(m, r, "c", &err);
		fl_featmat_row(m, r)[0] = 0.1 * (double)r;
		fl_featmat_row(m, r)[1] = -0.0;
	}
	fl_featmat_filter(m, keep);
	snprintf(p, sizeof(p), "%s/m.csv", dir);
	assert_int_equal(fl_featmat_write_csv(m, p, 2, &err), 0);
	assert_int_equal(fl_read_file(p, &text, NULL, &err), 0);
	assert_string_equal(text, "path,a,b,label\nplain,0,0,c\n\"x,\"\"y\"\"\",0.2,0,c\n");
	free(text);
	fl_featmat_free(m);
	tu_rmrf(dir);
	free(dir);
}

/* Rows formatted in blocks on several threads (more rows than one group
 * of blocks): the same bytes as on one thread, every row in order. */
static void test_featmat_csv_threads(void **state)
{
	char *dir = tu_tmpdir(), p[4096], *t1 = NULL, *t3 = NULL, want[64];
	size_t n = 17000, l1 = 0, l3 = 0, lines = 0;
	fl_featmat *m = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_featmat_new(&m, n, 1, 1, 0, &err), 0);
	fl_featmat_set_id_name(m, 0, "path", &err);
	fl_featmat_set_col_name(m, 0, "v", &err);
	for (size_t r = 0; r < n; r++) {
		snprintf(p, sizeof(p), "f%zu", r);
		fl_featmat_set_id(m, r, 0, p, &err);
		fl_featmat_row(m, r)[0] = 1.0 / (double)(r + 1);
	}
	snprintf(p, sizeof(p), "%s/1.csv", dir);
	assert_int_equal(fl_featmat_write_csv(m, p, 1, &err), 0);
	assert_int_equal(fl_read_file(p, &t1, &l1, &err), 0);
	snprintf(p, sizeof(p), "%s/3.csv", dir);
	assert_int_equal(fl_featmat_write_csv(m, p, 3, &err), 0);
	assert_int_equal(fl_read_file(p, &t3, &l3, &err), 0);
	assert_int_equal(l1, l3);
	assert_memory_equal(t1, t3, l1);
	for (size_t i = 0; i < l1; i++)
		lines += t1[i] == '\n';
	assert_int_equal(lines, n + 1);
	snprintf(want, sizeof(want), "\nf16999,%.10g\n", 1.0 / 17000);
	assert_non_null(strstr(t1, want));
	free(t1);
	free(t3);
	fl_featmat_free(m);
	tu_rmrf(dir);
	free(dir);
}

/* A feature matrix as a table: `file` relative to the root, other ids,
 * features, label; start_s / end_s numeric; a single file's id is its name. */
static void test_media_table(void **state)
{
	const char *paths[] = { "/d/imgs/a/1.png", "/d/imgs/b/2.png" };
	fl_err err = FL_ERR_INIT;
	fl_featmat *m = NULL;
	fl_table *t = NULL;
	int c;

	(void)state;
	assert_int_equal(fl_featmat_new(&m, 2, 2, 1, 1, &err), 0);
	assert_int_equal(fl_featmat_set_id_name(m, 0, "path", &err), 0);
	assert_int_equal(fl_featmat_set_id_name(m, 1, "augment", &err), 0);
	assert_int_equal(fl_featmat_set_col_name(m, 0, "area", &err), 0);
	for (size_t r = 0; r < 2; r++) {
		assert_int_equal(fl_featmat_set_id(m, r, 0, paths[r], &err), 0);
		assert_int_equal(fl_featmat_set_id(m, r, 1, "none", &err), 0);
		assert_int_equal(fl_featmat_set_label(m, r, r ? "b" : "a", &err), 0);
		fl_featmat_row(m, r)[0] = 10.0 + (double)r;
	}
	assert_int_equal(fl_media_table(m, "/d/imgs/", &t, &err), 0);
	assert_int_equal(t->n_rows, 2);
	assert_int_equal(t->n_cols, 4);
	assert_string_equal(t->cols[0].name, "file");
	assert_int_equal(t->cols[0].type, FL_COL_CATEGORICAL);
	assert_string_equal(t->cols[0].levels[t->cols[0].codes[1]], "b/2.png");
	assert_string_equal(t->cols[1].name, "augment");
	assert_string_equal(t->cols[2].name, "area");
	assert_true(t->cols[2].num[1] == 11.0);
	assert_string_equal(t->cols[3].name, "label");
	assert_string_equal(t->cols[3].levels[t->cols[3].codes[0]], "a");
	fl_table_free(t);
	fl_featmat_free(m);

	assert_int_equal(fl_featmat_new(&m, 1, 3, 1, 0, &err), 0);
	assert_int_equal(fl_featmat_set_id_name(m, 0, "path", &err), 0);
	assert_int_equal(fl_featmat_set_id_name(m, 1, "start_s", &err), 0);
	assert_int_equal(fl_featmat_set_id_name(m, 2, "end_s", &err), 0);
	assert_int_equal(fl_featmat_set_col_name(m, 0, "rms_mean", &err), 0);
	assert_int_equal(fl_featmat_set_id(m, 0, 0, "/rec/long.wav", &err), 0);
	assert_int_equal(fl_featmat_set_id(m, 0, 1, "1.5", &err), 0);
	assert_int_equal(fl_featmat_set_id(m, 0, 2, "3.5", &err), 0);
	assert_int_equal(fl_media_table(m, "/rec/long.wav", &t, &err), 0);
	assert_string_equal(t->cols[0].levels[t->cols[0].codes[0]], "long.wav");
	assert_int_equal((c = fl_table_find(t, "end_s")), 2);
	assert_int_equal(t->cols[c].type, FL_COL_NUMERIC);
	assert_true(t->cols[c].num[0] == 3.5);
	assert_int_equal(fl_table_find(t, "label"), -1);
	fl_table_free(t);
	fl_featmat_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labelled_scan),
		cmocka_unit_test(test_empty_and_single_class),
		cmocka_unit_test(test_labels_csv),
		cmocka_unit_test(test_featmat_csv),
		cmocka_unit_test(test_featmat_csv_threads),
		cmocka_unit_test(test_media_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
