/* kind_split.c - the `split` step kind: one table into train, validation
 * and test tables, optionally stratified by a label, seeded by the recipe
 * seed. */
#include <math.h>

#include "data/kindutil.h"
#include "data/split.h"

static const fl_param_spec params[] = {
	{ "train", FL_PARAM_FLOAT, 0, NULL,
	  "fraction of rows for training (default: what validation and test leave)" },
	{ "validation", FL_PARAM_FLOAT, 0, "0", "fraction of rows for validation" },
	{ "test", FL_PARAM_FLOAT, 0, "0.2", "fraction of rows for testing" },
	{ "stratify", FL_PARAM_STRING, 0, NULL, "label column: keep its class proportions" },
	FL_KIND_COMPRESS_PARAM,
	{ NULL, 0, 0, NULL, NULL },
};
static const char *const outputs[] = { "train.h5", "validation.h5", "test.h5", NULL };

static int fraction(const fl_step_ctx *ctx, const char *key, double *out, fl_err *err)
{
	int rc = fl_kparam_float(ctx, key, out, err);

	if (rc == 0 && (!(*out >= 0) || *out > 1))
		return fl_value_error(err, fl_kparam(ctx, key), FL_EINVAL,
				      "'%s' must be a fraction between 0 and 1", key);
	return rc;
}

static int options(const fl_step_ctx *ctx, fl_split_opts *o, fl_err *err)
{
	const fl_value *tr = fl_kparam(ctx, "train"), *st = fl_kparam(ctx, "stratify");
	int rc;

	if ((rc = fraction(ctx, "validation", &o->validation, err)) < 0 ||
	    (rc = fraction(ctx, "test", &o->test, err)) < 0)
		return rc;
	o->train = 1.0 - o->validation - o->test;
	if (tr && (rc = fraction(ctx, "train", &o->train, err)) < 0)
		return rc;
	if (fabs(o->train + o->validation + o->test - 1.0) > 1e-9 || o->train < -1e-12)
		return fl_value_error(err, tr ? tr : fl_kparam(ctx, "test"), FL_EINVAL,
				      "train + validation + test = %g, not 1",
				      o->train + o->validation + o->test);
	if (o->train <= 0)
		return fl_value_error(err, tr ? tr : fl_kparam(ctx, "test"), FL_EINVAL,
				      "no rows are left for training");
	o->stratify = st && st->text[0] ? st->text : NULL;
	o->seed = ctx->seed;
	return 0;
}

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	fl_split_opts o = FL_SPLIT_OPTS_INIT;
	int rc;

	if ((rc = fl_kind_check_inputs(ctx, "split", 1, err)) < 0)
		return rc;
	return options(ctx, &o, err);
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	fl_split_opts o = FL_SPLIT_OPTS_INIT;
	fl_table *parts[3] = { NULL, NULL, NULL };
	fl_kin k = { 0 };
	int rc;

	if ((rc = options(ctx, &o, err)) < 0 || (rc = fl_kin_read(&k, ctx, 0, err)) < 0)
		return rc;
	if ((rc = fl_kparam_need_cols(ctx, "stratify", k.t, "the input", err)) < 0)
		goto cleanup;
	if ((rc = fl_split(parts, k.t, &o, err)) < 0) {
		fl_kparam_blame(ctx, o.stratify ? "stratify" : "test", rc, err);
		goto cleanup;
	}
	for (int p = 0; p < 3 && rc == 0; p++)
		rc = fl_kout_write(ctx, "split", outputs[p], parts[p], &k, NULL, err);
cleanup:
	for (int p = 0; p < 3; p++)
		fl_table_free(parts[p]);
	fl_kin_free(&k);
	return rc;
}

const fl_step_kind fl_kind_split = {
	"split", "split a table into train, validation and test tables (seeded)",
	params, NULL, outputs, fl_kind_table_libs, check, run,
};
