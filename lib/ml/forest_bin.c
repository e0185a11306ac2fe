/* forest_bin.c - quantile bin edges per feature and the binned matrix. */
#include "ml/forest_bin.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"
#include "core/rng.h"

typedef struct bin_job {
	const double *X;     /* row-major input */
	fl_bins *b;          /* output */
	int max_bins;        /* 2..256 */
	const uint32_t *sub; /* sampled rows for edges, or NULL for all */
	size_t n_sub;        /* their number */
	void **scratch;      /* per worker: 2 x n_sub (key, row) pairs */
} bin_job;

/* An order-preserving unsigned key for a finite double (-0 == +0). */
static uint64_t sort_key(double x)
{
	uint64_t u;

	x += 0.0; /* -0.0 becomes +0.0 */
	memcpy(&u, &x, sizeof(u));
	return u >> 63 ? ~u : u | 0x8000000000000000ull;
}

static double key_value(uint64_t k)
{
	uint64_t u = k >> 63 ? k & 0x7fffffffffffffffull : ~k;
	double x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

/* Sort n (key, row) pairs by key: LSD radix sort, 8 bits per pass,
 * skipping passes where every key has the same byte. The result ends in
 * k/r (a second buffer k2/r2 is used in between). Stable. */
static void radix_sort(uint64_t *k, uint32_t *r, uint64_t *k2, uint32_t *r2,
		       size_t n)
{
	uint64_t *ka = k, *kb = k2, *kt;
	uint32_t *ra = r, *rb = r2, *rt;
	size_t cnt[256];

	for (int shift = 0; shift < 64; shift += 8) {
		memset(cnt, 0, sizeof(cnt));
		for (size_t i = 0; i < n; i++)
			cnt[(ka[i] >> shift) & 255]++;
		if (n == 0 || cnt[(ka[0] >> shift) & 255] == n)
			continue;
		for (size_t d = 0, sum = 0; d < 256; d++) {
			size_t c = cnt[d];
			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++) {
			size_t pos = cnt[(ka[i] >> shift) & 255]++;
			kb[pos] = ka[i];
			rb[pos] = ra[i];
		}
		kt = ka, ka = kb, kb = kt;
		rt = ra, ra = rb, rb = rt;
	}
	if (ka != k) {
		memcpy(k, ka, n * sizeof(*k));
		memcpy(r, ra, n * sizeof(*r));
	}
}

/* Midpoint of two ordered values, never outside [a, b]. */
static double midpoint(double a, double b)
{
	return a + (b - a) * 0.5;
}

/* Append e to edges unless equal to the last one; returns the new count. */
static unsigned push_edge(double *edges, unsigned n, double e)
{
	if (n == 0 || e > edges[n - 1])
		edges[n++] = e;
	return n;
}

/* Edges from a sorted column of n keys; returns the number of edges. */
static unsigned find_edges(const uint64_t *s, size_t n, int max_bins,
			   double *edges)
{
	size_t distinct = n ? 1 : 0;
	unsigned ne = 0;

	for (size_t i = 1; i < n && distinct <= (size_t)max_bins; i++)
		distinct += s[i] != s[i - 1];
	if (distinct <= (size_t)max_bins) {
		for (size_t i = 1; i < n; i++)
			if (s[i] != s[i - 1])
				ne = push_edge(edges, ne,
					       midpoint(key_value(s[i - 1]),
							key_value(s[i])));
		return ne;
	}
	for (int q = 1; q < max_bins; q++) {
		/* numpy percentile, method="midpoint" */
		double pos = (double)q / max_bins * (double)(n - 1);
		size_t lo = (size_t)floor(pos), hi = (size_t)ceil(pos);
		ne = push_edge(edges, ne, midpoint(key_value(s[lo]),
						   key_value(s[hi])));
	}
	/* a top edge equal to the maximum would leave the last bin empty */
	while (ne > 0 && edges[ne - 1] >= key_value(s[n - 1]))
		ne--;
	return ne;
}

/* lo + the number of the n sorted edges e[lo..lo+n) below x (branch-free
 * binary search). */
static inline unsigned count_below(const double *e, unsigned lo, unsigned n,
				   double x)
{
	while (n > 1) {
		unsigned half = n / 2;
		lo = e[lo + half - 1] < x ? lo + half : lo;
		n -= half;
	}
	if (n == 1 && e[lo] < x)
		lo++;
	return lo;
}

uint8_t fl_bins_code(const fl_bins *b, size_t f, double x)
{
	return (uint8_t)count_below(b->edges + f * (FL_BINS_MAX - 1), 0,
				    b->n_bins[f] - 1u, x);
}

/* ---- lookup table ---- */

/* The cell of x: 0 up to the first edge, then equal steps, the last cell
 * open-ended. Monotone in x (every operation is), never undefined (an
 * infinite step count lands in the last cell). */
static inline unsigned lut_cell(double x, double lo, double scale)
{
	double t;

	if (!(x > lo))
		return 0;
	t = (x - lo) * scale;
	return t < (double)(FL_BINS_LUT_CELLS - 1) ? (unsigned)t :
						     FL_BINS_LUT_CELLS - 1;
}

/* Fill feature f's cells and steps from its ne edges e. */
static void lut_feature(fl_bins_lut *lut, size_t f, const double *e,
			unsigned ne)
{
	size_t C = FL_BINS_LUT_CELLS;
	uint8_t *first = lut->first + f * (C + 1);
	double *pe = lut->edges + f * FL_BINS_MAX;
	unsigned k = 0, most = 0;

	for (unsigned b = 0; b < FL_BINS_MAX; b++)
		pe[b] = b < ne ? e[b] : INFINITY;
	lut->lo[f] = ne ? e[0] : 0.0;
	lut->scale[f] = ne > 1 ? (double)(C - 1) / (e[ne - 1] - e[0]) : 0.0;
	for (size_t c = 0; c <= C; c++) {
		while (k < ne && lut_cell(e[k], lut->lo[f], lut->scale[f]) < c)
			k++;
		first[c] = (uint8_t)k;
		if (c > 0 && (unsigned)first[c] - first[c - 1] > most)
			most = (unsigned)first[c] - first[c - 1];
	}
	/* the last cell holds the edges from first[C - 1] to ne */
	if (ne - first[C - 1] > most)
		most = ne - first[C - 1];
	lut->steps[f] = (uint8_t)(most <= FL_BINS_LUT_STEPS ? most : 0);
}

int fl_bins_lut_init(fl_bins_lut *lut, const double *edges,
		     const uint16_t *n_bins, size_t n_features, fl_err *err)
{
	size_t F = n_features, C = FL_BINS_LUT_CELLS;

	memset(lut, 0, sizeof(*lut));
	lut->n_features = F;
	lut->n_bins = n_bins;
	lut->edges = malloc((F + 1) * FL_BINS_MAX * sizeof(double));
	lut->lo = malloc((F + 1) * sizeof(double));
	lut->scale = malloc((F + 1) * sizeof(double));
	lut->steps = malloc(F + 1);
	lut->first = malloc((F + 1) * (C + 1));
	if (!lut->edges || !lut->lo || !lut->scale || !lut->steps || !lut->first) {
		fl_bins_lut_free(lut);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (size_t f = 0; f < F; f++)
		lut_feature(lut, f, edges + f * (FL_BINS_MAX - 1), n_bins[f] - 1u);
	return 0;
}

void fl_bins_lut_codes(const fl_bins_lut *lut, const double *X, size_t n,
		       uint8_t *out)
{
	size_t F = lut->n_features, C = FL_BINS_LUT_CELLS;

	for (size_t i = 0; i < n; i++)
		for (size_t f = 0; f < F; f++) {
			double x = X[i * F + f];
			const double *e = lut->edges + f * FL_BINS_MAX;
			unsigned steps = lut->steps[f], code;
			if (steps == 0) {
				code = count_below(e, 0, lut->n_bins[f] - 1u, x);
			} else {
				code = lut->first[f * (C + 1) +
						  lut_cell(x, lut->lo[f], lut->scale[f])];
				/* edges past the cell's are above x, and the
				 * padding is +infinity: extra steps stay put */
				for (unsigned s = 0; s < steps; s++)
					code += e[code] < x;
			}
			out[i * F + f] = (uint8_t)code;
		}
}

void fl_bins_lut_free(fl_bins_lut *lut)
{
	free(lut->edges);
	free(lut->lo);
	free(lut->scale);
	free(lut->steps);
	free(lut->first);
	memset(lut, 0, sizeof(*lut));
}

static int bin_feature(void *ud, size_t f, int worker, fl_err *err)
{
	bin_job *j = ud;
	fl_bins *b = j->b;
	size_t nf = b->n_features, n = b->n_rows, m = j->n_sub;
	uint64_t *k = j->scratch[worker], *k2 = k + m;
	uint32_t *r = (uint32_t *)(k2 + m), *r2 = r + m;
	const double *e = b->edges + f * (FL_BINS_MAX - 1);
	unsigned ne, code = 0;

	(void)err;
	for (size_t i = 0; i < m; i++) {
		r[i] = j->sub ? j->sub[i] : (uint32_t)i;
		k[i] = sort_key(j->X[(size_t)r[i] * nf + f]);
	}
	radix_sort(k, r, k2, r2, m);
	ne = find_edges(k, m, j->max_bins, b->edges + f * (FL_BINS_MAX - 1));
	b->n_bins[f] = (uint16_t)(ne + 1);
	if (j->sub) {
		for (size_t i = 0; i < n; i++)
			b->codes[i * nf + f] = fl_bins_code(b, f, j->X[i * nf + f]);
		return 0;
	}
	/* every row was sorted: walk the edges along the sorted order */
	for (size_t i = 0; i < m; i++) {
		double x = key_value(k[i]);
		while (code < ne && x > e[code])
			code++;
		b->codes[(size_t)r[i] * nf + f] = (uint8_t)code;
	}
	return 0;
}

/* A seeded sample of FL_BINS_SUBSAMPLE distinct rows, sorted. */
static uint32_t *sample_rows(size_t n, uint64_t seed)
{
	uint32_t *idx = malloc(n * sizeof(*idx));
	fl_rng r;

	if (!idx)
		return NULL;
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t)i;
	fl_rng_seed(&r, seed, 0xb1);
	for (size_t i = 0; i < FL_BINS_SUBSAMPLE; i++) {
		size_t k = i + (size_t)fl_rng_below(&r, n - i);
		uint32_t t = idx[i];
		idx[i] = idx[k];
		idx[k] = t;
	}
	return idx;
}

static fl_bins *bins_alloc(size_t n_rows, size_t nf)
{
	fl_bins *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->n_rows = n_rows;
	b->n_features = nf;
	b->codes = malloc(n_rows * nf > 0 ? n_rows * nf : 1);
	b->n_bins = calloc(nf ? nf : 1, sizeof(*b->n_bins));
	b->edges = calloc(nf ? nf * (FL_BINS_MAX - 1) : 1, sizeof(*b->edges));
	b->offset = calloc(nf + 1, sizeof(*b->offset));
	if (!b->codes || !b->n_bins || !b->edges || !b->offset) {
		fl_bins_free(b);
		return NULL;
	}
	return b;
}

int fl_bins_fit(fl_bins **out, const double *X, size_t n_rows,
		size_t n_features, int max_bins, uint64_t seed, int n_threads,
		fl_err *err)
{
	bin_job j = { .X = X, .max_bins = max_bins };
	int nt = fl_threads_resolve(n_threads), rc = FL_ENOMEM;

	*out = NULL;
	if (max_bins < 2 || max_bins > FL_BINS_MAX)
		return fl_err_set(err, FL_EINVAL,
				  "max_bins must be in 2..%d, not %d", FL_BINS_MAX,
				  max_bins);
	if (!(j.b = bins_alloc(n_rows, n_features)) ||
	    !(j.scratch = calloc((size_t)nt, sizeof(*j.scratch))))
		goto cleanup;
	j.n_sub = n_rows;
	if (n_rows > FL_BINS_SUBSAMPLE) {
		if (!(j.sub = sample_rows(n_rows, seed)))
			goto cleanup;
		j.n_sub = FL_BINS_SUBSAMPLE;
	}
	for (int t = 0; t < nt; t++)
		if (!(j.scratch[t] = malloc((j.n_sub + 1) * 2 *
					    (sizeof(uint64_t) + sizeof(uint32_t)))))
			goto cleanup;
	if ((rc = fl_parallel_for(n_features, nt, bin_feature, &j, err)) < 0)
		goto cleanup;
	for (size_t f = 0; f < n_features; f++)
		j.b->offset[f + 1] = j.b->offset[f] + j.b->n_bins[f];
	j.b->total_bins = j.b->offset[n_features];
	*out = j.b;
	j.b = NULL;
	rc = 0;
cleanup:
	if (rc == FL_ENOMEM)
		fl_err_set(err, FL_ENOMEM, "out of memory binning %zu x %zu values",
			   n_rows, n_features);
	for (int t = 0; j.scratch && t < nt; t++)
		free(j.scratch[t]);
	free(j.scratch);
	free((void *)j.sub);
	fl_bins_free(j.b);
	return rc;
}

void fl_bins_free(fl_bins *b)
{
	if (!b)
		return;
	free(b->codes);
	free(b->n_bins);
	free(b->edges);
	free(b->offset);
	free(b);
}
