/* test_prepare.c - the prepare step kinds (lib/data/kind_*.c) run on small
 * tables through a minimal in-process runner, and the prepare chain
 * (fl_prep_apply): fitted on the training table only, re-applied to raw
 * data bit for bit, positioned errors, determinism across thread counts. */
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
#include <sys/stat.h>

#include "core/sha256.h"
#include "data/csv.h"
#include "data/h5table.h"
#include "data/prepare.h"
#include "data/transform.h"
#include "recipe/recipe.h"
#include "testutil.h"

static char *g_dir;  /* the test's folder */
static fl_err g_err; /* the last error */

static int setup(void **state)
{
	(void)state;
	g_dir = tu_tmpdir();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmrf(g_dir);
	free(g_dir);
	return 0;
}

static char *path_of(const char *rel)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", g_dir, rel) < 0)
		abort();
	return p;
}

/* Run one step of `r` (outputs into g_dir/<step>/) with `threads`. */
static int run_step(const fl_recipe *r, size_t s, int threads)
{
	const fl_step_def *st = &r->steps[s];
	fl_step_io io[16];
	char *paths[16], *out = path_of(st->name);
	int rc;

	mkdir(out, 0755);
	for (size_t i = 0; i < st->n_inputs; i++) {
		const fl_step_ref *x = &st->inputs[i];
		if (x->is_step) {
			const fl_step_def *u = &r->steps[x->index];
			if (asprintf(&paths[i], "%s/%s/%s", g_dir, u->name, u->outputs[x->output]) < 0)
				abort();
		} else {
			paths[i] = strdup(r->inputs[x->index].abs_path);
		}
		io[i] = (fl_step_io){ x->slot, paths[i] };
	}
	fl_step_ctx ctx = { st->name, io, st->n_inputs, (const char *const *)st->outputs,
			    st->n_outputs, st->params, st->node, r->seed, threads, NULL, out,
			    NULL };
	rc = st->kind->run(&ctx, &g_err);
	for (size_t i = 0; i < st->n_inputs; i++)
		free(paths[i]);
	free(out);
	return rc;
}

/* Load the recipe (inputs: csv -> in.csv, nc -> the coads file) and run
 * its steps in order; the status of the first failure (g_err has it). */
static int run_recipe(const char *steps, int threads)
{
	char *text = NULL;
	fl_recipe *r = NULL;
	int rc;

	if (asprintf(&text, "floe: 1\nname: t\nseed: 11\ninputs:\n  csv: in.csv\n"
			    "  nc: %s\nprepare:\n%s",
		     tu_repo_path("data/coads_climatology.cdf"), steps) < 0)
		abort();
	fl_err_clear(&g_err);
	rc = fl_recipe_load_buf(&r, text, strlen(text), "r.yaml", g_dir, &g_err);
	free(text);
	for (size_t i = 0; rc == 0 && i < r->n_steps; i++)
		rc = run_step(r, r->order[i], threads);
	fl_recipe_free(r);
	return rc;
}

static void must_run(const char *steps)
{
	if (run_recipe(steps, 2) < 0)
		fail_msg("%s", g_err.msg);
}

static fl_table *read_out(const char *rel)
{
	char *p = path_of(rel);
	fl_table *t = NULL;
	fl_err err = FL_ERR_INIT;

	if (fl_h5table_read(&t, p, &err) < 0)
		fail_msg("%s", err.msg);
	free(p);
	return t;
}

static int col(const fl_table *t, const char *name)
{
	int c = fl_table_find(t, name);

	if (c < 0)
		fail_msg("no column %s", name);
	return c;
}

/* 12 rows: cls (A x8, B x4), x (1..12, row 3 missing), g (u/v, row 5
 * missing), y = 2x. */
static void write_csv(void)
{
	char *p = path_of("in.csv");
	tu_write(p, "cls,x,g,y\nA,1,u,2\nA,2,v,4\nA,NA,u,6\nA,4,v,8\nA,5,NA,10\n"
		    "A,6,u,12\nA,7,v,14\nA,8,u,16\nB,9,v,18\nB,10,u,20\nB,11,v,22\n"
		    "B,12,u,24\n");
	free(p);
}

