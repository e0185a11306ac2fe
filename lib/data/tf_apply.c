/* tf_apply.c - applying a transform given as JSON (fitted or stateless),
 * chains of them, and their canonical text. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/tfutil.h"

static int bad(fl_err *err, const char *kind, const char *what)
{
	return fl_err_set(err, FL_EINVAL, "transform '%s': %s", kind, what);
}

/* The "columns" array of a transform as names (borrowed from the JSON). */
static int names_of(const json_t *tf, const char *kind, const char ***out, size_t *n,
		    fl_err *err)
{
	const json_t *arr = json_object_get(tf, "columns"), *v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!json_is_array(arr))
		return bad(err, kind, "needs a \"columns\" array");
	if (!(*out = malloc((json_array_size(arr) + 1) * sizeof(char *))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	json_array_foreach(arr, i, v) {
		const char *s = json_is_string(v) ? json_string_value(v)
						  : json_string_value(json_object_get(v, "name"));
		if (!s) {
			free(*out);
			*out = NULL;
			return bad(err, kind, "every column needs a name");
		}
		(*out)[(*n)++] = s;
	}
	return 0;
}

static int column_of(const fl_table *t, const json_t *item, const char *kind, fl_err *err)
{
	const char *name = json_string_value(json_object_get(item, "name"));
	int c;

	if (!name)
		return bad(err, kind, "every column needs a name");
	if ((c = fl_table_find(t, name)) < 0)
		return fl_tf_no_column(t, name, kind, err);
	return c;
}

static int apply_impute(fl_table *t, const json_t *tf, fl_err *err)
{
	const json_t *item;
	size_t k;

	json_array_foreach(json_object_get(tf, "columns"), k, item) {
		const json_t *val = json_object_get(item, "value");
		int c = column_of(t, item, "impute", err);
		if (c < 0)
			return c;
		fl_column *col = &t->cols[c];
		if (col->type == FL_COL_NUMERIC) {
			if (!json_is_number(val))
				return bad(err, "impute", "a numeric column needs a number as its value");
			for (size_t i = 0; i < t->n_rows; i++)
				if (isnan(col->num[i]))
					col->num[i] = json_number_value(val);
			continue;
		}
		if (!json_is_string(val))
			return bad(err, "impute", "a categorical column needs text as its value");
		int32_t code = fl_table_intern(t, (size_t)c, json_string_value(val),
					       strlen(json_string_value(val)), err);
		if (code < 0)
			return code;
		for (size_t i = 0; i < t->n_rows; i++)
			if (col->codes[i] < 0)
				col->codes[i] = code;
	}
	return 0;
}

static int apply_scale(fl_table *t, const json_t *tf, fl_err *err)
{
	const json_t *item;
	size_t k;

	json_array_foreach(json_object_get(tf, "columns"), k, item) {
		const json_t *cj = json_object_get(item, "center"), *sj = json_object_get(item, "scale");
		int c = column_of(t, item, "scale", err);
		if (c < 0)
			return c;
		if (t->cols[c].type != FL_COL_NUMERIC)
			return fl_err_set(err, FL_EINVAL, "scale: column '%s' is categorical", t->cols[c].name);
		if (!json_is_number(cj) || !json_is_number(sj) || json_number_value(sj) == 0)
			return bad(err, "scale", "every column needs a center and a non-zero scale");
		double center = json_number_value(cj), scale = json_number_value(sj);
		double *x = t->cols[c].num;
		for (size_t i = 0; i < t->n_rows; i++)
			x[i] = (x[i] - center) / scale; /* NaN stays NaN */
	}
	return 0;
}

/* Category index of each level of column `col` in the fitted list (-1 when
 * the list lacks it). */
static int level_map(const fl_column *col, const json_t *cats, int32_t **out, fl_err *err)
{
	int32_t *map = malloc((col->n_levels + 1) * sizeof(*map));

	if (!map)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t l = 0; l < col->n_levels; l++) {
		const json_t *v;
		size_t j;
		map[l] = -1;
		json_array_foreach(cats, j, v)
			if (json_is_string(v) && !strcmp(json_string_value(v), col->levels[l]))
				map[l] = (int32_t)j;
	}
	*out = map;
	return 0;
}

static int unknown_category(const fl_table *t, size_t c, const int32_t *map, fl_err *err)
{
	const fl_column *col = &t->cols[c];

	for (size_t i = 0; i < t->n_rows; i++)
		if (col->codes[i] >= 0 && map[col->codes[i]] < 0)
			return fl_err_set(err, FL_EINVAL,
					  "encode: column '%s' row %zu has the category '%s', not seen when fitting (handle_unknown: ignore allows it)",
					  col->name, i + 1, col->levels[col->codes[i]]);
	return 0;
}

/* Add the encoded columns of input column c to r. */
static int encode_column(fl_table *r, const fl_table *t, size_t c, const json_t *item,
			 int one_hot, int ignore, fl_err *err)
{
	const fl_column *col = &t->cols[c];
	const json_t *cats = json_object_get(item, "categories"), *v;
	int32_t *map = NULL;
	size_t j;
	int rc;

	if (col->type != FL_COL_CATEGORICAL)
		return fl_err_set(err, FL_EINVAL, "encode: column '%s' is numeric", col->name);
	if (!json_is_array(cats))
		return bad(err, "encode", "every column needs a \"categories\" array");
	if ((rc = level_map(col, cats, &map, err)) < 0)
		return rc;
	if (!ignore && (rc = unknown_category(t, c, map, err)) < 0)
		goto cleanup;
	if (!one_hot) {
		if ((rc = fl_table_add_column(r, col->name, FL_COL_NUMERIC, err)) < 0)
			goto cleanup;
		for (size_t i = 0; i < t->n_rows; i++)
			r->cols[rc].num[i] = col->codes[i] < 0 || map[col->codes[i]] < 0
						     ? NAN : (double)map[col->codes[i]];
		rc = 0;
		goto cleanup;
	}
	json_array_foreach(cats, j, v) {
		char *name = NULL;
		int nc;
		if (asprintf(&name, "%s=%s", col->name, json_string_value(v)) < 0) {
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
			goto cleanup;
		}
		nc = fl_table_add_column(r, name, FL_COL_NUMERIC, err);
		free(name);
		if ((rc = nc) < 0)
			goto cleanup;
		for (size_t i = 0; i < t->n_rows; i++)
			r->cols[nc].num[i] = col->codes[i] < 0 ? NAN : (double)(map[col->codes[i]] == (int32_t)j);
	}
	rc = 0;
cleanup:
	free(map);
	return rc;
}

