/* test_h5table.c - HDF5 tables: round trip with odd names, categorical
 * levels and missing values; identical bytes for identical input;
 * streaming chunks equal a whole write; provenance; reading plain
 * datasets; files that are not HDF5 or not tables. */
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

#include "core/atomic.h"
#include "data/h5table.h"
#include "testutil.h"

static char *dir;

static int setup(void **s)
{
	(void)s;
	dir = tu_tmpdir();
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	tu_rmrf(dir);
	free(dir);
	return 0;
}

static const char *p(const char *name)
{
	static char buf[4][4200];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static fl_table *sample(size_t n)
{
	fl_table *t = NULL;
	fl_err err = FL_ERR_INIT;
	const char *lv[] = { "ice", "open water", "slush/brash" };

	assert_int_equal(fl_table_new(&t, &err), 0);
	fl_table_add_column(t, "depth/m", FL_COL_NUMERIC, &err);
	fl_table_add_column(t, "100%", FL_COL_NUMERIC, &err);
	fl_table_add_column(t, "surface", FL_COL_CATEGORICAL, &err);
	assert_int_equal(fl_table_add_rows(t, n, &err), 0);
	for (size_t i = 0; i < n; i++) {
		t->cols[0].num[i] = i % 11 == 0 ? NAN : (double)i * 0.1;
		t->cols[1].num[i] = -(double)i;
		t->cols[2].codes[i] = i % 9 == 0 ? -1 : fl_table_intern(t, 2, lv[(i * 7) % 3], strlen(lv[(i * 7) % 3]), &err);
	}
	return t;
}

static void assert_same(const fl_table *a, const fl_table *b)
{
	assert_int_equal(a->n_rows, b->n_rows);
	assert_int_equal(a->n_cols, b->n_cols);
	for (size_t c = 0; c < a->n_cols; c++) {
		assert_string_equal(a->cols[c].name, b->cols[c].name);
		assert_int_equal(a->cols[c].type, b->cols[c].type);
		for (size_t i = 0; i < a->n_rows; i++) {
			if (a->cols[c].type == FL_COL_NUMERIC) {
				double x = a->cols[c].num[i], y = b->cols[c].num[i];
				assert_true((isnan(x) && isnan(y)) || x == y);
			} else {
				int32_t x = a->cols[c].codes[i], y = b->cols[c].codes[i];
				assert_true(x == y || (x >= 0 && y >= 0 &&
						       !strcmp(a->cols[c].levels[x], b->cols[c].levels[y])));
				assert_true((x < 0) == (y < 0));
			}
		}
	}
}

static void test_round_trip_and_identical_bytes(void **s)
{
	fl_table *t = sample(1000), *back = NULL;
	fl_err err = FL_ERR_INIT;
	fl_h5table_opts o = FL_H5TABLE_OPTS_INIT;
	const char *inputs[] = { "sha256:00ff src.csv" }, *steps[] = { "load", "scale" };
	char *a = NULL, *b = NULL;
	size_t na, nb;

	(void)s;
	o.inputs = inputs;
	o.n_inputs = 1;
	o.steps = steps;
	o.n_steps = 2;
	o.fitted_json = "[{\"kind\":\"drop\",\"columns\":[\"x\"]}]";
	assert_int_equal(fl_h5table_write(t, p("a.h5"), &o, &err), 0);
	assert_int_equal(fl_h5table_write(t, p("b.h5"), &o, &err), 0);
	assert_int_equal(fl_read_file(p("a.h5"), &a, &na, &err), 0);
	assert_int_equal(fl_read_file(p("b.h5"), &b, &nb, &err), 0);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	free(a);
	free(b);
	assert_int_equal(fl_h5table_read(&back, p("a.h5"), &err), 0);
	assert_same(t, back);
	fl_table_free(back);
	assert_true(fl_h5table_is_table(p("a.h5")));

	fl_h5table_reader *r = NULL;
	json_t *meta = NULL;
	assert_int_equal(fl_h5table_open(&r, p("a.h5"), &err), 0);
	assert_int_equal(fl_h5table_meta(r, &meta, &err), 0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(meta, "steps"), 1)), "scale");
	assert_string_equal(json_string_value(json_array_get(json_object_get(meta, "inputs"), 0)), inputs[0]);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(meta, "fitted"), 0), "kind")), "drop");
	json_decref(meta);
	/* streamed reading in 77-row chunks gives the same rows */
	fl_table *all = NULL, *ch = NULL;
	assert_int_equal(fl_table_clone_schema(&all, fl_h5table_schema(r), &err), 0);
	while (fl_h5table_next(r, 77, &ch, &err) == 0 && ch) {
		assert_int_equal(fl_table_append(all, ch, &err), 0);
		fl_table_free(ch);
	}
	assert_same(t, all);
	fl_table_free(all);
	fl_h5table_close(r);
	fl_table_free(t);
}

