/* kmeans.c - k-means clustering: k-means++ seeding (scikit-learn's greedy
 * variant, 2 + log k candidates per centre), Lloyd iterations with the
 * distances from BLAS (||x||^2 - 2 x.c + ||c||^2) and Hamerly's bounds
 * (only rows whose centre may have changed are read; the centre sums are
 * updated by the rows that move), several seeded starts, the best inertia
 * kept. Row blocks are fixed and partial sums reduced in block order, so
 * results do not depend on the thread count. */
#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "ml/linalg.h"
#include "ml/model.h"

#define KM_SUB 256 /* rows per GEMM, small enough to stay in cache */

/* What a BLAS assignment pass records per row (km_pass.mode). */
enum {
	KM_APPROX = 0, /* squared distance from the GEMM: enough to pick centres */
	KM_EXACT = 1,  /* squared distance computed directly (final inertia) */
	KM_BOUNDS = 2, /* also initialise the Hamerly bounds */
};

typedef struct kmeans {
	size_t k, d;       /* clusters, features */
	double *centers;   /* k x d */
	double inertia;    /* sum of squared distances to the nearest centre */
	int n_iter;        /* Lloyd iterations of the best start */
	int best_start;    /* which start won */
} kmeans;

/* One Lloyd pass over fixed row blocks. */
typedef struct km_pass {
	const double *X, *xx;  /* rows, their squared norms */
	size_t n, d, k, nb;    /* shapes, block count */
	const double *C, *cc;  /* centres and their squared norms */
	int32_t *labels;       /* n labels (output) */
	double *mind;          /* n squared distances to the assigned centre
				* (first and last pass; relocate_empty) */
	double *part;          /* nb slots of k*d sums + k counts + 1 inertia
				* (after the first pass: their changes) */
	double *gbuf;          /* per worker KM_SUB x (k + d) */
	int mode;              /* KM_APPROX, KM_EXACT or KM_BOUNDS (below) */
	double *up, *lo;       /* Hamerly bounds per row: upper bound on the
				* distance to its centre, lower bound on the
				* distance to any other centre */
	const double *half;    /* k: half the distance to the nearest other centre */
	const double *move;    /* k: how far each centre moved last update */
	double move1, move2;   /* largest and second largest move */
	double cmax;           /* largest centre norm (bounds margin) */
	size_t move_arg;       /* centre with the largest move */
} km_pass;

static void kmeans_free(void *state)
{
	kmeans *m = state;

	if (m) {
		free(m->centers);
		free(m);
	}
}

static void add_row(double *restrict s, const double *restrict x, size_t d)
{
	for (size_t j = 0; j < d; j++)
		s[j] += x[j];
}

static void sub_row(double *restrict s, const double *restrict x, size_t d)
{
	for (size_t j = 0; j < d; j++)
		s[j] -= x[j];
}

/* Squared distance, summed in four interleaved partial sums (a fixed
 * order, so the same bits every time; four chains run in parallel). */
static double exact_dist2(const double *x, const double *c, size_t d)
{
	double e0 = 0, e1 = 0, e2 = 0, e3 = 0;
	size_t j = 0;

	for (; j + 4 <= d; j += 4) {
		double t0 = x[j] - c[j], t1 = x[j + 1] - c[j + 1];
		double t2 = x[j + 2] - c[j + 2], t3 = x[j + 3] - c[j + 3];
		e0 += t0 * t0;
		e1 += t1 * t1;
		e2 += t2 * t2;
		e3 += t3 * t3;
	}
	for (; j < d; j++)
		e0 += (x[j] - c[j]) * (x[j] - c[j]);
	return (e0 + e1) + (e2 + e3);
}

/* Hamerly bounds from a BLAS pass: the upper bound is the exact distance;
 * the lower bound comes from the GEMM's second smallest squared distance,
 * less a margin covering its rounding (about eps (|x|^2 + |c|^2), which
 * matters for sqrt near 0). */
static void init_bounds(km_pass *p, size_t i, double exact2, double second2)
{
	double margin = 1e-7 * (sqrt(p->xx[i]) + p->cmax);

	p->up[i] = sqrt(exact2);
	p->lo[i] = isfinite(second2) ? fmax(sqrt(fmax(second2, 0)) - margin, 0) : INFINITY;
}

