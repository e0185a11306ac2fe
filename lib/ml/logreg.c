/* logreg.c - logistic_regression: binary (one coefficient vector, sigmoid)
 * and multinomial (one vector per class, softmax) with an L2 penalty,
 * minimising scikit-learn 1.2's objective
 *     sum_i -log p(y_i | x_i) + 1/(2C) ||W||^2   (intercept not penalised)
 * by L-BFGS in standardised coordinates (the same objective, better
 * conditioned, so fewer iterations). Row blocks are fixed and their
 * partial gradients summed in block order: the same bits on any number of
 * threads. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "core/log.h"
#include "core/parallel.h"
#include "ml/linalg.h"
#include "ml/model.h"

#define LBFGS_M 10      /* correction pairs kept */
#define LR_SUB 256      /* rows per GEMM, small enough to stay in cache */
#define FTOL 2.2e-9     /* relative objective decrease that ends the search
			 * (scipy's L-BFGS-B default factr * eps) */

typedef struct logreg {
	size_t d;          /* features */
	size_t k;          /* classes */
	size_t K;          /* coefficient rows: 1 when k == 2, else k */
	double *W;         /* K x d coefficients (original feature units) */
	double *b;         /* K intercepts */
	int n_iter;        /* L-BFGS iterations used */
	int converged;     /* 1 if a stopping test passed before max_iter */
	double objective;  /* final objective value */
	double grad_max;   /* final max |gradient| */
} logreg;

/* Everything one objective evaluation needs. */
typedef struct lr_problem {
	const fl_dataset *ds;  /* training data */
	size_t K, d, nb;       /* coefficient rows, features, row blocks */
	double inv_c;          /* 1 / C */
	const double *mu, *s;  /* standardisation: column means and scales */
	double *W, *b;         /* current effective coefficients (K x d, K) */
	double *part;          /* nb slots of K*(d+1)+1: block gradient, loss */
	double *zbuf;          /* per worker LR_SUB x K scratch */
} lr_problem;

static void logreg_free(void *state)
{
	logreg *m = state;

	if (m) {
		free(m->W);
		free(m->b);
		free(m);
	}
}

static int logreg_new(logreg **out, size_t d, size_t k, fl_err *err)
{
	logreg *m = calloc(1, sizeof(*m));

	if (m) {
		m->d = d;
		m->k = k;
		m->K = k == 2 ? 1 : k;
		m->W = calloc(m->K * d, sizeof(double));
		m->b = calloc(m->K, sizeof(double));
	}
	if (!m || !m->W || !m->b) {
		logreg_free(m);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	*out = m;
	return 0;
}

/* Loss of row scores z (K values) for class y; z is replaced by the
 * residual p - onehot(y) (the loss gradient w.r.t. z). */
static double row_loss(double *z, size_t K, int32_t y)
{
	if (K == 1) {
		double t = z[0], loss = fmax(t, 0) + log1p(exp(-fabs(t))) - (y == 1 ? t : 0);
		double p = t >= 0 ? 1 / (1 + exp(-t)) : exp(t) / (1 + exp(t));
		z[0] = p - (y == 1);
		return loss;
	}
	double mx = z[0], sum = 0, zy = z[y];
	for (size_t c = 1; c < K; c++)
		mx = fmax(mx, z[c]);
	for (size_t c = 0; c < K; c++) {
		z[c] = exp(z[c] - mx);
		sum += z[c];
	}
	for (size_t c = 0; c < K; c++)
		z[c] = z[c] / sum - ((int32_t)c == y);
	return mx + log(sum) - zy;
}

/* Rows [r0, r0 + m): scores, loss, residuals, and the gradient
 * contributions added to g, while the rows are still in cache. */
static double lr_rows(const lr_problem *p, size_t r0, size_t m, double *z, double *g)
{
	size_t K = p->K, d = p->d;
	const double *X = p->ds->X + r0 * d;
	double loss = 0;

	for (size_t i = 0; i < m; i++)
		memcpy(z + i * K, p->b, K * sizeof(double));
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)K, (int)d, 1.0, X,
		    (int)d, p->W, (int)d, 1.0, z, (int)K);
	for (size_t i = 0; i < m; i++)
		loss += row_loss(z + i * K, K, p->ds->y_class[r0 + i]);
	/* g[0 .. K*d) += R^T X, g[K*d .. K*d+K) += column sums of R */
	cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)d, (int)m, 1.0, z,
		    (int)K, X, (int)d, 1.0, g, (int)d);
	for (size_t i = 0; i < m; i++)
		for (size_t c = 0; c < K; c++)
			g[K * d + c] += z[i * K + c];
	return loss;
}

