/* numdiff.h - compare two numeric text tables (CSV) within a tolerance:
 * same shape, equal non-numeric cells, numbers within
 * |a - b| <= abs + rel * max(|a|, |b|). */
#ifndef FL_NUMDIFF_H
#define FL_NUMDIFF_H

#include "core/err.h"

typedef struct fl_numdiff {
	int comparable;   /* 1: same shape and same text cells */
	int within;       /* 1: every number within the tolerance */
	long cells;       /* numeric cells compared */
	double max_abs;   /* largest |a - b| */
	double max_rel;   /* largest |a - b| / max(|a|, |b|) */
} fl_numdiff;

/* Compare the CSV files `a` and `b`. Returns 0 with *out filled (a file
 * that cannot be read is an error). */
int fl_numdiff_csv(const char *a, const char *b, double rel, double abs, fl_numdiff *out,
		   fl_err *err);

#endif