/* Nearest centre (*best) from a row's products with the centres Gi: the
 * smallest ||c||^2 - 2 x.c into *first, the second smallest returned (add
 * ||x||^2 for squared distances). */
static double nearest2(const km_pass *p, const double *Gi, size_t *best, double *first)
{
	double bd = INFINITY, second = INFINITY;

	*best = 0;
	for (size_t c = 0; c < p->k; c++) {
		double v = p->cc[c] - 2 * Gi[c];
		if (v < bd) {
			second = bd;
			bd = v;
			*best = c;
		} else if (v < second) {
			second = v;
		}
	}
	*first = bd;
	return second;
}

/* Rows [r0, r0 + m) of a block: nearest centre from one small GEMM, then
 * the sums, while the rows are still in cache. */
static void km_rows(km_pass *p, size_t r0, size_t m, double *G, double *sum)
{
	size_t k = p->k, d = p->d;
	double *cnt = sum + k * d;

	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)k, (int)d, 1.0,
		    p->X + r0 * d, (int)d, p->C, (int)d, 0.0, G, (int)k);
	for (size_t i = 0; i < m; i++) {
		size_t best;
		double bd, second = nearest2(p, G + i * k, &best, &bd);
		const double *x = p->X + (r0 + i) * d;
		double e = p->mode != KM_APPROX ? exact_dist2(x, p->C + best * d, d)
						: fmax(p->xx[r0 + i] + bd, 0);
		if (p->mode == KM_BOUNDS)
			init_bounds(p, r0 + i, e, p->xx[r0 + i] + second);
		add_row(sum + best * d, x, d);
		p->labels[r0 + i] = (int32_t)best;
		p->mind[r0 + i] = e;
		cnt[best] += 1;
		sum[k * d + k] += e;
	}
}

static int km_block(void *ud, size_t blk, int worker, fl_err *err)
{
	km_pass *p = ud;
	size_t i0 = blk * FL_LINALG_BLOCK, k = p->k, d = p->d;
	size_t m = p->n - i0 < FL_LINALG_BLOCK ? p->n - i0 : FL_LINALG_BLOCK;
	double *G = p->gbuf + (size_t)worker * KM_SUB * (k + d);
	double *sum = p->part + blk * (k * d + k + 1);

	(void)err;
	memset(sum, 0, (k * d + k + 1) * sizeof(double));
	for (size_t s0 = 0; s0 < m; s0 += KM_SUB)
		km_rows(p, i0 + s0, m - s0 < KM_SUB ? m - s0 : KM_SUB, G, sum);
	return 0;
}

/* Assign every row; sums, counts and inertia reduced in block order into
 * the first slot. */
static int km_assign(km_pass *p, int n_threads, fl_err *err)
{
	size_t stride = p->k * p->d + p->k + 1;
	int rc;

	p->cmax = 0;
	for (size_t c = 0; c < p->k; c++) {
		((double *)p->cc)[c] = cblas_ddot((int)p->d, p->C + c * p->d, 1, p->C + c * p->d, 1);
		p->cmax = fmax(p->cmax, sqrt(p->cc[c]));
	}
	if ((rc = fl_parallel_for(p->nb, n_threads, km_block, p, err)) < 0)
		return rc;
	for (size_t b = 1; b < p->nb; b++)
		for (size_t t = 0; t < stride; t++)
			p->part[t] += p->part[b * stride + t];
	return 0;
}

#define KM_AHEAD 4 /* rows prefetched ahead in hm_gather_rows */

/* Rows gathered for a GEMM (per worker): their indices, copies, products. */
typedef struct hm_gather {
	size_t n;            /* rows gathered so far (<= KM_SUB) */
	size_t row[KM_SUB];  /* their indices */
	double *Xg;          /* KM_SUB x d: copies of the rows */
	double *G;           /* KM_SUB x k: their products with the centres */
} hm_gather;

