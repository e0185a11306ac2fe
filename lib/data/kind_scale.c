/* kind_scale.c - the `scale` step kind: center and scale numeric columns
 * with statistics of the training table only, applied to every input
 * table. */
#include <stdlib.h>
#include <string.h>

#include "data/kindutil.h"

static const fl_param_spec params[] = {
	{ "method", FL_PARAM_STRING, 0, "standard", "standard, minmax or robust" },
	{ "columns", FL_PARAM_STRING_LIST, 0, NULL,
	  "columns to scale (default: every numeric column)" },
	{ "exclude", FL_PARAM_STRING_LIST, 0, NULL, "columns never touched (the label)" },
	{ "fit", FL_PARAM_STRING, 0, "train", "the input to learn from (SLOT or SLOT.h5)" },
	FL_KIND_COMPRESS_PARAM,
	{ NULL, 0, 0, NULL, NULL },
};
static const char *const outputs[] = { "*.h5", NULL };

static int options(const fl_step_ctx *ctx, fl_scale_opts *o, fl_err *err)
{
	int rc = fl_scale_method_parse(fl_kparam(ctx, "method")->text, &o->method, err);

	return rc < 0 ? fl_kparam_blame(ctx, "method", rc, err) : 0;
}

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	fl_scale_opts o = FL_SCALE_OPTS_INIT;
	size_t fi;
	int rc;

	if ((rc = fl_kind_check_inputs(ctx, "scale", 0, err)) < 0 ||
	    (rc = options(ctx, &o, err)) < 0)
		return rc;
	return fl_kind_fit_input(ctx, &fi, err);
}

static int fit(const fl_step_ctx *ctx, const fl_table *t, json_t **tf, fl_err *err)
{
	fl_scale_opts o = FL_SCALE_OPTS_INIT;
	const char **names = NULL, **excl = NULL;
	int rc;

	if ((rc = options(ctx, &o, err)) == 0 &&
	    (rc = fl_kparam_cols(ctx, &o.cols, &names, &excl, err)) == 0 &&
	    (rc = fl_scale_fit(tf, t, &o, err)) < 0)
		fl_kparam_blame(ctx, "columns", rc, err);
	free(names);
	free(excl);
	return rc;
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	return fl_kind_run_tables(ctx, "scale", 1, fit, NULL, err);
}

const fl_step_kind fl_kind_scale = {
	"scale", "center and scale numeric columns, learnt on the training table",
	params, NULL, outputs, fl_kind_table_libs, check, run,
};
