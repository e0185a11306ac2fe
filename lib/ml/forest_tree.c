/* forest_tree.c - grow one decision tree on binned features: bootstrap
 * sample, per-node feature sampling, histogram split search (with
 * histogram subtraction for siblings when at least half the features are
 * tried), partitioning of row records, and the compact node array. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "ml/forest_tree.h"

#include <float.h>
#include <sys/mman.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* An in-bag row with everything split search needs: this header, then
 * the row's n_features bin codes (at offset `hdr`), in records of
 * `stride` bytes. Records are moved when a node's rows are partitioned,
 * so that histograms read each node's rows sequentially instead of
 * gathering from a large matrix. In counting mode (see the scratch) the
 * header is only cls and n, and the codes follow at offset 8. */
typedef struct rowinfo {
	int32_t cls;   /* class index (classification) */
	uint32_t n;    /* bootstrap count (counting mode) */
	double w;      /* bootstrap count x class weight */
	double y;      /* target (regression) */
} rowinfo;

#define REC(base, stride, i) ((rowinfo *)((base) + (size_t)(i) * (stride)))
#define CODES(s, r) ((const uint8_t *)(r) + (s)->hdr)
#define COUNTING_HDR (2 * sizeof(uint32_t))
/* Counting mode only up to 2^26 rows: a node's weight W is at most the row
 * count, so every sum of squared counts (<= W^2 <= 2^52) is exact in a
 * double, as the floating-point path needs to give the same proxies, and
 * far from overflowing int64. */
#define COUNTING_ROWS_MAX ((size_t)1 << 26)

/* A node waiting to be split; its totals sit at the same position of the
 * totals stack. */
typedef struct pending {
	uint32_t id;     /* node index */
	uint32_t start;  /* its rows: rows[start, end) */
	uint32_t end;
	uint32_t depth;  /* root: 0 */
	double *hist;    /* full histogram of all features, or NULL */
	char *base;      /* the row buffer holding its rows (rows or tmp) */
} pending;

struct fl_tree_scratch {
	size_t n_rows, n_features;
	size_t S;            /* stats per bin: classes + count, or w,wy,wy2,count */
	int full_mode;       /* keep full histograms and subtract siblings */
	int counting;        /* classification, <= 64 classes, no class
			      * weights, no full histograms: every weight is
			      * a whole bootstrap count, so histograms count
			      * in integers and records are shorter */
	size_t hdr;          /* bytes of a record's header */
	size_t stride;       /* bytes per row record */
	char *rows;          /* in-bag row records; partitioning moves a */
	char *tmp;           /* node's rows from one of these to the other */
	size_t rec_bytes;    /* size of each (mapped: returned to the system
			      * when the fit ends, not kept by malloc) */
	double *w;           /* per row: bootstrap count (while drawing) */
	uint32_t *perm;      /* feature order, drawn per node */
	double *hist;        /* FL_BINS_MAX x S, kept zeroed */
	uint32_t *chist;     /* the same in counting mode, kept zeroed, with
			      * CS entries per bin */
	size_t CS;           /* S rounded up to a multiple of 8 */
	int64_t *cl;         /* counting mode, S each: the left child's
			      * counts while partitioning, the node's class
			      * counts, running left counts in a scan (kept
			      * zeroed) */
	int64_t c_w, c_sq;   /* counting mode: the node's weight and sum of
			      * squared class counts */
	uint16_t *touched;   /* non-empty bins of the current feature */
	uint64_t *mask;      /* per bin: classes present (n_classes <= 64) */
	double *left;        /* S running stats during a scan */
	double *tl, *tr, *tn;/* S: totals of left child, right child, node */
	pending *stack;      /* nodes to split */
	double *stack_tot;   /* their totals, S each */
	size_t stack_cap;
	double **pool;       /* free full histograms */
	size_t pool_n, pool_cap;
};

/* Output being built for one tree. */
typedef struct build {
	fl_tree_node *nodes;
	size_t n_nodes, cap_nodes;
	float *values;
	size_t n_leaves;             /* leaves so far */
	size_t n_values, cap_values; /* value rows (shared one-hot rows first) */
	uint32_t depth;
	double *importance;
} build;

/* The best split found for a node so far. */
typedef struct split {
	double proxy;    /* larger is better */
	int32_t feature; /* -1: none */
	unsigned bin;    /* rows with code <= bin go left */
} split;

static size_t n_outputs(const fl_tree_grow *g)
{
	return g->n_classes > 0 ? (size_t)g->n_classes : 1;
}