/* Hamerly, first half, rows [r0, r0 + m) (m <= KM_SUB): move the bounds by
 * how far the centres moved and list in row[] (offsets from r0) the rows
 * whose bounds no longer prove that their centre is the nearest; returns
 * how many. Reads only the bounds and labels, not the rows. */
static size_t hm_bounds(km_pass *p, size_t r0, size_t m, uint32_t *row)
{
	size_t n = 0;

	for (size_t i = r0; i < r0 + m; i++) {
		size_t a = (size_t)p->labels[i];
		p->up[i] += p->move[a];
		p->lo[i] -= a == p->move_arg ? p->move2 : p->move1;
		double bound = p->half[a] > p->lo[i] ? p->half[a] : p->lo[i];
		if (p->up[i] > bound)
			row[n++] = (uint32_t)(i - r0);
	}
	return n;
}

/* The gathered rows: nearest centre and both bounds from one GEMM, as in
 * the first pass (so the assignments are those of a plain Lloyd step, and
 * both bounds are fresh: on data where many rows sit near a boundary this
 * was faster than first tightening the upper bound alone). A row that
 * changes centre moves from the old centre's sum to the new one's in
 * `delta` (k*d sums, then k counts). */
static void hm_flush(km_pass *p, hm_gather *g, double *delta)
{
	size_t k = p->k, d = p->d;
	double *cnt = delta + k * d;

	if (g->n == 0)
		return;
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)g->n, (int)k, (int)d, 1.0,
		    g->Xg, (int)d, p->C, (int)d, 0.0, g->G, (int)k);
	for (size_t q = 0; q < g->n; q++) {
		size_t i = g->row[q], a = (size_t)p->labels[i], b;
		const double *x = g->Xg + q * d;
		double first, second = nearest2(p, g->G + q * k, &b, &first);
		init_bounds(p, i, exact_dist2(x, p->C + b * d, d), p->xx[i] + second);
		if (b != a) {
			p->labels[i] = (int32_t)b;
			sub_row(delta + a * d, x, d);
			add_row(delta + b * d, x, d);
			cnt[a] -= 1;
			cnt[b] += 1;
		}
	}
	g->n = 0;
}

/* Pull row i's d doubles towards the cache: the listed rows are spread
 * over the block, so the hardware prefetcher does not see them coming. */
static void prefetch_row(const km_pass *p, size_t i)
{
	const char *x = (const char *)(p->X + i * p->d);

	for (size_t o = 0; o < p->d * sizeof(double); o += 64)
		__builtin_prefetch(x + o);
}

/* Hamerly, second half: copy the listed rows for hm_flush, a GEMM every
 * KM_SUB rows. Settled rows are never read; sums change only by the rows
 * that change centre. */
static void hm_gather_rows(km_pass *p, size_t r0, const uint32_t *row, size_t nrow,
			   hm_gather *g, double *delta)
{
	size_t d = p->d;

	for (size_t q = 0; q < nrow && q < KM_AHEAD; q++)
		prefetch_row(p, r0 + row[q]);
	for (size_t q = 0; q < nrow; q++) {
		if (q + KM_AHEAD < nrow)
			prefetch_row(p, r0 + row[q + KM_AHEAD]);
		memcpy(g->Xg + g->n * d, p->X + (r0 + row[q]) * d, d * sizeof(double));
		g->row[g->n++] = r0 + row[q];
		if (g->n == KM_SUB)
			hm_flush(p, g, delta);
	}
}

/* One Hamerly step on block blk: its part slot gets the changes of the
 * sums and counts. */
static int hm_block(void *ud, size_t blk, int worker, fl_err *err)
{
	km_pass *p = ud;
	size_t i0 = blk * FL_LINALG_BLOCK, k = p->k, d = p->d;
	size_t m = p->n - i0 < FL_LINALG_BLOCK ? p->n - i0 : FL_LINALG_BLOCK;
	double *delta = p->part + blk * (k * d + k + 1);
	uint32_t row[KM_SUB];
	hm_gather g;

	(void)err;
	g.n = 0;
	g.G = p->gbuf + (size_t)worker * KM_SUB * (k + d);
	g.Xg = g.G + KM_SUB * k;
	memset(delta, 0, (k * d + k + 1) * sizeof(double));
	for (size_t s0 = 0; s0 < m; s0 += KM_SUB) {
		size_t nrow = hm_bounds(p, i0 + s0, m - s0 < KM_SUB ? m - s0 : KM_SUB, row);
		hm_gather_rows(p, i0 + s0, row, nrow, &g, delta);
	}
	hm_flush(p, &g, delta);
	return 0;
}