static int lr_block(void *ud, size_t blk, int worker, fl_err *err)
{
	lr_problem *p = ud;
	size_t i0 = blk * FL_LINALG_BLOCK, n = p->ds->n, K = p->K, d = p->d;
	size_t m = n - i0 < FL_LINALG_BLOCK ? n - i0 : FL_LINALG_BLOCK;
	double *z = p->zbuf + (size_t)worker * LR_SUB * K;
	double *g = p->part + blk * (K * (d + 1) + 1), loss = 0;

	(void)err;
	memset(g, 0, (K * (d + 1) + 1) * sizeof(double));
	for (size_t s0 = 0; s0 < m; s0 += LR_SUB)
		loss += lr_rows(p, i0 + s0, m - s0 < LR_SUB ? m - s0 : LR_SUB, z, g);
	g[K * (d + 1)] = loss;
	return 0;
}

/* Objective and gradient at theta = [w' (K x d), b' (K)] in standardised
 * coordinates. *gmax gets the largest |gradient| in original units (the
 * quantity scikit-learn's tol bounds). */
static int lr_eval(lr_problem *p, const double *theta, int n_threads, double *f,
		   double *grad, double *gmax, fl_err *err)
{
	size_t K = p->K, d = p->d, stride = K * (d + 1) + 1;
	double loss = 0, pen = 0;
	double *GW = grad; /* reuse grad as accumulator, converted below */
	int rc;

	for (size_t c = 0; c < K; c++) {
		double shift = 0;
		for (size_t j = 0; j < d; j++) {
			p->W[c * d + j] = theta[c * d + j] / p->s[j];
			shift += p->mu[j] * p->W[c * d + j];
		}
		p->b[c] = theta[K * d + c] - shift;
	}
	if ((rc = fl_parallel_for(p->nb, n_threads, lr_block, p, err)) < 0)
		return rc;
	memset(GW, 0, K * (d + 1) * sizeof(double));
	for (size_t blk = 0; blk < p->nb; blk++) { /* fixed order */
		const double *g = p->part + blk * stride;
		for (size_t t = 0; t < K * (d + 1); t++)
			GW[t] += g[t];
		loss += g[K * (d + 1)];
	}
	*gmax = 0;
	for (size_t c = 0; c < K; c++) {
		double gb = GW[K * d + c];
		for (size_t j = 0; j < d; j++) {
			double w = p->W[c * d + j], gw = GW[c * d + j] + p->inv_c * w;
			pen += w * w;
			*gmax = fmax(*gmax, fabs(gw));
			GW[c * d + j] = (gw - gb * p->mu[j]) / p->s[j];
		}
		*gmax = fmax(*gmax, fabs(gb));
	}
	*f = loss + 0.5 * p->inv_c * pen;
	return 0;
}

