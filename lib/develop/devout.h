/* devout.h - the files a develop step writes: the chosen model, the
 * candidates table, the test metrics, the confusion matrix and the whole
 * report as JSON (formats in docs/develop.md). Every file is written
 * atomically and byte-for-byte the same for the same results. */
#ifndef FL_DEVOUT_H
#define FL_DEVOUT_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "develop/grid.h"
#include "develop/select.h"
#include "develop/selmetric.h"
#include "ml/model.h"

/* What a develop run produced (all borrowed). */
typedef struct fl_devout {
	fl_task task;
	const fl_selmetric *metric; /* the selection metric */
	const fl_grid *grid;        /* the candidates */
	const fl_selection *sel;    /* their scores and ranks */
	fl_model *model;            /* the refitted best candidate (gets a
				       "selection" entry in its metrics) */
	const json_t *test;         /* metrics on the test rows, or NULL */
	int holdout;                /* 1: one hold-out split, 0: k folds */
	size_t n_rows;              /* rows the model was refitted on */
	uint64_t seed;
} fl_devout;

/* Write model.floe, candidates.csv, test_metrics.csv, confusion.csv and
 * report.json into `dir`. */
int fl_devout_write(fl_devout *o, const char *dir, fl_err *err);

#endif
