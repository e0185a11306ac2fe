/* csv.h - CSV in and out: RFC 4180 quoting, CRLF, a UTF-8 byte-order mark,
 * any one-byte delimiter, missing-value tokens, a header row, column types
 * inferred or given; read whole or streamed in chunks of bounded size; a
 * gzip-compressed file (name.csv.gz) is read transparently.
 *
 * Column types are inferred from the first chunk (opts.chunk_bytes, the
 * whole file when smaller): a column is numeric when every non-missing
 * value there is a number, else categorical. A later non-numeric value in
 * an inferred numeric column is an error that names the line, column and
 * value; give the column's type (opts.types) to read it as categorical.
 *
 * Every error names the place: "file:line:column: ..." (line and column
 * 1-based; the column counts bytes from the start of the line). */
#ifndef FL_CSV_H
#define FL_CSV_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "core/err.h"
#include "core/log.h"
#include "data/table.h"

/* A column type given by the user, overriding inference. */
typedef struct fl_csv_type {
	const char *column; /* column name (header) */
	fl_col_type type;   /* numeric or categorical */
} fl_csv_type;

typedef struct fl_csv_opts {
	char delimiter;              /* field separator; 0 means ',' */
	int header;                  /* 1: the first row names the columns;
					0: columns are named V1, V2, ... */
	const char *const *na;       /* missing-value tokens; NULL: "" and "NA" */
	size_t n_na;                 /* number of tokens in `na` */
	int allow_nonfinite;         /* 0: NaN/Inf values are an error;
					1: NaN reads as missing, Inf as +-Inf */
	const fl_csv_type *types;    /* overrides, may be NULL */
	size_t n_types;              /* number of overrides */
	size_t chunk_bytes;          /* raw bytes per chunk; 0: 8 MiB */
	int n_threads;               /* chunks parsed in parallel; 0: all cores */
	const fl_progress *progress; /* bytes read of the file; may be NULL */
} fl_csv_opts;

#define FL_CSV_OPTS_INIT { ',', 1, NULL, 0, 0, NULL, 0, 0, 0, NULL }

/* Read a whole CSV file into a new table (*out owned by the caller).
 * `opts` may be NULL for the defaults. A file with no bytes (after the
 * byte-order mark) or with a header and no rows is FL_EINVAL. */
int fl_csv_read(fl_table **out, const char *path, const fl_csv_opts *opts,
		fl_err *err);

/* A streaming reader: chunks of rows in file order, each a table with the
 * same column names and types (each chunk has its own level dictionary;
 * fl_table_append() merges them). Memory is bounded by about
 * n_threads x chunk_bytes x (1 + 8 / average field width). */
typedef struct fl_csv_reader fl_csv_reader;

/* Open `path`, read the header and infer the types. */
int fl_csv_open(fl_csv_reader **out, const char *path, const fl_csv_opts *opts,
		fl_err *err);

/* The columns (names, types; no rows). Borrowed, valid until close. */
const fl_table *fl_csv_schema(const fl_csv_reader *r);

/* The next chunk: *out is borrowed, valid until the next call or close
 * (the reader reuses its memory), or NULL at the end of the file. */
int fl_csv_next(fl_csv_reader *r, fl_table **out, fl_err *err);

/* Rows returned so far. */
uint64_t fl_csv_rows(const fl_csv_reader *r);

void fl_csv_close(fl_csv_reader *r);

/* Writing. Numbers are printed in the shortest form that reads back to the
 * same double; text is quoted when it holds the delimiter, a quote, CR or
 * LF, or leading/trailing spaces; missing values print as `na_rep`. */
typedef struct fl_csv_write_opts {
	char delimiter;     /* 0 means ',' */
	const char *na_rep; /* NULL means "NA" */
} fl_csv_write_opts;

#define FL_CSV_WRITE_OPTS_INIT { ',', NULL }

typedef struct fl_csv_writer fl_csv_writer;

/* Start writing `path` atomically with the header of `schema`. */
int fl_csv_writer_open(fl_csv_writer **out, const char *path,
		       const fl_table *schema, const fl_csv_write_opts *opts,
		       fl_err *err);

/* Write the rows of `chunk` (same columns as the schema). */
int fl_csv_writer_append(fl_csv_writer *w, const fl_table *chunk, fl_err *err);

/* Finish: rename into place and free `w` (on failure the target is
 * untouched). */
int fl_csv_writer_commit(fl_csv_writer *w, fl_err *err);

/* Drop the partial file and free `w`. NULL allowed. */
void fl_csv_writer_abort(fl_csv_writer *w);

/* Write a whole table. */
int fl_csv_write(const fl_table *t, const char *path,
		 const fl_csv_write_opts *opts, fl_err *err);

/* Format v as the shortest %.Ng (N = 15..17) that reads back to v ("inf",
 * "-inf", "nan" for the others) into buf of n bytes (32 are enough);
 * returns snprintf's length. */
int fl_csv_format_number(char *buf, size_t n, double v);

/* Write one text field to fp, RFC 4180 quoted (quotes doubled) when it
 * holds the delimiter, a quote, a line break, or a leading or trailing
 * space; as it is otherwise. NULL writes an empty field. */
void fl_csv_put_text(FILE *fp, const char *s, char delim);

/* Parse a whole string as a number the way the reader does (fast path with
 * correct rounding; "nan", "inf", "infinity" in any case, with a sign).
 * Returns 1 and sets *out, or 0 when `s` is not a number. */
int fl_csv_parse_number(const char *s, size_t len, double *out);

#endif
