/* test_transform.c - select/drop/dropna/filter, impute, encode, scale:
 * values against hand computation, fitted JSON that re-applies exactly
 * after a text round trip, and the error messages. */
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

#include "data/transform.h"

#define assert_close(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* island (categorical), mass (numeric, one missing), sex (one missing). */
static fl_table *penguinish(void)
{
	static const char *isl[] = { "Dream", "Biscoe", "Dream", "Torgersen", "Biscoe", "Dream" };
	static const char *sex[] = { "m", "f", NULL, "f", "m", "f" };
	static const double mass[] = { 3000, 4000, NAN, 3500, 5000, 3000 };
	fl_table *t = NULL;
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_table_new(&t, &err), 0);
	fl_table_add_column(t, "island", FL_COL_CATEGORICAL, &err);
	fl_table_add_column(t, "mass", FL_COL_NUMERIC, &err);
	fl_table_add_column(t, "sex", FL_COL_CATEGORICAL, &err);
	assert_int_equal(fl_table_add_rows(t, 6, &err), 0);
	for (int i = 0; i < 6; i++) {
		t->cols[0].codes[i] = fl_table_intern(t, 0, isl[i], strlen(isl[i]), &err);
		t->cols[1].num[i] = mass[i];
		t->cols[2].codes[i] = sex[i] ? fl_table_intern(t, 2, sex[i], 1, &err) : -1;
	}
	return t;
}

static const char *cat(const fl_table *t, size_t c, size_t i)
{
	return t->cols[c].codes[i] < 0 ? NULL : t->cols[c].levels[t->cols[c].codes[i]];
}

/* Dump, parse again, apply: must equal applying the original. */
static fl_table *apply_via_text(const json_t *fit, const fl_table *t)
{
	char *text = fl_tf_dumps(fit);
	json_t *back = json_loads(text, 0, NULL);
	fl_table *a = NULL, *b = NULL;
	fl_err err = FL_ERR_INIT;

	assert_non_null(back);
	assert_int_equal(fl_tf_apply(&a, t, fit, &err), 0);
	assert_int_equal(fl_tf_apply(&b, t, back, &err), 0);
	assert_int_equal(a->n_cols, b->n_cols);
	for (size_t c = 0; c < a->n_cols; c++)
		if (a->cols[c].type == FL_COL_NUMERIC)
			for (size_t i = 0; i < a->n_rows; i++)
				assert_true((isnan(a->cols[c].num[i]) && isnan(b->cols[c].num[i])) ||
					    !memcmp(&a->cols[c].num[i], &b->cols[c].num[i], sizeof(double)));
	char *again = fl_tf_dumps(back);
	assert_string_equal(text, again); /* canonical text is stable */
	free(again);
	free(text);
	json_decref(back);
	fl_table_free(b);
	return a;
}

static void test_select_drop_dropna(void **s)
{
	fl_table *t = penguinish(), *r = NULL;
	fl_err err = FL_ERR_INIT;
	const char *sel[] = { "sex", "mass" };

	(void)s;
	assert_int_equal(fl_tf_select(&r, t, sel, 2, &err), 0);
	assert_string_equal(r->cols[0].name, "sex");
	assert_int_equal(r->n_cols, 2);
	fl_table_free(r);
	assert_int_equal(fl_tf_drop(&r, t, sel, 1, &err), 0);
	assert_int_equal(r->n_cols, 2);
	assert_string_equal(r->cols[1].name, "mass");
	fl_table_free(r);
	const char *bad[] = { "flipper" };
	assert_int_equal(fl_tf_select(&r, t, bad, 1, &err), FL_EINVAL);
	assert_string_equal(err.msg, "select: no column 'flipper' (the table has: island, mass, sex)");
	t->cols[1].num[0] = NAN; /* mass missing in rows 0 and 2, sex in row 2 */
	assert_int_equal(fl_tf_dropna(&r, t, NULL, &err), 0);
	assert_int_equal(r->n_rows, 4);
	assert_true(r->cols[1].num[0] == 4000);
	fl_table_free(r);
	fl_cols only_sex = { (const char *[]){ "sex" }, 1, NULL, 0 };
	assert_int_equal(fl_tf_dropna(&r, t, &only_sex, &err), 0);
	assert_int_equal(r->n_rows, 5);
	fl_table_free(r);
	fl_table_free(t);
}