#define LOAD "  - name: raw\n    kind: load\n    inputs: [csv]\n"

static void test_load_csv(void **state)
{
	char *p = path_of("in.csv"), hex[FL_SHA256_HEX_LEN + 1], want[128];
	fl_h5table_reader *r = NULL;
	json_t *meta = NULL, *chain = NULL;
	fl_digest d;
	fl_err err = FL_ERR_INIT;

	(void)state;
	write_csv();
	must_run(LOAD);
	fl_table *t = read_out("raw/table.h5");
	assert_int_equal(t->n_rows, 12);
	assert_int_equal(t->n_cols, 4);
	assert_int_equal(t->cols[col(t, "x")].type, FL_COL_NUMERIC);
	assert_true(isnan(t->cols[col(t, "x")].num[2]));
	assert_int_equal(t->cols[col(t, "g")].codes[4], FL_MISSING_CODE);
	/* provenance: the CSV's digest and name, the step; an empty chain */
	assert_int_equal(fl_sha256_file(p, &d, &err), 0);
	fl_digest_hex(&d, hex);
	snprintf(want, sizeof(want), "sha256:%s in.csv", hex);
	free(p);
	p = path_of("raw/table.h5");
	assert_int_equal(fl_h5table_open(&r, p, &err), 0);
	assert_int_equal(fl_h5table_meta(r, &meta, &err), 0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(meta, "inputs"), 0)),
			    want);
	assert_string_equal(json_string_value(json_array_get(json_object_get(meta, "steps"), 0)),
			    "raw (load)");
	assert_int_equal(fl_prep_chain_read(&chain, p, &err), 0);
	assert_int_equal(json_array_size(chain), 0);
	json_decref(chain);
	json_decref(meta);
	fl_h5table_close(r);
	fl_table_free(t);
	free(p);
}

static void test_load_options(void **state)
{
	char *p = path_of("in.csv");

	(void)state;
	tu_write(p, "a;b\n1;-\n2;7\n");
	free(p);
	must_run(LOAD "    params: {delimiter: ';', na: ['-'], types: {a: categorical}}\n");
	fl_table *t = read_out("raw/table.h5");
	assert_int_equal(t->cols[0].type, FL_COL_CATEGORICAL);
	assert_true(isnan(t->cols[1].num[0]));
	assert_true(t->cols[1].num[1] == 7);
	fl_table_free(t);
	/* a bad type name is found when the recipe is read, at its place */
	assert_true(run_recipe(LOAD "    params: {types: {a: text}}\n", 1) < 0);
	assert_non_null(strstr(g_err.msg, "r.yaml:11:25: type of column 'a' must be numeric"));
}

static void test_load_netcdf(void **state)
{
	(void)state;
	must_run("  - name: raw\n    kind: load\n    inputs: [nc]\n"
		 "    params: {variables: [SST, AIRT], drop_missing: true}\n");
	fl_table *t = read_out("raw/table.h5");
	assert_int_equal(t->n_cols, 5); /* TIME, COADSY, COADSX, SST, AIRT */
	assert_true(t->n_rows > 0 && t->n_rows < 12 * 90 * 180);
	col(t, "SST");
	fl_table_free(t);
	assert_true(run_recipe("  - name: raw\n    kind: load\n    inputs: [nc]\n"
			       "    params: {variables: [SALINITY]}\n", 1) < 0);
	assert_non_null(strstr(g_err.msg, "r.yaml:11:25: step 'raw': "));
	assert_non_null(strstr(g_err.msg, "no variable 'SALINITY'"));
	assert_non_null(strstr(g_err.msg, "SST"));
}

