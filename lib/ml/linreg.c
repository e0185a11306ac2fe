/* linreg.c - least-squares regression kinds: linear_regression (ordinary
 * least squares through a column-pivoted QR, refusing rank-deficient
 * designs) and ridge (L2-penalised normal equations, Cholesky). Both fit an
 * intercept by centring, as scikit-learn does. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ml/lapack.h"
#include "ml/linalg.h"
#include "ml/model.h"

typedef struct linreg {
	size_t d;          /* features */
	double *coef;      /* d coefficients */
	double intercept;  /* constant term */
	size_t rank;       /* rank of the centred design (OLS) or d (ridge) */
} linreg;

static void linreg_free(void *state)
{
	linreg *m = state;

	if (m) {
		free(m->coef);
		free(m);
	}
}

static int linreg_new(linreg **out, size_t d, fl_err *err)
{
	linreg *m = calloc(1, sizeof(*m));

	if (!m || !(m->coef = calloc(d ? d : 1, sizeof(double)))) {
		free(m);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	m->d = d;
	*out = m;
	return 0;
}

/* The message for a rank-deficient design: which features depend on the
 * others (the columns the pivoted QR put last). */
static int rank_error(const fl_dataset *ds, size_t rank, const int *jpvt, fl_err *err)
{
	char names[700] = "";
	size_t len = 0;

	for (size_t i = rank; i < ds->d && len < sizeof(names) - 64; i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s'%s'",
					i > rank ? ", " : "",
					ds->feature_names[jpvt[i] - 1]);
	if (ds->n <= ds->d)
		return fl_err_set(err, FL_EINVAL,
				  "linear_regression: more features (%zu) than rows (%zu) after "
				  "the intercept: ordinary least squares has no unique "
				  "solution; use ridge (alpha > 0) or fewer features",
				  ds->d, ds->n);
	return fl_err_set(err, FL_EINVAL,
			  "linear_regression: the design is rank-deficient (rank %zu of %zu "
			  "features): %s %s constant or a linear combination of other "
			  "features, so ordinary least squares has no unique solution; "
			  "drop %s or use ridge (alpha > 0)",
			  rank, ds->d, names, ds->d - rank > 1 ? "are" : "is",
			  ds->d - rank > 1 ? "them" : "it");
}

/* Centred design in column-major order (LAPACK's), centred target. */
static int centred_colmajor(const fl_dataset *ds, const double *mu, double ym,
			    double **A, double **y, fl_err *err)
{
	size_t n = ds->n, d = ds->d;

	*A = malloc(n * d * sizeof(double));
	*y = malloc((n > d ? n : d) * sizeof(double));
	if (!*A || !*y)
		return fl_err_set(err, FL_ENOMEM, "out of memory for a %zu x %zu design", n, d);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < d; j++)
			(*A)[j * n + i] = ds->X[i * d + j] - mu[j];
		(*y)[i] = ds->y_real[i] - ym;
	}
	return 0;
}

/* Solve min ||A w - y|| by QR with column pivoting; rank from the
 * diagonal of R against max(n, d) * eps * |R_11| (numpy's lstsq cut-off). */
static int qr_solve(const fl_dataset *ds, double *A, double *y, linreg *m, fl_err *err)
{
	int n = (int)ds->n, d = (int)ds->d, info = 0, lwork = -1, one = 1;
	int *jpvt = calloc((size_t)d, sizeof(int));
	double *tau = malloc((size_t)d * sizeof(double)), wq, *work = NULL;
	size_t rank = 0;
	int rc = 0;

	if (!jpvt || !tau) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto done;
	}
	dgeqp3_(&n, &d, A, &n, jpvt, tau, &wq, &lwork, &info);
	lwork = (int)wq + 1;
	if (!(work = malloc((size_t)lwork * sizeof(double)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto done;
	}
	dgeqp3_(&n, &d, A, &n, jpvt, tau, work, &lwork, &info);
	double cut = (double)(n > d ? n : d) * DBL_EPSILON * fabs(A[0]);
	while ((int)rank < (n < d ? n : d) && fabs(A[rank * (size_t)n + rank]) > cut)
		rank++;
	m->rank = rank;
	if (rank < (size_t)d || info != 0) {
		rc = rank_error(ds, rank, jpvt, err);
		goto done;
	}
	int k = d;
	dormqr_("L", "T", &n, &one, &k, A, &n, tau, y, &n, work, &lwork, &info);
	if (info == 0)
		dtrtrs_("U", "N", "N", &d, &one, A, &n, y, &n, &info);
	if (info != 0) {
		rc = fl_err_set(err, FL_EFAIL, "linear_regression: LAPACK failed (info %d)", info);
		goto done;
	}
	for (int i = 0; i < d; i++)
		m->coef[jpvt[i] - 1] = y[i];
done:
	free(jpvt);
	free(tau);
	free(work);
	return rc;
}

static int ols_fit(void **state, const fl_dataset *ds, const json_t *params,
		   const fl_fit_opts *opts, fl_err *err)
{
	double *mu = calloc(ds->d, sizeof(double)), *A = NULL, *y = NULL, ym = 0;
	linreg *m = NULL;
	int rc;

	(void)params;
	(void)opts;
	if (!mu)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = linreg_new(&m, ds->d, err)) < 0)
		goto done;
	fl_linalg_col_means(ds->X, ds->n, ds->d, mu);
	for (size_t i = 0; i < ds->n; i++)
		ym += ds->y_real[i];
	ym /= (double)ds->n;
	if (ds->n <= ds->d) {
		int *ident = malloc(ds->d * sizeof(int));
		for (size_t j = 0; ident && j < ds->d; j++)
			ident[j] = (int)j + 1;
		rc = ident ? rank_error(ds, ds->n, ident, err)
			   : fl_err_set(err, FL_ENOMEM, "out of memory");
		free(ident);
		goto done;
	}
	if ((rc = centred_colmajor(ds, mu, ym, &A, &y, err)) < 0 ||
	    (rc = qr_solve(ds, A, y, m, err)) < 0)
		goto done;
	m->intercept = ym;
	for (size_t j = 0; j < ds->d; j++)
		m->intercept -= mu[j] * m->coef[j];
	*state = m;
	m = NULL;
