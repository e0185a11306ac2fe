/* test_csv.c - the CSV reader and writer: RFC 4180 quoting, CRLF, BOM,
 * delimiters, missing tokens, type inference and overrides, every bad
 * input with its place, chunked equals whole, the number parser against
 * strtod, and write/read round trips. */
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
#include <zlib.h>

#include "core/rng.h"
#include "data/csv.h"
#include "testutil.h"

static char *dir;
static char path[4096];

static int setup(void **s)
{
	(void)s;
	dir = tu_tmpdir();
	snprintf(path, sizeof(path), "%s/t.csv", dir);
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	tu_rmrf(dir);
	free(dir);
	return 0;
}

static fl_table *read_ok(const char *content, const fl_csv_opts *o)
{
	fl_table *t = NULL;
	fl_err err = FL_ERR_INIT;

	tu_write(path, content);
	if (fl_csv_read(&t, path, o, &err) < 0)
		fail_msg("unexpected error: %s", err.msg);
	return t;
}

/* The error message after `path` (": ..." stripped of the folder). */
static const char *read_err(const char *content, const fl_csv_opts *o)
{
	static fl_err err;
	fl_table *t = NULL;

	fl_err_clear(&err);
	tu_write(path, content);
	assert_true(fl_csv_read(&t, path, o, &err) < 0);
	assert_null(t);
	assert_int_equal(strncmp(err.msg, path, strlen(path)), 0);
	return err.msg + strlen(path);
}

static const char *level(const fl_table *t, size_t c, size_t i)
{
	int32_t k = t->cols[c].codes[i];
	return k < 0 ? NULL : t->cols[c].levels[k];
}

static void test_basic_types_missing(void **s)
{
	(void)s;
	fl_table *t = read_ok("name,x,y\nab,1.5,7\ncd,NA,\n,3e2,-0\n", NULL);
	assert_int_equal(t->n_rows, 3);
	assert_int_equal(t->n_cols, 3);
	assert_int_equal(t->cols[0].type, FL_COL_CATEGORICAL);
	assert_int_equal(t->cols[1].type, FL_COL_NUMERIC);
	assert_string_equal(level(t, 0, 1), "cd");
	assert_null(level(t, 0, 2)); /* empty is missing */
	assert_true(t->cols[1].num[0] == 1.5);
	assert_true(isnan(t->cols[1].num[1]));
	assert_true(t->cols[1].num[2] == 300);
	assert_true(isnan(t->cols[2].num[1]));
	assert_true(t->cols[2].num[2] == 0 && signbit(t->cols[2].num[2]));
	fl_table_free(t);
}

static void test_rfc4180_quotes_crlf_bom(void **s)
{
	(void)s;
	fl_table *t = read_ok("\xEF\xBB\xBF" "a,\"b c\"\r\n\"x,y\",\"1\"\r\n\"he said \"\"hi\"\"\",2\r\n"
			      "\"two\r\nlines\",3\r\n", NULL);
	assert_string_equal(t->cols[0].name, "a");
	assert_string_equal(t->cols[1].name, "b c");
	assert_int_equal(t->n_rows, 3);
	assert_string_equal(level(t, 0, 0), "x,y");
	assert_string_equal(level(t, 0, 1), "he said \"hi\"");
	assert_string_equal(level(t, 0, 2), "two\r\nlines");
	assert_int_equal(t->cols[1].type, FL_COL_NUMERIC);
	assert_true(t->cols[1].num[0] == 1 && t->cols[1].num[2] == 3);
	fl_table_free(t);
}

static void test_delimiter_tokens_header(void **s)
{
	fl_csv_opts o = FL_CSV_OPTS_INIT;
	const char *na[] = { "-999", "?" };

	(void)s;
	o.delimiter = ';';
	o.na = na;
	o.n_na = 2;
	fl_table *t = read_ok("a;b\n1,5;?\n-999;x\n", &o);
	assert_int_equal(t->cols[0].type, FL_COL_CATEGORICAL); /* "1,5" is text */
	assert_null(level(t, 0, 1));
	assert_int_equal(t->cols[1].type, FL_COL_CATEGORICAL);
	assert_null(level(t, 1, 0));
	fl_table_free(t);

	fl_csv_opts h = FL_CSV_OPTS_INIT;
	h.header = 0;
	h.delimiter = '\t';
	t = read_ok("1\t2\n3\t4\n", &h);
	assert_int_equal(t->n_rows, 2);
	assert_string_equal(t->cols[1].name, "V2");
	assert_true(t->cols[1].num[1] == 4);
	fl_table_free(t);
}

