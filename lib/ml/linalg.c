/* linalg.c - blocked dense helpers on BLAS for the model kinds. */
#include "ml/linalg.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"

void fl_linalg_col_means(const double *X, size_t n, size_t d, double *mu)
{
	memset(mu, 0, d * sizeof(double));
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			mu[j] += X[i * d + j];
	for (size_t j = 0; j < d; j++)
		mu[j] /= (double)(n ? n : 1);
}

int fl_linalg_centered_gram(const double *X, size_t n, size_t d, const double *mu,
			    const double *y, double ymean, double *G, double *b,
			    fl_err *err)
{
	size_t bs = FL_LINALG_BLOCK;
	double *buf = malloc(bs * d * sizeof(double));

	if (!buf)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	memset(G, 0, d * d * sizeof(double));
	if (b)
		memset(b, 0, d * sizeof(double));
	for (size_t i0 = 0; i0 < n; i0 += bs) {
		size_t m = n - i0 < bs ? n - i0 : bs;
		for (size_t i = 0; i < m; i++)
			for (size_t j = 0; j < d; j++)
				buf[i * d + j] = X[(i0 + i) * d + j] - mu[j];
		cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)d, (int)m, 1.0, buf,
			    (int)d, 1.0, G, (int)d);
		for (size_t i = 0; b && i < m; i++) {
			double r = y[i0 + i] - ymean;
			for (size_t j = 0; j < d; j++)
				b[j] += buf[i * d + j] * r;
		}
	}
	for (size_t j = 0; j < d; j++) /* mirror the upper triangle */
		for (size_t k = 0; k < j; k++)
			G[j * d + k] = G[k * d + j];
	free(buf);
	return 0;
}

void fl_linalg_affine(const double *X, size_t n, size_t d, const double *w,
		      double b, double *out)
{
	for (size_t i0 = 0; i0 < n; i0 += FL_LINALG_BLOCK) {
		size_t m = n - i0 < FL_LINALG_BLOCK ? n - i0 : FL_LINALG_BLOCK;
		for (size_t i = 0; i < m; i++)
			out[i0 + i] = b;
		cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)d, 1.0, X + i0 * d,
			    (int)d, w, 1, 1.0, out + i0, 1);
	}
}

typedef struct affine_job {
	const double *X, *W, *bias; /* inputs */
	size_t n, d, k;             /* shapes */
	double *out;                /* n x k */
} affine_job;

static int affine_item(void *ud, size_t item, int worker, fl_err *err)
{
	const affine_job *j = ud;
	size_t i0 = item * FL_LINALG_BLOCK;
	size_t m = j->n - i0 < FL_LINALG_BLOCK ? j->n - i0 : FL_LINALG_BLOCK;
	double *o = j->out + i0 * j->k;

	(void)worker;
	(void)err;
	for (size_t i = 0; i < m; i++)
		for (size_t c = 0; c < j->k; c++)
			o[i * j->k + c] = j->bias ? j->bias[c] : 0.0;
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)j->k, (int)j->d,
		    1.0, j->X + i0 * j->d, (int)j->d, j->W, (int)j->d, 1.0, o, (int)j->k);
	return 0;
}

int fl_linalg_affine_multi(const double *X, size_t n, size_t d, const double *W,
			   size_t k, const double *bias, int n_threads, double *out,
			   fl_err *err)
{
	affine_job j = { X, W, bias, n, d, k, out };

	return fl_parallel_for((n + FL_LINALG_BLOCK - 1) / FL_LINALG_BLOCK, n_threads,
			       affine_item, &j, err);
}
