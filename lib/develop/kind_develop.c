/* kind_develop.c - the `develop` step kind: model selection over candidate
 * grids by cross-validation or a hold-out table, refit of the best, one
 * score on the test table (develop.h does the work; docs/develop.md). */
#include "develop/develop.h"
#include <string.h>

#include "recipe/kinds.h"

static const fl_param_spec params[] = {
	{ "task", FL_PARAM_STRING, 1, NULL,
	  "classification, regression, clustering or reduction" },
	{ "label", FL_PARAM_STRING, 0, NULL,
	  "the target column (classification, regression); for clustering and "
	  "reduction optional, left out of the features and used for scores" },
	{ "candidates", FL_PARAM_ANY, 1, NULL,
	  "list of {kind, params: {NAME: [values...]}}: the models to try" },
	{ "metric", FL_PARAM_STRING, 0, NULL,
	  "selection metric (default: accuracy, r2, silhouette, explained_variance_ratio)" },
	{ "resampling", FL_PARAM_STRING, 0, "cv",
	  "cv (k-fold cross-validation of the training table) or holdout (the "
	  "validation input)" },
	{ "folds", FL_PARAM_INT, 0, "5", "cross-validation folds (2 to 100)" },
	{ "stratify", FL_PARAM_BOOL, 0, "true",
	  "classification: folds keep the class proportions" },
	{ "max_candidates", FL_PARAM_INT, 0, "200",
	  "refuse grids that expand to more candidates than this" },
	{ NULL, 0, 0, NULL, NULL },
};

static const fl_slot inputs[] = {
	{ "train", 0 },
	{ "validation", 1 },
	{ "test", 1 },
	{ NULL, 0 },
};

static const char *const outputs[] = {
	FL_DEVELOP_MODEL, FL_DEVELOP_CANDIDATES, FL_DEVELOP_TEST, FL_DEVELOP_CONFUSION,
	FL_DEVELOP_REPORT, NULL,
};

static const char *const libs[] = { "openblas", "hdf5", NULL };

/* Does the step bind slot `name`? (works at check time: paths are NULL) */
static int has_input(const fl_step_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->n_inputs; i++)
		if (!strcmp(ctx->inputs[i].name, name))
			return 1;
	return 0;
}

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	return fl_develop_check(ctx->params, has_input(ctx, "validation"), err);
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	fl_develop_opts o = { 0 };

	o.params = ctx->params;
	o.train = fl_step_input(ctx, "train");
	o.validation = fl_step_input(ctx, "validation");
	o.test = fl_step_input(ctx, "test");
	o.out_dir = ctx->out_dir;
	o.seed = ctx->seed;
	o.n_threads = ctx->n_threads;
	o.progress = ctx->progress;
	o.stop = ctx->stop;
	return fl_develop_run(&o, err);
}

const fl_step_kind fl_kind_develop = {
	"develop",
	"choose a model: candidate grids, cross-validation, refit, one test score",
	params, inputs, outputs, libs, check, run,
};
