/* metrics.h - model quality measures with scikit-learn's definitions:
 * classification (accuracy, balanced accuracy, precision/recall/F1 per
 * class and macro, confusion matrix, log loss, ROC AUC), regression (R^2,
 * RMSE, MAE, explained variance) and clustering (silhouette, adjusted
 * Rand index). Labels are class indices 0..k-1 (int32). Arrays are
 * borrowed; outputs are caller-allocated. */
#ifndef FL_METRICS_H
#define FL_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Share of rows with y[i] == pred[i] (0 for n == 0). */
double fl_metric_accuracy(const int32_t *y, const int32_t *pred, size_t n);

/* cm[t*k + p] = number of rows of true class t predicted as p. Labels
 * outside [0, k) are FL_EINVAL. */
int fl_metric_confusion(const int32_t *y, const int32_t *pred, size_t n,
			size_t k, uint64_t *cm, fl_err *err);

/* Mean recall over the classes present in y (sklearn's
 * balanced_accuracy_score), from a confusion matrix. */
double fl_metric_balanced_accuracy(const uint64_t *cm, size_t k);

/* Per class c: precision[c], recall[c], f1[c] (0 where undefined, like
 * sklearn's zero_division=0), each array k long (any may be NULL).
 * Returns the macro averages through *p, *r, *f (may be NULL) taken over
 * the classes present in y or in the predictions (sklearn's labels). */
void fl_metric_prf(const uint64_t *cm, size_t k, double *precision,
		   double *recall, double *f1, double *p, double *r, double *f);

/* Mean negative log-likelihood of the true class; probabilities (n x k,
 * row-major) are clipped to [eps, 1 - eps] with eps = DBL_EPSILON and rows
 * renormalised, as sklearn 1.2 does. */
double fl_metric_log_loss(const int32_t *y, const double *proba, size_t n,
			  size_t k);

/* Area under the ROC curve for a binary target (y in {0,1}, score: higher
 * means class 1), ties counted half (Mann-Whitney). FL_EINVAL when y holds
 * one class only. */
int fl_metric_roc_auc(const int32_t *y, const double *score, size_t n,
		      double *out, fl_err *err);

/* Regression. R^2 and explained variance of a constant y are 1 when the
 * prediction is perfect and 0 otherwise (sklearn's convention). */
double fl_metric_r2(const double *y, const double *pred, size_t n);
double fl_metric_rmse(const double *y, const double *pred, size_t n);
double fl_metric_mae(const double *y, const double *pred, size_t n);
double fl_metric_explained_variance(const double *y, const double *pred,
				    size_t n);

/* Mean silhouette coefficient of rows X (n x d, row-major) with cluster
 * labels in [0, k), Euclidean distance, sklearn's definition (rows in
 * clusters of size 1 score 0). Needs 2 <= number of labels used <= n - 1,
 * else FL_EINVAL. O(n^2 d): split over `n_threads` in row blocks,
 * summed in row order. */
int fl_metric_silhouette(const double *X, size_t n, size_t d,
			 const int32_t *labels, size_t k, int n_threads,
			 double *out, fl_err *err);

/* Adjusted Rand index between two labellings (any non-negative ints). */
int fl_metric_adjusted_rand(const int32_t *a, const int32_t *b, size_t n,
			    double *out, fl_err *err);

#endif
