/* tf_fit.c - fitting impute, encode and scale: what each learns from the
 * training table, as a JSON object (format in docs/data.md). */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/tfutil.h"

static const char *const IMPUTE_NAMES[] = { "mean", "median", "most_frequent", "constant" };
static const char *const ENCODE_NAMES[] = { "one_hot", "ordinal" };
static const char *const SCALE_NAMES[] = { "standard", "minmax", "robust" };

static int parse_name(const char *s, const char *const *names, int n, const char *what,
		      int *out, fl_err *err)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	char list[256] = "";
	for (int i = 0; i < n; i++) {
		strcat(list, i ? ", " : "");
		strcat(list, names[i]);
	}
	return fl_err_set(err, FL_EINVAL, "unknown %s '%s' (use one of: %s)", what, s, list);
}

int fl_impute_strategy_parse(const char *s, fl_impute_strategy *out, fl_err *err)
{
	int v, rc = parse_name(s, IMPUTE_NAMES, 4, "impute strategy", &v, err);

	if (rc == 0)
		*out = (fl_impute_strategy)v;
	return rc;
}

int fl_encode_method_parse(const char *s, fl_encode_method *out, fl_err *err)
{
	int v, rc = parse_name(s, ENCODE_NAMES, 2, "encode method", &v, err);

	if (rc == 0)
		*out = (fl_encode_method)v;
	return rc;
}

int fl_scale_method_parse(const char *s, fl_scale_method *out, fl_err *err)
{
	int v, rc = parse_name(s, SCALE_NAMES, 3, "scale method", &v, err);

	if (rc == 0)
		*out = (fl_scale_method)v;
	return rc;
}

/* ---- impute ---- */

/* Most frequent numeric value; ties go to the smallest (scikit-learn). */
static double mode_sorted(const double *v, size_t n)
{
	double best = v[0];
	size_t best_n = 0;

	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && v[j] == v[i])
			j++;
		if (j - i > best_n) {
			best_n = j - i;
			best = v[i];
		}
		i = j;
	}
	return best;
}

static int impute_numeric(const fl_table *t, size_t c, const fl_impute_opts *o, json_t **val,
			  fl_err *err)
{
	double *v = NULL, x = o->fill_number;
	size_t n = 0;
	int rc;

	if (o->strategy == FL_IMPUTE_CONSTANT) {
		*val = json_real(x);
		return *val ? 0 : fl_err_set(err, FL_EINVAL, "impute: the constant must be finite");
	}
	if ((rc = fl_tf_sorted_values(t, c, &v, &n, err)) < 0)
		return rc;
	if (n == 0) {
		free(v);
		return fl_err_set(err, FL_EINVAL, "impute: column '%s' has no values to learn a %s from",
				  t->cols[c].name, IMPUTE_NAMES[o->strategy]);
	}
	if (o->strategy == FL_IMPUTE_MEAN) {
		fl_col_stats st;
		fl_col_stats_compute(t, c, &st);
		x = st.mean;
	} else if (o->strategy == FL_IMPUTE_MEDIAN) {
		x = fl_tf_quantile(v, n, 0.5);
	} else {
		x = mode_sorted(v, n);
	}
	free(v);
	*val = json_real(x);
	return *val ? 0 : fl_err_set(err, FL_EINVAL, "impute: column '%s': the value is not finite",
				     t->cols[c].name);
}