static void test_streaming_and_compression(void **s)
{
	fl_table *t = sample(5000), *back = NULL;
	fl_err err = FL_ERR_INIT;
	fl_h5table_opts o = FL_H5TABLE_OPTS_INIT;
	fl_h5table_writer *w = NULL;

	(void)s;
	o.compress = 6;
	assert_int_equal(fl_h5table_create(&w, p("s.h5"), t, &o, &err), 0);
	for (uint32_t at = 0; at < 5000; at += 1234) {
		uint32_t idx[1234], k = 0;
		fl_table *part = NULL;
		for (uint32_t i = at; i < at + 1234 && i < 5000; i++)
			idx[k++] = i;
		assert_int_equal(fl_table_take(&part, t, idx, k, &err), 0);
		/* a chunk with its own level order */
		assert_int_equal(fl_h5table_append(w, part, &err), 0);
		fl_table_free(part);
	}
	assert_int_equal(fl_h5table_commit(w, &err), 0);
	assert_int_equal(fl_h5table_read(&back, p("s.h5"), &err), 0);
	assert_same(t, back);
	fl_table_free(back);
	o.compress = 12;
	assert_int_equal(fl_h5table_write(t, p("bad.h5"), &o, &err), FL_EINVAL);
	FILE *fp = fopen(p("bad.h5"), "rb");
	assert_null(fp); /* nothing half-written */
	fl_table_free(t);
}

static void test_not_hdf5_and_not_table(void **s)
{
	fl_table *t = NULL;
	fl_err err = FL_ERR_INIT;
	char want[8400];

	(void)s;
	tu_write(p("fake.h5"), "this is,not,hdf5\n1,2,3\n");
	assert_int_equal(fl_h5table_read(&t, p("fake.h5"), &err), FL_EINVAL);
	snprintf(want, sizeof(want), "%s: not an HDF5 file (no HDF5 signature)", p("fake.h5"));
	assert_string_equal(err.msg, want);
	assert_int_equal(fl_h5_read_dataset(&t, p("fake.h5"), "/x", &err), FL_EINVAL);
	assert_false(fl_h5table_is_table(p("fake.h5")));
	/* a real HDF5 file without the floe attributes: read a dataset of it */
	fl_table *src = sample(30);
	assert_int_equal(fl_h5table_write(src, p("t.h5"), NULL, &err), 0);
	assert_int_equal(fl_h5_read_dataset(&t, p("t.h5"), "/columns/100%25", &err), 0);
	assert_int_equal(t->n_rows, 30);
	assert_string_equal(t->cols[0].name, "100%25");
	assert_true(t->cols[0].num[29] == -29);
	fl_table_free(t);
	assert_int_equal(fl_h5_read_dataset(&t, p("t.h5"), "/levels/surface", &err), 0);
	assert_int_equal(t->cols[0].type, FL_COL_CATEGORICAL);
	fl_table_free(t);
	assert_int_equal(fl_h5_read_dataset(&t, p("t.h5"), "/nope", &err), FL_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no dataset '/nope'; the file has: /column_names, /columns/100%25, /columns/depth%2Fm"));
	json_t *list = NULL;
	assert_int_equal(fl_h5_list(p("t.h5"), &list, &err), 0);
	assert_int_equal(json_array_size(list), 5);
	json_decref(list);
	fl_table_free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_and_identical_bytes),
		cmocka_unit_test(test_streaming_and_compression),
		cmocka_unit_test(test_not_hdf5_and_not_table),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
