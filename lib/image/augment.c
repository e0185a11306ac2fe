/* augment.c - image transforms and the rebalancing plan. */
#include "image/augment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "image/threshold.h"

int fl_aug_is_identity(const fl_aug *a)
{
	return !a->flip && !a->rot90 && !a->dx && !a->dy;
}

void fl_aug_describe(const fl_aug *a, char *buf, size_t len)
{
	int k = 0;

	buf[0] = '\0';
	if (fl_aug_is_identity(a)) {
		snprintf(buf, len, "none");
		return;
	}
	if (a->flip)
		k += snprintf(buf + k, len - k, "flip");
	if (a->rot90 && (size_t)k < len)
		k += snprintf(buf + k, len - k, "%srot90x%d", k ? "+" : "", a->rot90);
	if ((a->dx || a->dy) && (size_t)k < len)
		snprintf(buf + k, len - k, "%sshift(%d,%d)", k ? "+" : "", a->dx, a->dy);
}

/* Source pixel of destination (x, y) under flip then rotation: rotating
 * counter-clockwise by 90 degrees maps source (x, y) of a w-wide image to
 * (y, w - 1 - x); invert it step by step. */
static uint8_t sample(const fl_image *s, const fl_aug *a, int x, int y)
{
	int sx = x, sy = y, w = s->w, h = s->h;

	for (int k = 0; k < a->rot90; k++) {
		/* undo rotation number rot90 - k; the image before it is the
		 * flipped source rotated rot90 - k - 1 times */
		int bw = (a->rot90 - k - 1) % 2 ? h : w;
		int tx = bw - 1 - sy;
		sy = sx;
		sx = tx;
	}
	if (a->flip)
		sx = w - 1 - sx;
	return s->px[sy * w + sx];
}

int fl_aug_apply(const fl_image *src, const fl_aug *a, fl_image **out, fl_err *err)
{
	int odd = a->rot90 % 2, w = odd ? src->h : src->w, h = odd ? src->w : src->h, rc;
	uint32_t hist[256];
	uint8_t fill = 0;
	fl_image *im = NULL;

	*out = NULL;
	if ((rc = fl_image_new(&im, w, h, err)) < 0)
		return rc;
	fl_histogram256(src->px, (size_t)src->w * src->h, hist);
	for (int v = 1; v < 256; v++)
		fill = hist[v] > hist[fill] ? (uint8_t)v : fill;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int x0 = x - a->dx, y0 = y - a->dy;
			im->px[y * w + x] = x0 < 0 || y0 < 0 || x0 >= w || y0 >= h
						    ? fill
						    : sample(src, a, x0, y0);
		}
	*out = im;
	return 0;
}

/* A random non-identity transform. */
static fl_aug random_aug(fl_rng *r, const fl_rebalance_opts *o)
{
	fl_aug a;

	for (;;) {
		int span = 2 * o->max_shift + 1;
		a.flip = o->flip ? (uint8_t)fl_rng_below(r, 2) : 0;
		a.rot90 = o->rotate ? (uint8_t)fl_rng_below(r, 4) : 0;
		a.dx = (int8_t)((int)fl_rng_below(r, (uint64_t)span) - o->max_shift);
		a.dy = (int8_t)((int)fl_rng_below(r, (uint64_t)span) - o->max_shift);
		if (!fl_aug_is_identity(&a))
			return a;
	}
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Mark the kept items of class c (indices members[0..m)) in keep[]. */
static void subsample(const size_t *members, size_t m, size_t max, fl_rng *r, uint8_t *keep,
		      size_t *scratch)
{
	memcpy(scratch, members, m * sizeof(size_t));
	for (size_t i = 0; i < max; i++) { /* partial Fisher-Yates */
		size_t j = i + (size_t)fl_rng_below(r, m - i), t = scratch[i];
		scratch[i] = scratch[j];
		scratch[j] = t;
	}
	qsort(scratch, max, sizeof(size_t), cmp_size);
	for (size_t i = 0; i < max; i++)
		keep[scratch[i]] = 1;
}

int fl_rebalance_plan(const int *labels, size_t n, size_t n_classes,
		      const fl_rebalance_opts *o, fl_plan_item **out, size_t *n_out, fl_err *err)
{
	size_t *members = malloc((n ? n : 1) * sizeof(size_t)), *scratch = NULL, *count = NULL;
	uint8_t *keep = calloc(n ? n : 1, 1);
	fl_plan_item *plan = NULL;
	size_t n_plan = 0, cap = n;
	int rc = 0;

	*out = NULL;
	*n_out = 0;
	if (o->max_shift < 0 || o->max_shift > 8)
		rc = fl_err_set(err, FL_EINVAL, "max_shift must be 0..8, not %d", o->max_shift);
	else if (o->min_per_class && o->max_per_class && o->min_per_class > o->max_per_class)
		rc = fl_err_set(err, FL_EINVAL, "min_per_class %zu is above max_per_class %zu",
				o->min_per_class, o->max_per_class);
	else if (o->min_per_class && !o->flip && !o->rotate && !o->max_shift)
		rc = fl_err_set(err, FL_EINVAL, "augmentation needs flips, rotations or shifts");
	if (rc < 0)
		goto cleanup;
	count = calloc(n_classes + 1, sizeof(size_t));
	scratch = malloc((n ? n : 1) * sizeof(size_t));
	for (size_t c = 0; count && c < n_classes; c++)
		if (o->min_per_class > 0)
			cap += o->min_per_class;
	plan = malloc((cap ? cap : 1) * sizeof(*plan));
	if (!members || !keep || !count || !scratch || !plan) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++)
		keep[i] = 1;
	for (size_t c = 0; c < n_classes; c++) {
		size_t m = 0;
		fl_rng r;

		fl_rng_seed(&r, o->seed, c);
		for (size_t i = 0; i < n; i++)
			if (labels[i] == (int)c)
				members[m++] = i;
		count[c] = m;
		if (o->max_per_class && m > o->max_per_class) {
			for (size_t i = 0; i < m; i++)
				keep[members[i]] = 0;
			subsample(members, m, o->max_per_class, &r, keep, scratch);
		}
	}
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			plan[n_plan++] = (fl_plan_item){ i, { 0, 0, 0, 0 } };
	for (size_t c = 0; c < n_classes; c++) {
		size_t m = 0;
		fl_rng r;

		if (!count[c] || count[c] >= o->min_per_class)
			continue;
		fl_rng_seed(&r, o->seed, n_classes + c); /* a stream apart from subsampling */
		for (size_t i = 0; i < n; i++)
			if (labels[i] == (int)c)
				members[m++] = i;
		for (size_t k = 0; k < o->min_per_class - m; k++)
			plan[n_plan++] = (fl_plan_item){ members[k % m], random_aug(&r, o) };
	}
	*out = plan;
	*n_out = n_plan;
	plan = NULL;
cleanup:
	free(members);
	free(keep);
	free(count);
	free(scratch);
	free(plan);
	return rc;
}