/* Most frequent level; ties go to the bytewise smallest. */
static int impute_categorical(const fl_table *t, size_t c, const fl_impute_opts *o,
			      json_t **val, fl_err *err)
{
	const fl_column *col = &t->cols[c];
	size_t *count, best = SIZE_MAX;

	if (o->strategy == FL_IMPUTE_CONSTANT) {
		*val = json_string(o->fill_text ? o->fill_text : "missing");
		return 0;
	}
	if (o->strategy != FL_IMPUTE_MOST_FREQUENT)
		return fl_err_set(err, FL_EINVAL,
				  "impute: column '%s' is categorical; %s needs numbers (use most_frequent or constant)",
				  col->name, IMPUTE_NAMES[o->strategy]);
	if (!(count = calloc(col->n_levels + 1, sizeof(*count))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < t->n_rows; i++)
		if (col->codes[i] >= 0)
			count[col->codes[i]]++;
	for (size_t l = 0; l < col->n_levels; l++)
		if (count[l] && (best == SIZE_MAX || count[l] > count[best] ||
				 (count[l] == count[best] && strcmp(col->levels[l], col->levels[best]) < 0)))
			best = l;
	free(count);
	if (best == SIZE_MAX)
		return fl_err_set(err, FL_EINVAL, "impute: column '%s' has no values to learn from",
				  col->name);
	*val = json_string(col->levels[best]);
	return 0;
}

int fl_impute_fit(json_t **fitted, const fl_table *t, const fl_impute_opts *o,
		  fl_err *err)
{
	int want = o->strategy <= FL_IMPUTE_MEDIAN && !o->cols.names ? FL_COL_NUMERIC : -1;
	size_t *idx = NULL, n = 0;
	json_t *cols = json_array();
	int rc;

	*fitted = NULL;
	if ((rc = fl_tf_resolve(t, &o->cols, want, "impute", &idx, &n, err)) < 0)
		goto fail;
	for (size_t j = 0; j < n; j++) {
		json_t *val = NULL;
		rc = t->cols[idx[j]].type == FL_COL_NUMERIC ? impute_numeric(t, idx[j], o, &val, err)
							   : impute_categorical(t, idx[j], o, &val, err);
		if (rc < 0)
			goto fail;
		json_array_append_new(cols, json_pack("{s:s, s:o}", "name", t->cols[idx[j]].name,
						      "value", val));
	}
	free(idx);
	*fitted = json_pack("{s:s, s:s, s:o}", "kind", "impute", "strategy",
			    IMPUTE_NAMES[o->strategy], "columns", cols);
	return 0;
fail:
	free(idx);
	json_decref(cols);
	return rc;
}

/* ---- encode ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted categories that occur in column c. */
static json_t *categories(const fl_table *t, size_t c)
{
	const fl_column *col = &t->cols[c];
	char *used = calloc(col->n_levels + 1, 1);
	const char **v = malloc((col->n_levels + 1) * sizeof(*v));
	json_t *arr = NULL;
	size_t k = 0;

	if (used && v) {
		for (size_t i = 0; i < t->n_rows; i++)
			if (col->codes[i] >= 0)
				used[col->codes[i]] = 1;
		for (size_t l = 0; l < col->n_levels; l++)
			if (used[l])
				v[k++] = col->levels[l];
		qsort(v, k, sizeof(*v), cmp_str);
		arr = json_array();
		for (size_t i = 0; i < k; i++)
			json_array_append_new(arr, json_string(v[i]));
	}
	free(used);
	free(v);
	return arr;
}

int fl_encode_fit(json_t **fitted, const fl_table *t, const fl_encode_opts *o,
		  fl_err *err)
{
	size_t *idx = NULL, n = 0;
	json_t *cols = json_array();
	int rc;

	*fitted = NULL;
	if ((rc = fl_tf_resolve(t, &o->cols, FL_COL_CATEGORICAL, "encode", &idx, &n, err)) < 0) {
		json_decref(cols);
		return rc;
	}
	for (size_t j = 0; j < n; j++) {
		json_t *cats = categories(t, idx[j]);
		if (!cats || json_array_size(cats) == 0) {
			json_decref(cats);
			json_decref(cols);
			rc = fl_err_set(err, FL_EINVAL, "encode: column '%s' has no values to learn categories from",
					t->cols[idx[j]].name);
			free(idx);
			return rc;
		}
		json_array_append_new(cols, json_pack("{s:s, s:o}", "name", t->cols[idx[j]].name,
						      "categories", cats));
	}
	free(idx);
	*fitted = json_pack("{s:s, s:s, s:s, s:o}", "kind", "encode", "method",
			    ENCODE_NAMES[o->method], "handle_unknown",
			    o->unknown_ignore ? "ignore" : "error", "columns", cols);
	return 0;
}

/* ---- scale ---- */

static int scale_column(const fl_table *t, size_t c, fl_scale_method m, double *center,
			double *scale, fl_err *err)
{
	double *v = NULL;
	size_t n = 0;
	int rc;

	if ((rc = fl_tf_sorted_values(t, c, &v, &n, err)) < 0)
		return rc;
	if (n == 0) {
		free(v);
		return fl_err_set(err, FL_EINVAL, "scale: column '%s' has no values to learn from",
				  t->cols[c].name);
	}
	if (m == FL_SCALE_STANDARD) {
		fl_col_stats st;
		fl_col_stats_compute(t, c, &st);
		*center = st.mean;
		*scale = sqrt(st.m2 / (double)st.n); /* population std, as scikit-learn */
	} else if (m == FL_SCALE_MINMAX) {
		*center = v[0];
		*scale = v[n - 1] - v[0];
	} else {
		*center = fl_tf_quantile(v, n, 0.5);
		*scale = fl_tf_quantile(v, n, 0.75) - fl_tf_quantile(v, n, 0.25);
	}
	free(v);
	if (!isfinite(*center) || !isfinite(*scale))
		return fl_err_set(err, FL_EINVAL, "scale: column '%s' has infinite values",
				  t->cols[c].name);
	if (*scale == 0)
		*scale = 1; /* a constant column stays centred at 0 */
	return 0;
}

int fl_scale_fit(json_t **fitted, const fl_table *t, const fl_scale_opts *o,
		 fl_err *err)
{
	size_t *idx = NULL, n = 0;
	json_t *cols = json_array();
	int rc;

	*fitted = NULL;
	if ((rc = fl_tf_resolve(t, &o->cols, FL_COL_NUMERIC, "scale", &idx, &n, err)) < 0)
		goto fail;
	for (size_t j = 0; j < n; j++) {
		double center = 0, scale = 1;
		if ((rc = scale_column(t, idx[j], o->method, &center, &scale, err)) < 0)
			goto fail;
		json_array_append_new(cols, json_pack("{s:s, s:f, s:f}", "name", t->cols[idx[j]].name,
						      "center", center, "scale", scale));
	}
	free(idx);
	*fitted = json_pack("{s:s, s:s, s:o}", "kind", "scale", "method", SCALE_NAMES[o->method],
			    "columns", cols);
	return 0;
fail:
	free(idx);
	json_decref(cols);
	return rc;
}
