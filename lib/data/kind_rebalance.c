/* kind_rebalance.c - the `rebalance` step kind: subsample large classes
 * to N rows and oversample small ones, seeded by the recipe seed. Meant
 * for the training table only: validation and test keep their classes'
 * true proportions. */
#include <stdlib.h>

#include "data/kindutil.h"
#include "data/split.h"

static const fl_param_spec params[] = {
	{ "label", FL_PARAM_STRING, 1, NULL, "the class column" },
	{ "max_per_class", FL_PARAM_INT, 0, "0",
	  "subsample larger classes to this many rows (without replacement); 0: no" },
	{ "min_per_class", FL_PARAM_INT, 0, "0",
	  "oversample smaller classes to this many rows (with replacement); 0: no" },
	FL_KIND_COMPRESS_PARAM,
	{ NULL, 0, 0, NULL, NULL },
};
static const char *const outputs[] = { "*.h5", NULL };

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	int64_t mx, mn;
	int rc;

	if ((rc = fl_kparam_int(ctx, "max_per_class", &mx, err)) < 0 ||
	    (rc = fl_kparam_int(ctx, "min_per_class", &mn, err)) < 0)
		return rc;
	if (mx < 0)
		return fl_value_error(err, fl_kparam(ctx, "max_per_class"), FL_EINVAL,
				      "'max_per_class' must be >= 0");
	if (mn < 0)
		return fl_value_error(err, fl_kparam(ctx, "min_per_class"), FL_EINVAL,
				      "'min_per_class' must be >= 0");
	if (mx > 0 && mn > mx)
		return fl_value_error(err, fl_kparam(ctx, "min_per_class"), FL_EINVAL,
				      "'min_per_class' (%lld) is above 'max_per_class' (%lld)",
				      (long long)mn, (long long)mx);
	if (mx == 0 && mn == 0)
		return fl_value_error(err, ctx->node, FL_EINVAL,
				      "step '%s': give 'max_per_class', 'min_per_class' or both",
				      ctx->step);
	return fl_kind_check_inputs(ctx, "rebalance", 0, err);
}

static int rows(const fl_step_ctx *ctx, const fl_table *t, fl_table **out, fl_err *err)
{
	fl_rebalance_opts o = FL_REBALANCE_OPTS_INIT;
	int64_t mx, mn;
	int rc;

	if ((rc = fl_kparam_need_cols(ctx, "label", t, "the input", err)) < 0 ||
	    (rc = fl_kparam_int(ctx, "max_per_class", &mx, err)) < 0 ||
	    (rc = fl_kparam_int(ctx, "min_per_class", &mn, err)) < 0)
		return rc;
	o.label = fl_kparam(ctx, "label")->text;
	o.max_per_class = (size_t)mx;
	o.min_per_class = (size_t)mn;
	o.seed = ctx->seed;
	if ((rc = fl_rebalance(out, t, &o, err)) < 0)
		return fl_kparam_blame(ctx, "label", rc, err);
	return 0;
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	return fl_kind_run_tables(ctx, "rebalance", 0, NULL, rows, err);
}

const fl_step_kind fl_kind_rebalance = {
	"rebalance", "subsample large classes and oversample small ones (seeded)",
	params, NULL, outputs, fl_kind_table_libs, check, run,
};
