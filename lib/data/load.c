/* load.c - reading any supported file into a table, and converting between
 * formats (streaming for CSV <-> HDF5 tables). */
#define _GNU_SOURCE
#include "data/load.h"

#include <stdlib.h>

int fl_data_load(fl_table **out, const char *path, const fl_load_opts *opts,
		 fl_err *err)
{
	fl_load_opts def = FL_LOAD_OPTS_INIT;
	const fl_load_opts *o = opts ? opts : &def;
	fl_format f;
	int rc;

	*out = NULL;
	if ((rc = fl_format_detect(path, o->format, &f, err)) < 0)
		return rc;
	switch (f) {
	case FL_FORMAT_CSV: return fl_csv_read(out, path, &o->csv, err);
	case FL_FORMAT_HDF5:
		return o->dataset ? fl_h5_read_dataset(out, path, o->dataset, err)
				  : fl_h5table_read(out, path, err);
	default: return fl_nc_read(out, path, &o->nc, err);
	}
}

/* Chunks from a CSV reader or an HDF5 table reader. */
typedef struct source {
	fl_csv_reader *csv;
	fl_h5table_reader *h5;
	fl_table *whole;     /* netCDF or a plain HDF5 dataset, read at once */
	size_t rows;         /* HDF5 rows per chunk */
	fl_table *owned;     /* the last HDF5 chunk, freed on the next call */
} source;

static int source_open(source *s, const char *in, const fl_convert_opts *o, fl_err *err)
{
	fl_format f;
	int rc;

	if ((rc = fl_format_detect(in, o->in.format, &f, err)) < 0)
		return rc;
	s->rows = o->h5_read_rows ? o->h5_read_rows : 65536;
	if (f == FL_FORMAT_CSV)
		return fl_csv_open(&s->csv, in, &o->in.csv, err);
	if (f == FL_FORMAT_HDF5 && !o->in.dataset)
		return fl_h5table_open(&s->h5, in, err);
	return fl_data_load(&s->whole, in, &o->in, err);
}

static const fl_table *source_schema(const source *s)
{
	return s->csv ? fl_csv_schema(s->csv) : fl_h5table_schema(s->h5);
}

/* The next chunk (borrowed until the next call) or NULL at the end. */
static int source_next(source *s, fl_table **out, fl_err *err)
{
	int rc;

	if (s->csv)
		return fl_csv_next(s->csv, out, err);
	fl_table_free(s->owned);
	rc = fl_h5table_next(s->h5, s->rows, &s->owned, err);
	*out = s->owned;
	return rc;
}

static void source_close(source *s)
{
	fl_csv_close(s->csv);
	fl_h5table_close(s->h5);
	fl_table_free(s->whole);
	fl_table_free(s->owned);
}

static int to_h5(source *s, const char *out, const fl_convert_opts *o, fl_err *err)
{
	fl_h5table_writer *w = NULL;
	fl_table *t = NULL;
	int rc;

	if ((rc = fl_h5table_create(&w, out, source_schema(s), &o->h5, err)) < 0)
		return rc;
	while ((rc = source_next(s, &t, err)) == 0 && t) {
		if ((rc = fl_h5table_append(w, t, err)) < 0)
			break;
	}
	if (rc < 0) {
		fl_h5table_abort(w);
		return rc;
	}
	return fl_h5table_commit(w, err);
}

static int to_csv(source *s, const char *out, const fl_convert_opts *o, fl_err *err)
{
	fl_csv_writer *w = NULL;
	fl_table *t = NULL;
	int rc;

	if ((rc = fl_csv_writer_open(&w, out, source_schema(s), &o->csv, err)) < 0)
		return rc;
	while ((rc = source_next(s, &t, err)) == 0 && t) {
		if ((rc = fl_csv_writer_append(w, t, err)) < 0)
			break;
	}
	if (rc < 0) {
		fl_csv_writer_abort(w);
		return rc;
	}
	return fl_csv_writer_commit(w, err);
}

int fl_data_convert(const char *in, const char *out, const fl_convert_opts *opts,
		    fl_err *err)
{
	fl_convert_opts def = FL_CONVERT_OPTS_INIT;
	const fl_convert_opts *o = opts ? opts : &def;
	fl_format of = o->out_format ? o->out_format : fl_format_from_name(out);
	source s = { 0 };
	int rc;

	if (of != FL_FORMAT_CSV && of != FL_FORMAT_HDF5)
		return fl_err_set(err, FL_EINVAL,
				  "%s: cannot tell the output format from the name; use .csv or .h5 (or give the format)",
				  out);
	if ((rc = source_open(&s, in, o, err)) < 0)
		goto cleanup;
	if (s.whole) { /* netCDF or a plain dataset: already a whole table */
		rc = of == FL_FORMAT_HDF5 ? fl_h5table_write(s.whole, out, &o->h5, err)
					  : fl_csv_write(s.whole, out, &o->csv, err);
		goto cleanup;
	}
	rc = of == FL_FORMAT_HDF5 ? to_h5(&s, out, o, err) : to_csv(&s, out, o, err);
cleanup:
	source_close(&s);
	return rc;
}
