/* pca.c - principal component analysis: exact through the covariance
 * matrix and LAPACK dsyevd (or the Gram matrix when features outnumber
 * rows), or randomised (Halko et al., as scikit-learn's randomized_svd:
 * Gaussian test matrix, power iterations normalised by Cholesky-QR where
 * scikit-learn uses LU, a final orthonormal basis, a small eigenproblem).
 * Each component's sign is fixed so its largest-magnitude entry is
 * positive. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "ml/lapack.h"
#include "ml/linalg.h"
#include "ml/model.h"

typedef struct pca {
	size_t d, k;        /* features, components */
	int whiten;         /* scale outputs to unit variance */
	double *mean;       /* d column means */
	double *comp;       /* k x d components (rows orthonormal) */
	double *var;        /* k explained variances (divisor n - 1) */
	double *ratio;      /* k explained variance ratios */
	double total_var;   /* total variance of the training data */
	const char *solver; /* "full" or "randomized" (static string) */
} pca;

static void pca_free(void *state)
{
	pca *m = state;

	if (m) {
		free(m->mean);
		free(m->comp);
		free(m->var);
		free(m->ratio);
		free(m);
	}
}

static int pca_new(pca **out, size_t d, size_t k, fl_err *err)
{
	pca *m = calloc(1, sizeof(*m));

	if (m) {
		m->d = d;
		m->k = k;
		m->mean = calloc(d, sizeof(double));
		m->comp = calloc(k * d, sizeof(double));
		m->var = calloc(k, sizeof(double));
		m->ratio = calloc(k, sizeof(double));
	}
	if (!m || !m->mean || !m->comp || !m->var || !m->ratio) {
		pca_free(m);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	*out = m;
	return 0;
}

static void fix_signs(pca *m)
{
	for (size_t c = 0; c < m->k; c++) {
		double *v = m->comp + c * m->d;
		size_t arg = 0;
		for (size_t j = 1; j < m->d; j++)
			if (fabs(v[j]) > fabs(v[arg]))
				arg = j;
		if (v[arg] < 0)
			for (size_t j = 0; j < m->d; j++)
				v[j] = -v[j];
	}
}

/* Eigen-decomposition of a symmetric p x p matrix A (overwritten by the
 * eigenvectors, column-major = row-major transposed), eigenvalues
 * ascending in w. */
static int sym_eig(double *A, size_t p, double *w, fl_err *err)
{
	int n = (int)p, lwork = -1, liwork = -1, info = 0, iw;
	double wq;

	dsyevd_("V", "U", &n, A, &n, w, &wq, &lwork, &iw, &liwork, &info);
	lwork = (int)wq + 1;
	liwork = iw + 1;
	double *work = malloc((size_t)lwork * sizeof(double));
	int *iwork = malloc((size_t)liwork * sizeof(int));
	if (!work || !iwork) {
		free(work);
		free(iwork);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	dsyevd_("V", "U", &n, A, &n, w, work, &lwork, iwork, &liwork, &info);
	free(work);
	free(iwork);
	if (info != 0)
		return fl_err_set(err, FL_EFAIL, "pca: LAPACK dsyevd failed (info %d)", info);
	return 0;
}

/* Exact PCA through the d x d covariance (n >= d). */
static int full_cov(pca *m, const fl_dataset *ds, fl_err *err)
{
	size_t d = ds->d;
	double *C = malloc(d * d * sizeof(double)), *w = malloc(d * sizeof(double));
	int rc = 0;

	if (!C || !w)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0)
		rc = fl_linalg_centered_gram(ds->X, ds->n, d, m->mean, NULL, 0, C, NULL, err);
	if (rc == 0)
		rc = sym_eig(C, d, w, err);
	/* column-major eigenvectors: vector t is C[t*d .. t*d+d) */
	for (size_t c = 0; rc == 0 && c < m->k; c++) {
		size_t t = d - 1 - c;
		memcpy(m->comp + c * d, C + t * d, d * sizeof(double));
		m->var[c] = fmax(w[t], 0) / (double)(ds->n - 1);
	}
	free(C);
	free(w);
	return rc;
}

/* Centred copy of X (n x d). */
static double *centred_copy(const fl_dataset *ds, const double *mu)
{
	double *Xc = malloc(ds->n * ds->d * sizeof(double));

	for (size_t i = 0; Xc && i < ds->n; i++)
		for (size_t j = 0; j < ds->d; j++)
			Xc[i * ds->d + j] = ds->X[i * ds->d + j] - mu[j];
	return Xc;
}

/* Exact PCA through the n x n Gram matrix (d > n): v = Xc^T u / sqrt(l). */
static int full_gram(pca *m, const fl_dataset *ds, fl_err *err)
{
	size_t n = ds->n, d = ds->d;
	double *Xc = centred_copy(ds, m->mean), *G = malloc(n * n * sizeof(double));
	double *w = malloc(n * sizeof(double));
	int rc = 0;

	if (!Xc || !G || !w)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0) {
		cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)n, (int)d, 1.0, Xc,
			    (int)d, 0.0, G, (int)n);
		rc = sym_eig(G, n, w, err);
	}
	for (size_t c = 0; rc == 0 && c < m->k; c++) {
		size_t t = n - 1 - c;
		double l = fmax(w[t], 0), sc = l > 0 ? 1 / sqrt(l) : 0;
		cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)d, sc, Xc, (int)d,
			    G + t * n, 1, 0.0, m->comp + c * d, 1);
		m->var[c] = l / (double)(n - 1);
	}
	free(Xc);
	free(G);
	free(w);
	return rc;
}