static void test_type_override(void **s)
{
	fl_csv_type ty[] = { { "code", FL_COL_CATEGORICAL } };
	fl_csv_opts o = FL_CSV_OPTS_INIT;

	(void)s;
	o.types = ty;
	o.n_types = 1;
	fl_table *t = read_ok("code,v\n007,1\n12,2\n", &o);
	assert_int_equal(t->cols[0].type, FL_COL_CATEGORICAL);
	assert_string_equal(level(t, 0, 0), "007");
	fl_table_free(t);
	ty[0].column = "nope";
	assert_non_null(strstr(read_err("code,v\n1,2\n", &o), "column 'nope', which the file does not have"));
}

static void test_bad_inputs(void **s)
{
	fl_csv_opts small = FL_CSV_OPTS_INIT;
	fl_csv_opts nf = FL_CSV_OPTS_INIT;

	(void)s;
	assert_string_equal(read_err("a,b,c\n1,2,3\n4,5\n", NULL),
			    ":3:1: ragged row: expected 3 fields, found 2");
	assert_string_equal(read_err("a,b\n1,2\n3,4,5,6\n", NULL),
			    ":3:1: ragged row: expected 2 fields, found 4");
	assert_string_equal(read_err("", NULL), ": empty file (no header and no rows)");
	assert_string_equal(read_err("\xEF\xBB\xBF\n\n", NULL), ": empty file (no header and no rows)");
	assert_string_equal(read_err("a,b\n", NULL), ": no data rows after the header");
	assert_non_null(strstr(read_err("a,b\n1,\"x\n", NULL), ":2:3: unterminated quoted field in column 'b'"));
	/* A non-number after the chunk used for inference. */
	small.chunk_bytes = 16;
	small.n_threads = 1;
	assert_string_equal(read_err("a,bee\n1,2\n3,4\n5,6\n7,8\n9,1x\n", &small),
			    ":6:3: column 'bee' is numeric but has the value '1x' (give the column the type categorical to read it as text)");
	assert_non_null(strstr(read_err("a,b\n1,2\n3,NaN\n", NULL),
			       ":3:3: column 'b' has the value 'NaN': NaN and Inf are not allowed"));
	assert_non_null(strstr(read_err("a,b\n1,2\n3,1e999\n", NULL), ":3:3: column 'b' has a value out of range"));
	assert_non_null(strstr(read_err("a,b\n1,\"2\"x\n", NULL), "unexpected character 'x' after a closing quote"));
	nf.allow_nonfinite = 1;
	fl_table *t = read_ok("a,b\n1,-inf\n3,nan\n", &nf);
	assert_true(isinf(t->cols[1].num[0]) && t->cols[1].num[0] < 0);
	assert_true(isnan(t->cols[1].num[1]));
	fl_table_free(t);
}

static void test_missing_file(void **s)
{
	fl_table *t = NULL;
	fl_err err = FL_ERR_INIT;
	char p[4200];

	(void)s;
	snprintf(p, sizeof(p), "%s/none.csv", dir);
	assert_int_equal(fl_csv_read(&t, p, NULL, &err), FL_ENOTFOUND);
	assert_non_null(strstr(err.msg, "No such file"));
}

static void assert_tables_equal(const fl_table *a, const fl_table *b)
{
	assert_int_equal(a->n_rows, b->n_rows);
	assert_int_equal(a->n_cols, b->n_cols);
	for (size_t c = 0; c < a->n_cols; c++) {
		assert_string_equal(a->cols[c].name, b->cols[c].name);
		assert_int_equal(a->cols[c].type, b->cols[c].type);
		for (size_t i = 0; i < a->n_rows; i++) {
			if (a->cols[c].type == FL_COL_NUMERIC) {
				double x = a->cols[c].num[i], y = b->cols[c].num[i];
				assert_true((isnan(x) && isnan(y)) || !memcmp(&x, &y, sizeof(x)));
			} else {
				const char *x = level(a, c, i), *y = level(b, c, i);
				assert_true((!x && !y) || (x && y && !strcmp(x, y)));
			}
		}
	}
}

/* A generated file read with tiny chunks on 1 and 3 threads and whole. */
static void test_chunked_equals_whole(void **s)
{
	fl_rng r;
	char *buf = malloc(1 << 20), *p = buf;
	fl_csv_opts o1 = FL_CSV_OPTS_INIT, o3 = FL_CSV_OPTS_INIT;

	(void)s;
	fl_rng_seed(&r, 7, 0);
	p += sprintf(p, "id,v,w,tag\r\n");
	for (int i = 0; i < 3000; i++)
		p += sprintf(p, "%d,%.6g,%s,\"t%d\"\r\n", i, fl_rng_normal(&r) * 1e3,
			     fl_rng_below(&r, 10) ? "1.25" : "NA", (int)fl_rng_below(&r, 5));
	fl_table *whole = read_ok(buf, NULL);
	o1.chunk_bytes = 97;
	o1.n_threads = 1;
	o3.chunk_bytes = 211;
	o3.n_threads = 3;
	fl_table *a = read_ok(buf, &o1), *b = read_ok(buf, &o3);
	assert_int_equal(whole->n_rows, 3000);
	assert_tables_equal(whole, a);
	assert_tables_equal(whole, b);
	fl_table_free(whole);
	fl_table_free(a);
	fl_table_free(b);
	free(buf);
}

