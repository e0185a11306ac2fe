/* augment.h - class rebalancing: seeded augmented copies (flips, 90-degree
 * rotations, small shifts) for small classes and subsampling of large
 * ones, as a plan of (source item, transform) pairs. */
#ifndef FL_AUGMENT_H
#define FL_AUGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "image/image.h"

/* A transform, applied in this order: horizontal flip, rotation by
 * rot90 * 90 degrees counter-clockwise, shift by (dx, dy) pixels with the
 * uncovered border filled with the image's most common grey value. */
typedef struct fl_aug {
	uint8_t flip;   /* 1: mirror left-right */
	uint8_t rot90;  /* 0..3 */
	int8_t dx, dy;  /* shift, |d| <= max_shift */
} fl_aug;

/* Is it the identity? */
int fl_aug_is_identity(const fl_aug *a);

/* Text form: "none" or e.g. "flip+rot90x2+shift(1,-1)" into buf. */
void fl_aug_describe(const fl_aug *a, char *buf, size_t len);

/* Apply `a` to `src` into *out (a new image owned by the caller; 90 and
 * 270 degree rotations swap width and height). */
int fl_aug_apply(const fl_image *src, const fl_aug *a, fl_image **out, fl_err *err);

typedef struct fl_rebalance_opts {
	size_t min_per_class; /* classes with fewer items get augmented copies up to this; 0: none */
	size_t max_per_class; /* classes with more are subsampled to this; 0: no limit */
	int max_shift;        /* largest shift in pixels (0..8); default 2 */
	int rotate;           /* 1: allow 90-degree rotations (off for digits, where 6 and 9 differ) */
	int flip;             /* 1: allow mirror images */
	uint64_t seed;        /* the recipe seed */
} fl_rebalance_opts;

#define FL_REBALANCE_OPTS_INIT { 0, 0, 2, 1, 1, 0 }

/* One row of the plan: which item to read, transformed how. */
typedef struct fl_plan_item {
	size_t src;  /* index into the item list */
	fl_aug aug;  /* identity for original items */
} fl_plan_item;

/* Plan the rebalanced list for n items with labels[i] in 0..n_classes-1.
 * Per class c (random stream (seed, c)): more than max_per_class items:
 * a uniform sample of max_per_class kept in their original order;
 * fewer than min_per_class: all originals, then copies of originals
 * taken in turn (original order, cycling) each with a random non-identity
 * transform. The plan lists the kept originals in their original order,
 * then the augmented copies class by class. *out (caller frees) has
 * *n_out rows. */
int fl_rebalance_plan(const int *labels, size_t n, size_t n_classes,
		      const fl_rebalance_opts *o, fl_plan_item **out, size_t *n_out, fl_err *err);

#endif
