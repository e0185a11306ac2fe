/* h5table.c - writing a table to HDF5: chunked, optionally compressed,
 * appended chunk by chunk, atomic, byte-identical for identical input. */
#define _GNU_SOURCE
#include "data/h5table.h"

#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "data/h5util.h"

#define MAX_CHUNK_ROWS 65536 /* 512 KiB of float64: fits the default 1 MiB chunk cache */

struct fl_h5table_writer {
	fl_afile *af;        /* the atomic file (HDF5 writes to its tmp path) */
	hid_t file;          /* open HDF5 file */
	hid_t cols_grp;      /* /columns */
	hid_t *dsets;        /* one dataset per column */
	fl_table *levels;    /* schema + every level seen so far */
	uint64_t n_rows;     /* rows written */
	size_t chunk_rows;   /* HDF5 chunk length; 0 until the first append */
	int compress;        /* gzip level or 0 */
	int32_t *codes;      /* scratch for remapped codes */
	size_t codes_cap;    /* its length */
	char *path;          /* for messages */
};

/* Creation properties that record no times (identical runs, same bytes). */
static hid_t untimed_plist(hid_t cls)
{
	hid_t p = H5Pcreate(cls);

	if (p >= 0 && H5Pset_obj_track_times(p, 0) < 0) {
		H5Pclose(p);
		return -1;
	}
	return p;
}

static int make_group(hid_t loc, const char *name, hid_t *out, fl_err *err)
{
	hid_t gcpl = untimed_plist(H5P_GROUP_CREATE);

	*out = gcpl < 0 ? -1 : H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
	if (gcpl >= 0)
		H5Pclose(gcpl);
	return *out < 0 ? fl_h5_fail(err, name) : 0;
}

