/* kindutil.c - shared parts of the table step kinds: column parameters,
 * input tables with their lineage, outputs that carry it on, and the
 * table-to-table driver. */
#define _GNU_SOURCE
#include "data/kindutil.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/h5table.h"
#include "data/prepare.h"
#include "data/tfutil.h"

const char *const fl_kind_table_libs[] = { "hdf5", "jansson", NULL };

int fl_kparam_cols(const fl_step_ctx *ctx, fl_cols *cols, const char ***names,
		   const char ***excl, fl_err *err)
{
	size_t n = 0, ne = 0;
	int rc;

	*names = *excl = NULL;
	if ((rc = fl_kparam_strs(ctx, "columns", names, &n, err)) < 0 ||
	    (rc = fl_kparam_strs(ctx, "exclude", excl, &ne, err)) < 0)
		return rc;
	*cols = (fl_cols){ *names, n, *excl, ne };
	return 0;
}

static int no_col(const fl_step_ctx *ctx, const fl_value *at, const fl_table *t,
		  const char *which, fl_err *err)
{
	char *list = fl_tf_column_list(t);
	int rc = fl_value_error(err, at, FL_EINVAL,
				"step '%s': %s has no column '%s' (it has: %s)", ctx->step,
				which, at->text, list ? list : "?");
	free(list);
	return rc;
}

int fl_kparam_need_cols(const fl_step_ctx *ctx, const char *key, const fl_table *t,
			const char *which, fl_err *err)
{
	const fl_value *v = fl_kparam(ctx, key);

	if (!v)
		return 0;
	if (v->type == FL_VALUE_SCALAR)
		return v->text[0] && fl_table_find(t, v->text) < 0
			       ? no_col(ctx, v, t, which, err) : 0;
	for (size_t i = 0; i < v->n; i++)
		if (fl_table_find(t, v->items[i]->text) < 0)
			return no_col(ctx, v->items[i], t, which, err);
	return 0;
}

int fl_kin_read(fl_kin *k, const fl_step_ctx *ctx, size_t i, fl_err *err)
{
	const char *path = ctx->inputs[i].path;
	fl_h5table_reader *r = NULL;
	json_t *meta = NULL;
	int rc;

	memset(k, 0, sizeof(*k));
	if (!fl_h5table_is_table(path))
		return fl_err_set(err, FL_EINVAL,
				  "step '%s' input '%s': not a floe table (read data files "
				  "with a 'load' step first)", ctx->step, ctx->inputs[i].name);
	if ((rc = fl_h5table_open(&r, path, err)) < 0 ||
	    (rc = fl_h5table_meta(r, &meta, err)) < 0 ||
	    (rc = fl_prep_chain_read(&k->chain, path, err)) < 0 ||
	    (rc = fl_h5table_read(&k->t, path, err)) < 0)
		goto cleanup;
	k->inputs = json_incref(json_object_get(meta, "inputs"));
	k->steps = json_incref(json_object_get(meta, "steps"));
	if (!k->inputs || !k->steps)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
cleanup:
	json_decref(meta);
	fl_h5table_close(r);
	if (rc < 0) {
		fl_err_wrap(err, "step '%s' input '%s'", ctx->step, ctx->inputs[i].name);
		fl_kin_free(k);
	}
	return rc;
}

/* Append the strings of `src` that `dst` lacks. */
static int merge_strs(json_t *dst, const json_t *src)
{
	const json_t *s, *d;
	size_t i, j;

	json_array_foreach(src, i, s) {
		int have = 0;
		json_array_foreach(dst, j, d)
			have |= json_equal(s, d);
		if (!have && json_array_append(dst, (json_t *)s) < 0)
			return FL_ENOMEM;
	}
	return 0;
}

