/* load.h - one call to read any supported data file into a table, and the
 * description behind `floe data info` and the conversion behind
 * `floe data convert`. This is what a prepare step's "load" calls. */
#ifndef FL_LOAD_H
#define FL_LOAD_H

#include <jansson.h>

#include "core/err.h"
#include "core/log.h"
#include "data/csv.h"
#include "data/format.h"
#include "data/h5table.h"
#include "data/netcdf.h"
#include "data/table.h"

typedef struct fl_load_opts {
	fl_format format;    /* FL_FORMAT_UNKNOWN: from the name and content */
	fl_csv_opts csv;     /* CSV: delimiter, tokens, types, threads */
	const char *dataset; /* HDF5: read this dataset instead of a floe table */
	fl_nc_opts nc;       /* netCDF: variables and land-cell dropping */
} fl_load_opts;

#define FL_LOAD_OPTS_INIT { FL_FORMAT_UNKNOWN, FL_CSV_OPTS_INIT, NULL, FL_NC_OPTS_INIT }

/* Read `path` into a new table (*out owned by the caller). */
int fl_data_load(fl_table **out, const char *path, const fl_load_opts *opts,
		 fl_err *err);

/* Describe `path` as JSON (new reference): {path, format, n_rows, columns:
 * [{name, type, count, missing, mean, std, min, max | n_levels}]} plus,
 * for a floe HDF5 table, "provenance"; for another HDF5 file without
 * opts->dataset, "datasets" instead of columns; for netCDF, "dimensions"
 * and "variables". CSV files and HDF5 tables are streamed: memory does not
 * grow with the file. std is the sample standard deviation (n - 1). */
int fl_data_info(const char *path, const fl_load_opts *opts, json_t **out,
		 fl_err *err);

typedef struct fl_convert_opts {
	fl_load_opts in;          /* how to read the input */
	fl_format out_format;     /* FL_FORMAT_UNKNOWN: from the output name */
	fl_h5table_opts h5;       /* HDF5 output: compression, provenance */
	fl_csv_write_opts csv;    /* CSV output: delimiter, missing token */
	size_t h5_read_rows;      /* HDF5 input: rows per chunk; 0: 65536 */
} fl_convert_opts;

#define FL_CONVERT_OPTS_INIT \
	{ FL_LOAD_OPTS_INIT, FL_FORMAT_UNKNOWN, FL_H5TABLE_OPTS_INIT, FL_CSV_WRITE_OPTS_INIT, 0 }

/* Convert CSV -> HDF5 and HDF5 -> CSV streaming in chunks (bounded
 * memory); netCDF or an HDF5 dataset -> CSV or HDF5 through a whole
 * table. The output is written atomically: on any error nothing is left. */
int fl_data_convert(const char *in, const char *out, const fl_convert_opts *opts,
		    fl_err *err);

#endif
