/* kind_kfold.c - the `kfold` step kind: k train/test pairs of one table
 * for cross-validation, optionally stratified, seeded by the recipe seed,
 * written as folds/train_<i>.h5 and folds/test_<i>.h5 (i = 0..k-1). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "data/kindutil.h"
#include "data/split.h"

static const fl_param_spec params[] = {
	{ "k", FL_PARAM_INT, 0, "5", "number of folds (2 or more)" },
	{ "stratify", FL_PARAM_STRING, 0, NULL, "label column: keep its class proportions" },
	FL_KIND_COMPRESS_PARAM,
	{ NULL, 0, 0, NULL, NULL },
};
static const char *const outputs[] = { "folds", NULL };

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	int64_t k;
	int rc;

	if ((rc = fl_kind_check_inputs(ctx, "kfold", 1, err)) < 0 ||
	    (rc = fl_kparam_int(ctx, "k", &k, err)) < 0)
		return rc;
	if (k < 2 || k > 1000)
		return fl_value_error(err, fl_kparam(ctx, "k"), FL_EINVAL,
				      "'k' must be between 2 and 1000, not %lld", (long long)k);
	return 0;
}

/* Write fold f's pair. */
static int write_fold(const fl_step_ctx *ctx, const fl_kin *k, const int32_t *fold, int f,
		      fl_err *err)
{
	fl_table *tr = NULL, *te = NULL;
	char name[64];
	int rc;

	if ((rc = fl_kfold_tables(&tr, &te, k->t, fold, f, err)) < 0)
		goto cleanup;
	snprintf(name, sizeof(name), "folds/train_%d.h5", f);
	if ((rc = fl_kout_write(ctx, "kfold", name, tr, k, NULL, err)) < 0)
		goto cleanup;
	snprintf(name, sizeof(name), "folds/test_%d.h5", f);
	rc = fl_kout_write(ctx, "kfold", name, te, k, NULL, err);
cleanup:
	fl_table_free(tr);
	fl_table_free(te);
	return rc;
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	const fl_value *st = fl_kparam(ctx, "stratify");
	int32_t *fold = NULL;
	char *dir = NULL;
	fl_kin k = { 0 };
	int64_t nk;
	int rc;

	if ((rc = check(ctx, err)) < 0 || (rc = fl_kparam_int(ctx, "k", &nk, err)) < 0 ||
	    (rc = fl_kin_read(&k, ctx, 0, err)) < 0)
		return rc;
	if ((rc = fl_kparam_need_cols(ctx, "stratify", k.t, "the input", err)) < 0)
		goto cleanup;
	if ((rc = fl_kfold(&fold, k.t, (int)nk, st && st->text[0] ? st->text : NULL,
			   ctx->seed, err)) < 0) {
		fl_kparam_blame(ctx, st ? "stratify" : "k", rc, err);
		goto cleanup;
	}
	if (!(dir = fl_step_output(ctx, "folds"))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (mkdir(dir, 0755) < 0) {
		rc = fl_err_sys(err, errno, "step '%s': creating %s", ctx->step, dir);
		goto cleanup;
	}
	for (int f = 0; f < (int)nk && rc == 0; f++)
		rc = fl_step_stopped(ctx) ? fl_err_set(err, FL_EINTR, "interrupted")
					  : write_fold(ctx, &k, fold, f, err);
cleanup:
	free(dir);
	free(fold);
	fl_kin_free(&k);
	return rc;
}

const fl_step_kind fl_kind_kfold = {
	"kfold", "k train/test pairs of a table for cross-validation (seeded)",
	params, NULL, outputs, fl_kind_table_libs, check, run,
};