/* Orthonormalise the columns of Y (n x l, row-major) in place by
 * Cholesky-QR: R = chol(Y^T Y), Y <- Y R^-1. 0 on success, 1 when Y^T Y is
 * not positive definite (rank-deficient Y). */
static int chol_qr(double *Y, size_t n, size_t l, double *R)
{
	int li = (int)l, info = 0;

	cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, li, (int)n, 1.0, Y, li, 0.0, R, li);
	dpotrf_("U", &li, R, &li, &info);
	if (info != 0)
		return 1;
	/* Y^T (col-major l x n) = R^T Q^T  =>  solve R^T Q^T = Y^T */
	cblas_dtrsm(CblasColMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit, li,
		    (int)n, 1.0, R, li, Y, li);
	return 0;
}

/* Householder QR fallback: Y <- Q (n x l). */
static int householder_qr(double *Y, size_t n, size_t l, fl_err *err)
{
	int ni = (int)n, li = (int)l, info = 0, lwork = -1;
	double *A = malloc(n * l * sizeof(double)), *tau = malloc(l * sizeof(double)), wq;
	double *work = NULL;
	int rc = 0;

	if (!A || !tau) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < l; c++)
			A[c * n + i] = Y[i * l + c];
	dgeqrf_(&ni, &li, A, &ni, tau, &wq, &lwork, &info);
	lwork = (int)wq + 1;
	if (!(work = malloc((size_t)lwork * sizeof(double)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto done;
	}
	dgeqrf_(&ni, &li, A, &ni, tau, work, &lwork, &info);
	dorgqr_(&ni, &li, &li, A, &ni, tau, work, &lwork, &info);
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < l; c++)
			Y[i * l + c] = A[c * n + i];
done:
	free(A);
	free(tau);
	free(work);
	return rc;
}

/* Orthonormal basis of span(Y): Cholesky-QR (`passes` times: one is
 * enough to keep power iterations well scaled, two give an orthonormal
 * basis to working precision), Householder QR if Y is rank-deficient. */
static int orthonormalise(double *Y, size_t n, size_t l, int passes, fl_err *err)
{
	double R[64 * 64], *Rp = l <= 64 ? R : malloc(l * l * sizeof(double));
	int rc = 0;

	if (!Rp)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (int p = 0; p < passes && rc == 0; p++)
		if (chol_qr(Y, n, l, Rp)) {
			rc = householder_qr(Y, n, l, err);
			break;
		}
	if (Rp != R)
		free(Rp);
	return rc;
}

/* out (n x l) = (X - 1 mu^T) A, A d x l; `ones` holds n ones. */
static void xc_times(const fl_dataset *ds, const double *mu, const double *A, size_t l,
		     double *out, double *tmp, const double *ones)
{
	size_t n = ds->n, d = ds->d;

	cblas_dgemv(CblasRowMajor, CblasTrans, (int)d, (int)l, 1.0, A, (int)l, mu, 1, 0.0, tmp, 1);
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)l, (int)d, 1.0,
		    ds->X, (int)d, A, (int)l, 0.0, out, (int)l);
	cblas_dger(CblasRowMajor, (int)n, (int)l, -1.0, ones, 1, tmp, 1, out, (int)l);
}

