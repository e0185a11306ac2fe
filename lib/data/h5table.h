/* h5table.h - tables in HDF5 files ("floe-table-1", docs/data.md), written
 * atomically and byte-identically for identical input, streamed in and out
 * in chunks; and any numeric or string dataset of an HDF5 file as a table.
 *
 * Layout of a floe table:
 *   /column_names        1-D variable-length UTF-8 strings, the column order
 *   /columns/<name>      float64 [n] (numeric, NaN missing) or int32 [n]
 *                        (categorical: level index, -1 missing); attribute
 *                        "kind" = "numeric" | "categorical"
 *   /levels/<name>       1-D strings, the levels of a categorical column
 *   attributes of "/":   floe_format = "floe-table-1", n_rows (uint64),
 *                        floe_inputs (strings "sha256:<hex> <name>"),
 *                        floe_steps (strings), floe_fitted (JSON text)
 * '/' and '%' in a column name are written %2F and %25 in link names.
 * Datasets are chunked (at most 65536 rows, 512 KiB of float64) and
 * optionally gzip+shuffle compressed; no object times are recorded. */
#ifndef FL_H5TABLE_H
#define FL_H5TABLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "data/table.h"

#define FL_H5TABLE_FORMAT "floe-table-1"

typedef struct fl_h5table_opts {
	int compress;               /* gzip level 1..9 with shuffle; 0: none */
	size_t chunk_rows;          /* rows per HDF5 chunk; 0: automatic */
	const char *const *inputs;  /* provenance: "sha256:<hex> <name>" each */
	size_t n_inputs;            /* number of inputs */
	const char *const *steps;   /* provenance: the steps that made it */
	size_t n_steps;             /* number of steps */
	const char *fitted_json;    /* fitted transforms (JSON text) or NULL */
} fl_h5table_opts;

#define FL_H5TABLE_OPTS_INIT { 0, 0, NULL, 0, NULL, 0, NULL }

/* Streaming writer. Open with the schema (names, types), append chunks,
 * then commit (atomic rename) or abort. */
typedef struct fl_h5table_writer fl_h5table_writer;

int fl_h5table_create(fl_h5table_writer **out, const char *path,
		      const fl_table *schema, const fl_h5table_opts *opts,
		      fl_err *err);

/* Append the rows of `chunk` (same column names and types as the schema;
 * categorical values are mapped into the file's level list). */
int fl_h5table_append(fl_h5table_writer *w, const fl_table *chunk, fl_err *err);

/* Write the levels and row count, close, rename into place; frees `w`. */
int fl_h5table_commit(fl_h5table_writer *w, fl_err *err);

/* Drop the partial file; frees `w`. NULL allowed. */
void fl_h5table_abort(fl_h5table_writer *w);

/* Write a whole table (create + append + commit). */
int fl_h5table_write(const fl_table *t, const char *path,
		     const fl_h5table_opts *opts, fl_err *err);

/* Streaming reader over a floe table file. */
typedef struct fl_h5table_reader fl_h5table_reader;

/* Open; a file that is not HDF5, or HDF5 without a floe table, is
 * FL_EINVAL with a message saying which. */
int fl_h5table_open(fl_h5table_reader **out, const char *path, fl_err *err);

/* Column names, types and levels (no rows); borrowed until close. */
const fl_table *fl_h5table_schema(const fl_h5table_reader *r);

/* Total rows in the file. */
uint64_t fl_h5table_n_rows(const fl_h5table_reader *r);

/* The next up to `max_rows` rows as a new table (*out owned by the
 * caller), or *out = NULL at the end. */
int fl_h5table_next(fl_h5table_reader *r, size_t max_rows, fl_table **out,
		    fl_err *err);

/* Provenance and format as JSON {format, n_rows, inputs[], steps[],
 * fitted (parsed JSON or null)}; new reference, borrowed reader. */
int fl_h5table_meta(const fl_h5table_reader *r, json_t **out, fl_err *err);

void fl_h5table_close(fl_h5table_reader *r);

/* Read a whole floe table. */
int fl_h5table_read(fl_table **out, const char *path, fl_err *err);

/* Is `path` an HDF5 file holding a floe table? 1 yes, 0 no (no error). */
int fl_h5table_is_table(const char *path);

/* Read dataset `name` of any HDF5 file as a table: a 1-D numeric dataset
 * is one column named after it; a 2-D numeric dataset n x d gives d
 * columns "<name>_0".. (or the names in its string attribute
 * "column_names" when present); a 1-D string dataset is one categorical
 * column; a compound dataset gives one column per numeric or string
 * member. A missing dataset: FL_ENOTFOUND listing the datasets there. */
int fl_h5_read_dataset(fl_table **out, const char *path, const char *name,
		       fl_err *err);

/* Every dataset in the file as JSON [{name, shape[], type}], sorted by
 * name; new reference. */
int fl_h5_list(const char *path, json_t **out, fl_err *err);

#endif
