/* linalg.h - dense helpers shared by the model kinds, on BLAS, with fixed
 * row blocking so that results do not depend on the thread count. All
 * matrices are row-major unless a name says otherwise; all arrays are
 * caller-owned. */
#ifndef FL_LINALG_H
#define FL_LINALG_H

#include <stddef.h>

#include "core/err.h"

/* Rows per block for blocked passes; fixed so bits never depend on threads. */
#define FL_LINALG_BLOCK 4096

/* mu[j] = mean of column j of X (n x d), summed in row order. */
void fl_linalg_col_means(const double *X, size_t n, size_t d, double *mu);

/* G (d x d, full symmetric) = (X - 1 mu^T)^T (X - 1 mu^T), accumulated
 * over blocks of centred rows (no n x d copy). If y is not NULL, also
 * b = (X - 1 mu^T)^T (y - ymean). */
int fl_linalg_centered_gram(const double *X, size_t n, size_t d, const double *mu,
			    const double *y, double ymean, double *G, double *b,
			    fl_err *err);

/* out[i] = X[i,:] . w + b for n rows, blocked. */
void fl_linalg_affine(const double *X, size_t n, size_t d, const double *w,
		      double b, double *out);

/* out (n x k) = X (n x d) W^T (W is k x d) + bias (k, may be NULL), over
 * fixed blocks on n_threads threads. */
int fl_linalg_affine_multi(const double *X, size_t n, size_t d, const double *W,
			   size_t k, const double *bias, int n_threads, double *out,
			   fl_err *err);

#endif