static void test_columns_rows(void **state)
{
	(void)state;
	write_csv();
	must_run(LOAD "  - name: sel\n    kind: select\n    inputs: [raw]\n"
		      "    params: {columns: [y, cls]}\n"
		      "  - name: dr\n    kind: drop\n    inputs: [raw]\n    params: {columns: [y]}\n"
		      "  - name: na\n    kind: dropna\n    inputs: [raw]\n"
		      "  - name: fi\n    kind: filter\n    inputs: [raw]\n"
		      "    params: {expr: \"x >= 9 and g == u\"}\n");
	fl_table *s = read_out("sel/raw.h5"), *d = read_out("dr/raw.h5"),
		 *n = read_out("na/raw.h5"), *f = read_out("fi/raw.h5");
	assert_int_equal(s->n_cols, 2);
	assert_string_equal(s->cols[0].name, "y");
	assert_int_equal(d->n_cols, 3);
	assert_int_equal(fl_table_find(d, "y"), -1);
	assert_int_equal(n->n_rows, 10);
	assert_int_equal(f->n_rows, 2);
	assert_true(f->cols[col(f, "x")].num[0] == 10);
	fl_table_free(s);
	fl_table_free(d);
	fl_table_free(n);
	fl_table_free(f);
	/* a column that is not there: at its place, naming those that are */
	assert_true(run_recipe(LOAD "  - name: sel\n    kind: select\n    inputs: [raw]\n"
				    "    params: {columns: [y, clss]}\n", 1) < 0);
	assert_string_equal(g_err.msg, "r.yaml:14:27: step 'sel': input 'raw' has no column "
				       "'clss' (it has: cls, x, g, y)");
	assert_true(run_recipe(LOAD "  - name: fi\n    kind: filter\n    inputs: [raw]\n"
				    "    params: {expr: \"x >> 3\"}\n", 1) < 0);
	assert_non_null(strstr(g_err.msg, "r.yaml:14:20: step 'fi': filter 'x >> 3': at character 4"));
}

#define SPLIT LOAD "  - name: sp\n    kind: split\n    inputs: [raw]\n" \
		   "    params: {test: 0.25, stratify: cls}\n"
#define THREE "[sp/train.h5, sp/test.h5]"

static void test_split(void **state)
{
	(void)state;
	write_csv();
	must_run(SPLIT);
	fl_table *tr = read_out("sp/train.h5"), *va = read_out("sp/validation.h5"),
		 *te = read_out("sp/test.h5");
	assert_int_equal(te->n_rows, 3); /* round(8/4) A + round(4/4) B */
	assert_int_equal(va->n_rows, 0);
	assert_int_equal(tr->n_rows, 9);
	size_t b = 0;
	for (size_t i = 0; i < te->n_rows; i++)
		b += !strcmp(te->cols[0].levels[te->cols[0].codes[i]], "B");
	assert_int_equal(b, 1);
	fl_table_free(tr);
	fl_table_free(va);
	fl_table_free(te);
}

static void test_split_errors(void **state)
{
	char *p = path_of("in.csv");

	(void)state;
	tu_write(p, "cls,x\nA,1\nA,2\nA,3\nA,4\n");
	free(p);
	assert_true(run_recipe(SPLIT, 1) < 0);
	assert_string_equal(g_err.msg, "r.yaml:14:36: step 'sp': split: label column 'cls' has "
				       "only one class ('A'); stratifying needs at least 2");
	assert_true(run_recipe(LOAD "  - name: sp\n    kind: split\n    inputs: [raw]\n"
				    "    params: {test: 0.5, train: 0.6}\n", 1) < 0);
	assert_string_equal(g_err.msg, "r.yaml:14:32: train + validation + test = 1.1, not 1");
	assert_true(run_recipe(LOAD "  - name: sp\n    kind: split\n    inputs: [raw]\n"
				    "    params: {stratify: nope}\n", 1) < 0);
	assert_string_equal(g_err.msg, "r.yaml:14:24: step 'sp': the input has no column 'nope' "
				       "(it has: cls, x)");
}

/* The fitted kinds learn from the training table only: the test table is
 * scaled with the training mean and standard deviation. */