static const json_t *find_item(const json_t *cols, const char *name)
{
	const json_t *item;
	size_t k;

	json_array_foreach(cols, k, item) {
		const char *s = json_string_value(json_object_get(item, "name"));
		if (s && !strcmp(s, name))
			return item;
	}
	return NULL;
}

static int apply_encode(fl_table **out, const fl_table *t, const json_t *tf, fl_err *err)
{
	const json_t *cols = json_object_get(tf, "columns"), *item;
	const char *method = json_string_value(json_object_get(tf, "method"));
	const char *unknown = json_string_value(json_object_get(tf, "handle_unknown"));
	fl_table *r = NULL;
	size_t k;
	int rc;

	if (!method || (strcmp(method, "one_hot") && strcmp(method, "ordinal")))
		return bad(err, "encode", "\"method\" must be one_hot or ordinal");
	json_array_foreach(cols, k, item)
		if ((rc = column_of(t, item, "encode", err)) < 0)
			return rc;
	if ((rc = fl_table_new(&r, err)) < 0 || (rc = fl_table_add_rows(r, t->n_rows, err)) < 0)
		goto fail;
	for (size_t c = 0; c < t->n_cols; c++) {
		item = find_item(cols, t->cols[c].name);
		rc = item ? encode_column(r, t, c, item, !strcmp(method, "one_hot"),
					  unknown && !strcmp(unknown, "ignore"), err)
			  : fl_table_add_copy(r, t, c, NULL, err);
		if (rc < 0)
			goto fail;
	}
	*out = r;
	return 0;
fail:
	fl_table_free(r);
	return rc;
}

static int apply_stateless(fl_table **out, const fl_table *t, const json_t *tf,
			   const char *kind, fl_err *err)
{
	const char **names = NULL;
	size_t n = 0;
	int rc;

	if (!strcmp(kind, "filter")) {
		const char *expr = json_string_value(json_object_get(tf, "expr"));
		return expr ? fl_tf_filter(out, t, expr, err) : bad(err, kind, "needs an \"expr\"");
	}
	if (!strcmp(kind, "dropna") && !json_object_get(tf, "columns"))
		return fl_tf_dropna(out, t, NULL, err);
	if ((rc = names_of(tf, kind, &names, &n, err)) < 0)
		return rc;
	if (!strcmp(kind, "select")) {
		rc = fl_tf_select(out, t, names, n, err);
	} else if (!strcmp(kind, "drop")) {
		rc = fl_tf_drop(out, t, names, n, err);
	} else {
		fl_cols cols = { names, n, NULL, 0 };
		rc = fl_tf_dropna(out, t, &cols, err);
	}
	free(names);
	return rc;
}

int fl_tf_apply(fl_table **out, const fl_table *t, const json_t *tf,
		fl_err *err)
{
	const char *kind = json_string_value(json_object_get(tf, "kind"));
	fl_table *r = NULL;
	int rc;

	*out = NULL;
	if (!kind)
		return fl_err_set(err, FL_EINVAL, "a transform needs a \"kind\"");
	if (!strcmp(kind, "select") || !strcmp(kind, "drop") || !strcmp(kind, "dropna") ||
	    !strcmp(kind, "filter"))
		return apply_stateless(out, t, tf, kind, err);
	if (!strcmp(kind, "encode"))
		return apply_encode(out, t, tf, err);
	if (strcmp(kind, "impute") && strcmp(kind, "scale"))
		return fl_err_set(err, FL_EINVAL,
				  "unknown transform kind '%s' (select, drop, dropna, filter, impute, encode, scale)",
				  kind);
	if (!json_is_array(json_object_get(tf, "columns")))
		return bad(err, kind, "needs a \"columns\" array");
	if ((rc = fl_table_copy(&r, t, err)) < 0)
		return rc;
	rc = !strcmp(kind, "impute") ? apply_impute(r, tf, err) : apply_scale(r, tf, err);
	if (rc < 0) {
		fl_table_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int fl_tf_apply_all(fl_table **out, const fl_table *t, const json_t *list,
		    fl_err *err)
{
	fl_table *cur = NULL, *next = NULL;
	const json_t *tf;
	size_t i;
	int rc;

	*out = NULL;
	if (!json_is_array(list))
		return fl_err_set(err, FL_EINVAL, "a transform list must be a JSON array");
	if ((rc = fl_table_copy(&cur, t, err)) < 0)
		return rc;
	json_array_foreach(list, i, tf) {
		if ((rc = fl_tf_apply(&next, cur, tf, err)) < 0) {
			fl_err_wrap(err, "transform %zu", i + 1);
			fl_table_free(cur);
			return rc;
		}
		fl_table_free(cur);
		cur = next;
	}
	*out = cur;
	return 0;
}

char *fl_tf_dumps(const json_t *tf)
{
	return json_dumps(tf, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
}