/* After the centres moved from old to new: per-centre moves, the two
 * largest, and half the distance from each centre to its nearest other. */
static void hm_update(km_pass *p, const double *old, double *move, double *half)
{
	size_t k = p->k, d = p->d;

	p->move1 = p->move2 = 0;
	p->move_arg = 0;
	for (size_t c = 0; c < k; c++) {
		move[c] = sqrt(exact_dist2(old + c * d, p->C + c * d, d));
		if (move[c] > p->move1) {
			p->move2 = p->move1;
			p->move1 = move[c];
			p->move_arg = c;
		} else if (move[c] > p->move2) {
			p->move2 = move[c];
		}
	}
	p->cmax = 0;
	for (size_t c = 0; c < k; c++) { /* norms for the GEMM distances */
		((double *)p->cc)[c] = cblas_ddot((int)d, p->C + c * d, 1, p->C + c * d, 1);
		p->cmax = fmax(p->cmax, sqrt(p->cc[c]));
	}
	for (size_t c = 0; c < k; c++) {
		half[c] = INFINITY;
		for (size_t o = 0; o < k; o++)
			if (o != c)
				half[c] = fmin(half[c], 0.5 * sqrt(exact_dist2(p->C + c * d,
									       p->C + o * d, d)));
	}
}

/* Squared distances of every row to `t` candidate rows cand[] (n x t into
 * D), through BLAS: ||x||^2 + ||c||^2 - 2 x.c, clamped at 0. */
static void dist_to_rows(const fl_dataset *ds, const double *xx, const size_t *cand,
			 size_t t, double *Cbuf, double *D)
{
	size_t n = ds->n, d = ds->d;

	for (size_t c = 0; c < t; c++)
		memcpy(Cbuf + c * d, ds->X + cand[c] * d, d * sizeof(double));
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)t, (int)d, -2.0,
		    ds->X, (int)d, Cbuf, (int)d, 0.0, D, (int)t);
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < t; c++)
			D[i * t + c] = fmax(D[i * t + c] + xx[i] + xx[cand[c]], 0.0);
}

/* Index of the first prefix sum of w exceeding r (searchsorted). */
static size_t pick_weighted(const double *w, size_t n, double r)
{
	double acc = 0;

	for (size_t i = 0; i < n; i++) {
		acc += w[i];
		if (acc > r)
			return i;
	}
	return n - 1;
}

/* k-means++ seeding into C (k x d); closest[] and D are n and n x trials
 * scratch. FL_EINVAL when the data has fewer than k distinct rows. */
static int kmeanspp(const fl_dataset *ds, const double *xx, size_t k, fl_rng *r,
		    double *C, double *closest, double *D, double *Cbuf, fl_err *err)
{
	size_t n = ds->n, d = ds->d, trials = 2 + (size_t)log((double)k), cand[64];
	double pot = 0;

	cand[0] = (size_t)fl_rng_below(r, n);
	memcpy(C, ds->X + cand[0] * d, d * sizeof(double));
	dist_to_rows(ds, xx, cand, 1, Cbuf, D);
	for (size_t i = 0; i < n; i++)
		pot += (closest[i] = D[i]);
	for (size_t c = 1; c < k; c++) {
		if (!(pot > 0))
			return fl_err_set(err, FL_EINVAL,
					  "kmeans: n_clusters=%zu but the data has only %zu distinct "
					  "rows; use n_clusters <= %zu", k, c, c);
		for (size_t t = 0; t < trials; t++)
			cand[t] = pick_weighted(closest, n, fl_rng_uniform(r) * pot);
		dist_to_rows(ds, xx, cand, trials, Cbuf, D);
		size_t best = 0;
		double best_pot = INFINITY;
		for (size_t t = 0; t < trials; t++) {
			double s = 0;
			for (size_t i = 0; i < n; i++)
				s += fmin(closest[i], D[i * trials + t]);
			if (s < best_pot) {
				best_pot = s;
				best = t;
			}
		}
		for (size_t i = 0; i < n; i++)
			closest[i] = fmin(closest[i], D[i * trials + best]);
		pot = best_pot;
		memcpy(C + c * d, ds->X + cand[best] * d, d * sizeof(double));
	}
	return 0;
}

