/* table.h - the one table type: named, typed columns (numeric or
 * categorical, both with missing values), a dense matrix view for the ML
 * core, and the (X, y) dataset extraction.
 *
 * Example: read a CSV, impute nothing, and hand the ML core a matrix.
 *
 *     fl_table *t = NULL;
 *     fl_dataset *ds = NULL;
 *     fl_err err = FL_ERR_INIT;
 *
 *     if (fl_csv_read(&t, "penguins.csv", NULL, &err) < 0 ||
 *         fl_dataset_from_table(&ds, t, "species", FL_LABEL_AUTO, &err) < 0)
 *             goto fail;                // err.msg says what and where
 *     // ds->X: ds->n rows x ds->d doubles, row-major, no missing values
 *     // ds->feature_names[j]: name of feature j
 *     // ds->y_class[i]: index into ds->class_names (sorted), for classes
 *     fl_dataset_free(ds);
 *     fl_table_free(t);
 *
 * Storage is column-major: column c of row i is t->cols[c].num[i] for a
 * numeric column (NAN when missing) or t->cols[c].codes[i] for a
 * categorical one (an index into t->cols[c].levels, FL_MISSING_CODE when
 * missing). Readers may use the fields directly; change a table only
 * through the functions below, so the level dictionary stays consistent. */
#ifndef FL_TABLE_H
#define FL_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "ml/dataset.h"

typedef enum fl_col_type {
	FL_COL_NUMERIC = 0,     /* double; NAN marks a missing value */
	FL_COL_CATEGORICAL = 1, /* interned strings; FL_MISSING_CODE missing */
} fl_col_type;

#define FL_MISSING_CODE (-1)

typedef struct fl_intern fl_intern; /* level lookup, internal to table.c */

typedef struct fl_column {
	char *name;          /* owned, unique within the table */
	fl_col_type type;    /* numeric or categorical */
	double *num;         /* numeric: n_rows values, else NULL */
	int32_t *codes;      /* categorical: n_rows level indices, else NULL */
	char **levels;       /* categorical: distinct values, first-seen order */
	size_t n_levels;     /* number of levels */
	size_t cap_levels;   /* allocated slots in levels */
	fl_intern *intern;   /* value -> level index (internal) */
} fl_column;

typedef struct fl_table {
	size_t n_rows;     /* rows in every column */
	size_t cap_rows;   /* allocated rows per column */
	size_t n_cols;     /* columns */
	size_t cap_cols;   /* allocated column slots */
	fl_column *cols;   /* n_cols columns */
} fl_table;

/* A new empty table (no columns, no rows); *out owned by the caller, free
 * with fl_table_free(). */
int fl_table_new(fl_table **out, fl_err *err);

/* Free a table and everything in it. NULL is allowed. */
void fl_table_free(fl_table *t);

/* Add a column (all rows missing) and return its index (>= 0), or a
 * negative status: FL_EINVAL if the name is already taken. */
int fl_table_add_column(fl_table *t, const char *name, fl_col_type type,
			fl_err *err);

/* Make room for `n_rows` rows in every column (no change to n_rows). */
int fl_table_reserve(fl_table *t, size_t n_rows, fl_err *err);

/* Drop every row and every categorical level, keeping the columns and
 * the allocated memory (for reusing a chunk table). */
void fl_table_truncate(fl_table *t);

/* Append `n` rows, all missing; returns 0 or FL_ENOMEM. */
int fl_table_add_rows(fl_table *t, size_t n, fl_err *err);

/* Index of the level `s` (`len` bytes, need not be NUL-terminated) in
 * categorical column `col`, adding it if new. Returns the index (>= 0) or
 * a negative status. */
int32_t fl_table_intern(fl_table *t, size_t col, const char *s, size_t len,
			fl_err *err);

/* Column index of `name`, or -1. */
int fl_table_find(const fl_table *t, const char *name);

/* Is row `row` of column `col` missing? */
int fl_table_is_missing(const fl_table *t, size_t col, size_t row);