static void test_fitted_on_train(void **state)
{
	(void)state;
	write_csv();
	must_run(SPLIT "  - name: im\n    kind: impute\n    inputs: " THREE "\n"
		       "    params: {strategy: mean, exclude: [y]}\n"
		       "  - name: sc\n    kind: scale\n    inputs: [im/train.h5, im/test.h5]\n"
		       "    params: {columns: [x]}\n");
	fl_table *itr = read_out("im/train.h5"), *ite = read_out("im/test.h5"),
		 *str = read_out("sc/train.h5"), *ste = read_out("sc/test.h5");
	fl_col_stats s;
	int x = col(itr, "x");
	fl_col_stats_compute(itr, (size_t)x, &s);
	double sd = sqrt(s.m2 / (double)s.n); /* population std, as scikit-learn */
	for (size_t i = 0; i < ite->n_rows; i++)
		assert_true(fabs(ste->cols[x].num[i] - (ite->cols[x].num[i] - s.mean) / sd) < 1e-12);
	fl_col_stats_compute(str, (size_t)x, &s);
	assert_true(fabs(s.mean) < 1e-12);
	fl_col_stats_compute(ste, (size_t)x, &s);
	assert_true(fabs(s.mean) > 1e-6); /* not re-centred on the test rows */
	fl_table_free(itr);
	fl_table_free(ite);
	fl_table_free(str);
	fl_table_free(ste);
}

/* Impute on a table whose test part has a missing value: the fill is the
 * training median, whatever test holds. */
static void test_impute_value_from_train(void **state)
{
	char *p = path_of("in.csv");

	(void)state;
	/* train: x = 1, 2, 3 (median 2); test: x = 100, NA */
	tu_write(p, "part,x\ntr,1\ntr,2\ntr,3\nte,100\nte,NA\n");
	free(p);
	must_run(LOAD "  - name: tr\n    kind: filter\n    inputs: {train: raw}\n"
		      "    params: {expr: part == tr}\n"
		      "  - name: te\n    kind: filter\n    inputs: {test: raw}\n"
		      "    params: {expr: part == te}\n"
		      "  - name: im\n    kind: impute\n    inputs: {train: tr/train.h5, test: te/test.h5}\n"
		      "    params: {strategy: median}\n");
	fl_table *te = read_out("im/test.h5");
	assert_true(te->cols[1].num[1] == 2);
	fl_table_free(te);
}

static void test_encode_unknown(void **state)
{
	char *p = path_of("in.csv");

	(void)state;
	tu_write(p, "part,g\ntr,u\ntr,v\nte,w\n");
	free(p);
	const char *base = LOAD "  - name: tr\n    kind: filter\n    inputs: {train: raw}\n"
				"    params: {expr: part == tr}\n"
				"  - name: te\n    kind: filter\n    inputs: {test: raw}\n"
				"    params: {expr: part == te}\n"
				"  - name: en\n    kind: encode\n    inputs: {train: tr/train.h5, test: te/test.h5}\n"
				"    params: {columns: [g]";
	char *text = NULL;
	if (asprintf(&text, "%s}\n", base) < 0)
		abort();
	assert_true(run_recipe(text, 1) < 0);
	assert_non_null(strstr(g_err.msg, "step 'en' input 'test': encode: column 'g' row 1 has "
					  "the category 'w', not seen when fitting"));
	free(text);
	if (asprintf(&text, "%s, handle_unknown: ignore}\n", base) < 0)
		abort();
	must_run(text);
	free(text);
	fl_table *te = read_out("en/test.h5");
	assert_true(te->cols[col(te, "g=u")].num[0] == 0 && te->cols[col(te, "g=v")].num[0] == 0);
	fl_table_free(te);
}

static void test_fit_slot(void **state)
{
	(void)state;
	write_csv();
	assert_true(run_recipe(SPLIT "  - name: sc\n    kind: scale\n    inputs: [sp/test.h5]\n", 1) < 0);
	assert_string_equal(g_err.msg, "r.yaml:15:5: step 'sc' learns from its input 'train', "
				       "which it does not have (its inputs: test.h5); name the "
				       "training table 'train' or set 'fit'");
	must_run(SPLIT "  - name: sc\n    kind: scale\n    inputs: {a: sp/train.h5, b: sp/test.h5}\n"
		       "    params: {fit: a, exclude: [x]}\n");
	fl_table *b = read_out("sc/b.h5");
	assert_int_equal(b->n_rows, 3);
	fl_table_free(b);
}