/* out (d x l) = (X - 1 mu^T)^T Y, Y n x l. */
static void xct_times(const fl_dataset *ds, const double *mu, const double *Y, size_t l,
		      double *out, double *tmp, const double *ones)
{
	size_t n = ds->n, d = ds->d;

	cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)l, 1.0, Y, (int)l, ones, 1, 0.0,
		    tmp, 1);
	cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d, (int)l, (int)n, 1.0,
		    ds->X, (int)d, Y, (int)l, 0.0, out, (int)l);
	cblas_dger(CblasRowMajor, (int)d, (int)l, -1.0, mu, 1, tmp, 1, out, (int)l);
}

/* Power iterations on the number of passes scikit-learn's rule gives. */
static int power_iterations(const json_t *params, size_t k, size_t mn)
{
	if (!fl_hparam_is_null(params, "iterated_power"))
		return (int)fl_hparam_int(params, "iterated_power");
	return k < 0.1 * (double)mn ? 7 : 4;
}

/* Randomized subspace iteration for tall data (n >= d) through the d x d
 * covariance C = Xc^T Xc: V = orth(C^(q+1) Omega), then Rayleigh-Ritz on
 * V^T C V. The subspace is the one randomized SVD of Xc builds
 * (span Xc^T Q = span C^(q+1) Omega), at O(n d^2) for C instead of
 * O(n d l) per pass over the data. */
static int randomized_cov(pca *m, const fl_dataset *ds, size_t l, int iters, fl_rng *r,
			  fl_err *err)
{
	size_t d = ds->d;
	double *C = malloc(d * d * sizeof(double)), *Z = malloc(d * l * sizeof(double));
	double *Y = malloc(d * l * sizeof(double)), *T = malloc(l * l * sizeof(double));
	double *w = malloc(l * sizeof(double));
	int rc = 0;

	if (!C || !Z || !Y || !T || !w)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0)
		rc = fl_linalg_centered_gram(ds->X, ds->n, d, m->mean, NULL, 0, C, NULL, err);
	for (size_t t = 0; rc == 0 && t < d * l; t++)
		Y[t] = fl_rng_normal(r);
	for (int it = 0; it <= iters && rc == 0; it++) {
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)l, (int)d, 1.0,
			    C, (int)d, Y, (int)l, 0.0, Z, (int)l);
		memcpy(Y, Z, d * l * sizeof(double));
		rc = orthonormalise(Y, d, l, it == iters ? 2 : 1, err);
	}
	if (rc == 0) { /* T = Y^T C Y (l x l), eigenvectors U: components Y U */
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)l, (int)d, 1.0,
			    C, (int)d, Y, (int)l, 0.0, Z, (int)l);
		cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)l, (int)l, (int)d, 1.0, Y,
			    (int)l, Z, (int)l, 0.0, T, (int)l);
		rc = sym_eig(T, l, w, err);
	}
	for (size_t c = 0; rc == 0 && c < m->k; c++) {
		size_t t = l - 1 - c;
		cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)d, (int)l, 1.0, Y, (int)l, T + t * l,
			    1, 0.0, m->comp + c * d, 1);
		m->var[c] = fmax(w[t], 0) / (double)(ds->n - 1);
	}
	free(C);
	free(Z);
	free(Y);
	free(T);
	free(w);
	return rc;
}

/* Randomized SVD of Xc for wide data (d > n): Halko et al. as in
 * scikit-learn's randomized_svd, Xc applied implicitly (no centred copy). */