/* Move empty clusters to the rows farthest from the centres they were
 * assigned to (as scikit-learn does), one distinct row each, in order of
 * distance. Rare, so the distances are computed here, only when needed. */
static void relocate_empty(km_pass *p, double *newC, const double *cnt)
{
	size_t k = p->k, d = p->d, c = 0;

	while (c < k && cnt[c] > 0)
		c++;
	if (c == k)
		return;
	for (size_t i = 0; i < p->n; i++)
		p->mind[i] = exact_dist2(p->X + i * d, p->C + (size_t)p->labels[i] * d, d);
	for (; c < k; c++) {
		if (cnt[c] > 0)
			continue;
		size_t far = 0;
		for (size_t i = 1; i < p->n; i++)
			if (p->mind[i] > p->mind[far])
				far = i;
		memcpy(newC + c * d, p->X + far * d, d * sizeof(double));
		p->mind[far] = -1; /* not chosen twice */
	}
}

/* One pass of assignments: the first by BLAS (which also sets Hamerly's
 * bounds) gives the sums, later ones by hm_block only their changes; the
 * per-block results are reduced in block order into sum (k*d sums, then k
 * counts), so the bits do not depend on the thread count. */
static int assign_step(km_pass *p, int first, double *sum, int n_threads, fl_err *err)
{
	size_t k = p->k, d = p->d, stride = k * d + k + 1;
	int rc;

	if (first) {
		p->mode = KM_BOUNDS;
		rc = km_assign(p, n_threads, err);
		p->mode = KM_APPROX;
		if (rc == 0)
			memcpy(sum, p->part, (k * d + k) * sizeof(double));
		return rc;
	}
	if ((rc = fl_parallel_for(p->nb, n_threads, hm_block, p, err)) < 0)
		return rc;
	for (size_t b = 1; b < p->nb; b++)
		for (size_t t = 0; t < k * d + k; t++)
			p->part[t] += p->part[b * stride + t];
	for (size_t t = 0; t < k * d + k; t++)
		sum[t] += p->part[t];
	return 0;
}

/* Lloyd iterations from the centres in p->C (updated in place), the
 * assignments by assign_step. `scratch` holds 3k + 2k*d doubles. */
static int lloyd(km_pass *p, double *newC, double *scratch, int max_iter, double tol_abs,
		 int n_threads, int *n_iter, fl_err *err)
{
	size_t k = p->k, d = p->d;
	double *move = scratch, *half = move + k, *old = half + k, *sum = old + k * d;
	const double *cnt = sum + k * d;
	int rc;

	p->move = move;
	p->half = half;
	for (*n_iter = 1; *n_iter <= max_iter; (*n_iter)++) {
		if ((rc = assign_step(p, *n_iter == 1, sum, n_threads, err)) < 0)
			return rc;
		double shift = 0;
		for (size_t c = 0; c < k; c++)
			for (size_t j = 0; j < d; j++)
				newC[c * d + j] = cnt[c] > 0 ? sum[c * d + j] / cnt[c] : 0;
		relocate_empty(p, newC, cnt);
		for (size_t t = 0; t < k * d; t++)
			shift += (newC[t] - p->C[t]) * (newC[t] - p->C[t]);
		memcpy(old, p->C, k * d * sizeof(double));
		memcpy((double *)p->C, newC, k * d * sizeof(double));
		hm_update(p, old, move, half);
		if (shift <= tol_abs)
			break;
	}
	if (*n_iter > max_iter)
		*n_iter = max_iter;
	/* labels and exact inertia for the final centres */
	p->mode = KM_EXACT;
	rc = km_assign(p, n_threads, err);
	p->mode = KM_APPROX;
	return rc;
}

