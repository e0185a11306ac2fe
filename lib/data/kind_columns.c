/* kind_columns.c - the `select` and `drop` step kinds: keep only the listed
 * columns (in that order), or remove them, in each input table. The two
 * differ only in their name, which is also the recorded transform's kind. */
#include "data/kindutil.h"

static const fl_param_spec select_params[] = {
	{ "columns", FL_PARAM_STRING_LIST, 1, NULL, "the columns to keep, in this order" },
	FL_KIND_COMPRESS_PARAM,
	{ NULL, 0, 0, NULL, NULL },
};
static const fl_param_spec drop_params[] = {
	{ "columns", FL_PARAM_STRING_LIST, 1, NULL, "the columns to remove" },
	FL_KIND_COMPRESS_PARAM,
	{ NULL, 0, 0, NULL, NULL },
};
static const char *const outputs[] = { "*.h5", NULL };

static int check_columns(const fl_step_ctx *ctx, const char *kind, fl_err *err)
{
	const fl_value *c = fl_kparam(ctx, "columns");

	if (c && c->n == 0)
		return fl_value_error(err, c, FL_EINVAL, "'columns' is empty");
	return fl_kind_check_inputs(ctx, kind, 0, err);
}

/* The transform {"kind": KIND, "columns": [...]} the table library applies. */
static int build_columns(const fl_step_ctx *ctx, const char *kind, json_t **tf,
			 fl_err *err)
{
	const fl_value *c = fl_kparam(ctx, "columns");
	json_t *cols = json_array();

	for (size_t i = 0; cols && i < c->n; i++)
		json_array_append_new(cols, json_string(c->items[i]->text));
	*tf = cols ? json_pack("{s:s, s:o}", "kind", kind, "columns", cols) : NULL;
	return *tf ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");
}

static int select_check(const fl_step_ctx *ctx, fl_err *err)
{
	return check_columns(ctx, "select", err);
}

static int select_build(const fl_step_ctx *ctx, const fl_table *fit_t, json_t **tf,
			fl_err *err)
{
	(void)fit_t;
	return build_columns(ctx, "select", tf, err);
}

static int select_run(const fl_step_ctx *ctx, fl_err *err)
{
	return fl_kind_run_tables(ctx, "select", 0, select_build, NULL, err);
}

static int drop_check(const fl_step_ctx *ctx, fl_err *err)
{
	return check_columns(ctx, "drop", err);
}

static int drop_build(const fl_step_ctx *ctx, const fl_table *fit_t, json_t **tf,
		      fl_err *err)
{
	(void)fit_t;
	return build_columns(ctx, "drop", tf, err);
}

static int drop_run(const fl_step_ctx *ctx, fl_err *err)
{
	return fl_kind_run_tables(ctx, "drop", 0, drop_build, NULL, err);
}

const fl_step_kind fl_kind_select = {
	"select", "keep only the listed columns of each input table",
	select_params, NULL, outputs, fl_kind_table_libs, select_check, select_run,
};

const fl_step_kind fl_kind_drop = {
	"drop", "remove the listed columns of each input table",
	drop_params, NULL, outputs, fl_kind_table_libs, drop_check, drop_run,
};