static double dot(const double *a, const double *b, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* The L-BFGS direction -H g by the two-loop recursion over `m` pairs
 * (oldest first in ring order from `head`). */
static void lbfgs_direction(const double *g, double *dir, size_t n, const double *S,
			    const double *Y, const double *rho, int m, int head,
			    double *alpha)
{
	for (size_t t = 0; t < n; t++)
		dir[t] = -g[t];
	for (int q = m - 1; q >= 0; q--) {
		int i = (head + q) % LBFGS_M;
		alpha[i] = rho[i] * dot(S + (size_t)i * n, dir, n);
		cblas_daxpy((int)n, -alpha[i], Y + (size_t)i * n, 1, dir, 1);
	}
	if (m > 0) {
		int last = (head + m - 1) % LBFGS_M;
		double gamma = 1.0 / (rho[last] * dot(Y + (size_t)last * n, Y + (size_t)last * n, n));
		cblas_dscal((int)n, gamma, dir, 1);
	} else {
		double gn = sqrt(dot(g, g, n));
		cblas_dscal((int)n, gn > 0 ? 1.0 / gn : 1.0, dir, 1);
	}
	for (int q = 0; q < m; q++) {
		int i = (head + q) % LBFGS_M;
		double beta = rho[i] * dot(Y + (size_t)i * n, dir, n);
		cblas_daxpy((int)n, alpha[i] - beta, S + (size_t)i * n, 1, dir, 1);
	}
}

/* L-BFGS state: iterate, gradient, trial point and the correction pairs. */
typedef struct lbfgs {
	size_t n;                 /* variables */
	double *x, *g, *xn, *gn;  /* current and trial point and gradients */
	double *dir;              /* search direction */
	double *S, *Y;            /* LBFGS_M pairs of n each */
	double rho[LBFGS_M], alpha[LBFGS_M];
	int m, head;              /* pairs held, oldest pair's slot */
} lbfgs;

static void lbfgs_push(lbfgs *L)
{
	int slot = L->m < LBFGS_M ? (L->head + L->m) % LBFGS_M : L->head;
	double *s = L->S + (size_t)slot * L->n, *y = L->Y + (size_t)slot * L->n, sy;

	for (size_t t = 0; t < L->n; t++) {
		s[t] = L->xn[t] - L->x[t];
		y[t] = L->gn[t] - L->g[t];
	}
	sy = dot(s, y, L->n);
	if (sy <= 1e-12 * dot(y, y, L->n)) /* no curvature: keep the old pairs */
		return;
	L->rho[slot] = 1.0 / sy;
	if (L->m < LBFGS_M)
		L->m++;
	else
		L->head = (L->head + 1) % LBFGS_M;
}

/* Backtracking line search with the Armijo condition and quadratic
 * interpolation. 1 when a step was accepted (xn, gn, *fn set). */
static int line_search(lr_problem *p, lbfgs *L, double f, double *fn, double *gmax,
		       int n_threads, fl_err *err)
{
	double gd = dot(L->g, L->dir, L->n), step = 1.0;

	if (gd >= 0) { /* not a descent direction: restart from steepest descent */
		L->m = 0;
		lbfgs_direction(L->g, L->dir, L->n, L->S, L->Y, L->rho, 0, 0, L->alpha);
		gd = dot(L->g, L->dir, L->n);
	}
	for (int t = 0; t < 40; t++) {
		for (size_t i = 0; i < L->n; i++)
			L->xn[i] = L->x[i] + step * L->dir[i];
		if (lr_eval(p, L->xn, n_threads, fn, L->gn, gmax, err) < 0)
			return -1;
		if (isfinite(*fn) && *fn <= f + 1e-4 * step * gd)
			return 1;
		double q = isfinite(*fn) ? -gd * step * step / (2 * (*fn - f - step * gd)) : 0;
		step = fmin(fmax(q, 0.1 * step), 0.5 * step);
	}
	return 0;
}

/* Minimise from theta = 0; leaves the effective coefficients in p->W/b. */
static int lr_minimise(lr_problem *p, lbfgs *L, const json_t *params, int n_threads,
		       logreg *m, fl_err *err)
{
	int max_iter = (int)fl_hparam_int(params, "max_iter"), rc;
	double tol = fl_hparam_real(params, "tol"), f, fn, gmax;

	if ((rc = lr_eval(p, L->x, n_threads, &f, L->g, &gmax, err)) < 0)
		return rc;
	for (m->n_iter = 0; m->n_iter < max_iter; m->n_iter++) {
		if (gmax <= tol) {
			m->converged = 1;
			break;
		}
		lbfgs_direction(L->g, L->dir, L->n, L->S, L->Y, L->rho, L->m, L->head, L->alpha);
		int ok = line_search(p, L, f, &fn, &gmax, n_threads, err);
		if (ok < 0)
			return err->code;
		if (!ok) { /* no decrease possible at machine precision */
			m->converged = 1;
			break;
		}
		lbfgs_push(L);
		double rel = (f - fn) / fmax(fmax(fabs(f), fabs(fn)), 1.0);
		memcpy(L->x, L->xn, L->n * sizeof(double));
		memcpy(L->g, L->gn, L->n * sizeof(double));
		f = fn;
		if (rel <= FTOL) {
			m->n_iter++;
			m->converged = 1;
			break;
		}
	}
	/* p->W / p->b hold the last evaluated point; re-evaluate at x */
	if ((rc = lr_eval(p, L->x, n_threads, &f, L->g, &gmax, err)) < 0)
		return rc;
	m->objective = f;
	m->grad_max = gmax;
	if (!m->converged)
		fl_log(FL_LOG_WARN, "logistic_regression did not converge in %d iterations "
		       "(max |gradient| %.3g > tol %g); raise max_iter", max_iter, gmax, tol);
	return 0;
}

/* Column means and scales (standard deviations; 1 for constant columns). */
static void standardise(const fl_dataset *ds, double *mu, double *s)
{
	size_t n = ds->n, d = ds->d;

	fl_linalg_col_means(ds->X, n, d, mu);
	memset(s, 0, d * sizeof(double));
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++) {
			double v = ds->X[i * d + j] - mu[j];
			s[j] += v * v;
		}
	for (size_t j = 0; j < d; j++) {
		s[j] = sqrt(s[j] / (double)n);
		if (!(s[j] > 1e-12 * (fabs(mu[j]) + 1e-300)))
			s[j] = 1.0;
	}
}