/* tol scaled as scikit-learn does: tol * mean of the column variances. */
static double abs_tol(const fl_dataset *ds, double tol)
{
	double *mu = calloc(ds->d, sizeof(double)), v = 0;

	if (!mu)
		return tol;
	fl_linalg_col_means(ds->X, ds->n, ds->d, mu);
	for (size_t i = 0; i < ds->n; i++)
		for (size_t j = 0; j < ds->d; j++)
			v += (ds->X[i * ds->d + j] - mu[j]) * (ds->X[i * ds->d + j] - mu[j]);
	free(mu);
	return tol * v / (double)ds->n / (double)ds->d;
}

static int kmeans_fit(void **state, const fl_dataset *ds, const json_t *params,
		      const fl_fit_opts *opts, fl_err *err)
{
	size_t n = ds->n, d = ds->d, k = (size_t)fl_hparam_int(params, "n_clusters");
	int n_init = (int)fl_hparam_int(params, "n_init"), nt = fl_threads_resolve(opts->n_threads);
	int max_iter = (int)fl_hparam_int(params, "max_iter"), rc = 0;
	size_t trials = 2 + (size_t)log((double)k), nb = (n + FL_LINALG_BLOCK - 1) / FL_LINALG_BLOCK;
	km_pass p = { 0 };
	kmeans *m = calloc(1, sizeof(*m));
	double tol = abs_tol(ds, fl_hparam_real(params, "tol"));
	double *mem = NULL, *C, *newC, *xx, *closest, *D, *Cbuf;

	if (k > n) {
		free(m);
		return fl_err_set(err, FL_EINVAL, "kmeans: n_clusters=%zu is more than the %zu rows",
				  k, n);
	}
	size_t total = 3 * k * d + k + 2 * n + n * trials + trials * d + n + 2 * n + 3 * k + 2 * k * d +
		       nb * (k * d + k + 1) + (size_t)nt * KM_SUB * (k + d);
	if (!m || !(mem = calloc(total, sizeof(double))) ||
	    !(p.labels = malloc(n * sizeof(int32_t))) ||
	    !(m->centers = malloc(k * d * sizeof(double)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto done;
	}
	C = mem, newC = C + k * d, p.cc = newC + k * d + k * d;
	xx = (double *)p.cc + k, closest = xx + n, D = closest + n, Cbuf = D + n * trials;
	p.mind = Cbuf + trials * d, p.part = p.mind + n, p.gbuf = p.part + nb * (k * d + k + 1);
	p.up = p.gbuf + (size_t)nt * KM_SUB * (k + d), p.lo = p.up + n;
	double *scratch = p.lo + n;
	p.X = ds->X, p.xx = xx, p.n = n, p.d = d, p.k = k, p.nb = nb, p.C = C;
	for (size_t i = 0; i < n; i++)
		xx[i] = cblas_ddot((int)d, ds->X + i * d, 1, ds->X + i * d, 1);
	m->k = k, m->d = d, m->inertia = INFINITY;
	for (int s = 0; s < n_init && rc == 0; s++) {
		fl_rng r;
		int iters;
		fl_rng_seed(&r, opts->seed, (uint64_t)s);
		if ((rc = kmeanspp(ds, xx, k, &r, C, closest, D, Cbuf, err)) < 0 ||
		    (rc = lloyd(&p, newC, scratch, max_iter, tol, nt, &iters, err)) < 0)
			break;
		double inertia = p.part[k * d + k];
		fl_progress_report(opts->progress, "kmeans starts", (uint64_t)s + 1, (uint64_t)n_init);
		if (inertia < m->inertia) { /* ties keep the earlier start */
			m->inertia = inertia;
			m->n_iter = iters;
			m->best_start = s;
			memcpy(m->centers, C, k * d * sizeof(double));
		}
	}
	if (rc == 0) {
		*state = m;
		m = NULL;
	}
done:
	kmeans_free(m);
	free(mem);
	free(p.labels);
	return rc;
}

static int kmeans_predict(const void *state, const double *X, size_t n, size_t d,
			  int n_threads, double *out, fl_err *err)
{
	const kmeans *m = state;
	double *D = malloc((n ? n : 1) * m->k * sizeof(double)), *cc = malloc(m->k * sizeof(double));
	int rc = 0;

	if (!D || !cc)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t c = 0; rc == 0 && c < m->k; c++)
		cc[c] = -0.5 * cblas_ddot((int)d, m->centers + c * d, 1, m->centers + c * d, 1);
	/* argmax of x.c - ||c||^2/2 = argmin of the distance */
	if (rc == 0)
		rc = fl_linalg_affine_multi(X, n, d, m->centers, m->k, cc, n_threads, D, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		size_t best = 0;
		for (size_t c = 1; c < m->k; c++)
			if (D[i * m->k + c] > D[i * m->k + best])
				best = c;
		out[i] = (double)best;
	}
	free(D);
	free(cc);
	return rc;
}

/* Euclidean distance of each row to each centre (n x k), computed directly. */
static int kmeans_transform(const void *state, const double *X, size_t n, size_t d,
			    int n_threads, double *out, fl_err *err)
{
	const kmeans *m = state;

	(void)n_threads;
	(void)err;
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < m->k; c++) {
			double s = 0;
			for (size_t j = 0; j < d; j++) {
				double t = X[i * d + j] - m->centers[c * d + j];
				s += t * t;
			}
			out[i * m->k + c] = sqrt(s);
		}
	return 0;
}