/* Outputs follow inputs; two slots that would write one name are refused. */
static void test_per_input_outputs(void **state)
{
	(void)state;
	write_csv();
	assert_true(run_recipe(LOAD "  - name: na\n    kind: dropna\n"
				    "    inputs: {train: raw, train.h5: raw}\n", 1) < 0);
	assert_string_equal(g_err.msg, "r.yaml:13:36: step 'na': input 'train.h5' would write "
				       "'train.h5', as another input does; rename one");
	must_run(LOAD "  - name: na\n    kind: dropna\n    inputs: {a: raw, b.h5: raw}\n");
	fl_table *a = read_out("na/a.h5"), *b = read_out("na/b.h5");
	assert_int_equal(a->n_rows, b->n_rows);
	fl_table_free(a);
	fl_table_free(b);
}

static void test_kfold(void **state)
{
	(void)state;
	write_csv();
	must_run(LOAD "  - name: kf\n    kind: kfold\n    inputs: [raw]\n"
		      "    params: {k: 4, stratify: cls}\n");
	size_t total = 0;
	for (int f = 0; f < 4; f++) {
		char tr[64], te[64];
		snprintf(tr, sizeof(tr), "kf/folds/train_%d.h5", f);
		snprintf(te, sizeof(te), "kf/folds/test_%d.h5", f);
		fl_table *a = read_out(tr), *b = read_out(te);
		assert_int_equal(a->n_rows + b->n_rows, 12);
		assert_int_equal(b->n_rows, 3);
		total += b->n_rows;
		fl_table_free(a);
		fl_table_free(b);
	}
	assert_int_equal(total, 12);
}

static void test_rebalance(void **state)
{
	(void)state;
	write_csv();
	must_run(LOAD "  - name: rb\n    kind: rebalance\n    inputs: [raw]\n"
		      "    params: {label: cls, max_per_class: 6, min_per_class: 6}\n");
	fl_table *t = read_out("rb/raw.h5");
	size_t a = 0;
	assert_int_equal(t->n_rows, 12);
	for (size_t i = 0; i < t->n_rows; i++)
		a += !strcmp(t->cols[0].levels[t->cols[0].codes[i]], "A");
	assert_int_equal(a, 6);
	fl_table_free(t);
	assert_true(run_recipe(LOAD "  - name: rb\n    kind: rebalance\n    inputs: [raw]\n"
				    "    params: {label: cls, max_per_class: 2, min_per_class: 3}\n",
			       1) < 0);
	assert_non_null(strstr(g_err.msg, "r.yaml:14:59: 'min_per_class' (3) is above"));
}

static int same_tables(const fl_table *a, const fl_table *b)
{
	if (a->n_rows != b->n_rows || a->n_cols != b->n_cols)
		return 0;
	for (size_t c = 0; c < a->n_cols; c++) {
		if (strcmp(a->cols[c].name, b->cols[c].name) || a->cols[c].type != b->cols[c].type)
			return 0;
		if (a->cols[c].type == FL_COL_NUMERIC &&
		    memcmp(a->cols[c].num, b->cols[c].num, a->n_rows * sizeof(double)))
			return 0;
		for (size_t i = 0; a->cols[c].type == FL_COL_CATEGORICAL && i < a->n_rows; i++) {
			int32_t x = a->cols[c].codes[i], y = b->cols[c].codes[i];
			if ((x < 0) != (y < 0) ||
			    (x >= 0 && strcmp(a->cols[c].levels[x], b->cols[c].levels[y])))
				return 0;
		}
	}
	return 1;
}