static int logreg_fit(void **state, const fl_dataset *ds, const json_t *params,
		      const fl_fit_opts *opts, fl_err *err)
{
	size_t d = ds->d, K, nv;
	int nt = fl_threads_resolve(opts->n_threads), rc;
	lr_problem p = { 0 };
	lbfgs L = { 0 };
	logreg *m = NULL;
	double *mem = NULL;

	if ((rc = logreg_new(&m, d, ds->n_classes, err)) < 0)
		return rc;
	K = m->K;
	nv = K * (d + 1);
	p = (lr_problem){ ds, K, d, (ds->n + FL_LINALG_BLOCK - 1) / FL_LINALG_BLOCK,
			  1.0 / fl_hparam_real(params, "C"), NULL, NULL, m->W, m->b, NULL, NULL };
	size_t total = 2 * d + p.nb * (nv + 1) + (size_t)nt * LR_SUB * K +
		       5 * nv + 2 * LBFGS_M * nv;
	if (!(mem = calloc(total, sizeof(double)))) {
		logreg_free(m);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	double *q = mem;
	p.mu = q, q += d;
	p.s = q, q += d;
	p.part = q, q += p.nb * (nv + 1);
	p.zbuf = q, q += (size_t)nt * LR_SUB * K;
	L.n = nv;
	L.x = q, q += nv;
	L.g = q, q += nv;
	L.xn = q, q += nv;
	L.gn = q, q += nv;
	L.dir = q, q += nv;
	L.S = q, q += LBFGS_M * nv;
	L.Y = q;
	standardise(ds, (double *)p.mu, (double *)p.s);
	rc = lr_minimise(&p, &L, params, nt, m, err);
	free(mem);
	if (rc < 0) {
		logreg_free(m);
		return rc;
	}
	*state = m;
	return 0;
}

/* Class probabilities from the scores, in place (n x k; for k == 2 the
 * scores are in column 0 of a 1-wide array and are expanded). */
static int logreg_predict_proba(const void *state, const double *X, size_t n,
				size_t d, int n_threads, double *out, fl_err *err)
{
	const logreg *m = state;
	int rc;

	if ((rc = fl_linalg_affine_multi(X, n, d, m->W, m->K, m->b, n_threads, out, err)) < 0)
		return rc;
	if (m->K == 1) {
		for (size_t i = n; i-- > 0;) {
			double t = out[i];
			double p1 = t >= 0 ? 1 / (1 + exp(-t)) : exp(t) / (1 + exp(t));
			out[2 * i] = 1 - p1;
			out[2 * i + 1] = p1;
		}
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		double *z = out + i * m->k, mx = z[0], s = 0;
		for (size_t c = 1; c < m->k; c++)
			mx = fmax(mx, z[c]);
		for (size_t c = 0; c < m->k; c++)
			s += (z[c] = exp(z[c] - mx));
		for (size_t c = 0; c < m->k; c++)
			z[c] /= s;
	}
	return 0;
}

static int logreg_predict(const void *state, const double *X, size_t n, size_t d,
			  int n_threads, double *out, fl_err *err)
{
	const logreg *m = state;
	double *z = malloc((n ? n : 1) * m->K * sizeof(double));
	int rc;

	if (!z)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	rc = fl_linalg_affine_multi(X, n, d, m->W, m->K, m->b, n_threads, z, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		size_t best = 0;
		if (m->K == 1) {
			out[i] = z[i] > 0 ? 1 : 0;
			continue;
		}
		for (size_t c = 1; c < m->K; c++)
			if (z[i * m->K + c] > z[i * m->K + best])
				best = c;
		out[i] = (double)best;
	}
	free(z);
	return rc;
}

static int logreg_save(const void *state, fl_modelfile *mf, fl_err *err)
{
	const logreg *m = state;
	uint64_t wd[2] = { m->K, m->d }, bd[1] = { m->K };
	int rc = fl_modelfile_add_array(mf, "coef", FL_DTYPE_F64, 2, wd, m->W, err);

	return rc < 0 ? rc : fl_modelfile_add_array(mf, "intercept", FL_DTYPE_F64, 1, bd,
						    m->b, err);
}

static int logreg_load(void **state, const fl_modelfile *mf, fl_err *err)
{
	const void *W, *b;
	uint64_t wd[2], bd[1];
	logreg *m = NULL;
	int rc;

	if ((rc = fl_modelfile_get(mf, "coef", FL_DTYPE_F64, 2, wd, &W, err)) < 0 ||
	    (rc = fl_modelfile_get(mf, "intercept", FL_DTYPE_F64, 1, bd, &b, err)) < 0)
		return rc;
	if (mf->schema.n_classes < 2 || wd[1] != mf->schema.n_features ||
	    wd[0] != (mf->schema.n_classes == 2 ? 1 : mf->schema.n_classes) || bd[0] != wd[0])
		return fl_err_set(err, FL_EINVAL, "model file is damaged: coefficient shape "
				  "does not match %zu features and %zu classes",
				  mf->schema.n_features, mf->schema.n_classes);
	if ((rc = logreg_new(&m, wd[1], mf->schema.n_classes, err)) < 0)
		return rc;
	memcpy(m->W, W, wd[0] * wd[1] * sizeof(double));
	memcpy(m->b, b, bd[0] * sizeof(double));
	m->converged = 1;
	*state = m;
	return 0;
}

static int logreg_describe(const void *state, json_t *info, fl_err *err)
{
	const logreg *m = state;

	(void)err;
	json_object_set_new(info, "n_iter", json_integer(m->n_iter));
	json_object_set_new(info, "converged", json_boolean(m->converged));
	json_object_set_new(info, "objective", json_real(m->objective));
	json_object_set_new(info, "max_abs_gradient", json_real(m->grad_max));
	json_object_set_new(info, "multinomial", json_boolean(m->K > 1));
	return 0;
}

static const fl_hparam_spec logreg_params[] = {
	{ "C", "C", FL_HPARAM_REAL, "1.0", 1e-300, 1e300, NULL, 0,
	  "inverse L2 strength: the penalty is ||W||^2 / (2C)" },
	{ "max_iter", "max_iter", FL_HPARAM_INT, "100", 1, 1e9, NULL, 0,
	  "most L-BFGS iterations" },
	{ "tol", "tol", FL_HPARAM_REAL, "1e-4", 0, 1e300, NULL, 0,
	  "stop when max |gradient| of the objective <= tol" },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0, NULL },
};

const fl_model_kind fl_kind_logistic_regression = {
	"logistic_regression", FL_TASK_CLASSIFICATION,
	"L2-penalised logistic regression, binary or multinomial (L-BFGS)",
	logreg_params, logreg_fit, logreg_predict, logreg_predict_proba, NULL, NULL,
	logreg_save, logreg_load, logreg_describe, logreg_free,
};
