/* info.c - describing a data file (declared in load.h): per-column counts,
 * missing values, mean, standard deviation and range, streamed chunk by
 * chunk with a fixed merge order. */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/load.h"

/* Running statistics over chunks of the same columns. */
typedef struct acc {
	fl_table *levels;   /* schema; categorical levels seen so far */
	fl_col_stats *st;   /* per column */
	uint64_t rows;      /* rows seen */
} acc;

static int acc_init(acc *a, const fl_table *schema, fl_err *err)
{
	int rc;

	memset(a, 0, sizeof(*a));
	if ((rc = fl_table_clone_schema(&a->levels, schema, err)) < 0)
		return rc;
	if (!(a->st = calloc(schema->n_cols + 1, sizeof(*a->st))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t c = 0; c < schema->n_cols; c++)
		a->st[c].mean = a->st[c].min = a->st[c].max = NAN;
	return 0;
}

static int acc_add(acc *a, const fl_table *t, fl_err *err)
{
	for (size_t c = 0; c < t->n_cols; c++) {
		fl_col_stats s;
		const fl_column *col = &t->cols[c];
		fl_col_stats_compute(t, c, &s);
		fl_col_stats_merge(&a->st[c], &s);
		for (size_t l = 0; col->type == FL_COL_CATEGORICAL && l < col->n_levels; l++) {
			int32_t v = fl_table_intern(a->levels, c, col->levels[l], strlen(col->levels[l]), err);
			if (v < 0)
				return v;
		}
	}
	a->rows += t->n_rows;
	return 0;
}

static void acc_free(acc *a)
{
	fl_table_free(a->levels);
	free(a->st);
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *acc_json(const acc *a)
{
	json_t *cols = json_array();

	for (size_t c = 0; c < a->levels->n_cols; c++) {
		const fl_column *col = &a->levels->cols[c];
		const fl_col_stats *s = &a->st[c];
		json_t *o;
		if (col->type == FL_COL_CATEGORICAL)
			o = json_pack("{s:s, s:s, s:I, s:I, s:I}", "name", col->name, "type",
				      "categorical", "count", (json_int_t)s->n, "missing",
				      (json_int_t)s->n_missing, "n_levels", (json_int_t)col->n_levels);
		else
			o = json_pack("{s:s, s:s, s:I, s:I, s:o, s:o, s:o, s:o}", "name", col->name,
				      "type", "numeric", "count", (json_int_t)s->n, "missing",
				      (json_int_t)s->n_missing, "mean", num(s->mean), "std",
				      num(fl_col_stats_std(s)), "min", num(s->min), "max", num(s->max));
		json_array_append_new(cols, o);
	}
	return cols;
}

static int info_csv(const char *path, const fl_load_opts *o, json_t *out, fl_err *err)
{
	fl_csv_reader *r = NULL;
	fl_table *t = NULL;
	acc a = { 0 };
	int rc;

	if ((rc = fl_csv_open(&r, path, &o->csv, err)) < 0 ||
	    (rc = acc_init(&a, fl_csv_schema(r), err)) < 0)
		goto cleanup;
	while ((rc = fl_csv_next(r, &t, err)) == 0 && t)
		if ((rc = acc_add(&a, t, err)) < 0)
			goto cleanup;
	if (rc == 0) {
		json_object_set_new(out, "n_rows", json_integer((json_int_t)a.rows));
		json_object_set_new(out, "columns", acc_json(&a));
	}
cleanup:
	acc_free(&a);
	fl_csv_close(r);
	return rc;
}

static int info_table(const fl_table *t, json_t *out, fl_err *err)
{
	acc a = { 0 };
	int rc;

	if ((rc = acc_init(&a, t, err)) == 0 && (rc = acc_add(&a, t, err)) == 0) {
		json_object_set_new(out, "n_rows", json_integer((json_int_t)a.rows));
		json_object_set_new(out, "columns", acc_json(&a));
	}
	acc_free(&a);
	return rc;
}

static int info_h5table(const char *path, json_t *out, fl_err *err)
{
	fl_h5table_reader *r = NULL;
	fl_table *t = NULL;
	json_t *meta = NULL;
	acc a = { 0 };
	int rc;

	if ((rc = fl_h5table_open(&r, path, err)) < 0 ||
	    (rc = acc_init(&a, fl_h5table_schema(r), err)) < 0)
		goto cleanup;
	while ((rc = fl_h5table_next(r, 65536, &t, err)) == 0 && t) {
		rc = acc_add(&a, t, err);
		fl_table_free(t);
		if (rc < 0)
			goto cleanup;
	}
	if (rc == 0 && (rc = fl_h5table_meta(r, &meta, err)) == 0) {
		json_object_set_new(out, "n_rows", json_integer((json_int_t)a.rows));
		json_object_set_new(out, "columns", acc_json(&a));
		json_object_set_new(out, "provenance", meta);
	}
cleanup:
	acc_free(&a);
	fl_h5table_close(r);
	return rc;
}

static int info_h5(const char *path, const fl_load_opts *o, json_t *out, fl_err *err)
{
	fl_table *t = NULL;
	json_t *list = NULL;
	int rc;

	if (!o->dataset && fl_h5table_is_table(path))
		return info_h5table(path, out, err);
	if (o->dataset) {
		if ((rc = fl_h5_read_dataset(&t, path, o->dataset, err)) == 0)
			rc = info_table(t, out, err);
		fl_table_free(t);
		return rc;
	}
	if ((rc = fl_h5_list(path, &list, err)) == 0)
		json_object_set_new(out, "datasets", list);
	return rc;
}

static int info_nc(const char *path, const fl_load_opts *o, json_t *out, fl_err *err)
{
	fl_table *t = NULL;
	json_t *d = NULL;
	int rc;

	if ((rc = fl_nc_describe(path, &d, err)) < 0)
		return rc;
	json_object_update(out, d);
	json_decref(d);
	if ((rc = fl_nc_read(&t, path, &o->nc, err)) == 0)
		rc = info_table(t, out, err);
	fl_table_free(t);
	return rc;
}

int fl_data_info(const char *path, const fl_load_opts *opts, json_t **out,
		 fl_err *err)
{
	fl_load_opts def = FL_LOAD_OPTS_INIT;
	const fl_load_opts *o = opts ? opts : &def;
	fl_format f;
	json_t *j;
	int rc;

	*out = NULL;
	if ((rc = fl_format_detect(path, o->format, &f, err)) < 0)
		return rc;
	if (!(j = json_pack("{s:s, s:s}", "path", path, "format", fl_format_name(f))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (f == FL_FORMAT_CSV)
		rc = info_csv(path, o, j, err);
	else if (f == FL_FORMAT_HDF5)
		rc = info_h5(path, o, j, err);
	else
		rc = info_nc(path, o, j, err);
	if (rc < 0) {
		json_decref(j);
		return rc;
	}
	*out = j;
	return 0;
}
