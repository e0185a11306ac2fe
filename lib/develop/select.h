/* select.h - model selection: every candidate of a grid fitted on the
 * training rows of every split (k folds, or one hold-out split) and scored
 * on the split's held-out rows, all (candidate, split) fits in parallel;
 * then the mean and spread of every metric per candidate, a ranking by the
 * selection metric, and the best candidate.
 *
 * Determinism: each fit runs on one thread with the same seed, writes its
 * scores into its own slot, and the summary is reduced in split order, so
 * the result is bitwise the same with any thread count. Ties in the mean
 * of the selection metric go to the earlier candidate (grid order). */
#ifndef FL_SELECT_H
#define FL_SELECT_H

#include <jansson.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/log.h"
#include "develop/grid.h"
#include "develop/selmetric.h"
#include "ml/dataset.h"

/* The rows of one split, as indices into the data set. */
typedef struct fl_split_rows {
	size_t *train;   /* rows to fit on */
	size_t n_train;
	size_t *held;    /* rows to score on */
	size_t n_held;
} fl_split_rows;

/* k splits from fold ids (fold[i] in [0, k)): split f holds out fold f.
 * *out: k splits (fl_splits_free). A fold with no rows is FL_EINVAL. */
int fl_splits_from_folds(fl_split_rows **out, const int32_t *fold, size_t n,
			 int k, fl_err *err);

/* One split: rows [0, n_train) fit, rows [n_train, n) are held out. */
int fl_splits_holdout(fl_split_rows **out, size_t n_train, size_t n,
		      fl_err *err);

void fl_splits_free(fl_split_rows *s, size_t n);

typedef struct fl_select_opts {
	const fl_grid *grid;               /* candidates, in tie-break order */
	const fl_selmetric *metric;        /* what to choose by */
	const fl_dataset *data;            /* the rows the splits index */
	const fl_split_rows *splits;       /* n_splits splits */
	size_t n_splits;
	uint64_t seed;                     /* every fit's seed */
	int n_threads;                     /* fits at once; 0: all cores */
	const fl_progress *progress;       /* "fits" done/total; may be NULL */
	const volatile sig_atomic_t *stop; /* Ctrl-C: FL_EINTR; may be NULL */
} fl_select_opts;

/* What the selection found. Owned by the struct (fl_selection_free). */
typedef struct fl_selection {
	size_t n_cand, n_splits;
	size_t n_metrics;  /* the task's metrics (fl_selmetric_at order) */
	json_t **scores;   /* [c * n_splits + s]: fl_model_score of the fit */
	double *mean;      /* [c * n_metrics + m]; NAN when a fit lacked it */
	double *std;       /* population std over the splits (ddof 0) */
	size_t *rank;      /* rank[c]: 1 = best */
	size_t best;       /* index of the best candidate */
} fl_selection;

/* Run every fit and rank the candidates. A failed fit fails the whole
 * selection (the message names the candidate and split). A selection
 * metric no candidate could be scored by is FL_EINVAL. */
int fl_select_run(fl_selection **out, const fl_select_opts *o, fl_err *err);

void fl_selection_free(fl_selection *s);

#endif