/* The fast path must give exactly strtod's double. */
static void test_number_parser_vs_strtod(void **s)
{
	fl_rng r;
	char text[64];

	(void)s;
	fl_rng_seed(&r, 11, 0);
	for (int i = 0; i < 200000; i++) {
		int nd = 1 + (int)fl_rng_below(&r, 22), dot = (int)fl_rng_below(&r, (uint64_t)nd + 1);
		char *p = text;
		if (fl_rng_below(&r, 2))
			*p++ = '-';
		for (int k = 0; k < nd; k++) {
			if (k == dot && k)
				*p++ = '.';
			*p++ = (char)('0' + fl_rng_below(&r, 10));
		}
		if (fl_rng_below(&r, 3) == 0)
			p += sprintf(p, "e%d", (int)fl_rng_below(&r, 700) - 350);
		*p = '\0';
		double want = strtod(text, NULL), got;
		assert_true(fl_csv_parse_number(text, strlen(text), &got));
		if (memcmp(&want, &got, sizeof(got)))
			fail_msg("%s: strtod %.17g, parser %.17g", text, want, got);
	}
	double v;
	assert_false(fl_csv_parse_number("1e", 2, &v));
	assert_false(fl_csv_parse_number("0x10", 4, &v));
	assert_false(fl_csv_parse_number(".", 1, &v));
	assert_true(fl_csv_parse_number(" 2.5 ", 5, &v) && v == 2.5);
	assert_true(fl_csv_parse_number("-Infinity", 9, &v) && isinf(v));
}

static void test_write_read_round_trip(void **s)
{
	fl_table *t = NULL, *back = NULL;
	fl_err err = FL_ERR_INIT;
	fl_rng r;
	char out[4200];
	const char *texts[] = { "plain", "with,comma", "a \"quote\"", "two\nlines", " pad ", "NA-ish" };

	(void)s;
	fl_rng_seed(&r, 3, 0);
	assert_int_equal(fl_table_new(&t, &err), 0);
	assert_int_equal(fl_table_add_column(t, "x", FL_COL_NUMERIC, &err), 0);
	assert_int_equal(fl_table_add_column(t, "label, odd", FL_COL_CATEGORICAL, &err), 1);
	assert_int_equal(fl_table_add_rows(t, 600, &err), 0);
	for (size_t i = 0; i < 600; i++) {
		uint64_t bits = fl_rng_next(&r);
		double v;
		memcpy(&v, &bits, sizeof(v));
		t->cols[0].num[i] = i % 50 == 0 ? NAN : isfinite(v) ? v : 1.0 / (double)(i + 1);
		const char *txt = texts[i % 6];
		t->cols[1].codes[i] = i % 7 == 0 ? -1 : fl_table_intern(t, 1, txt, strlen(txt), &err);
	}
	snprintf(out, sizeof(out), "%s/rt.csv", dir);
	assert_int_equal(fl_csv_write(t, out, NULL, &err), 0);
	assert_int_equal(fl_csv_read(&back, out, NULL, &err), 0);
	assert_tables_equal(t, back);
	fl_table_free(t);
	fl_table_free(back);
}

static void test_gzip(void **s)
{
	char gz[4200];
	gzFile f;
	fl_table *t = NULL;
	fl_err err = FL_ERR_INIT;

	(void)s;
	snprintf(gz, sizeof(gz), "%s/t.csv.gz", dir);
	assert_non_null(f = gzopen(gz, "wb"));
	gzputs(f, "a,b\n1,x\n2,y\n");
	gzclose(f);
	assert_int_equal(fl_csv_read(&t, gz, NULL, &err), 0);
	assert_int_equal(t->n_rows, 2);
	assert_true(t->cols[0].num[1] == 2);
	fl_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_types_missing),
		cmocka_unit_test(test_rfc4180_quotes_crlf_bom),
		cmocka_unit_test(test_delimiter_tokens_header),
		cmocka_unit_test(test_type_override),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_chunked_equals_whole),
		cmocka_unit_test(test_number_parser_vs_strtod),
		cmocka_unit_test(test_write_read_round_trip),
		cmocka_unit_test(test_gzip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
