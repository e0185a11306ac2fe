/* prepare.c - reading the prepare chain stored with a prepared table and
 * re-applying it to new raw data (the implement phase's half of prepare). */
#define _GNU_SOURCE
#include "data/prepare.h"

#include <stdlib.h>
#include <string.h>

#include "data/h5table.h"
#include "data/transform.h"

/* A column name no user table has: it carries each row's origin through
 * the chain. */
#define ROW_COL "\x1f" "floe-row"

/* Is `tf` a transform object with a "kind"? */
static int is_transform(const json_t *tf)
{
	return json_is_object(tf) && json_is_string(json_object_get(tf, "kind"));
}

int fl_prep_chain_read(json_t **out, const char *path, fl_err *err)
{
	fl_h5table_reader *r = NULL;
	json_t *meta = NULL, *chain;
	const json_t *tf;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = fl_h5table_open(&r, path, err)) < 0 ||
	    (rc = fl_h5table_meta(r, &meta, err)) < 0)
		goto cleanup;
	chain = json_object_get(meta, "fitted");
	if (json_is_null(chain) || !chain) {
		*out = json_array();
		rc = *out ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	rc = FL_EINVAL;
	if (!json_is_array(chain)) {
		fl_err_set(err, rc, "%s: floe_fitted is not a list of transforms", path);
		goto cleanup;
	}
	json_array_foreach(chain, i, tf)
		if (!is_transform(tf)) {
			fl_err_set(err, rc, "%s: floe_fitted item %zu is not a transform", path,
				   i + 1);
			goto cleanup;
		}
	*out = json_incref(chain);
	rc = 0;
cleanup:
	json_decref(meta);
	fl_h5table_close(r);
	return rc;
}

/* Does a "columns" item (a name or {"name": ...}) name `col`? */
static int names_col(const json_t *item, const char *col)
{
	const char *s = json_is_string(item) ? json_string_value(item)
					     : json_string_value(json_object_get(item, "name"));
	return s && !strcmp(s, col);
}

/* A copy of `tf` ready to apply: without `skip` (the absent label) in its
 * column list, and with the row column added to a select. *out NULL: the
 * transform has nothing left to do. */
static int patch(json_t **out, const json_t *tf, const char *skip)
{
	const char *kind = json_string_value(json_object_get(tf, "kind"));
	json_t *c = json_deep_copy(tf), *cols;
	size_t i;

	*out = NULL;
	if (!c)
		return FL_ENOMEM;
	cols = json_object_get(c, "columns");
	for (i = json_array_size(cols); skip && i-- > 0;)
		if (names_col(json_array_get(cols, i), skip))
			json_array_remove(cols, i);
	if (!strcmp(kind, "select") && json_is_array(cols)) {
		if (json_array_append_new(cols, json_string(ROW_COL)) < 0) {
			json_decref(c);
			return FL_ENOMEM;
		}
	} else if (json_is_array(cols) && json_array_size(cols) == 0) {
		json_decref(c); /* dropna/drop/impute/encode/scale of nothing */
		return 0;
	}
	*out = c;
	return 0;
}

/* Apply transform `i` of the chain to *cur (replaced by the result). */
static int apply_one(fl_table **cur, const json_t *tf, size_t i, const char *skip,
		     fl_err *err)
{
	const char *step = json_string_value(json_object_get(tf, "step"));
	json_t *p = NULL;
	fl_table *next = NULL;
	int rc;

	if (patch(&p, tf, skip) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!p)
		return 0;
	rc = fl_tf_apply(&next, *cur, p, err);
	json_decref(p);
	if (rc < 0)
		return step ? fl_err_wrap(err, "prepare step '%s'", step)
			    : fl_err_wrap(err, "prepare transform %zu", i + 1);
	fl_table_free(*cur);
	*cur = next;
	return 0;
}

/* Take the row column out of `t` into *rows (may be NULL). */
static int take_rows(fl_table **t, uint32_t **rows, fl_err *err)
{
	int c = fl_table_find(*t, ROW_COL);
	const char *name = ROW_COL;
	fl_table *r = NULL;
	int rc;

	if (c < 0)
		return fl_err_set(err, FL_EFAIL, "the row index was lost applying the chain");
	if (rows) {
		if (!(*rows = malloc(((*t)->n_rows ? (*t)->n_rows : 1) * sizeof(**rows))))
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		for (size_t i = 0; i < (*t)->n_rows; i++)
			(*rows)[i] = (uint32_t)(*t)->cols[c].num[i];
	}
	if ((rc = fl_tf_drop(&r, *t, &name, 1, err)) < 0) {
		if (rows) {
			free(*rows);
			*rows = NULL;
		}
		return rc;
	}
	fl_table_free(*t);
	*t = r;
	return 0;
}

int fl_prep_apply(fl_table **out, uint32_t **rows, const fl_table *raw,
		  const json_t *chain, const fl_prep_apply_opts *o, fl_err *err)
{
	const char *skip = NULL;
	fl_table *cur = NULL;
	const json_t *tf;
	size_t i;
	int c, rc;

	*out = NULL;
	if (rows)
		*rows = NULL;
	if (!json_is_array(chain))
		return fl_err_set(err, FL_EINVAL, "a prepare chain must be a JSON array");
	if (raw->n_rows > UINT32_MAX)
		return fl_err_set(err, FL_EINVAL, "too many rows for a prepare chain");
	if (o && o->label && fl_table_find(raw, o->label) < 0)
		skip = o->label;
	if ((rc = fl_table_copy(&cur, raw, err)) < 0)
		return rc;
	if ((c = fl_table_add_column(cur, ROW_COL, FL_COL_NUMERIC, err)) < 0) {
		rc = c;
		goto fail;
	}
	for (size_t r = 0; r < cur->n_rows; r++)
		cur->cols[c].num[r] = (double)r;
	json_array_foreach(chain, i, tf)
		if ((rc = apply_one(&cur, tf, i, skip, err)) < 0)
			goto fail;
	if ((rc = take_rows(&cur, rows, err)) < 0)
		goto fail;
	*out = cur;
	return 0;
fail:
	fl_table_free(cur);
	return rc;
}

int fl_prep_apply_file(fl_table **out, uint32_t **rows, const fl_table *raw,
		       const char *prepared, const fl_prep_apply_opts *o,
		       fl_err *err)
{
	json_t *chain = NULL;
	int rc;

	*out = NULL;
	if (rows)
		*rows = NULL;
	if ((rc = fl_prep_chain_read(&chain, prepared, err)) < 0)
		return rc;
	rc = fl_prep_apply(out, rows, raw, chain, o, err);
	json_decref(chain);
	return rc;
}
