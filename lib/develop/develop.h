/* develop.h - the develop phase end to end: read the prepared training
 * (and validation, test) tables, choose among candidate models by k-fold
 * cross-validation or a hold-out validation table, refit the best one,
 * score it once on the test table, and write the model and the reports.
 * The `develop` step kind (kind_develop.c) is a thin shell over this;
 * the parameters are documented key by key in docs/develop.md.
 */
#ifndef FL_DEVELOP_H
#define FL_DEVELOP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/log.h"
#include "recipe/value.h"

/* The files a develop step writes into its output folder. */
#define FL_DEVELOP_MODEL "model.floe"          /* the chosen model, refitted */
#define FL_DEVELOP_CANDIDATES "candidates.csv" /* every candidate's scores */
#define FL_DEVELOP_TEST "test_metrics.csv"     /* metric,value on the test rows */
#define FL_DEVELOP_CONFUSION "confusion.csv"   /* true,predicted,count */
#define FL_DEVELOP_REPORT "report.json"        /* all of it, for machines */

typedef struct fl_develop_opts {
	const fl_value *params;     /* the step's checked parameters (a map) */
	const char *train;          /* path of the training table (required) */
	const char *validation;     /* validation table, or NULL */
	const char *test;           /* test table, or NULL (no test scores) */
	const char *out_dir;        /* where the files above go */
	uint64_t seed;              /* folds and fits */
	int n_threads;              /* 0: all cores */
	const fl_progress *progress;       /* may be NULL */
	const volatile sig_atomic_t *stop; /* may be NULL */
} fl_develop_opts;

/* What `floe check` can know: task, metric (fits the task, with its
 * position), resampling vs. inputs, folds, label, and the whole grid
 * (kinds of the task, values valid, at most max_candidates). */
int fl_develop_check(const fl_value *params, int has_validation, fl_err *err);

/* Run the develop phase and write every FL_DEVELOP_* file into
 * o->out_dir. Logs the number of fits before running them. */
int fl_develop_run(const fl_develop_opts *o, fl_err *err);

#endif
