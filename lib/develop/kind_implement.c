/* kind_implement.c - the `implement` step kind: a develop step's model
 * (with the prepare chain fitted on the training data) applied to a new
 * input file, predictions written beside identifier columns
 * (apply.h does the work; docs/develop.md). */
#include <stdlib.h>
#include <string.h>

#include "data/format.h"
#include "develop/apply.h"
#include "recipe/kinds.h"

static const fl_param_spec params[] = {
	{ "id", FL_PARAM_STRING_LIST, 0, NULL,
	  "input columns copied beside the predictions (default: a 1-based 'row' column)" },
	{ "proba", FL_PARAM_BOOL, 0, "true", "classifiers: a proba_<class> column per class" },
	{ NULL, 0, 0, NULL, NULL },
};

static const fl_slot inputs[] = { { "model", 0 }, { "data", 0 }, { NULL, 0 } };

static const char *const libs[] = { "openblas", "hdf5", NULL };

/* One declared output, CSV or HDF5 by its name. */
static int check(const fl_step_ctx *ctx, fl_err *err)
{
	const char *o = ctx->n_outputs == 1 ? ctx->outputs[0] : NULL;
	fl_format f = o ? fl_format_from_name(o) : FL_FORMAT_UNKNOWN;

	if (ctx->n_outputs != 1)
		return fl_value_error(err, ctx->node, FL_EINVAL,
				      "step '%s' (implement) must declare exactly one output, "
				      "e.g. outputs: [predictions.csv]", ctx->step);
	if (f != FL_FORMAT_HDF5 && f != FL_FORMAT_CSV)
		return fl_value_error(err, ctx->node, FL_EINVAL,
				      "step '%s': output '%s' must end in .csv, .h5 or .hdf5",
				      ctx->step, o);
	return 0;
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	const fl_value *id = fl_value_get(ctx->params, "id"), *pr = fl_value_get(ctx->params, "proba");
	fl_apply_opts o = FL_APPLY_OPTS_INIT;
	const char **names = NULL;
	char *out = NULL;
	int rc;

	if ((rc = check(ctx, err)) < 0)
		return rc;
	if (pr && (rc = fl_value_bool(pr, "'proba'", &o.proba, err)) < 0)
		return rc;
	if (id && !(names = calloc(id->n + 1, sizeof(char *))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; id && i < id->n; i++)
		names[i] = id->items[i]->text;
	o.id = names;
	o.n_id = id ? id->n : 0;
	o.n_threads = ctx->n_threads;
	if (!(out = fl_step_output(ctx, ctx->outputs[0])))
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0)
		rc = fl_apply_file(fl_step_input(ctx, "model"), fl_step_input(ctx, "data"), out,
				   NULL, &o, err);
	free(out);
	free(names);
	return rc;
}

const fl_step_kind fl_kind_implement = {
	"implement",
	"apply a chosen model (and its prepare chain) to new data, write predictions",
	params, inputs, NULL, libs, check, run,
};
