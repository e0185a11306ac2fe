/* h5read.c - reading HDF5 (declared in h5table.h): floe tables streamed in
 * row chunks, any dataset as a table, and a listing of a file's datasets. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/h5table.h"
#include "data/h5util.h"

struct fl_h5table_reader {
	hid_t file;         /* open file */
	hid_t *dsets;       /* one per column (-1 until opened) */
	size_t n_dsets;     /* slots in dsets */
	fl_table *schema;   /* names, types, levels */
	uint64_t n_rows;    /* rows in the file */
	uint64_t pos;       /* next row to read */
	char *path;         /* for messages */
};

/* Open an HDF5 file read-only with a clear message when it is not one. */
static int open_h5(const char *path, hid_t *out, fl_err *err)
{
	FILE *fp = fopen(path, "rb");
	htri_t is;

	fl_h5_quiet();
	if (!fp)
		return fl_err_sys(err, errno, "%s", path);
	fclose(fp);
	if ((is = H5Fis_hdf5(path)) <= 0)
		return fl_err_set(err, FL_EINVAL, "%s: not an HDF5 file%s", path,
				  is == 0 ? " (no HDF5 signature)" : "");
	if ((*out = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
		return fl_h5_fail(err, path);
	return 0;
}

int fl_h5table_is_table(const char *path)
{
	hid_t f;
	char *fmt;
	int yes;

	if (open_h5(path, &f, NULL) < 0)
		return 0;
	fmt = fl_h5_attr_get_str(f, "floe_format");
	yes = fmt && !strcmp(fmt, FL_H5TABLE_FORMAT);
	free(fmt);
	H5Fclose(f);
	return yes;
}

static int read_levels(fl_h5table_reader *r, size_t c, const char *esc, fl_err *err)
{
	char link[4096], **lv = NULL;
	size_t n = 0;
	hid_t d;
	int rc;

	snprintf(link, sizeof(link), "levels/%s", esc);
	if ((d = H5Dopen2(r->file, link, H5P_DEFAULT)) < 0)
		return fl_err_set(err, FL_EINVAL, "%s: categorical column '%s' has no level list",
				  r->path, r->schema->cols[c].name);
	rc = fl_h5_read_strs(d, 0, &lv, &n, err);
	H5Dclose(d);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int32_t v = fl_table_intern(r->schema, c, lv[i], strlen(lv[i]), err);
		if (v >= 0 && (size_t)v != i)
			rc = fl_err_set(err, FL_EINVAL, "%s: column '%s' lists level '%s' twice",
					r->path, r->schema->cols[c].name, lv[i]);
		else if (v < 0)
			rc = v;
	}
	fl_names_free(lv, n);
	return rc;
}

static int open_column(fl_h5table_reader *r, size_t c, const char *name, fl_err *err)
{
	char link[4096], *esc = fl_h5_escape(name), *kind = NULL;
	int rc = 0, idx;
	hid_t sp;

	if (!esc)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	snprintf(link, sizeof(link), "columns/%s", esc);
	if ((r->dsets[c] = H5Dopen2(r->file, link, H5P_DEFAULT)) < 0) {
		rc = fl_err_set(err, FL_EINVAL, "%s: column '%s' is listed but has no dataset", r->path, name);
		goto cleanup;
	}
	kind = fl_h5_attr_get_str(r->dsets[c], "kind");
	fl_col_type type = kind && !strcmp(kind, "categorical") ? FL_COL_CATEGORICAL : FL_COL_NUMERIC;
	if ((idx = fl_table_add_column(r->schema, name, type, err)) < 0) {
		rc = idx;
		goto cleanup;
	}
	sp = H5Dget_space(r->dsets[c]);
	hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
	if (sp >= 0)
		H5Sclose(sp);
	if (n < 0 || (uint64_t)n != r->n_rows)
		rc = fl_err_set(err, FL_EINVAL, "%s: column '%s' has %lld rows, the table %llu",
				r->path, name, (long long)n, (unsigned long long)r->n_rows);
	else if (type == FL_COL_CATEGORICAL)
		rc = read_levels(r, c, esc, err);
cleanup:
	free(kind);
	free(esc);
	return rc;
}

static int read_header(fl_h5table_reader *r, fl_err *err)
{
	char *fmt = fl_h5_attr_get_str(r->file, "floe_format"), **names = NULL;
	size_t n = 0;
	hid_t d = -1, a = -1;
	int rc = 0;

	if (!fmt || strcmp(fmt, FL_H5TABLE_FORMAT)) {
		rc = fl_err_set(err, FL_EINVAL,
				"%s: an HDF5 file but not a floe table (no floe_format attribute); read one of its datasets instead",
				r->path);
		goto cleanup;
	}
	if ((a = H5Aopen(r->file, "n_rows", H5P_DEFAULT)) < 0 ||
	    H5Aread(a, H5T_NATIVE_UINT64, &r->n_rows) < 0 ||
	    (d = H5Dopen2(r->file, "column_names", H5P_DEFAULT)) < 0 ||
	    fl_h5_read_strs(d, 0, &names, &n, err) < 0) {
		rc = fl_err_set(err, FL_EINVAL, "%s: damaged floe table (no n_rows or column_names)", r->path);
		goto cleanup;
	}
	if ((rc = fl_table_new(&r->schema, err)) < 0)
		goto cleanup;
	if (!(r->dsets = malloc((n + 1) * sizeof(hid_t)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	for (size_t c = 0; c < n; c++)
		r->dsets[c] = -1;
	r->n_dsets = n;
	for (size_t c = 0; c < n && rc == 0; c++)
		rc = open_column(r, c, names[c], err);
cleanup:
	if (a >= 0)
		H5Aclose(a);
	if (d >= 0)
		H5Dclose(d);
	fl_names_free(names, n);
	free(fmt);
	return rc;
}

int fl_h5table_open(fl_h5table_reader **out, const char *path, fl_err *err)
{
	fl_h5table_reader *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (!r || !(r->path = strdup(path))) {
		free(r);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	r->file = -1;
	if ((rc = open_h5(path, &r->file, err)) < 0 || (rc = read_header(r, err)) < 0) {
		fl_h5table_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

const fl_table *fl_h5table_schema(const fl_h5table_reader *r)
{
	return r->schema;
}

uint64_t fl_h5table_n_rows(const fl_h5table_reader *r)
{
	return r->n_rows;
}

static int read_rows(hid_t d, hid_t memtype, uint64_t start, size_t n, void *buf)
{
	hsize_t st[1] = { start }, cnt[1] = { n };
	hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, cnt, NULL);
	int rc = 0;

	if (fs < 0 || ms < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, st, NULL, cnt, NULL) < 0 ||
	    H5Dread(d, memtype, ms, fs, H5P_DEFAULT, buf) < 0)
		rc = -1;
	if (ms >= 0)
		H5Sclose(ms);
	if (fs >= 0)
		H5Sclose(fs);
	return rc;
}

int fl_h5table_next(fl_h5table_reader *r, size_t max_rows, fl_table **out,
		    fl_err *err)
{
	fl_table *t = NULL;
	size_t n = r->n_rows - r->pos < max_rows ? (size_t)(r->n_rows - r->pos) : max_rows;
	int rc;

	*out = NULL;
	if (n == 0)
		return 0;
	if ((rc = fl_table_clone_schema(&t, r->schema, err)) < 0 ||
	    (rc = fl_table_add_rows(t, n, err)) < 0)
		goto fail;
	for (size_t c = 0; c < t->n_cols; c++) {
		fl_column *col = &t->cols[c];
		int num = col->type == FL_COL_NUMERIC;
		if (read_rows(r->dsets[c], num ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT32, r->pos, n,
			      num ? (void *)col->num : (void *)col->codes) < 0) {
			rc = fl_h5_fail(err, r->path);
			goto fail;
		}
		for (size_t i = 0; !num && i < n; i++)
			if (col->codes[i] < FL_MISSING_CODE || col->codes[i] >= (int32_t)col->n_levels) {
				rc = fl_err_set(err, FL_EINVAL, "%s: column '%s' row %llu: level %d out of range",
						r->path, col->name, (unsigned long long)(r->pos + i + 1),
						col->codes[i]);
				goto fail;
			}
	}
	r->pos += n;
	*out = t;
	return 0;
fail:
	fl_table_free(t);
	return rc;
}

static json_t *str_array_attr(hid_t obj, const char *name)
{
	json_t *arr = json_array();
	char **v = NULL;
	size_t n = 0;
	hid_t a;

	if (H5Aexists(obj, name) > 0 && (a = H5Aopen(obj, name, H5P_DEFAULT)) >= 0) {
		if (fl_h5_read_strs(a, 1, &v, &n, NULL) == 0)
			for (size_t i = 0; i < n; i++)
				json_array_append_new(arr, json_string(v[i]));
		fl_names_free(v, n);
		H5Aclose(a);
	}
	return arr;
}

int fl_h5table_meta(const fl_h5table_reader *r, json_t **out, fl_err *err)
{
	char *fitted = fl_h5_attr_get_str(r->file, "floe_fitted");
	json_t *fj = fitted ? json_loads(fitted, 0, NULL) : NULL;

	free(fitted);
	*out = json_pack("{s:s, s:I, s:o, s:o, s:o}", "format", FL_H5TABLE_FORMAT, "n_rows",
			 (json_int_t)r->n_rows, "inputs", str_array_attr(r->file, "floe_inputs"),
			 "steps", str_array_attr(r->file, "floe_steps"), "fitted",
			 fj ? fj : json_null());
	return *out ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");
}

void fl_h5table_close(fl_h5table_reader *r)
{
	if (!r)
		return;
	for (size_t c = 0; r->dsets && c < r->n_dsets; c++)
		if (r->dsets[c] >= 0)
			H5Dclose(r->dsets[c]);
	if (r->file >= 0)
		H5Fclose(r->file);
	free(r->dsets);
	fl_table_free(r->schema);
	free(r->path);
	free(r);
}

int fl_h5table_read(fl_table **out, const char *path, fl_err *err)
{
	fl_h5table_reader *r = NULL;
	fl_table *t = NULL;
	int rc;

	*out = NULL;
	if ((rc = fl_h5table_open(&r, path, err)) < 0)
		return rc;
	rc = fl_h5table_next(r, (size_t)fl_h5table_n_rows(r), &t, err);
	if (rc == 0 && !t)
		rc = fl_table_clone_schema(&t, r->schema, err);
	fl_h5table_close(r);
	if (rc == 0)
		*out = t;
	return rc;
}
