/* kind_dropna.c - the `dropna` step kind: remove the rows of each input
 * table that have a missing value in any of the chosen columns. */
#include "data/kindutil.h"

static const fl_param_spec params[] = {
	{ "columns", FL_PARAM_STRING_LIST, 0, NULL,
	  "the columns to look at (default: every column)" },
	FL_KIND_COMPRESS_PARAM,
	{ NULL, 0, 0, NULL, NULL },
};
static const char *const outputs[] = { "*.h5", NULL };

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	const fl_value *c = fl_kparam(ctx, "columns");

	if (c && c->n == 0)
		return fl_value_error(err, c, FL_EINVAL,
				      "'columns' is empty (leave it out to look at every column)");
	return fl_kind_check_inputs(ctx, "dropna", 0, err);
}

static int build(const fl_step_ctx *ctx, const fl_table *fit_t, json_t **tf, fl_err *err)
{
	const fl_value *c = fl_kparam(ctx, "columns");
	json_t *cols = NULL;

	(void)fit_t;
	if (!(*tf = json_pack("{s:s}", "kind", "dropna")))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!c)
		return 0;
	if (!(cols = json_array()) || json_object_set_new(*tf, "columns", cols) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->n; i++)
		if (json_array_append_new(cols, json_string(c->items[i]->text)) < 0)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
	return 0;
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	return fl_kind_run_tables(ctx, "dropna", 0, build, NULL, err);
}

const fl_step_kind fl_kind_dropna = {
	"dropna", "remove the rows with a missing value in any chosen column",
	params, NULL, outputs, fl_kind_table_libs, check, run,
};
