/* kind_impute.c - the `impute` step kind: fill missing values with values
 * learnt from the training table only, applied to every input table. */
#include <stdlib.h>
#include <string.h>

#include "data/csv.h"
#include "data/kindutil.h"

static const fl_param_spec params[] = {
	{ "strategy", FL_PARAM_STRING, 0, "mean", "mean, median, most_frequent or constant" },
	{ "fill_value", FL_PARAM_STRING, 0, NULL,
	  "constant: a number (numeric columns) or a text (categorical columns)" },
	{ "columns", FL_PARAM_STRING_LIST, 0, NULL,
	  "columns to impute (default: numeric ones for mean/median, all otherwise)" },
	{ "exclude", FL_PARAM_STRING_LIST, 0, NULL, "columns never touched (the label)" },
	{ "fit", FL_PARAM_STRING, 0, "train", "the input to learn from (SLOT or SLOT.h5)" },
	FL_KIND_COMPRESS_PARAM,
	{ NULL, 0, 0, NULL, NULL },
};
static const char *const outputs[] = { "*.h5", NULL };

static int options(const fl_step_ctx *ctx, fl_impute_opts *o, fl_err *err)
{
	const fl_value *fv = fl_kparam(ctx, "fill_value");
	int rc;

	if ((rc = fl_impute_strategy_parse(fl_kparam(ctx, "strategy")->text, &o->strategy,
					   err)) < 0)
		return fl_kparam_blame(ctx, "strategy", rc, err);
	if (fv && o->strategy != FL_IMPUTE_CONSTANT)
		return fl_value_error(err, fv, FL_EINVAL,
				      "'fill_value' is for strategy 'constant' only");
	if (fv && !fl_csv_parse_number(fv->text, strlen(fv->text), &o->fill_number))
		o->fill_text = fv->text;
	return 0;
}

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	fl_impute_opts o = FL_IMPUTE_OPTS_INIT;
	size_t fi;
	int rc;

	if ((rc = fl_kind_check_inputs(ctx, "impute", 0, err)) < 0 ||
	    (rc = options(ctx, &o, err)) < 0)
		return rc;
	return fl_kind_fit_input(ctx, &fi, err);
}

static int fit(const fl_step_ctx *ctx, const fl_table *t, json_t **tf, fl_err *err)
{
	fl_impute_opts o = FL_IMPUTE_OPTS_INIT;
	const char **names = NULL, **excl = NULL;
	int rc;

	if ((rc = options(ctx, &o, err)) == 0 &&
	    (rc = fl_kparam_cols(ctx, &o.cols, &names, &excl, err)) == 0 &&
	    (rc = fl_impute_fit(tf, t, &o, err)) < 0)
		fl_kparam_blame(ctx, "columns", rc, err);
	free(names);
	free(excl);
	return rc;
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	return fl_kind_run_tables(ctx, "impute", 1, fit, NULL, err);
}

const fl_step_kind fl_kind_impute = {
	"impute", "fill missing values, learnt on the training table, in every input",
	params, NULL, outputs, fl_kind_table_libs, check, run,
};