static void test_filter(void **s)
{
	fl_table *t = penguinish(), *r = NULL;
	fl_err err = FL_ERR_INIT;

	(void)s;
	assert_int_equal(fl_tf_filter(&r, t, "mass >= 3500 and island != Dream", &err), 0);
	assert_int_equal(r->n_rows, 3);
	fl_table_free(r);
	assert_int_equal(fl_tf_filter(&r, t, "`island` == 'Dream'", &err), 0);
	assert_int_equal(r->n_rows, 3);
	fl_table_free(r);
	assert_int_equal(fl_tf_filter(&r, t, "mass is missing", &err), 0);
	assert_int_equal(r->n_rows, 1);
	fl_table_free(r);
	assert_int_equal(fl_tf_filter(&r, t, "sex is not missing and mass < 3.5e3", &err), 0);
	assert_int_equal(r->n_rows, 2);
	fl_table_free(r);
	assert_int_equal(fl_tf_filter(&r, t, "island == Atlantis", &err), 0);
	assert_int_equal(r->n_rows, 0);
	fl_table_free(r);
	assert_int_equal(fl_tf_filter(&r, t, "mass >> 3", &err), FL_EINVAL);
	assert_string_equal(err.msg, "filter 'mass >> 3': at character 7: expected a column name or a value");
	assert_int_equal(fl_tf_filter(&r, t, "mass == heavy", &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "a numeric column is compared with a number"));
	assert_int_equal(fl_tf_filter(&r, t, "island < Dream", &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "a categorical column takes only == and !="));
	assert_int_equal(fl_tf_filter(&r, t, "depth > 3", &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "no column 'depth'"));
	assert_int_equal(fl_tf_filter(&r, t, "mass > 3 or mass < 2", &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "expected 'and' or the end"));
	fl_table_free(t);
}

static void test_impute(void **s)
{
	fl_table *t = penguinish(), *r;
	fl_err err = FL_ERR_INIT;
	fl_impute_opts o = FL_IMPUTE_OPTS_INIT;
	json_t *fit = NULL;

	(void)s;
	assert_int_equal(fl_impute_fit(&fit, t, &o, &err), 0);
	r = apply_via_text(fit, t);
	assert_close(r->cols[1].num[2], (3000 + 4000 + 3500 + 5000 + 3000) / 5.0, 1e-9);
	assert_null(cat(r, 2, 2)); /* mean leaves categorical columns alone */
	fl_table_free(r);
	json_decref(fit);
	o.strategy = FL_IMPUTE_MEDIAN;
	assert_int_equal(fl_impute_fit(&fit, t, &o, &err), 0);
	r = apply_via_text(fit, t);
	assert_true(r->cols[1].num[2] == 3500);
	fl_table_free(r);
	json_decref(fit);
	o.strategy = FL_IMPUTE_MOST_FREQUENT;
	assert_int_equal(fl_impute_fit(&fit, t, &o, &err), 0);
	r = apply_via_text(fit, t);
	assert_true(r->cols[1].num[2] == 3000);
	assert_string_equal(cat(r, 2, 2), "f");
	fl_table_free(r);
	json_decref(fit);
	o.strategy = FL_IMPUTE_CONSTANT;
	o.fill_number = -1;
	o.fill_text = "unknown";
	assert_int_equal(fl_impute_fit(&fit, t, &o, &err), 0);
	r = apply_via_text(fit, t);
	assert_true(r->cols[1].num[2] == -1);
	assert_string_equal(cat(r, 2, 2), "unknown");
	fl_table_free(r);
	json_decref(fit);
	fl_impute_opts bad = FL_IMPUTE_OPTS_INIT;
	bad.cols.names = (const char *[]){ "sex" };
	bad.cols.n = 1;
	assert_int_equal(fl_impute_fit(&fit, t, &bad, &err), FL_EINVAL);
	assert_string_equal(err.msg, "impute: column 'sex' is categorical; mean needs numbers (use most_frequent or constant)");
	fl_impute_strategy st;
	assert_int_equal(fl_impute_strategy_parse("avg", &st, &err), FL_EINVAL);
	assert_string_equal(err.msg, "unknown impute strategy 'avg' (use one of: mean, median, most_frequent, constant)");
	fl_table_free(t);
}

static void test_encode(void **s)
{
	fl_table *t = penguinish(), *r, *other = NULL;
	fl_err err = FL_ERR_INIT;
	fl_encode_opts o = FL_ENCODE_OPTS_INIT;
	json_t *fit = NULL;

	(void)s;
	o.cols.exclude = (const char *[]){ "sex" };
	o.cols.n_exclude = 1;
	assert_int_equal(fl_encode_fit(&fit, t, &o, &err), 0);
	r = apply_via_text(fit, t);
	assert_int_equal(r->n_cols, 2 + 3);
	assert_string_equal(r->cols[0].name, "island=Biscoe"); /* sorted, in place */
	assert_string_equal(r->cols[2].name, "island=Torgersen");
	assert_string_equal(r->cols[3].name, "mass");
	assert_true(r->cols[0].num[1] == 1 && r->cols[1].num[1] == 0 && r->cols[1].num[0] == 1);
	fl_table_free(r);
	/* new data with an unseen island */
	assert_int_equal(fl_table_copy(&other, t, &err), 0);
	other->cols[0].codes[0] = fl_table_intern(other, 0, "Atlantis", 8, &err);
	assert_int_equal(fl_tf_apply(&r, other, fit, &err), FL_EINVAL);
	assert_string_equal(err.msg, "encode: column 'island' row 1 has the category 'Atlantis', not seen when fitting (handle_unknown: ignore allows it)");
	json_object_set_new(fit, "handle_unknown", json_string("ignore"));
	assert_int_equal(fl_tf_apply(&r, other, fit, &err), 0);
	assert_true(r->cols[0].num[0] == 0 && r->cols[1].num[0] == 0 && r->cols[2].num[0] == 0);
	fl_table_free(r);
	json_decref(fit);
	o.method = FL_ENCODE_ORDINAL;
	assert_int_equal(fl_encode_fit(&fit, t, &o, &err), 0);
	r = apply_via_text(fit, t);
	assert_int_equal(r->cols[0].type, FL_COL_NUMERIC);
	assert_true(r->cols[0].num[0] == 1 && r->cols[0].num[3] == 2);
	fl_table_free(r);
	json_decref(fit);
	fl_table_free(other);
	fl_encode_opts bad = FL_ENCODE_OPTS_INIT;
	bad.cols.names = (const char *[]){ "mass" };
	bad.cols.n = 1;
	assert_int_equal(fl_encode_fit(&fit, t, &bad, &err), FL_EINVAL);
	assert_string_equal(err.msg, "encode: column 'mass' is numeric; it needs a categorical column");
	fl_table_free(t);
}

