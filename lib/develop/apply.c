/* apply.c - a model and its prepare chain applied to raw data (apply.h). */
#define _GNU_SOURCE
#include "develop/apply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/load.h"
#include "data/prepare.h"
#include "data/table.h"
#include "data/transform.h"
#include "ml/mldata.h"
#include "ml/model.h"

/* The model's prepare chain applied to `raw`: *ready is a new table, or
 * `raw` itself (borrowed, *owned = 0) when the model has no chain. */
static int prepare(fl_table **ready, uint32_t **rows, int *owned, const fl_model *m,
		   const fl_table *raw, fl_err *err)
{
	fl_prep_apply_opts po = FL_PREP_APPLY_OPTS_INIT;
	json_t *chain = NULL;
	int rc;

	*owned = 0;
	*rows = NULL;
	if (!m->schema.prep_json) {
		*ready = (fl_table *)raw;
		return 0;
	}
	if (!(chain = json_loads(m->schema.prep_json, 0, NULL)))
		return fl_err_set(err, FL_EINVAL, "the model's prepare chain is not valid JSON");
	po.label = m->schema.label_name;
	rc = fl_prep_apply(ready, rows, raw, chain, &po, err);
	json_decref(chain);
	*owned = rc == 0;
	return rc;
}

/* Append `name` to a comma-separated list in buf. */
static void list_add(char *buf, size_t cap, const char *name)
{
	size_t len = strlen(buf);

	snprintf(buf + len, cap - len, "%s'%s'", len ? ", " : "", name);
}

/* The prepared table's columns against the model's features: missing and
 * extra columns named (before any type check, so an extra text column is
 * reported as extra, not as needing an encoding). */
static int check_columns(const fl_model *m, const fl_table *t, fl_err *err)
{
	const fl_schema *s = &m->schema;
	char missing[1024] = "", extra[1024] = "";

	for (size_t j = 0; j < s->n_features; j++)
		if (fl_table_find(t, s->feature_names[j]) < 0)
			list_add(missing, sizeof(missing), s->feature_names[j]);
	for (size_t c = 0; c < t->n_cols; c++) {
		const char *name = t->cols[c].name;
		size_t j = 0;
		while (j < s->n_features && strcmp(s->feature_names[j], name) != 0)
			j++;
		if (j == s->n_features && !(s->label_name && !strcmp(s->label_name, name)))
			list_add(extra, sizeof(extra), name);
	}
	if (missing[0] && extra[0])
		return fl_err_set(err, FL_EINVAL, "missing features %s; extra features %s", missing,
				  extra);
	if (missing[0] || extra[0])
		return fl_err_set(err, FL_EINVAL, "%s features %s", missing[0] ? "missing" : "extra",
				  missing[0] ? missing : extra);
	return 0;
}

/* Features of `t` (the training label left out if present). */
static int features(fl_dataset **ds, const fl_model *m, const fl_table *t, fl_err *err)
{
	const char *label = m->schema.label_name;
	fl_table *nolabel = NULL;
	int rc;

	if ((rc = check_columns(m, t, err)) < 0)
		return rc;
	if (!label || fl_table_find(t, label) < 0)
		return fl_dataset_from_table(ds, t, NULL, FL_LABEL_AUTO, err);
	if ((rc = fl_tf_drop(&nolabel, t, &label, 1, err)) == 0)
		rc = fl_dataset_from_table(ds, nolabel, NULL, FL_LABEL_AUTO, err);
	fl_table_free(nolabel);
	return rc;
}