static int randomized(pca *m, const fl_dataset *ds, const json_t *params,
		      uint64_t seed, fl_err *err)
{
	size_t n = ds->n, d = ds->d, mn = n < d ? n : d;
	size_t l = m->k + (size_t)fl_hparam_int(params, "n_oversamples");
	int iters = power_iterations(params, m->k, mn);
	double *Y, *Z, *tmp, *B, *w, *ones;
	fl_rng r;
	int rc = 0;

	l = l < mn ? l : mn;
	fl_rng_seed(&r, seed, 0);
	if (n >= d)
		return randomized_cov(m, ds, l, iters, &r, err);
	Y = malloc(n * l * sizeof(double));
	Z = malloc(d * l * sizeof(double));
	tmp = malloc((n > d ? n : d) * sizeof(double));
	B = malloc(l * l * sizeof(double));
	w = malloc(l * sizeof(double));
	ones = malloc(n * sizeof(double));
	if (!Y || !Z || !tmp || !B || !w || !ones) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		ones[i] = 1.0;
	for (size_t t = 0; t < d * l; t++)
		Z[t] = fl_rng_normal(&r);
	xc_times(ds, m->mean, Z, l, Y, tmp, ones);
	for (int it = 0; it < iters && rc == 0; it++) {
		if ((rc = orthonormalise(Y, n, l, 1, err)) < 0)
			break;
		xct_times(ds, m->mean, Y, l, Z, tmp, ones);
		if ((rc = orthonormalise(Z, d, l, 1, err)) < 0)
			break;
		xc_times(ds, m->mean, Z, l, Y, tmp, ones);
	}
	if (rc == 0)
		rc = orthonormalise(Y, n, l, 2, err);
	if (rc < 0)
		goto done;
	/* Bt = Xc^T Q (d x l); B B^T = Bt^T Bt (l x l); v_c = Bt u_c / s_c */
	xct_times(ds, m->mean, Y, l, Z, tmp, ones);
	cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, (int)l, (int)d, 1.0, Z, (int)l,
		    0.0, B, (int)l);
	if ((rc = sym_eig(B, l, w, err)) < 0)
		goto done;
	for (size_t c = 0; c < m->k; c++) {
		size_t t = l - 1 - c;
		double lam = fmax(w[t], 0), sc = lam > 0 ? 1 / sqrt(lam) : 0;
		cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)d, (int)l, sc, Z, (int)l, B + t * l,
			    1, 0.0, m->comp + c * d, 1);
		m->var[c] = lam / (double)(n - 1);
	}
done:
	free(Y);
	free(Z);
	free(tmp);
	free(B);
	free(w);
	free(ones);
	return rc;
}

static double total_variance(const fl_dataset *ds, const double *mu)
{
	double t = 0;

	for (size_t i = 0; i < ds->n; i++)
		for (size_t j = 0; j < ds->d; j++) {
			double v = ds->X[i * ds->d + j] - mu[j];
			t += v * v;
		}
	return t / (double)(ds->n - 1);
}

static int pca_fit(void **state, const fl_dataset *ds, const json_t *params,
		   const fl_fit_opts *opts, fl_err *err)
{
	size_t mn = ds->n < ds->d ? ds->n : ds->d, k;
	const char *solver = fl_hparam_str(params, "svd_solver");
	pca *m = NULL;
	int rc;

	if (ds->n < 2)
		return fl_err_set(err, FL_EINVAL, "pca needs at least 2 rows, got %zu", ds->n);
	k = fl_hparam_is_null(params, "n_components") ? mn
						       : (size_t)fl_hparam_int(params, "n_components");
	if (k > mn)
		return fl_err_set(err, FL_EINVAL,
				  "pca: n_components=%zu is more than min(rows, features) = %zu",
				  k, mn);
	if ((rc = pca_new(&m, ds->d, k, err)) < 0)
		return rc;
	m->whiten = fl_hparam_bool(params, "whiten");
	if (strcmp(solver, "auto") == 0)
		solver = ds->n >= ds->d ? "full" : "randomized";
	m->solver = strcmp(solver, "full") == 0 ? "full" : "randomized";
	fl_linalg_col_means(ds->X, ds->n, ds->d, m->mean);
	m->total_var = total_variance(ds, m->mean);
	if (strcmp(m->solver, "full") == 0)
		rc = ds->n >= ds->d ? full_cov(m, ds, err) : full_gram(m, ds, err);
	else
		rc = randomized(m, ds, params, opts->seed, err);
	if (rc < 0) {
		pca_free(m);
		return rc;
	}
	fix_signs(m);
	for (size_t c = 0; c < k; c++)
		m->ratio[c] = m->total_var > 0 ? m->var[c] / m->total_var : 0;
	*state = m;
	return 0;
}

static int pca_transform(const void *state, const double *X, size_t n, size_t d,
			 int n_threads, double *out, fl_err *err)
{
	const pca *m = state;
	double *bias = malloc(m->k * sizeof(double));
	int rc;

	if (!bias)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	/* (x - mean) V^T = x V^T - V mean */
	cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m->k, (int)d, -1.0, m->comp, (int)d,
		    m->mean, 1, 0.0, bias, 1);
	rc = fl_linalg_affine_multi(X, n, d, m->comp, m->k, bias, n_threads, out, err);
	for (size_t i = 0; rc == 0 && m->whiten && i < n; i++)
		for (size_t c = 0; c < m->k; c++)
			out[i * m->k + c] /= m->var[c] > 0 ? sqrt(m->var[c]) : 1.0;
	free(bias);
	return rc;
}

static size_t pca_n_outputs(const void *state)
{
	return ((const pca *)state)->k;
}

