/* lapack.h - prototypes of the Fortran LAPACK routines the ML core calls,
 * resolved from -lopenblas (column-major, every argument by pointer). */
#ifndef FL_LAPACK_H
#define FL_LAPACK_H

void dgeqp3_(const int *m, const int *n, double *a, const int *lda, int *jpvt,
	     double *tau, double *work, const int *lwork, int *info);
void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau,
	     double *work, const int *lwork, int *info);
void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda,
	     const double *tau, double *work, const int *lwork, int *info);
void dormqr_(const char *side, const char *trans, const int *m, const int *n,
	     const int *k, const double *a, const int *lda, const double *tau,
	     double *c, const int *ldc, double *work, const int *lwork, int *info);
void dtrtrs_(const char *uplo, const char *trans, const char *diag, const int *n,
	     const int *nrhs, const double *a, const int *lda, double *b,
	     const int *ldb, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a,
	     const int *lda, double *b, const int *ldb, int *info);
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a,
	     const int *lda, double *w, double *work, const int *lwork, int *iwork,
	     const int *liwork, int *info);
void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv,
	     int *info);
void dgesdd_(const char *jobz, const int *m, const int *n, double *a,
	     const int *lda, double *s, double *u, const int *ldu, double *vt,
	     const int *ldvt, double *work, const int *lwork, int *iwork, int *info);

#endif
