/* split.h - dividing rows for training: train/validation/test splits
 * (optionally stratified by a label), k folds, and class rebalancing.
 * All seeded through fl_rng with one stream per class, so results depend
 * only on the data, the options and the seed. Rows keep their file order
 * within each part. */
#ifndef FL_SPLIT_H
#define FL_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "data/table.h"

typedef struct fl_split_opts {
	double train;          /* fraction of rows for training */
	double validation;     /* fraction for validation (may be 0) */
	double test;           /* fraction for testing (may be 0) */
	const char *stratify;  /* label column: keep class proportions; NULL */
	uint64_t seed;         /* random seed */
} fl_split_opts;

#define FL_SPLIT_OPTS_INIT { 0.8, 0.0, 0.2, NULL, 0 }

/* Split `t` into parts[0] (train), parts[1] (validation), parts[2] (test),
 * each a new table owned by the caller (an empty part has no rows). The
 * fractions must be >= 0 and add up to 1. Per class (or over all rows),
 * round(n * test) rows go to test and round(n * validation) to
 * validation, at least one each when the fraction is > 0; the rest train.
 * Stratifying by a label with one class, or a class with fewer rows than
 * there are non-empty parts, is FL_EINVAL. */
int fl_split(fl_table *parts[3], const fl_table *t, const fl_split_opts *o,
	     fl_err *err);

/* Fold (0..k-1) of every row for k-fold cross-validation: rows shuffled
 * per class and dealt out in turn, so folds differ in size by at most one
 * (per class when stratified). *fold_out malloc'd, t->n_rows entries. */
int fl_kfold(int32_t **fold_out, const fl_table *t, int k, const char *stratify,
	     uint64_t seed, fl_err *err);

/* The training rows (fold != f) and test rows (fold == f). */
int fl_kfold_tables(fl_table **train, fl_table **test, const fl_table *t,
		    const int32_t *fold, int f, fl_err *err);

typedef struct fl_rebalance_opts {
	const char *label;    /* the class column */
	size_t max_per_class; /* subsample larger classes to this; 0: no */
	size_t min_per_class; /* oversample smaller classes (with
				 replacement) up to this; 0: no */
	uint64_t seed;        /* random seed */
} fl_rebalance_opts;

#define FL_REBALANCE_OPTS_INIT { NULL, 0, 0, 0 }

/* Subsample large classes without replacement and oversample small ones
 * by drawing extra copies of their rows; rows stay in file order (copies
 * next to their original). */
int fl_rebalance(fl_table **out, const fl_table *t, const fl_rebalance_opts *o,
		 fl_err *err);

#endif