/* An empty, extendible, chunked 1-D dataset for column `c`. */
static int create_column(fl_h5table_writer *w, size_t c, fl_err *err)
{
	const fl_column *col = &w->levels->cols[c];
	hsize_t dims[1] = { 0 }, maxd[1] = { H5S_UNLIMITED }, chunk[1] = { w->chunk_rows };
	hid_t sp = H5Screate_simple(1, dims, maxd);
	hid_t dcpl = untimed_plist(H5P_DATASET_CREATE), d = -1;
	char *name = fl_h5_escape(col->name);
	int rc = 0;

	if (sp < 0 || dcpl < 0 || !name || H5Pset_chunk(dcpl, 1, chunk) < 0 ||
	    H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0 ||
	    (w->compress && (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, (unsigned)w->compress) < 0)) ||
	    (d = H5Dcreate2(w->cols_grp, name, col->type == FL_COL_NUMERIC ? H5T_IEEE_F64LE : H5T_STD_I32LE,
			    sp, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0) {
		rc = fl_h5_fail(err, col->name);
	} else {
		rc = fl_h5_attr_str(d, "kind", col->type == FL_COL_NUMERIC ? "numeric" : "categorical", err);
	}
	w->dsets[c] = d;
	free(name);
	if (dcpl >= 0)
		H5Pclose(dcpl);
	if (sp >= 0)
		H5Sclose(sp);
	return rc;
}

static int write_names(fl_h5table_writer *w, fl_err *err)
{
	const fl_table *s = w->levels;
	const char **names = malloc((s->n_cols + 1) * sizeof(*names));
	hid_t dcpl = untimed_plist(H5P_DATASET_CREATE);
	int rc;

	if (!names || dcpl < 0) {
		free(names);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (size_t c = 0; c < s->n_cols; c++)
		names[c] = s->cols[c].name;
	rc = fl_h5_write_strs(w->file, "column_names", names, s->n_cols, dcpl, err);
	free(names);
	H5Pclose(dcpl);
	return rc;
}

static int write_provenance(hid_t file, const fl_h5table_opts *o, fl_err *err)
{
	int rc;

	if ((rc = fl_h5_attr_str(file, "floe_format", FL_H5TABLE_FORMAT, err)) < 0 ||
	    (rc = fl_h5_attr_strs(file, "floe_inputs", o->inputs, o->n_inputs, err)) < 0 ||
	    (rc = fl_h5_attr_strs(file, "floe_steps", o->steps, o->n_steps, err)) < 0)
		return rc;
	if (o->fitted_json)
		return fl_h5_attr_str(file, "floe_fitted", o->fitted_json, err);
	return 0;
}

static int open_file(fl_h5table_writer *w, const fl_h5table_opts *o, fl_err *err)
{
	hid_t fcpl = untimed_plist(H5P_FILE_CREATE);
	int rc;

	if (fcpl < 0)
		return fl_h5_fail(err, w->path);
	w->file = H5Fcreate(fl_afile_tmp_path(w->af), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
	H5Pclose(fcpl);
	if (w->file < 0)
		return fl_h5_fail(err, w->path);
	if ((rc = write_provenance(w->file, o, err)) < 0 || (rc = write_names(w, err)) < 0)
		return rc;
	return make_group(w->file, "columns", &w->cols_grp, err);
}

int fl_h5table_create(fl_h5table_writer **out, const char *path,
		      const fl_table *schema, const fl_h5table_opts *opts,
		      fl_err *err)
{
	fl_h5table_opts def = FL_H5TABLE_OPTS_INIT;
	const fl_h5table_opts *o = opts ? opts : &def;
	fl_h5table_writer *w;
	int rc;

	*out = NULL;
	fl_h5_quiet();
	if (o->compress < 0 || o->compress > 9)
		return fl_err_set(err, FL_EINVAL, "compression level %d: use 0 (none) to 9", o->compress);
	if (!(w = calloc(1, sizeof(*w))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	w->file = w->cols_grp = -1;
	w->compress = o->compress;
	w->chunk_rows = o->chunk_rows > MAX_CHUNK_ROWS ? MAX_CHUNK_ROWS : o->chunk_rows;
	if (!(w->path = strdup(path)) ||
	    !(w->dsets = malloc((schema->n_cols + 1) * sizeof(hid_t)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto fail;
	}
	for (size_t c = 0; c < schema->n_cols; c++)
		w->dsets[c] = -1;
	if ((rc = fl_table_clone_schema(&w->levels, schema, err)) < 0 ||
	    (rc = fl_afile_open(&w->af, path, err)) < 0 || (rc = open_file(w, o, err)) < 0)
		goto fail;
	*out = w;
	return 0;
fail:
	fl_h5table_abort(w);
	return rc;
}

/* Map a chunk's codes into the file's level list. */
static int remap_codes(fl_h5table_writer *w, size_t c, const fl_table *t, fl_err *err)
{
	const fl_column *col = &t->cols[c];
	int32_t *map = malloc((col->n_levels + 1) * sizeof(*map));

	if (!map)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t l = 0; l < col->n_levels; l++) {
		int32_t v = fl_table_intern(w->levels, c, col->levels[l], strlen(col->levels[l]), err);
		if (v < 0) {
			free(map);
			return v;
		}
		map[l] = v;
	}
	for (size_t i = 0; i < t->n_rows; i++)
		w->codes[i] = col->codes[i] < 0 ? FL_MISSING_CODE : map[col->codes[i]];
	free(map);
	return 0;
}

static int append_column(fl_h5table_writer *w, size_t c, const fl_table *t, fl_err *err)
{
	const fl_column *col = &t->cols[c];
	hsize_t start[1] = { w->n_rows }, count[1] = { t->n_rows }, size[1] = { w->n_rows + t->n_rows };
	hid_t d = w->dsets[c], fs = -1, ms = -1;
	int rc = 0;

	if (col->type == FL_COL_CATEGORICAL && (rc = remap_codes(w, c, t, err)) < 0)
		return rc;
	if (H5Dset_extent(d, size) < 0 || (fs = H5Dget_space(d)) < 0 ||
	    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
	    (ms = H5Screate_simple(1, count, NULL)) < 0 ||
	    H5Dwrite(d, col->type == FL_COL_NUMERIC ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT32, ms, fs,
		     H5P_DEFAULT, col->type == FL_COL_NUMERIC ? (void *)col->num : (void *)w->codes) < 0)
		rc = fl_h5_fail(err, w->path);
	if (ms >= 0)
		H5Sclose(ms);
	if (fs >= 0)
		H5Sclose(fs);
	return rc;
}

static int check_chunk(fl_h5table_writer *w, const fl_table *t, fl_err *err)
{
	const fl_table *s = w->levels;

	if (t->n_cols != s->n_cols)
		return fl_err_set(err, FL_EINVAL, "%s: %zu columns to append, expected %zu", w->path,
				  t->n_cols, s->n_cols);
	for (size_t c = 0; c < t->n_cols; c++)
		if (strcmp(t->cols[c].name, s->cols[c].name) || t->cols[c].type != s->cols[c].type)
			return fl_err_set(err, FL_EINVAL, "%s: column %zu is '%s', expected '%s'",
					  w->path, c + 1, t->cols[c].name, s->cols[c].name);
	return 0;
}

int fl_h5table_append(fl_h5table_writer *w, const fl_table *t, fl_err *err)
{
	int rc;

	if ((rc = check_chunk(w, t, err)) < 0 || t->n_rows == 0)
		return rc;
	if (t->n_rows > w->codes_cap) {
		free(w->codes);
		if (!(w->codes = malloc(t->n_rows * sizeof(int32_t))))
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		w->codes_cap = t->n_rows;
	}
	if (!w->chunk_rows)
		w->chunk_rows = t->n_rows < MAX_CHUNK_ROWS ? t->n_rows : MAX_CHUNK_ROWS;
	for (size_t c = 0; c < t->n_cols; c++)
		if ((w->dsets[c] < 0 && (rc = create_column(w, c, err)) < 0) ||
		    (rc = append_column(w, c, t, err)) < 0)
			return rc;
	w->n_rows += t->n_rows;
	return 0;
}

static int write_levels(fl_h5table_writer *w, fl_err *err)
{
	hid_t grp = -1, dcpl = -1;
	int rc = 0;

	if ((rc = make_group(w->file, "levels", &grp, err)) < 0)
		return rc;
	if ((dcpl = untimed_plist(H5P_DATASET_CREATE)) < 0)
		rc = fl_h5_fail(err, w->path);
	for (size_t c = 0; rc == 0 && c < w->levels->n_cols; c++) {
		const fl_column *col = &w->levels->cols[c];
		char *name;
		if (col->type != FL_COL_CATEGORICAL)
			continue;
		if (!(name = fl_h5_escape(col->name)))
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		else
			rc = fl_h5_write_strs(grp, name, (const char *const *)col->levels,
					      col->n_levels, dcpl, err);
		free(name);
	}
	if (dcpl >= 0)
		H5Pclose(dcpl);
	H5Gclose(grp);
	return rc;
}

static int finish(fl_h5table_writer *w, fl_err *err)
{
	hid_t sp = -1, a = -1;
	int rc;

	if (!w->chunk_rows)
		w->chunk_rows = 1;
	for (size_t c = 0; c < w->levels->n_cols; c++) /* a table with no rows */
		if (w->dsets[c] < 0 && (rc = create_column(w, c, err)) < 0)
			return rc;
	if ((rc = write_levels(w, err)) < 0)
		return rc;
	if ((sp = H5Screate(H5S_SCALAR)) < 0 ||
	    (a = H5Acreate2(w->file, "n_rows", H5T_STD_U64LE, sp, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, H5T_NATIVE_UINT64, &w->n_rows) < 0)
		rc = fl_h5_fail(err, w->path);
	if (a >= 0)
		H5Aclose(a);
	if (sp >= 0)
		H5Sclose(sp);
	return rc;
}

static int close_handles(fl_h5table_writer *w)
{
	int bad = 0;

	for (size_t c = 0; w->dsets && w->levels && c < w->levels->n_cols; c++)
		if (w->dsets[c] >= 0)
			bad |= H5Dclose(w->dsets[c]) < 0;
	if (w->cols_grp >= 0)
		bad |= H5Gclose(w->cols_grp) < 0;
	if (w->file >= 0)
		bad |= H5Fclose(w->file) < 0;
	w->file = w->cols_grp = -1;
	if (w->dsets && w->levels)
		for (size_t c = 0; c < w->levels->n_cols; c++)
			w->dsets[c] = -1;
	return bad ? -1 : 0;
}

static void writer_free(fl_h5table_writer *w)
{
	free(w->dsets);
	fl_table_free(w->levels);
	free(w->codes);
	free(w->path);
	free(w);
}

int fl_h5table_commit(fl_h5table_writer *w, fl_err *err)
{
	int rc = finish(w, err);

	if (close_handles(w) < 0 && rc == 0)
		rc = fl_h5_fail(err, w->path);
	if (rc < 0) {
		fl_afile_abort(w->af);
	} else {
		rc = fl_afile_commit(w->af, err);
	}
	writer_free(w);
	return rc;
}

void fl_h5table_abort(fl_h5table_writer *w)
{
	if (!w)
		return;
	close_handles(w);
	fl_afile_abort(w->af);
	writer_free(w);
}

int fl_h5table_write(const fl_table *t, const char *path,
		     const fl_h5table_opts *opts, fl_err *err)
{
	fl_h5table_writer *w = NULL;
	int rc;

	if ((rc = fl_h5table_create(&w, path, t, opts, err)) < 0)
		return rc;
	if ((rc = fl_h5table_append(w, t, err)) < 0) {
		fl_h5table_abort(w);
		return rc;
	}
	return fl_h5table_commit(w, err);
}