done:
	linreg_free(m);
	free(mu);
	free(A);
	free(y);
	return rc;
}

/* (Xc^T Xc + alpha I) w = Xc^T yc, Cholesky; scikit-learn's 'cholesky'
 * solver. */
static int ridge_fit(void **state, const fl_dataset *ds, const json_t *params,
		     const fl_fit_opts *opts, fl_err *err)
{
	size_t d = ds->d;
	double alpha = fl_hparam_real(params, "alpha"), ym = 0;
	double *mu = malloc(d * sizeof(double)), *G = malloc(d * d * sizeof(double));
	linreg *m = NULL;
	int rc = 0, di = (int)d, one = 1, info = 0;

	(void)opts;
	if (!mu || !G || (rc = linreg_new(&m, d, err)) < 0) {
		rc = rc ? rc : fl_err_set(err, FL_ENOMEM, "out of memory");
		goto done;
	}
	fl_linalg_col_means(ds->X, ds->n, d, mu);
	for (size_t i = 0; i < ds->n; i++)
		ym += ds->y_real[i];
	ym /= (double)ds->n;
	if ((rc = fl_linalg_centered_gram(ds->X, ds->n, d, mu, ds->y_real, ym, G, m->coef,
					  err)) < 0)
		goto done;
	for (size_t j = 0; j < d; j++)
		G[j * d + j] += alpha;
	dpotrf_("U", &di, G, &di, &info);
	if (info == 0)
		dpotrs_("U", &di, &one, G, &di, m->coef, &di, &info);
	if (info != 0) {
		rc = fl_err_set(err, FL_EINVAL,
				"ridge: the penalised design is singular (alpha %g is too small "
				"for these features); use a larger alpha", alpha);
		goto done;
	}
	m->rank = d;
	m->intercept = ym;
	for (size_t j = 0; j < d; j++)
		m->intercept -= mu[j] * m->coef[j];
	*state = m;
	m = NULL;
done:
	linreg_free(m);
	free(mu);
	free(G);
	return rc;
}

static int linreg_predict(const void *state, const double *X, size_t n, size_t d,
			  int n_threads, double *out, fl_err *err)
{
	const linreg *m = state;

	(void)n_threads;
	(void)err;
	fl_linalg_affine(X, n, d, m->coef, m->intercept, out);
	return 0;
}

static int linreg_save(const void *state, fl_modelfile *mf, fl_err *err)
{
	const linreg *m = state;
	uint64_t dims[1] = { m->d }, one[1] = { 1 };
	int rc = fl_modelfile_add_array(mf, "coef", FL_DTYPE_F64, 1, dims, m->coef, err);

	return rc < 0 ? rc : fl_modelfile_add_array(mf, "intercept", FL_DTYPE_F64, 1, one,
						    &m->intercept, err);
}

static int linreg_load(void **state, const fl_modelfile *mf, fl_err *err)
{
	const void *coef, *b;
	uint64_t dims[1], bd[1];
	linreg *m = NULL;
	int rc;

	if ((rc = fl_modelfile_get(mf, "coef", FL_DTYPE_F64, 1, dims, &coef, err)) < 0 ||
	    (rc = fl_modelfile_get(mf, "intercept", FL_DTYPE_F64, 1, bd, &b, err)) < 0)
		return rc;
	if (dims[0] != mf->schema.n_features || bd[0] != 1)
		return fl_err_set(err, FL_EINVAL, "model file is damaged: coef has %llu "
				  "entries for %zu features", (unsigned long long)dims[0],
				  mf->schema.n_features);
	if ((rc = linreg_new(&m, dims[0], err)) < 0)
		return rc;
	memcpy(m->coef, coef, dims[0] * sizeof(double));
	memcpy(&m->intercept, b, sizeof(double));
	m->rank = m->d;
	*state = m;
	return 0;
}

static int linreg_describe(const void *state, json_t *info, fl_err *err)
{
	const linreg *m = state;
	json_t *c = json_array();

	(void)err;
	for (size_t j = 0; j < m->d; j++)
		json_array_append_new(c, json_real(m->coef[j]));
	json_object_set_new(info, "coef", c);
	json_object_set_new(info, "intercept", json_real(m->intercept));
	json_object_set_new(info, "rank", json_integer((json_int_t)m->rank));
	return 0;
}

static const fl_hparam_spec ols_params[] = {
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0, NULL },
};

static const fl_hparam_spec ridge_params[] = {
	{ "alpha", "alpha", FL_HPARAM_REAL, "1.0", 0, 1e300, NULL, 0,
	  "L2 penalty on the coefficients (not the intercept)" },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0, NULL },
};

const fl_model_kind fl_kind_linear_regression = {
	"linear_regression", FL_TASK_REGRESSION,
	"ordinary least squares (QR with column pivoting)", ols_params,
	ols_fit, linreg_predict, NULL, NULL, NULL,
	linreg_save, linreg_load, linreg_describe, linreg_free,
};

const fl_model_kind fl_kind_ridge = {
	"ridge", FL_TASK_REGRESSION,
	"least squares with an L2 penalty (Cholesky)", ridge_params,
	ridge_fit, linreg_predict, NULL, NULL, NULL,
	linreg_save, linreg_load, linreg_describe, linreg_free,
};