/* The id columns of the rows that survived, or a 1-based "row" column. */
static int id_columns(fl_table **out, const fl_table *raw, const uint32_t *rows, size_t n,
		      const fl_apply_opts *o, fl_err *err)
{
	fl_table *sel = NULL;
	int rc, c;

	if (o->n_id) {
		for (size_t i = 0; i < o->n_id; i++)
			if (fl_table_find(raw, o->id[i]) < 0)
				return fl_err_set(err, FL_EINVAL,
						  "identifier column '%s' is not in the input",
						  o->id[i]);
		if ((rc = fl_tf_select(&sel, raw, o->id, o->n_id, err)) == 0)
			rc = rows ? fl_table_take(out, sel, rows, n, err) : fl_table_copy(out, sel, err);
		fl_table_free(sel);
		return rc;
	}
	if ((rc = fl_table_new(out, err)) < 0 || (rc = fl_table_add_rows(*out, n, err)) < 0)
		return rc;
	if (!o->row_ids)
		return 0;
	if ((c = rc = fl_table_add_column(*out, "row", FL_COL_NUMERIC, err)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		(*out)->cols[c].num[i] = (double)(rows ? rows[i] : i) + 1;
	return 0;
}

int fl_apply_table(fl_table **out, const fl_model *m, const fl_table *raw,
		   const fl_apply_opts *o, fl_err *err)
{
	fl_table *ready = NULL, *pred = NULL, *res = NULL;
	fl_dataset *ds = NULL;
	uint32_t *rows = NULL;
	int owned = 0, rc;

	*out = NULL;
	if ((rc = prepare(&ready, &rows, &owned, m, raw, err)) == 0 &&
	    (rc = features(&ds, m, ready, err)) == 0 &&
	    (rc = fl_mldata_predictions(&pred, m, ds, o->proba, o->n_threads, err)) == 0 &&
	    (rc = id_columns(&res, raw, rows, ready->n_rows, o, err)) == 0)
		for (size_t c = 0; rc == 0 && c < pred->n_cols; c++)
			if ((rc = fl_table_add_copy(res, pred, c, NULL, err)) > 0)
				rc = 0;
	if (rc == 0) {
		*out = res;
		res = NULL;
	}
	fl_table_free(res);
	fl_table_free(pred);
	fl_dataset_free(ds);
	if (owned)
		fl_table_free(ready);
	free(rows);
	return rc;
}

/* Standard input copied to a temporary file (formats are read by name). */
static int spool_stdin(char **path, fl_err *err)
{
	const char *dir = getenv("TMPDIR");
	char buf[65536];
	size_t n;
	FILE *f;
	int fd, bad;

	if (asprintf(path, "%s/floe-stdin-XXXXXX", dir && *dir ? dir : "/tmp") < 0) {
		*path = NULL;
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if ((fd = mkstemp(*path)) < 0 || !(f = fdopen(fd, "wb"))) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return fl_err_sys(err, e, "a temporary file for standard input");
	}
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		if (fwrite(buf, 1, n, f) != n)
			break;
	bad = ferror(stdin) || ferror(f);
	if (fclose(f) != 0 || bad)
		return fl_err_sys(err, errno ? errno : EIO, "copying standard input");
	return 0;
}

static int load_input(fl_table **t, const char *data, fl_err *err)
{
	char *tmp = NULL;
	int rc;

	if (strcmp(data, "-") != 0)
		return fl_data_load(t, data, NULL, err);
	if ((rc = spool_stdin(&tmp, err)) == 0)
		rc = fl_data_load(t, tmp, NULL, err);
	if (tmp)
		unlink(tmp);
	free(tmp);
	return rc < 0 ? fl_err_wrap(err, "standard input") : 0;
}

int fl_apply_model_to_file(const fl_model *m, const char *data, const char *out,
			   fl_table **table, const fl_apply_opts *o, fl_err *err)
{
	fl_table *raw = NULL, *res = NULL;
	int rc;

	if (table)
		*table = NULL;
	if ((rc = load_input(&raw, data, err)) == 0 &&
	    (rc = fl_apply_table(&res, m, raw, o, err)) < 0)
		fl_err_wrap(err, "applying the model to %s", strcmp(data, "-") ? data : "standard input");
	if (rc == 0 && out)
		rc = fl_mldata_write(res, out, err);
	if (rc == 0 && !out && table) {
		*table = res;
		res = NULL;
	}
	fl_table_free(res);
	fl_table_free(raw);
	return rc;
}

int fl_apply_file(const char *model, const char *data, const char *out, fl_table **table,
		  const fl_apply_opts *o, fl_err *err)
{
	fl_model *m = NULL;
	int rc;

	if (table)
		*table = NULL;
	if ((rc = fl_model_load(&m, model, err)) == 0 &&
	    (rc = fl_apply_model_to_file(m, data, out, table, o, err)) < 0)
		fl_err_wrap(err, "%s", model);
	fl_model_free(m);
	return rc;
}
