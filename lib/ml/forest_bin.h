/* forest_bin.h - quantile binning of features for histogram-based tree
 * growth: each feature is mapped once per fit to at most 256 bins.
 *
 * Bin edges are chosen as scikit-learn's HistGradientBoosting does: with at
 * most max_bins distinct values, the midpoints between consecutive distinct
 * values; otherwise the "midpoint" percentiles at 1/max_bins, 2/max_bins,
 * ... of the (sub)sampled column, duplicates removed. A value x falls in
 * bin b, the first bin with x <= edges[b] (the last bin has no edge), so a
 * split "bin <= b" is the same as "x <= edges[b]" on raw values. */
#ifndef FL_ML_FOREST_BIN_H
#define FL_ML_FOREST_BIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define FL_BINS_MAX 256
/* Columns longer than this are subsampled (seeded) to find the edges. */
#define FL_BINS_SUBSAMPLE 200000

typedef struct fl_bins {
	size_t n_rows;      /* rows binned */
	size_t n_features;  /* features (columns) */
	uint8_t *codes;     /* n_rows x n_features bin codes, row-major */
	uint16_t *n_bins;   /* per feature: number of bins, 1..256 (1: constant) */
	double *edges;      /* per feature FL_BINS_MAX-1 slots: edges[f*255 + b] */
	size_t total_bins;  /* sum of n_bins */
	size_t *offset;     /* per feature: sum of n_bins of earlier features */
} fl_bins;

/* Find the edges of each feature of the row-major n_rows x n_features matrix
 * X and bin every value. max_bins in 2..256. Every value must be finite
 * (checked by the caller). Work is split over features on n_threads threads;
 * the result does not depend on the thread count. *out is owned by the
 * caller; free with fl_bins_free(). */
int fl_bins_fit(fl_bins **out, const double *X, size_t n_rows,
		size_t n_features, int max_bins, uint64_t seed, int n_threads,
		fl_err *err);

/* The upper edge of bin b of feature f (b < n_bins[f]-1). */
static inline double fl_bins_edge(const fl_bins *b, size_t f, unsigned bin)
{
	return b->edges[f * (FL_BINS_MAX - 1) + bin];
}

/* The bin code of value x for feature f. */
uint8_t fl_bins_code(const fl_bins *b, size_t f, double x);

/* A lookup table that bins values as fl_bins_code() does, in a few steps
 * instead of a binary search over up to 255 edges: each feature's range
 * between its first and last edge is cut into FL_BINS_LUT_CELLS equal
 * cells, and a value's cell gives the first code it can have; a fixed
 * number of steps (the most edges any cell of the feature holds) then
 * finds its code. Exact: cells are a monotone function of the value, so
 * every edge in an earlier cell is below every value in the cell, and
 * every edge in a later cell above. Features whose edges crowd into a few
 * cells use the binary search. */
#define FL_BINS_LUT_CELLS 512
#define FL_BINS_LUT_STEPS 4 /* most steps before the binary search is used */

typedef struct fl_bins_lut {
	size_t n_features;
	const uint16_t *n_bins; /* borrowed: the bins' counts */
	double *edges;        /* per feature FL_BINS_MAX slots: the edges, then
			       * +infinity */
	double *lo, *scale;   /* per feature: first edge, cells per unit */
	uint8_t *steps;       /* per feature: steps, or 0 for binary search */
	uint8_t *first;       /* per feature (CELLS + 1): edges in earlier cells */
} fl_bins_lut;

/* Build the table for features binned with `edges` and `n_bins` (the
 * layout of fl_bins; n_bins is borrowed and must outlive the table).
 * Fields owned by *lut; free with fl_bins_lut_free(). */
int fl_bins_lut_init(fl_bins_lut *lut, const double *edges,
		     const uint16_t *n_bins, size_t n_features, fl_err *err);

/* The bin codes of the row-major n x n_features matrix X (out: n x
 * n_features bytes), equal to fl_bins_code() of every value. */
void fl_bins_lut_codes(const fl_bins_lut *lut, const double *X, size_t n,
		       uint8_t *out);

/* Free the table's arrays (NULL fields allowed). */
void fl_bins_lut_free(fl_bins_lut *lut);

/* Free the bins (NULL allowed). */
void fl_bins_free(fl_bins *b);

#endif
