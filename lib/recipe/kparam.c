/* kparam.c - step parameters read with their recipe positions. */
#define _GNU_SOURCE
#include "recipe/kparam.h"

#include <stdio.h>
#include <stdlib.h>

#include "recipe/value.h"

const fl_value *fl_kparam(const fl_step_ctx *ctx, const char *key)
{
	return fl_value_get(ctx->params, key);
}

static void what_of(char *buf, size_t n, const char *key)
{
	snprintf(buf, n, "parameter '%s'", key);
}

int fl_kparam_str(const fl_step_ctx *ctx, const char *key, const char **out, fl_err *err)
{
	const fl_value *v = fl_kparam(ctx, key);
	char what[128];

	*out = "";
	what_of(what, sizeof(what), key);
	return v ? fl_value_str(v, what, out, err) : 0;
}

int fl_kparam_int(const fl_step_ctx *ctx, const char *key, int64_t *out, fl_err *err)
{
	const fl_value *v = fl_kparam(ctx, key);
	char what[128];

	*out = 0;
	what_of(what, sizeof(what), key);
	return v ? fl_value_int(v, what, out, err) : 0;
}

int fl_kparam_float(const fl_step_ctx *ctx, const char *key, double *out, fl_err *err)
{
	const fl_value *v = fl_kparam(ctx, key);
	char what[128];

	*out = 0;
	what_of(what, sizeof(what), key);
	return v ? fl_value_float(v, what, out, err) : 0;
}

int fl_kparam_bool(const fl_step_ctx *ctx, const char *key, int *out, fl_err *err)
{
	const fl_value *v = fl_kparam(ctx, key);
	char what[128];

	*out = 0;
	what_of(what, sizeof(what), key);
	return v ? fl_value_bool(v, what, out, err) : 0;
}

int fl_kparam_strs(const fl_step_ctx *ctx, const char *key, const char ***out,
		   size_t *n, fl_err *err)
{
	const fl_value *v = fl_kparam(ctx, key);

	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	if (v->type != FL_VALUE_SEQ)
		return fl_value_error(err, v, FL_EINVAL, "parameter '%s' must be a list", key);
	if (!(*out = malloc((v->n + 1) * sizeof(char *))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < v->n; i++)
		(*out)[i] = v->items[i]->text;
	*n = v->n;
	return 0;
}

int fl_kparam_blame(const fl_step_ctx *ctx, const char *key, int rc, fl_err *err)
{
	const fl_value *v = fl_kparam(ctx, key);
	char msg[FL_ERR_MSG_MAX];

	if (!err)
		return rc;
	snprintf(msg, sizeof(msg), "%s", err->msg);
	return fl_value_error(err, v ? v : ctx->node, rc, "step '%s': %s", ctx->step, msg);
}

int fl_kind_check_inputs(const fl_step_ctx *ctx, const char *kind, size_t n_max,
			 fl_err *err)
{
	if (ctx->n_inputs == 0)
		return fl_value_error(err, ctx->node, FL_EINVAL,
				      "step '%s' needs an input (kind '%s' reads a table)",
				      ctx->step, kind);
	if (n_max && ctx->n_inputs > n_max)
		return fl_value_error(err, ctx->node, FL_EINVAL,
				      "step '%s' has %zu inputs; kind '%s' reads exactly one",
				      ctx->step, ctx->n_inputs, kind);
	return 0;
}
