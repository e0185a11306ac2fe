/* tfutil.h - internal helpers shared by the transforms: resolving column
 * selections, listing column names for messages, sorted values. */
#ifndef FL_TFUTIL_H
#define FL_TFUTIL_H

#include <stddef.h>

#include "data/transform.h"

/* Resolve `cols` against `t`: explicit names must exist (and, when
 * `want` >= 0, have that type: the message names `what`); the default
 * takes every column of type `want` (any type when want < 0) not
 * excluded. *idx malloc'd (caller frees), *n its length. */
int fl_tf_resolve(const fl_table *t, const fl_cols *cols, int want,
		  const char *what, size_t **idx, size_t *n, fl_err *err);

/* "a, b, c": the table's column names (malloc'd). */
char *fl_tf_column_list(const fl_table *t);

/* FL_EINVAL "no column 'x' (the table has: ...)". */
int fl_tf_no_column(const fl_table *t, const char *name, const char *what,
		    fl_err *err);

/* The non-missing values of numeric column `col`, sorted ascending
 * (malloc'd); *n their count. */
int fl_tf_sorted_values(const fl_table *t, size_t col, double **out, size_t *n,
			fl_err *err);

/* Linear-interpolated quantile q in [0,1] of sorted v[0..n-1] (numpy's
 * default); n > 0. */
double fl_tf_quantile(const double *v, size_t n, double q);

/* A table of the rows of `t` where keep[i] != 0. */
int fl_tf_keep_rows(fl_table **out, const fl_table *t, const unsigned char *keep,
		    fl_err *err);

#endif