static int pca_save(const void *state, fl_modelfile *mf, fl_err *err)
{
	const pca *m = state;
	uint64_t cd[2] = { m->k, m->d }, md[1] = { m->d }, kd[1] = { m->k }, one[1] = { 1 };
	int rc;

	if ((rc = fl_modelfile_add_array(mf, "mean", FL_DTYPE_F64, 1, md, m->mean, err)) < 0 ||
	    (rc = fl_modelfile_add_array(mf, "components", FL_DTYPE_F64, 2, cd, m->comp, err)) < 0 ||
	    (rc = fl_modelfile_add_array(mf, "explained_variance", FL_DTYPE_F64, 1, kd, m->var,
					 err)) < 0)
		return rc;
	return fl_modelfile_add_array(mf, "total_variance", FL_DTYPE_F64, 1, one,
				      &m->total_var, err);
}

static int pca_load(void **state, const fl_modelfile *mf, fl_err *err)
{
	const void *mean, *comp, *var, *tv;
	uint64_t md[1], cd[2], kd[1], one[1];
	pca *m = NULL;
	int rc;

	if ((rc = fl_modelfile_get(mf, "mean", FL_DTYPE_F64, 1, md, &mean, err)) < 0 ||
	    (rc = fl_modelfile_get(mf, "components", FL_DTYPE_F64, 2, cd, &comp, err)) < 0 ||
	    (rc = fl_modelfile_get(mf, "explained_variance", FL_DTYPE_F64, 1, kd, &var, err)) < 0 ||
	    (rc = fl_modelfile_get(mf, "total_variance", FL_DTYPE_F64, 1, one, &tv, err)) < 0)
		return rc;
	if (md[0] != mf->schema.n_features || cd[1] != md[0] || kd[0] != cd[0] || one[0] != 1)
		return fl_err_set(err, FL_EINVAL, "model file is damaged: PCA array shapes disagree");
	if ((rc = pca_new(&m, md[0], cd[0], err)) < 0)
		return rc;
	memcpy(m->mean, mean, m->d * sizeof(double));
	memcpy(m->comp, comp, m->k * m->d * sizeof(double));
	memcpy(m->var, var, m->k * sizeof(double));
	memcpy(&m->total_var, tv, sizeof(double));
	for (size_t c = 0; c < m->k; c++)
		m->ratio[c] = m->total_var > 0 ? m->var[c] / m->total_var : 0;
	m->whiten = json_is_true(json_object_get(mf->params, "whiten"));
	m->solver = "full";
	*state = m;
	return 0;
}

static int pca_describe(const void *state, json_t *info, fl_err *err)
{
	const pca *m = state;
	json_t *v = json_array(), *r = json_array();
	double sum = 0;

	(void)err;
	for (size_t c = 0; c < m->k; c++) {
		json_array_append_new(v, json_real(m->var[c]));
		json_array_append_new(r, json_real(m->ratio[c]));
		sum += m->ratio[c];
	}
	json_object_set_new(info, "solver", json_string(m->solver));
	json_object_set_new(info, "n_components", json_integer((json_int_t)m->k));
	json_object_set_new(info, "explained_variance", v);
	json_object_set_new(info, "explained_variance_ratio", r);
	json_object_set_new(info, "explained_variance_ratio_sum", json_real(sum));
	return 0;
}

static const fl_hparam_spec pca_params[] = {
	{ "n_components", "n_components", FL_HPARAM_INT, "none", 1, 1e9, NULL, 1,
	  "components to keep (none: min(rows, features))" },
	{ "svd_solver", "svd_solver", FL_HPARAM_CHOICE, "auto", 0, 0, "auto|full|randomized", 0,
	  "auto: full when rows >= features, else randomized" },
	{ "whiten", "whiten", FL_HPARAM_BOOL, "false", 0, 0, NULL, 0,
	  "scale each output to unit variance" },
	{ "n_oversamples", "n_oversamples", FL_HPARAM_INT, "10", 0, 1e6, NULL, 0,
	  "randomized: extra random directions" },
	{ "iterated_power", "iterated_power", FL_HPARAM_INT, "none", 0, 1000, NULL, 1,
	  "randomized: power iterations (none: 7 if n_components < 0.1 min(n, d), else 4)" },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0, NULL },
};

const fl_model_kind fl_kind_pca = {
	"pca", FL_TASK_REDUCTION,
	"principal component analysis (covariance + dsyevd, or randomized)", pca_params,
	pca_fit, NULL, NULL, pca_transform, pca_n_outputs,
	pca_save, pca_load, pca_describe, pca_free,
};