#define CHAIN LOAD \
	"  - name: na\n    kind: dropna\n    inputs: {train: raw}\n    params: {columns: [g]}\n" \
	"  - name: im\n    kind: impute\n    inputs: [na/train.h5]\n    params: {strategy: median}\n" \
	"  - name: en\n    kind: encode\n    inputs: [im/train.h5]\n    params: {exclude: [cls]}\n" \
	"  - name: sc\n    kind: scale\n    inputs: [en/train.h5]\n    params: {exclude: [y]}\n" \
	"  - name: se\n    kind: select\n    inputs: [sc/train.h5]\n" \
	"    params: {columns: [cls, x, g=u, y]}\n"

/* The chain stored with the prepared table, applied to the raw table,
 * gives exactly the prepared table; without the label, the same less it. */
static void test_chain_replays(void **state)
{
	fl_table *raw = NULL, *ready = NULL, *nolabel = NULL, *ready2 = NULL;
	fl_prep_apply_opts o = FL_PREP_APPLY_OPTS_INIT;
	const char *label = "cls";
	uint32_t *rows = NULL;
	char *prepared = path_of("se/train.h5"), *csv = path_of("in.csv");
	fl_err err = FL_ERR_INIT;

	(void)state;
	write_csv();
	must_run(CHAIN);
	fl_table *want = read_out("se/train.h5");
	assert_int_equal(fl_csv_read(&raw, csv, NULL, &err), 0);
	if (fl_prep_apply_file(&ready, &rows, raw, prepared, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(same_tables(ready, want));
	assert_int_equal(ready->n_rows, 11); /* dropna removed row 4 */
	assert_int_equal(rows[3], 3);
	assert_int_equal(rows[4], 5);
	free(rows);
	/* new data without the label: the same features, no label column */
	assert_int_equal(fl_tf_drop(&nolabel, raw, &label, 1, &err), 0);
	o.label = "cls";
	if (fl_prep_apply_file(&ready2, NULL, nolabel, prepared, &o, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(ready2->n_cols, want->n_cols - 1);
	assert_int_equal(fl_table_find(ready2, "cls"), -1);
	assert_int_equal(memcmp(ready2->cols[col(ready2, "x")].num, want->cols[col(want, "x")].num,
				want->n_rows * sizeof(double)), 0);
	fl_table_free(ready2);
	ready2 = NULL;
	/* without saying which column is the label: an error naming it */
	assert_true(fl_prep_apply_file(&ready2, NULL, nolabel, prepared, NULL, &err) < 0);
	assert_non_null(strstr(err.msg, "prepare step 'se': select: no column 'cls'"));
	fl_table_free(want);
	fl_table_free(ready);
	fl_table_free(nolabel);
	fl_table_free(raw);
	free(prepared);
	free(csv);
}

static char *file_digest(const char *rel)
{
	char *p = path_of(rel), *hex = malloc(FL_SHA256_HEX_LEN + 1);
	fl_digest d;
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_sha256_file(p, &d, &err), 0);
	fl_digest_hex(&d, hex);
	free(p);
	return hex;
}

/* Same recipe, 1 and 2 threads, twice: the same bytes. */
static void test_deterministic(void **state)
{
	static const char *files[] = { "raw/table.h5", "sp/train.h5", "sp/test.h5", "im/train.h5",
				       "im/test.h5", NULL };
	const char *steps = SPLIT "  - name: im\n    kind: impute\n    inputs: " THREE "\n"
				  "    params: {strategy: most_frequent}\n";
	char *first[8];

	(void)state;
	write_csv();
	assert_int_equal(run_recipe(steps, 1), 0);
	for (int i = 0; files[i]; i++)
		first[i] = file_digest(files[i]);
	assert_int_equal(run_recipe(steps, 2), 0);
	for (int i = 0; files[i]; i++) {
		char *again = file_digest(files[i]);
		assert_string_equal(first[i], again);
		free(again);
		free(first[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_netcdf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fitted_on_train, setup, teardown),
		cmocka_unit_test_setup_teardown(test_impute_value_from_train, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encode_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fit_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_input_outputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kfold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rebalance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_replays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
