/* kind_select.c - the `select` step kind: keep only the listed columns,
 * in that order, of each input table. */
#include "data/kindutil.h"

static const fl_param_spec params[] = {
	{ "columns", FL_PARAM_STRING_LIST, 1, NULL, "the columns to keep, in this order" },
	FL_KIND_COMPRESS_PARAM,
	{ NULL, 0, 0, NULL, NULL },
};
static const char *const outputs[] = { "*.h5", NULL };

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	const fl_value *c = fl_kparam(ctx, "columns");

	if (c && c->n == 0)
		return fl_value_error(err, c, FL_EINVAL, "'columns' is empty");
	return fl_kind_check_inputs(ctx, "select", 0, err);
}

static int build(const fl_step_ctx *ctx, const fl_table *fit_t, json_t **tf, fl_err *err)
{
	const fl_value *c = fl_kparam(ctx, "columns");
	json_t *cols = json_array();

	(void)fit_t;
	for (size_t i = 0; cols && i < c->n; i++)
		json_array_append_new(cols, json_string(c->items[i]->text));
	*tf = cols ? json_pack("{s:s, s:o}", "kind", "select", "columns", cols) : NULL;
	return *tf ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	return fl_kind_run_tables(ctx, "select", 0, build, NULL, err);
}

const fl_step_kind fl_kind_select = {
	"select", "keep only the listed columns of each input table",
	params, NULL, outputs, fl_kind_table_libs, check, run,
};