int fl_kin_merge(fl_kin *dst, const fl_kin *src, fl_err *err)
{
	if (merge_strs(dst->inputs, src->inputs) < 0 || merge_strs(dst->steps, src->steps) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	return 0;
}

void fl_kin_free(fl_kin *k)
{
	if (!k)
		return;
	fl_table_free(k->t);
	json_decref(k->chain);
	json_decref(k->inputs);
	json_decref(k->steps);
	memset(k, 0, sizeof(*k));
}

int fl_kin_origin(fl_kin *k, const fl_digest *d, const char *path,
		  fl_err *err)
{
	char hex[FL_SHA256_HEX_LEN + 1], *copy = strdup(path);

	if (!copy)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	fl_digest_hex(d, hex);
	k->inputs = json_pack("[s+++]", "sha256:", hex, " ", basename(copy));
	k->chain = json_array();
	k->steps = json_array();
	free(copy);
	if (!k->inputs || !k->chain || !k->steps)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	return 0;
}

/* A string array of a JSON array of strings (borrowed texts). */
static const char **strs_of(const json_t *a)
{
	const char **v = malloc((json_array_size(a) + 1) * sizeof(char *));
	const json_t *s;
	size_t i;

	if (v)
		json_array_foreach(a, i, s)
			v[i] = json_string_value(s);
	return v;
}

/* The lineage of an output: `from`'s chain plus `tf`, steps plus this one. */
static int lineage(const fl_step_ctx *ctx, const char *kind, const fl_kin *from,
		   const json_t *tf, json_t **chain, json_t **steps)
{
	json_t *c = json_deep_copy(tf);

	*chain = json_copy(from->chain);
	*steps = json_copy(from->steps);
	if (!*chain || !*steps || (tf && !c))
		goto oom;
	if (c && (json_object_set_new(c, "step", json_string(ctx->step)) < 0 ||
		  json_array_append(*chain, c) < 0))
		goto oom;
	if (json_array_append_new(*steps, json_sprintf("%s (%s)", ctx->step, kind)) < 0)
		goto oom;
	json_decref(c);
	return 0;
oom:
	json_decref(c);
	return FL_ENOMEM;
}

int fl_kout_write(const fl_step_ctx *ctx, const char *kind, const char *name,
		  const fl_table *t, const fl_kin *from, const json_t *tf, fl_err *err)
{
	fl_h5table_opts o = FL_H5TABLE_OPTS_INIT;
	json_t *chain = NULL, *steps = NULL;
	const char **ins = NULL, **sts = NULL;
	char *path = NULL, *text = NULL;
	int64_t compress;
	int rc;

	if ((rc = fl_kparam_int(ctx, "compress", &compress, err)) < 0)
		return rc;
	if (compress < 0 || compress > 9)
		return fl_value_error(err, fl_kparam(ctx, "compress"), FL_EINVAL,
				      "'compress' must be 0 (none) to 9");
	if (lineage(ctx, kind, from, tf, &chain, &steps) < 0 ||
	    !(ins = strs_of(from->inputs)) || !(sts = strs_of(steps)) ||
	    !(text = fl_tf_dumps(chain)) || !(path = fl_step_output(ctx, name))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	o.compress = (int)compress;
	o.inputs = ins;
	o.n_inputs = json_array_size(from->inputs);
	o.steps = sts;
	o.n_steps = json_array_size(steps);
	o.fitted_json = text;
	if ((rc = fl_h5table_write(t, path, &o, err)) < 0)
		fl_err_wrap(err, "step '%s' output '%s'", ctx->step, name);
cleanup:
	json_decref(chain);
	json_decref(steps);
	free(ins);
	free(sts);
	free(text);
	free(path);
	return rc;
}

int fl_kind_fit_input(const fl_step_ctx *ctx, size_t *out, fl_err *err)
{
	const char *fit = NULL;
	char names[1024] = "";
	size_t len;
	int rc;

	if ((rc = fl_kparam_str(ctx, "fit", &fit, err)) < 0)
		return rc;
	len = strlen(fit);
	for (size_t i = 0; i < ctx->n_inputs; i++) {
		const char *s = ctx->inputs[i].name;
		if (!strcmp(s, fit) || (!strncmp(s, fit, len) && !strcmp(s + len, ".h5"))) {
			*out = i;
			return 0;
		}
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? ", " : "", s);
	}
	return fl_value_error(err, fl_kparam(ctx, "fit") ? fl_kparam(ctx, "fit") : ctx->node,
			      FL_EINVAL,
			      "step '%s' learns from its input '%s', which it does not have "
			      "(its inputs: %s); name the training table '%s' or set 'fit'",
			      ctx->step, fit, names[0] ? names : "none", fit);
}

/* Transform (tf, may be NULL) and row operation for one input -> output. */
static int one_table(const fl_step_ctx *ctx, const char *kind, size_t i, const json_t *tf,
		     const fl_kin *fitk, fl_kind_rows_fn rows, fl_err *err)
{
	fl_kin k = { 0 };
	fl_table *a = NULL, *b = NULL;
	int rc;

	char which[300];

	if ((rc = fl_kin_read(&k, ctx, i, err)) < 0)
		return rc;
	snprintf(which, sizeof(which), "input '%s'", ctx->inputs[i].name);
	if (!fitk && (rc = fl_kparam_need_cols(ctx, "columns", k.t, which, err)) < 0)
		goto cleanup;
	if (fitk && (rc = fl_kin_merge(&k, fitk, err)) < 0)
		goto cleanup;
	if (tf && (rc = fl_tf_apply(&a, k.t, tf, err)) < 0) {
		if (rc == FL_EINVAL && fl_kparam(ctx, "expr")) /* filter: point at it */
			fl_kparam_blame(ctx, "expr", rc, err);
		else
			fl_err_wrap(err, "step '%s' input '%s'", ctx->step, ctx->inputs[i].name);
		goto cleanup;
	}
	if (rows && (rc = rows(ctx, a ? a : k.t, &b, err)) < 0)
		goto cleanup;
	rc = fl_kout_write(ctx, kind, ctx->outputs[i], b ? b : a ? a : k.t, &k, tf, err);
cleanup:
	fl_table_free(a);
	fl_table_free(b);
	fl_kin_free(&k);
	return rc;
}

int fl_kind_run_tables(const fl_step_ctx *ctx, const char *kind, int fitted,
		       fl_kind_fit_fn fit, fl_kind_rows_fn rows, fl_err *err)
{
	fl_kin fk = { 0 };
	json_t *tf = NULL;
	size_t fi = 0;
	char which[300];
	int rc = 0;

	if (ctx->n_outputs != ctx->n_inputs)
		return fl_err_set(err, FL_EFAIL, "step '%s': %zu inputs but %zu outputs",
				  ctx->step, ctx->n_inputs, ctx->n_outputs);
	if (fitted && ((rc = fl_kind_fit_input(ctx, &fi, err)) < 0 ||
		       (rc = fl_kin_read(&fk, ctx, fi, err)) < 0))
		return rc;
	snprintf(which, sizeof(which), "input '%s'", fitted ? ctx->inputs[fi].name : "");
	if (fitted && ((rc = fl_kparam_need_cols(ctx, "columns", fk.t, which, err)) < 0 ||
		       (rc = fl_kparam_need_cols(ctx, "exclude", fk.t, which, err)) < 0))
		goto cleanup;
	if (fit && (rc = fit(ctx, fitted ? fk.t : NULL, &tf, err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < ctx->n_inputs; i++) {
		if (fl_step_stopped(ctx)) {
			rc = fl_err_set(err, FL_EINTR, "step '%s' interrupted", ctx->step);
			goto cleanup;
		}
		if ((rc = one_table(ctx, kind, i, tf, fitted ? &fk : NULL, rows, err)) < 0)
			goto cleanup;
	}
cleanup:
	json_decref(tf);
	fl_kin_free(&fk);
	return rc;
}
