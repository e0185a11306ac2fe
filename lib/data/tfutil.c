/* tfutil.c - helpers shared by the transforms. */
#define _GNU_SOURCE
#include "data/tfutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

char *fl_tf_column_list(const fl_table *t)
{
	size_t len = 1;
	char *out;

	for (size_t c = 0; c < t->n_cols; c++)
		len += strlen(t->cols[c].name) + 2;
	if (!(out = calloc(1, len)))
		return NULL;
	for (size_t c = 0; c < t->n_cols; c++) {
		if (c)
			strcat(out, ", ");
		strcat(out, t->cols[c].name);
	}
	return out;
}

int fl_tf_no_column(const fl_table *t, const char *name, const char *what,
		    fl_err *err)
{
	char *list = fl_tf_column_list(t);

	fl_err_set(err, FL_EINVAL, "%s: no column '%s' (the table has: %s)", what, name,
		   list ? list : "?");
	free(list);
	return FL_EINVAL;
}

static int excluded(const fl_cols *cols, const char *name)
{
	for (size_t i = 0; i < cols->n_exclude; i++)
		if (!strcmp(cols->exclude[i], name))
			return 1;
	return 0;
}

int fl_tf_resolve(const fl_table *t, const fl_cols *cols, int want,
		  const char *what, size_t **idx, size_t *n, fl_err *err)
{
	fl_cols none = FL_COLS_ALL;
	size_t *v = malloc((t->n_cols + (cols ? cols->n : 0) + 1) * sizeof(*v)), k = 0;

	if (!cols)
		cols = &none;
	if (!v)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (cols->names) {
		for (size_t i = 0; i < cols->n; i++) {
			int c = fl_table_find(t, cols->names[i]);
			if (c < 0) {
				free(v);
				return fl_tf_no_column(t, cols->names[i], what, err);
			}
			if (want >= 0 && t->cols[c].type != (fl_col_type)want) {
				free(v);
				return fl_err_set(err, FL_EINVAL, "%s: column '%s' is %s; it needs a %s column",
						  what, cols->names[i],
						  t->cols[c].type == FL_COL_NUMERIC ? "numeric" : "categorical",
						  want == FL_COL_NUMERIC ? "numeric" : "categorical");
			}
			if (!excluded(cols, cols->names[i]))
				v[k++] = (size_t)c;
		}
	} else {
		for (size_t c = 0; c < t->n_cols; c++)
			if ((want < 0 || t->cols[c].type == (fl_col_type)want) &&
			    !excluded(cols, t->cols[c].name))
				v[k++] = c;
	}
	*idx = v;
	*n = k;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int fl_tf_sorted_values(const fl_table *t, size_t col, double **out, size_t *n,
			fl_err *err)
{
	const double *x = t->cols[col].num;
	double *v = malloc((t->n_rows + 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < t->n_rows; i++)
		if (!isnan(x[i]))
			v[k++] = x[i];
	qsort(v, k, sizeof(*v), cmp_double);
	*out = v;
	*n = k;
	return 0;
}

double fl_tf_quantile(const double *v, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)floor(pos);
	double frac = pos - (double)lo;

	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + frac * (v[lo + 1] - v[lo]);
}

int fl_tf_keep_rows(fl_table **out, const fl_table *t, const unsigned char *keep,
		    fl_err *err)
{
	uint32_t *rows = malloc((t->n_rows + 1) * sizeof(*rows));
	size_t n = 0;
	int rc;

	if (!rows)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < t->n_rows; i++)
		if (keep[i])
			rows[n++] = (uint32_t)i;
	rc = fl_table_take(out, t, rows, n, err);
	free(rows);
	return rc;
}