/* A private anonymous mapping of `bytes`, or NULL. */
static char *map_buffer(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int fl_tree_scratch_new(fl_tree_scratch **out, const fl_tree_grow *g,
			fl_err *err)
{
	fl_tree_scratch *s = calloc(1, sizeof(*s));
	size_t n = g->bins->n_rows, F = g->bins->n_features;

	*out = NULL;
	if (!s)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	s->n_rows = n;
	s->n_features = F;
	s->S = g->n_classes > 0 ? (size_t)g->n_classes + 1 : 4;
	s->full_mode = 2 * g->mtry >= F && F > 1;
	s->counting = g->n_classes > 0 && g->n_classes <= 64 &&
		      !g->class_weight && !s->full_mode &&
		      n <= COUNTING_ROWS_MAX;
	s->hdr = s->counting ? COUNTING_HDR : sizeof(rowinfo);
	s->stride = (s->hdr + F + 7) / 8 * 8;
	s->rec_bytes = (n + 1) * s->stride;
	s->rows = map_buffer(s->rec_bytes);
	s->tmp = map_buffer(s->rec_bytes);
	s->w = calloc(n + 1, sizeof(*s->w));
	s->perm = malloc((F + 1) * sizeof(*s->perm));
	s->hist = calloc(FL_BINS_MAX * s->S, sizeof(double));
	s->touched = malloc(FL_BINS_MAX * sizeof(*s->touched));
	s->mask = calloc(FL_BINS_MAX, sizeof(*s->mask));
	s->CS = (s->S + 7) / 8 * 8;
	s->chist = calloc(FL_BINS_MAX * s->CS, sizeof(*s->chist));
	s->cl = calloc(3 * s->S, sizeof(*s->cl));
	s->left = malloc(4 * s->S * sizeof(double));
	if (!s->rows || !s->tmp || !s->w || !s->perm || !s->hist ||
	    !s->touched || !s->mask || !s->left || !s->chist || !s->cl) {
		fl_tree_scratch_free(s);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	s->tl = s->left + s->S;
	s->tr = s->tl + s->S;
	s->tn = s->tr + s->S;
	*out = s;
	return 0;
}

void fl_tree_scratch_free(fl_tree_scratch *s)
{
	if (!s)
		return;
	if (s->rows)
		munmap(s->rows, s->rec_bytes);
	if (s->tmp)
		munmap(s->tmp, s->rec_bytes);
	free(s->w);
	free(s->perm);
	free(s->hist);
	free(s->touched);
	free(s->mask);
	free(s->chist);
	free(s->cl);
	free(s->left);
	free(s->stack);
	free(s->stack_tot);
	for (size_t i = 0; i < s->pool_n; i++)
		free(s->pool[i]);
	free(s->pool);
	free(s);
}

void fl_tree_clear(fl_tree *t)
{
	free(t->nodes);
	free(t->values);
	free(t->importance);
	free(t->packed);
	memset(t, 0, sizeof(*t));
}

/* ---- node statistics ---- */

static inline void add_row(const fl_tree_grow *g, const fl_tree_scratch *s,
			   double *h, const rowinfo *r)
{
	double w = r->w;

	if (g->n_classes > 0) {
		h[r->cls] += w;
	} else {
		double wy = w * r->y;
		h[0] += w;
		h[1] += wy;
		h[2] += wy * r->y;
	}
	h[s->S - 1] += 1.0;
}

static void totals(const fl_tree_grow *g, const fl_tree_scratch *s,
		   const char *base, uint32_t start, uint32_t end, double *t)
{
	memset(t, 0, s->S * sizeof(*t));
	if (s->counting) {
		/* whole numbers: exact in any order */
		for (uint32_t i = start; i < end; i++) {
			const rowinfo *r = REC(base, s->stride, i);
			t[r->cls] += r->n;
			t[s->S - 1] += 1.0;
		}
		return;
	}
	for (uint32_t i = start; i < end; i++)
		add_row(g, s, t, REC(base, s->stride, i));
}

static double weight_of(const fl_tree_grow *g, const double *t)
{
	double w = 0;

	if (g->n_classes == 0)
		return t[0];
	for (int k = 0; k < g->n_classes; k++)
		w += t[k];
	return w;
}

/* Gini impurity or variance of a node with totals t and weight w. */
static double impurity(const fl_tree_grow *g, const double *t, double w)
{
	double sq = 0, mean;

	if (w <= 0)
		return 0;
	if (g->n_classes == 0) {
		mean = t[1] / w;
		sq = t[2] / w - mean * mean;
		/* rounding leaves ~1e-16 relative residue on constant targets */
		return sq > 1e-12 * (t[2] / w) ? sq : 0;
	}
	for (int k = 0; k < g->n_classes; k++)
		sq += (t[k] / w) * (t[k] / w);
	return 1.0 - sq;
}

/* ---- split search ---- */

/* The proxy of a split with left stats l and node totals t (rows count at
 * S-1), or -inf if a side breaks min_samples_leaf. */
static double split_proxy(const fl_tree_grow *g, size_t S, const double *l,
			  const double *t)
{
	double nl = l[S - 1], nr = t[S - 1] - nl, wl = 0, wr = 0, sl = 0, sr = 0;

	if (nl < (double)g->min_samples_leaf || nr < (double)g->min_samples_leaf)
		return -INFINITY;
	if (g->n_classes == 0) {
		wl = l[0];
		wr = t[0] - l[0];
		if (wl <= 0 || wr <= 0)
			return -INFINITY;
		return l[1] * l[1] / wl + (t[1] - l[1]) * (t[1] - l[1]) / wr;
	}
	for (int k = 0; k < g->n_classes; k++) {
		double r = t[k] - l[k];
		wl += l[k];
		wr += r;
		sl += l[k] * l[k];
		sr += r * r;
	}
	if (wl <= 0 || wr <= 0)
		return -INFINITY;
	return sl / wl + sr / wr;
}

/* Scan the bins of one feature's histogram h in increasing order: every
 * non-empty bin but the last is a candidate. `list` (n_list bins, sorted)
 * names the non-empty bins, or is NULL to scan all nb bins. */
static void scan_feature(const fl_tree_grow *g, fl_tree_scratch *s,
			 const double *h, unsigned nb, const uint16_t *list,
			 unsigned n_list, const double *t, int32_t f, split *best)
{
	size_t S = s->S;
	double *l = s->left, cnt = t[S - 1];
	unsigned m = list ? n_list : nb;

	memset(l, 0, S * sizeof(*l));
	for (unsigned i = 0; i < m; i++) {
		unsigned b = list ? list[i] : i;
		const double *hb = h + (size_t)b * S;
		double p;
		if (hb[S - 1] == 0)
			continue;
		for (size_t k = 0; k < S; k++)
			l[k] += hb[k];
		if (l[S - 1] >= cnt)
			break; /* everything is left: no candidate from here */
		p = split_proxy(g, S, l, t);
		if (p > best->proxy) {
			best->proxy = p;
			best->feature = f;
			best->bin = b;
		}
	}
}

/* scan_feature() for a classifier's direct histogram with class masks:
 * per bin only the classes present in it update the running sums of
 * squares, which deep in a tree (a row or two per bin) saves most of the
 * work. Same candidates and proxy as split_proxy(), up to rounding. */
static void scan_masked(const fl_tree_grow *g, fl_tree_scratch *s,
			unsigned nb, const uint16_t *list, unsigned n_list,
			const double *t, int32_t f, split *best)
{
	size_t S = s->S;
	double *l = s->left, cnt = t[S - 1], msl = (double)g->min_samples_leaf;
	double W = 0, wl = 0, nl = 0, sl = 0, sr = 0;
	unsigned m = list ? n_list : nb;

	for (int k = 0; k < g->n_classes; k++) {
		l[k] = 0;
		W += t[k];
		sr += t[k] * t[k];
	}
	for (unsigned i = 0; i < m; i++) {
		unsigned b = list ? list[i] : i;
		const double *hb = s->hist + (size_t)b * S;
		uint64_t cls = s->mask[b];
		if (hb[S - 1] == 0)
			continue;
		if ((nl += hb[S - 1]) >= cnt)
			break;
		while (cls) {
			int k = __builtin_ctzll(cls);
			double h = hb[k], a = l[k], ra = t[k] - a;
			cls &= cls - 1;
			l[k] = a + h;
			wl += h;
			sl += h * (a + l[k]);
			sr -= h * (ra + (ra - h));
		}
		double wr = W - wl;
		if (nl < msl || cnt - nl < msl || wl <= 0 || wr <= 0)
			continue;
		/* sl/wl + sr/wr > best without dividing on every bin */
		double num = sl * wr + sr * wl, den = wl * wr;
		if (num > best->proxy * den) {
			best->proxy = num / den;
			best->feature = f;
			best->bin = b;
		}
	}
}

/* Histogram of feature f over the node's rows, built directly into the
 * zeroed scratch histogram, scanned, and zeroed again. */
static void direct_feature(const fl_tree_grow *g, fl_tree_scratch *s,
			   const pending *e, const double *t, int32_t f,
			   split *best)
{
	unsigned nb = g->bins->n_bins[f], u = 0;
	size_t S = s->S;
	int masked = g->n_classes > 0 && g->n_classes <= 64;
	uint64_t used[FL_BINS_MAX / 64] = { 0 };

	if (nb < 2)
		return;
	for (uint32_t i = e->start; i < e->end; i++) {
		const rowinfo *r = REC(e->base, s->stride, i);
		uint8_t c = CODES(s, r)[f];
		add_row(g, s, s->hist + (size_t)c * S, r);
		used[c >> 6] |= 1ull << (c & 63);
		if (masked)
			s->mask[c] |= 1ull << r->cls;
	}
	/* the non-empty bins in increasing order, from the bitmap */
	for (unsigned w = 0; w < FL_BINS_MAX / 64; w++)
		for (uint64_t m = used[w]; m; m &= m - 1)
			s->touched[u++] = (uint16_t)(w * 64 + (unsigned)__builtin_ctzll(m));
	if (u > 1) {
		if (masked)
			scan_masked(g, s, nb, s->touched, u, t, f, best);
		else
			scan_feature(g, s, s->hist, nb, s->touched, u, t, f, best);
	}
	for (unsigned i = 0; i < u; i++) {
		memset(s->hist + (size_t)s->touched[i] * S, 0, S * sizeof(double));
		s->mask[s->touched[i]] = 0;
	}
}

/* A scan of a counting histogram in increasing bin order (scan_step()):
 * scan_masked() in counting mode, with the same candidates and, since
 * every sum is a whole number (exact in a double below 2^53), bit for bit
 * the same proxies, with the running sums in integers. */
typedef struct cscan {
	int64_t *l;          /* running left counts per class */
	const int64_t *tk;   /* the node's counts per class */
	int64_t cnt, msl;    /* the node's rows, min_samples_leaf */
	int64_t W, wl, nl;   /* node weight, left weight, left rows */
	int64_t sl, sr;      /* sums of squared counts left and right */
	uint64_t seen;       /* classes with counts in l */
	split best;
	int32_t f;
} cscan;

static void cscan_start(const fl_tree_grow *g, fl_tree_scratch *s,
			const double *t, int32_t f, const split *best,
			cscan *c)
{
	c->l = s->cl + 2 * s->S;
	c->tk = s->cl + s->S;
	c->cnt = (int64_t)t[s->S - 1];
	c->msl = (int64_t)g->min_samples_leaf;
	c->W = s->c_w;
	c->sr = s->c_sq;
	c->wl = c->nl = c->sl = 0;
	c->seen = 0;
	c->best = *best;
	c->f = f;
}

/* Zero the running counts again; the best split goes to *best. */
static void cscan_end(cscan *c, split *best)
{
	for (uint64_t m = c->seen; m; m &= m - 1)
		c->l[__builtin_ctzll(m)] = 0;
	*best = c->best;
}

/* Add non-empty bin b (counts hb, classes cls) to the left side and
 * consider splitting after it. Rows are counted per bin only when
 * min_samples_leaf > 1 (`rows`): every row weighs at least 1, so "all rows
 * left" is "all weight left", and with min_samples_leaf 1 a side with
 * weight has rows. Returns 1 when no later bin can give a candidate. */
static inline __attribute__((always_inline)) int
scan_step(cscan *c, const uint32_t *hb, uint64_t cls, size_t S, unsigned b,
	  int rows)
{
	int64_t *l = c->l;

	if (rows && (c->nl += hb[S - 1]) >= c->cnt)
		return 1;
	c->seen |= cls;
	while (cls) {
		int k = __builtin_ctzll(cls);
		int64_t h = hb[k], a = l[k], ra = c->tk[k] - a;
		cls &= cls - 1;
		l[k] = a + h;
		c->wl += h;
		c->sl += h * (a + a + h);
		c->sr -= h * (ra + ra - h);
	}
	int64_t wl = c->wl, wr = c->W - wl;
	if (wr <= 0)
		return 1; /* everything is left */
	if ((rows && (c->nl < c->msl || c->cnt - c->nl < c->msl)) || wl <= 0)
		return 0;
	double dsl = (double)c->sl, dsr = (double)c->sr;
	double dwl = (double)wl, dwr = (double)wr;
	double num = dsl * dwr + dsr * dwl, den = dwl * dwr;
	if (num > c->best.proxy * den) {
		c->best.proxy = num / den;
		c->best.feature = c->f;
		c->best.bin = b;
	}
	return 0;
}

/* The node's class counts for scan_step(), once per node. */
static void node_counts(const fl_tree_grow *g, fl_tree_scratch *s,
			const double *t)
{
	int64_t *tk = s->cl + s->S;

	s->c_w = s->c_sq = 0;
	for (int k = 0; k < g->n_classes; k++) {
		tk[k] = (int64_t)t[k];
		s->c_w += tk[k];
		s->c_sq += tk[k] * tk[k];
	}
}

/* Add the node's rows to the counting histogram of feature f; `rows`:
 * count rows per bin too, `used`: mark non-empty bins in it (else NULL). */
static inline __attribute__((always_inline)) void
count_rows(const fl_tree_scratch *s, const pending *e, int32_t f, int rows,
	   uint64_t *used)
{
	size_t S = s->S, CS = s->CS, st = s->stride;
	uint32_t *hist = s->chist;
	uint64_t *mask = s->mask;
	const char *p = e->base + (size_t)e->start * st;
	const char *end = e->base + (size_t)e->end * st;
	size_t off = s->hdr + (size_t)f;

	for (; p < end; p += st) {
		const rowinfo *r = (const rowinfo *)p;
		uint8_t c = (uint8_t)p[off];
		uint32_t *hb = hist + (size_t)c * CS;
		int32_t k = r->cls;
		hb[k] += r->n;
		if (rows)
			hb[S - 1] += 1;
		if (used)
			used[c >> 6] |= 1ull << (c & 63);
		mask[c] |= 1ull << k;
	}
}

/* Zero bin b of the counting histogram (CS entries, a multiple of 8). */
static inline void clear_bin(uint32_t *hist, size_t CS, unsigned b)
{
	uint32_t *hb = hist + (size_t)b * CS;

	for (size_t k = 0; k < CS; k += 8)
		memset(hb + k, 0, 8 * sizeof(*hb));
}

/* direct_feature() in counting mode (`rows` as in scan_step()). A node
 * with at least as many rows as bins scans and clears all bins; a smaller
 * one marks its non-empty bins in a bitmap and visits only those, clearing
 * each once visited. */
static inline __attribute__((always_inline)) void
counts_feature(const fl_tree_grow *g, fl_tree_scratch *s, const pending *e,
	       const double *t, int32_t f, split *best, int rows)
{
	unsigned nb = g->bins->n_bins[f];
	size_t S = s->S, CS = s->CS;
	uint32_t *hist = s->chist;
	uint64_t *mask = s->mask, used[FL_BINS_MAX / 64] = { 0 };
	cscan c;
	int done = 0;

	if (nb < 2)
		return;
	cscan_start(g, s, t, f, best, &c);
	if (e->end - e->start >= nb) {
		count_rows(s, e, f, rows, NULL);
		for (unsigned b = 0; b < nb; b++)
			if (mask[b] &&
			    scan_step(&c, hist + (size_t)b * CS, mask[b], S, b, rows))
				break;
		memset(hist, 0, nb * CS * sizeof(*hist));
		memset(mask, 0, nb * sizeof(*mask));
	} else {
		count_rows(s, e, f, rows, used);
		for (unsigned w = 0; w < FL_BINS_MAX / 64; w++) {
			for (uint64_t m = used[w]; m; m &= m - 1) {
				unsigned b = w * 64 + (unsigned)__builtin_ctzll(m);
				if (!done)
					done = scan_step(&c, hist + (size_t)b * CS,
							 mask[b], S, b, rows);
				clear_bin(hist, CS, b);
				mask[b] = 0;
			}
		}
	}
	cscan_end(&c, best);
}

static void direct_counts(const fl_tree_grow *g, fl_tree_scratch *s,
			  const pending *e, const double *t, int32_t f,
			  split *best)
{
	if (g->min_samples_leaf > 1)
		counts_feature(g, s, e, t, f, best, 1);
	else
		counts_feature(g, s, e, t, f, best, 0);
}

/* Try features in a freshly drawn random order: the first mtry, and more
 * only while no valid split has been found (as scikit-learn does). */
static split find_split(const fl_tree_grow *g, fl_tree_scratch *s,
			fl_rng *rng, const pending *e, const double *t)
{
	split best = { -INFINITY, -1, 0 };
	size_t F = s->n_features;

	if (s->counting)
		node_counts(g, s, t);
	for (size_t j = 0; j < F; j++) {
		size_t k = j + (size_t)fl_rng_below(rng, F - j);
		uint32_t f = s->perm[k];
		s->perm[k] = s->perm[j];
		s->perm[j] = f;
		if (j >= g->mtry && best.feature >= 0)
			break;
		if (e->hist)
			scan_feature(g, s, e->hist + g->bins->offset[f] * s->S,
				     g->bins->n_bins[f], NULL, 0, t, (int32_t)f,
				     &best);
		else if (s->counting)
			direct_counts(g, s, e, t, (int32_t)f, &best);
		else
			direct_feature(g, s, e, t, (int32_t)f, &best);
	}
	return best;
}

/* ---- full histograms (all features), for sibling subtraction ---- */

static double *hist_get(fl_tree_scratch *s, size_t total_bins)
{
	if (s->pool_n > 0)
		return s->pool[--s->pool_n];
	return malloc(total_bins * s->S * sizeof(double));
}

static int hist_put(fl_tree_scratch *s, double *h)
{
	if (!h)
		return 0;
	if (s->pool_n == s->pool_cap) {
		size_t cap = s->pool_cap ? 2 * s->pool_cap : 16;
		double **p = realloc(s->pool, cap * sizeof(*p));
		if (!p) {
			free(h);
			return FL_ENOMEM;
		}
		s->pool = p;
		s->pool_cap = cap;
	}
	s->pool[s->pool_n++] = h;
	return 0;
}

static void hist_build(const fl_tree_grow *g, const fl_tree_scratch *s,
		       const char *base, uint32_t start, uint32_t end, double *h)
{
	const fl_bins *b = g->bins;
	size_t S = s->S;

	memset(h, 0, b->total_bins * S * sizeof(double));
	for (size_t f = 0; f < b->n_features; f++) {
		double *hf = h + b->offset[f] * S;
		for (uint32_t i = start; i < end; i++) {
			const rowinfo *r = REC(base, s->stride, i);
			add_row(g, s, hf + (size_t)CODES(s, r)[f] * S, r);
		}
	}
}

/* ---- building the node array ---- */

static int grow_nodes(build *b)
{
	if (b->n_nodes + 2 > b->cap_nodes) {
		size_t cap = b->cap_nodes ? 2 * b->cap_nodes : 256;
		fl_tree_node *p = realloc(b->nodes, cap * sizeof(*p));
		if (!p)
			return FL_ENOMEM;
		b->nodes = p;
		b->cap_nodes = cap;
	}
	return 0;
}

/* A new value row (n_outputs floats, uninitialised), or NULL. */
static float *new_value(build *b, size_t no)
{
	if (b->n_values == b->cap_values) {
		size_t cap = b->cap_values ? 2 * b->cap_values : 128;
		float *p = realloc(b->values, cap * no * sizeof(*p));
		if (!p)
			return NULL;
		b->values = p;
		b->cap_values = cap;
	}
	return b->values + b->n_values++ * no;
}

/* A classifier's tree starts with one one-hot value row per class, which
 * every pure leaf shares (fully grown trees are mostly pure leaves). */
static int one_hot_rows(const fl_tree_grow *g, build *b)
{
	for (int k = 0; k < g->n_classes; k++) {
		float *v = new_value(b, (size_t)g->n_classes);
		if (!v)
			return FL_ENOMEM;
		for (int j = 0; j < g->n_classes; j++)
			v[j] = j == k ? 1.0f : 0.0f;
	}
	return 0;
}

/* The class of a pure node, or -1. */
static int pure_class(const fl_tree_grow *g, const double *t)
{
	int cls = -1;

	for (int k = 0; k < g->n_classes; k++) {
		if (t[k] == 0)
			continue;
		if (cls >= 0)
			return -1;
		cls = k;
	}
	return cls;
}

static int make_leaf(const fl_tree_grow *g, build *b, uint32_t id,
		     const double *t, double w, uint32_t depth)
{
	size_t no = n_outputs(g);
	int pure = pure_class(g, t);
	uint32_t row = (uint32_t)pure;
	float *v;

	if (pure < 0) {
		if (!(v = new_value(b, no)))
			return FL_ENOMEM;
		row = (uint32_t)(b->n_values - 1);
		if (g->n_classes == 0)
			v[0] = (float)(w > 0 ? t[1] / w : 0);
		else
			for (size_t k = 0; k < no; k++)
				v[k] = (float)(w > 0 ? t[k] / w : 0);
	}
	b->nodes[id] = (fl_tree_node){ row, 0, 0, 1 };
	b->n_leaves++;
	if (depth > b->depth)
		b->depth = depth;
	return 0;
}

static int push(fl_tree_scratch *s, size_t *sp, pending p, const double *t)
{
	if (*sp == s->stack_cap) {
		size_t cap = s->stack_cap ? 2 * s->stack_cap : 64;
		pending *st = realloc(s->stack, cap * sizeof(*st));
		if (!st)
			return FL_ENOMEM;
		s->stack = st;
		double *tt = realloc(s->stack_tot, cap * s->S * sizeof(*tt));
		if (!tt)
			return FL_ENOMEM;
		s->stack_tot = tt;
		s->stack_cap = cap;
	}
	s->stack[*sp] = p;
	memcpy(s->stack_tot + *sp * s->S, t, s->S * sizeof(*t));
	(*sp)++;
	return 0;
}

/* Copy one row record (stride is a multiple of 8) without a library call
 * per row. */
static inline void copy_rec(void *dst, const void *src, size_t stride)
{
	uint64_t *d = dst;
	const uint64_t *q = src;

	for (size_t k = 0; k < stride / 8; k++)
		d[k] = q[k];
}

/* Partition the node's rows by code <= bin into the other buffer: left
 * rows from `start` up in their order, right rows from `end` down (in
 * reverse order; any fixed order will do). Each record moves once. With
 * `cl` (counting mode), also sum the left rows' bootstrap counts per class
 * into it. Returns the split point; *dst receives the children's buffer. */
static inline __attribute__((always_inline)) uint32_t
partition(fl_tree_scratch *s, const pending *e, const split *sp, char **dst,
	  int64_t *cl)
{
	size_t st = s->stride;
	char *to = e->base == s->rows ? s->tmp : s->rows;
	uint32_t l = e->start, r = e->end;

	/* without a branch per row: each record is written to both free
	 * ends, and the end it belongs to moves (both are unfilled slots, or
	 * the same one for the last record) */
	for (uint32_t i = e->start; i < e->end; i++) {
		const rowinfo *row = REC(e->base, st, i);
		uint32_t left = CODES(s, row)[sp->feature] <= sp->bin;
		copy_rec(REC(to, st, l), row, st);
		copy_rec(REC(to, st, r - 1), row, st);
		if (cl)
			cl[row->cls] += row->n & (0u - left);
		l += left;
		r -= 1 - left;
	}
	*dst = to;
	return l;
}

/* Split the node's rows (partition()) and put the children's totals in
 * s->tl and s->tr. In counting mode they come from the partition pass and
 * the node's totals t: whole numbers, so the same as totals(). */
static uint32_t split_rows(const fl_tree_grow *g, fl_tree_scratch *s,
			   const pending *e, const split *sp, char **dst,
			   const double *t)
{
	size_t S = s->S;
	uint32_t mid;

	if (!s->counting) {
		mid = partition(s, e, sp, dst, NULL);
		totals(g, s, *dst, e->start, mid, s->tl);
		totals(g, s, *dst, mid, e->end, s->tr);
		return mid;
	}
	memset(s->cl, 0, S * sizeof(*s->cl));
	mid = partition(s, e, sp, dst, s->cl);
	s->cl[S - 1] = mid - e->start;
	for (size_t k = 0; k < S; k++) {
		s->tl[k] = (double)s->cl[k];
		s->tr[k] = t[k] - s->tl[k];
	}
	return mid;
}

/* Decide the children's histograms: in full mode, build the smaller one
 * directly and get the larger by subtracting it from the parent's, when
 * that is cheaper than building the features of both directly. */
static int child_hists(const fl_tree_grow *g, fl_tree_scratch *s, pending *e,
		       const char *base, uint32_t mid, double **hl, double **hr)
{
	const fl_bins *b = g->bins;
	uint32_t nl = mid - e->start, nr = e->end - mid;
	uint32_t ns = nl < nr ? nl : nr;
	double cost_sub = (double)b->n_features * ns + (double)b->total_bins * s->S;
	double cost_direct = (double)g->mtry * (nl + nr);
	double *small, *large = e->hist;

	*hl = *hr = NULL;
	if (!e->hist)
		return 0;
	e->hist = NULL;
	if (cost_sub >= cost_direct)
		return hist_put(s, large);
	if (!(small = hist_get(s, b->total_bins))) {
		free(large);
		return FL_ENOMEM;
	}
	if (nl <= nr)
		hist_build(g, s, base, e->start, mid, small);
	else
		hist_build(g, s, base, mid, e->end, small);
	for (size_t i = 0, m = b->total_bins * s->S; i < m; i++)
		large[i] -= small[i];
	*hl = nl <= nr ? small : large;
	*hr = nl <= nr ? large : small;
	return 0;
}

/* Split node e (totals t, weight w, impurity imp) or make it a leaf. */
static int split_node(const fl_tree_grow *g, fl_tree_scratch *s, fl_rng *rng,
		      build *b, pending e, size_t *sp)
{
	double *t = s->tn, w = weight_of(g, t), imp = impurity(g, t, w);
	uint32_t n = e.end - e.start, mid, l;
	double *hl, *hr;
	char *base;
	split best;
	int rc;

	if ((g->max_depth > 0 && e.depth >= (uint32_t)g->max_depth) ||
	    n < g->min_samples_split || n < 2 * g->min_samples_leaf ||
	    imp <= DBL_EPSILON ||
	    (best = find_split(g, s, rng, &e, t)).feature < 0) {
		if ((rc = hist_put(s, e.hist)) < 0)
			return rc;
		return make_leaf(g, b, e.id, t, w, e.depth);
	}
	mid = split_rows(g, s, &e, &best, &base, t);
	double wl = weight_of(g, s->tl), wr = weight_of(g, s->tr);
	b->importance[best.feature] += w * imp - wl * impurity(g, s->tl, wl) -
				       wr * impurity(g, s->tr, wr);
	if ((rc = grow_nodes(b)) < 0 ||
	    (rc = child_hists(g, s, &e, base, mid, &hl, &hr)) < 0)
		return rc;
	l = (uint32_t)b->n_nodes;
	b->n_nodes += 2;
	b->nodes[e.id] = (fl_tree_node){ l, (uint16_t)best.feature,
					 (uint8_t)best.bin, 0 };
	/* push right first so the left child is split next */
	if ((rc = push(s, sp, (pending){ l + 1, mid, e.end, e.depth + 1, hr, base },
		       s->tr)) < 0) {
		free(hr);
		free(hl);
		return rc;
	}
	if ((rc = push(s, sp, (pending){ l, e.start, mid, e.depth + 1, hl, base },
		       s->tl)) < 0)
		free(hl);
	return rc;
}

/* Draw the bootstrap sample (or take every row) and set row weights. */
static uint32_t draw_rows(const fl_tree_grow *g, fl_tree_scratch *s,
			  fl_rng *rng, uint8_t *inbag)
{
	size_t n = s->n_rows;
	uint32_t m = 0;

	if (g->bootstrap) {
		memset(s->w, 0, n * sizeof(*s->w));
		for (size_t i = 0; i < n; i++)
			s->w[fl_rng_below(rng, n)] += 1.0;
	} else {
		for (size_t i = 0; i < n; i++)
			s->w[i] = 1.0;
	}
	if (inbag)
		memset(inbag, 0, (n + 7) / 8);
	for (size_t i = 0; i < n; i++) {
		if (s->w[i] == 0)
			continue;
		rowinfo *r = REC(s->rows, s->stride, m++);
		memcpy((char *)r + s->hdr, g->bins->codes + i * s->n_features,
		       s->n_features);
		r->cls = g->n_classes > 0 ? g->y_class[i] : 0;
		r->n = (uint32_t)s->w[i];
		if (!s->counting) {
			r->w = s->w[i];
			r->y = g->n_classes > 0 ? 0.0 : g->y_value[i];
			if (g->class_weight)
				r->w *= g->class_weight[r->cls];
		}
		if (inbag)
			inbag[i / 8] |= (uint8_t)(1u << (i % 8));
	}
	return m;
}

/* Move the finished arrays into t, trimmed to size. */
static int finish(fl_tree *t, build *b, size_t no)
{
	fl_tree_node *nodes = realloc(b->nodes, b->n_nodes * sizeof(*nodes));
	float *values = realloc(b->values, b->n_values * no * sizeof(*values));

	if (nodes)
		b->nodes = nodes;
	if (values)
		b->values = values;
	t->n_nodes = (uint32_t)b->n_nodes;
	t->n_leaves = (uint32_t)b->n_leaves;
	t->n_values = (uint32_t)b->n_values;
	t->depth = b->depth;
	t->nodes = b->nodes;
	t->values = b->values;
	t->importance = b->importance;
	memset(b, 0, sizeof(*b));
	return 0;
}

int fl_tree_fit(fl_tree *t, const fl_tree_grow *g, fl_rng *rng,
		fl_tree_scratch *s, uint8_t *inbag, fl_err *err)
{
	build b = { 0 };
	size_t sp = 0, F = s->n_features;
	pending root = { 0 };
	int rc = FL_ENOMEM;

	memset(t, 0, sizeof(*t));
	for (size_t f = 0; f < F; f++)
		s->perm[f] = (uint32_t)f;
	root.end = draw_rows(g, s, rng, inbag);
	root.base = s->rows;
	if (!(b.importance = calloc(F ? F : 1, sizeof(double))) ||
	    grow_nodes(&b) < 0 || one_hot_rows(g, &b) < 0)
		goto cleanup;
	b.n_nodes = 1;
	if (s->full_mode) {
		if (!(root.hist = hist_get(s, g->bins->total_bins)))
			goto cleanup;
		hist_build(g, s, s->rows, 0, root.end, root.hist);
	}
	totals(g, s, s->rows, 0, root.end, s->tn);
	if ((rc = push(s, &sp, root, s->tn)) < 0)
		goto cleanup;
	while (sp > 0) {
		pending e = s->stack[--sp];
		memcpy(s->tn, s->stack_tot + sp * s->S, s->S * sizeof(double));
		if ((rc = split_node(g, s, rng, &b, e, &sp)) < 0)
			goto cleanup;
	}
	return finish(t, &b, n_outputs(g));
cleanup:
	while (sp > 0)
		hist_put(s, s->stack[--sp].hist);
	free(b.nodes);
	free(b.values);
	free(b.importance);
	return fl_err_set(err, rc < 0 ? rc : FL_ENOMEM,
			  "out of memory growing a tree");
}