/* A new table with the same columns (names, types, levels) and no rows. */
int fl_table_clone_schema(fl_table **out, const fl_table *t, fl_err *err);

/* A new table with rows rows[0..n-1] of `t` (indices may repeat), in that
 * order. Levels are copied unchanged. */
int fl_table_take(fl_table **out, const fl_table *t, const uint32_t *rows,
		  size_t n, fl_err *err);

/* A deep copy of `t`. */
int fl_table_copy(fl_table **out, const fl_table *t, fl_err *err);

/* Append to `dst` a copy of column `col` of `src` (values and levels),
 * named `name` (NULL: the same name). dst->n_rows must equal
 * src->n_rows. Returns the new column's index or a negative status. */
int fl_table_add_copy(fl_table *dst, const fl_table *src, size_t col,
		      const char *name, fl_err *err);

/* Append all rows of `src` to `dst`: the same column names and types in the
 * same order; categorical values are re-interned into dst's levels. */
int fl_table_append(fl_table *dst, const fl_table *src, fl_err *err);

/* Summary of one column, skipping missing values. For categorical columns
 * only n, n_missing and n_levels are set. */
typedef struct fl_col_stats {
	uint64_t n;         /* non-missing values */
	uint64_t n_missing; /* missing values */
	double mean;        /* NAN when n == 0 */
	double m2;          /* sum of squared deviations from the mean */
	double min, max;    /* NAN when n == 0 */
	size_t n_levels;    /* categorical: distinct values */
} fl_col_stats;

/* Statistics of rows [0, n_rows) of column `col` (two-pass mean and m2). */
void fl_col_stats_compute(const fl_table *t, size_t col, fl_col_stats *out);

/* Merge `b` into `a` (Chan et al.); the result depends on the merge order
 * only, so merging chunks in file order is deterministic. */
void fl_col_stats_merge(fl_col_stats *a, const fl_col_stats *b);

/* Sample standard deviation (n - 1 in the denominator, as pandas); NAN
 * when n < 2. */
double fl_col_stats_std(const fl_col_stats *s);

/* Dense row-major copy of every column except `exclude` (may be NULL):
 * *out n_rows x *d_out values (malloc'd, caller frees), *names_out the d
 * feature names (free with fl_names_free). Every column must be numeric
 * and complete: a categorical column or a missing value is FL_EINVAL,
 * naming the column (encode / impute first). */
int fl_table_matrix(const fl_table *t, const char *exclude, double **out,
		    char ***names_out, size_t *d_out, fl_err *err);

/* The same as float (for the network). */
int fl_table_matrix_f32(const fl_table *t, const char *exclude, float **out,
			char ***names_out, size_t *d_out, fl_err *err);

/* Free an array of `n` owned strings and the array. NULL allowed. */
void fl_names_free(char **names, size_t n);

/* How the label column becomes the target of the ML core's fl_dataset
 * (lib/ml/dataset.h, the one data set type every model kind fits on). */
typedef enum fl_label_mode {
	FL_LABEL_AUTO = 0,  /* categorical label: classes; numeric: real target */
	FL_LABEL_CLASS = 1, /* numeric labels become classes too */
	FL_LABEL_REAL = 2,  /* label must be numeric (regression) */
} fl_label_mode;

/* Extract features and label from `t` into an ML data set. Classes are
 * sorted: bytewise for a categorical label, numerically for a numeric one
 * (names printed with %.17g, so 3 is "3"). `label` NULL: no target, every
 * column is a feature (clustering, PCA, prediction input). A missing
 * label, a categorical or incomplete feature, or a categorical label for
 * regression is FL_EINVAL. *out owned by the caller (fl_dataset_free). */
int fl_dataset_from_table(fl_dataset **out, const fl_table *t,
			  const char *label, fl_label_mode mode, fl_err *err);

/* A float copy of ds->X (malloc'd, caller frees). */
int fl_dataset_X_f32(const fl_dataset *ds, float **out, fl_err *err);

#endif
