/* featmat.h - a feature matrix: text id columns, numeric feature columns
 * and an optional label column, as produced by the image and audio feature
 * extractors, and its CSV form (ids first, features, label last). */
#ifndef FL_FEATMAT_H
#define FL_FEATMAT_H

#include <stddef.h>

#include "core/err.h"

typedef struct fl_featmat {
	size_t n_rows;     /* rows */
	size_t n_ids;      /* leading text columns (e.g. path, augment) */
	size_t n_cols;     /* numeric columns */
	char **id_names;   /* n_ids names, owned */
	char **col_names;  /* n_cols names, owned */
	char **ids;        /* n_rows * n_ids texts, row-major, owned */
	double *x;         /* n_rows * n_cols values, row-major, owned */
	char **labels;     /* n_rows labels, owned; NULL: no label column */
} fl_featmat;

/* A matrix of n_rows x n_cols zeros with empty names and ids; labels are
 * allocated (all NULL) when `with_labels`. *out owned by the caller, free
 * with fl_featmat_free(). Names are set with fl_featmat_set_*(). */
int fl_featmat_new(fl_featmat **out, size_t n_rows, size_t n_ids, size_t n_cols,
		   int with_labels, fl_err *err);

/* Copy `name` into id column i / numeric column j. */
int fl_featmat_set_id_name(fl_featmat *m, size_t i, const char *name, fl_err *err);
int fl_featmat_set_col_name(fl_featmat *m, size_t j, const char *name, fl_err *err);

/* Copy a text into row r's id column i / label. */
int fl_featmat_set_id(fl_featmat *m, size_t r, size_t i, const char *s, fl_err *err);
int fl_featmat_set_label(fl_featmat *m, size_t r, const char *s, fl_err *err);

/* Row r's values (borrowed, n_cols doubles). */
double *fl_featmat_row(fl_featmat *m, size_t r);

/* Keep only rows with keep[r] != 0, in order (frees the others' texts). */
void fl_featmat_filter(fl_featmat *m, const unsigned char *keep);

/* Write as CSV (header line; texts quoted when they hold a comma, quote or
 * newline; numbers with %.10g, non-finite values as nan/inf), atomically.
 * Rows are formatted on n_threads threads (0: all cores); the bytes are
 * the same for any thread count. */
int fl_featmat_write_csv(const fl_featmat *m, const char *path, int n_threads, fl_err *err);

/* Free the matrix and everything in it. NULL is allowed. */
void fl_featmat_free(fl_featmat *m);

#endif