static size_t kmeans_n_outputs(const void *state)
{
	return ((const kmeans *)state)->k;
}

static int kmeans_save(const void *state, fl_modelfile *mf, fl_err *err)
{
	const kmeans *m = state;
	uint64_t cd[2] = { m->k, m->d };

	return fl_modelfile_add_array(mf, "cluster_centers", FL_DTYPE_F64, 2, cd, m->centers, err);
}

static int kmeans_load(void **state, const fl_modelfile *mf, fl_err *err)
{
	const void *C;
	uint64_t cd[2];
	kmeans *m;
	int rc;

	if ((rc = fl_modelfile_get(mf, "cluster_centers", FL_DTYPE_F64, 2, cd, &C, err)) < 0)
		return rc;
	if (cd[1] != mf->schema.n_features || cd[0] == 0)
		return fl_err_set(err, FL_EINVAL, "model file is damaged: centres do not match "
				  "%zu features", mf->schema.n_features);
	if (!(m = calloc(1, sizeof(*m))) || !(m->centers = malloc(cd[0] * cd[1] * sizeof(double)))) {
		free(m);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	m->k = cd[0];
	m->d = cd[1];
	memcpy(m->centers, C, m->k * m->d * sizeof(double));
	*state = m;
	return 0;
}

static int kmeans_describe(const void *state, json_t *info, fl_err *err)
{
	const kmeans *m = state;

	(void)err;
	json_object_set_new(info, "inertia", json_real(m->inertia));
	json_object_set_new(info, "n_iter", json_integer(m->n_iter));
	json_object_set_new(info, "best_start", json_integer(m->best_start));
	return 0;
}

static const fl_hparam_spec kmeans_params[] = {
	{ "n_clusters", "n_clusters", FL_HPARAM_INT, "8", 1, 1e6, NULL, 0, "number of clusters" },
	{ "n_init", "n_init", FL_HPARAM_INT, "10", 1, 1e6, NULL, 0,
	  "seeded k-means++ starts; the lowest inertia wins" },
	{ "max_iter", "max_iter", FL_HPARAM_INT, "300", 1, 1e9, NULL, 0,
	  "most Lloyd iterations per start" },
	{ "tol", "tol", FL_HPARAM_REAL, "1e-4", 0, 1e300, NULL, 0,
	  "stop when the squared centre shift <= tol * mean feature variance" },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0, NULL },
};

const fl_model_kind fl_kind_kmeans = {
	"kmeans", FL_TASK_CLUSTERING,
	"k-means (k-means++ starts, Lloyd iterations on BLAS)", kmeans_params,
	kmeans_fit, kmeans_predict, NULL, kmeans_transform, kmeans_n_outputs,
	kmeans_save, kmeans_load, kmeans_describe, kmeans_free,
};
