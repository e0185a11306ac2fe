/* csvparse.h - internal to the CSV reader: parsing one chunk of whole
 * records (header, type inference, rows) without allocating per field. */
#ifndef FL_CSVPARSE_H
#define FL_CSVPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "data/table.h"

/* What the parser needs to know (shared read-only by workers). */
typedef struct fl_csv_cfg {
	char delim;           /* field separator */
	int allow_nonfinite;  /* NaN -> missing, Inf kept; else an error */
	char **na;            /* missing-value tokens */
	size_t *na_len;       /* their lengths */
	size_t n_na;          /* how many */
	const char *path;     /* for messages */
} fl_csv_cfg;

/* A parse error inside a chunk; the reader turns it into "file:line:col". */
typedef struct fl_csv_perr {
	int code;      /* 0 or an FL_E* code */
	uint64_t line; /* lines after the chunk's first line (0-based) */
	size_t col;    /* 1-based byte column within the line */
	char msg[600]; /* what went wrong, without the location */
} fl_csv_perr;

/* Skip a byte-order mark and blank lines, then read the first record: the
 * column names (header = 1) or just the field count (header = 0, names
 * V1..Vn, *pos unchanged). *line is advanced past what was consumed. A
 * buffer with no record is "empty file". *names owned by the caller
 * (fl_names_free(names, *nf)). */
int fl_csv_parse_header(const fl_csv_cfg *cfg, const char *buf, size_t len,
			size_t *pos, int header, char ***names, size_t *nf,
			uint64_t *line, const char *path, fl_err *err);

/* Infer types from records in buf[0..len): numeric unless some
 * non-missing value is not a number. `types` has nf entries. */
void fl_csv_infer(const fl_csv_cfg *cfg, const char *buf, size_t len, size_t nf,
		  fl_col_type *types);

/* Parse records in buf[0..len) (len == 0 or buf[len-1] == '\n', and
 * buf[len] == '\0') appending rows to `t`, whose columns give the types.
 * *n_lines receives the lines consumed. Stops at the first error (perr). */
void fl_csv_parse_rows(const fl_csv_cfg *cfg, const char *buf, size_t len,
		       fl_table *t, char **scratch, size_t *scratch_cap,
		       uint64_t *n_lines, fl_csv_perr *perr);

#endif