static void test_scale(void **s)
{
	fl_table *t = penguinish(), *r;
	fl_err err = FL_ERR_INIT;
	fl_scale_opts o = FL_SCALE_OPTS_INIT;
	json_t *fit = NULL;
	const double v[] = { 3000, 4000, 3500, 5000, 3000 }; /* non-missing */
	double mean = 3700, var = 0;

	(void)s;
	for (int i = 0; i < 5; i++)
		var += (v[i] - mean) * (v[i] - mean) / 5;
	assert_int_equal(fl_scale_fit(&fit, t, &o, &err), 0);
	r = apply_via_text(fit, t);
	assert_close(r->cols[1].num[0], (3000 - mean) / sqrt(var), 1e-12);
	assert_true(isnan(r->cols[1].num[2]));
	fl_table_free(r);
	json_decref(fit);
	o.method = FL_SCALE_MINMAX;
	assert_int_equal(fl_scale_fit(&fit, t, &o, &err), 0);
	r = apply_via_text(fit, t);
	assert_true(r->cols[1].num[0] == 0 && r->cols[1].num[4] == 1 && r->cols[1].num[3] == 0.25);
	fl_table_free(r);
	json_decref(fit);
	o.method = FL_SCALE_ROBUST; /* sorted 3000 3000 3500 4000 5000: q25 3000, q50 3500, q75 4000 */
	assert_int_equal(fl_scale_fit(&fit, t, &o, &err), 0);
	r = apply_via_text(fit, t);
	assert_true(r->cols[1].num[4] == 1.5);
	fl_table_free(r);
	/* applying to a table without the column */
	const char *keep[] = { "island" };
	fl_table *u = NULL;
	assert_int_equal(fl_tf_select(&u, t, keep, 1, &err), 0);
	assert_int_equal(fl_tf_apply(&r, u, fit, &err), FL_EINVAL);
	assert_string_equal(err.msg, "scale: no column 'mass' (the table has: island)");
	fl_table_free(u);
	json_decref(fit);
	fl_table_free(t);
}

static void test_apply_all_and_json_form(void **s)
{
	fl_table *t = penguinish(), *r = NULL;
	fl_err err = FL_ERR_INIT;
	json_t *list = json_loads("[{\"kind\":\"dropna\",\"columns\":[\"sex\"]},"
				  "{\"kind\":\"filter\",\"expr\":\"mass > 3000\"},"
				  "{\"kind\":\"drop\",\"columns\":[\"sex\"]},"
				  "{\"kind\":\"scale\",\"method\":\"minmax\",\"columns\":"
				  "[{\"name\":\"mass\",\"center\":3000,\"scale\":2000}]}]",
				  0, NULL);

	(void)s;
	assert_non_null(list);
	assert_int_equal(fl_tf_apply_all(&r, t, list, &err), 0);
	assert_int_equal(r->n_rows, 3);
	assert_int_equal(r->n_cols, 2);
	assert_true(r->cols[1].num[0] == 0.5 && r->cols[1].num[2] == 1);
	fl_table_free(r);
	json_array_append_new(list, json_pack("{s:s}", "kind", "normalise"));
	assert_int_equal(fl_tf_apply_all(&r, t, list, &err), FL_EINVAL);
	assert_string_equal(err.msg, "transform 5: unknown transform kind 'normalise' (select, drop, dropna, filter, impute, encode, scale)");
	/* canonical text: sorted keys, %.17g doubles */
	json_t *one = json_pack("{s:s, s:f}", "kind", "x", "a", 0.1);
	char *text = fl_tf_dumps(one);
	assert_string_equal(text, "{\"a\":0.10000000000000001,\"kind\":\"x\"}");
	free(text);
	json_decref(one);
	json_decref(list);
	fl_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select_drop_dropna),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_impute),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_apply_all_and_json_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
