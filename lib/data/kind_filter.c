/* kind_filter.c - the `filter` step kind: keep the rows of each input
 * table where an expression holds (docs/data.md, "Filter expressions"). */
#include "data/kindutil.h"

static const fl_param_spec params[] = {
	{ "expr", FL_PARAM_STRING, 1, NULL,
	  "keep rows where this holds, e.g. body_mass_g >= 3500 and sex is not missing" },
	FL_KIND_COMPRESS_PARAM,
	{ NULL, 0, 0, NULL, NULL },
};
static const char *const outputs[] = { "*.h5", NULL };

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	const fl_value *e = fl_kparam(ctx, "expr");

	if (e && e->text[0] == '\0')
		return fl_value_error(err, e, FL_EINVAL, "'expr' is empty");
	return fl_kind_check_inputs(ctx, "filter", 0, err);
}

static int build(const fl_step_ctx *ctx, const fl_table *fit_t, json_t **tf, fl_err *err)
{
	(void)fit_t;
	*tf = json_pack("{s:s, s:s}", "kind", "filter", "expr", fl_kparam(ctx, "expr")->text);
	return *tf ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	/* a bad expression or an unknown column in it points at 'expr' */
	return fl_kind_run_tables(ctx, "filter", 0, build, NULL, err);
}

const fl_step_kind fl_kind_filter = {
	"filter", "keep the rows of each input table where an expression holds",
	params, NULL, outputs, fl_kind_table_libs, check, run,
};
