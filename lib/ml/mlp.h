/* mlp.h - a multilayer perceptron (dense layers, single precision on
 * cblas_sgemm) for classification and regression, trained with mini-batch
 * SGD or Adam, bitwise reproducible for a seed whatever the thread count.
 *
 * Worked example (classification of n rows of d features into k classes,
 * y holding class indices 0..k-1 as doubles):
 *
 *     fl_mlp_params p = FL_MLP_PARAMS_INIT;
 *     fl_mlp_options o = FL_MLP_OPTIONS_INIT;
 *     fl_mlp *m = NULL;
 *     p.n_hidden = 2;
 *     p.hidden_layer_sizes[0] = 128, p.hidden_layer_sizes[1] = 64;
 *     if (fl_mlp_fit(&m, &p, FL_MLP_CLASSIFY, X, n, d, y, k, &o, err) < 0)
 *             return fl_err_wrap(err, "training");
 *     fl_mlp_predict(m, Xnew, n_new, d, proba, 1, err); // n_new x k
 *     fl_mlp_free(m);
 *
 * The model kinds mlp and mlp_regressor (lib/ml/mlp_kind.c) wrap this for
 * data sets and model files.
 *
 * Parameters follow scikit-learn's MLPClassifier/MLPRegressor (names,
 * defaults, loss, initialisation, optimisers, learning-rate schedules,
 * early stopping); see docs/models.md. Differences: binary problems use a
 * two-way softmax (the same model as sklearn's single logistic output), and
 * arithmetic is single precision. */
#ifndef FL_MLP_H
#define FL_MLP_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/log.h"
#include "ml/mlp_params.h"

typedef enum fl_mlp_task {
	FL_MLP_CLASSIFY = 0, /* softmax output, cross-entropy loss */
	FL_MLP_REGRESS = 1,  /* identity output, squared error loss */
} fl_mlp_task;

typedef struct fl_mlp fl_mlp;

/* How to run (not part of the model: results do not depend on it). */
typedef struct fl_mlp_options {
	int n_threads;                /* 0: all cores */
	const fl_progress *progress;  /* per-epoch progress, may be NULL */
} fl_mlp_options;

#define FL_MLP_OPTIONS_INIT { 0, NULL }

/* Why training stopped. */
typedef enum fl_mlp_stop {
	FL_MLP_STOP_MAX_ITER = 0,   /* ran max_iter epochs */
	FL_MLP_STOP_NO_CHANGE = 1,  /* loss/validation score stalled (tol) */
	FL_MLP_STOP_LR_FLOOR = 2,   /* adaptive learning rate fell below 1e-6 */
} fl_mlp_stop;

/* What training recorded (sklearn's loss_, n_iter_, best_loss_,
 * best_validation_score_, t_). */
typedef struct fl_mlp_record {
	int n_iter;                   /* epochs run */
	double loss;                  /* training loss of the last epoch */
	double best_loss;             /* lowest epoch loss */
	double best_validation_score; /* accuracy or R^2; NaN without early stopping */
	uint64_t t;                   /* training samples seen */
	size_t n_train, n_validation; /* rows used for each */
	fl_mlp_stop stop;             /* why it stopped */
} fl_mlp_record;

/* Train a network on X (n x d, row-major, finite). Classification: y holds
 * n class indices 0..n_out-1 (n_out >= 2 classes). Regression: y is
 * n x n_out targets, row-major. The caller owns *out (fl_mlp_free).
 * Fails with FL_EINVAL on bad data or parameters, on an empty validation
 * split with early_stopping, and when the loss diverges (the message names
 * the epoch). */
int fl_mlp_fit(fl_mlp **out, const fl_mlp_params *p, fl_mlp_task task,
	       const double *X, size_t n, size_t d, const double *y, size_t n_out,
	       const fl_mlp_options *opt, fl_err *err);

/* Outputs for n rows of X (n x d): class probabilities (n x n_out) or
 * regression predictions (n x n_out), written to the caller's `out`.
 * Deterministic for any n_threads (0: all cores). */
int fl_mlp_predict(const fl_mlp *m, const double *X, size_t n, size_t d,
		   double *out, int n_threads, fl_err *err);

/* Free a model. NULL is a no-op. */
void fl_mlp_free(fl_mlp *m);

/* A model with the given layer sizes and parameters, weights zero, for
 * loading (sizes[0] = inputs, sizes[n_sizes-1] = outputs, n_sizes >= 2).
 * The caller owns *out. */
int fl_mlp_new(fl_mlp **out, const fl_mlp_params *p, fl_mlp_task task,
	       const size_t *sizes, int n_sizes, fl_err *err);

/* Accessors (borrowed pointers, valid while the model lives). The weights
 * are one array: for each layer l = 1..L, W_l (in x out, row-major) then
 * b_l (out). */
fl_mlp_task fl_mlp_get_task(const fl_mlp *m);
const fl_mlp_params *fl_mlp_get_params(const fl_mlp *m);
int fl_mlp_n_sizes(const fl_mlp *m);          /* layers + 1 */
size_t fl_mlp_size(const fl_mlp *m, int i);   /* width of layer i (0 = input) */
size_t fl_mlp_n_weights(const fl_mlp *m);
float *fl_mlp_weights(fl_mlp *m);
const float *fl_mlp_weights_const(const fl_mlp *m);
const fl_mlp_record *fl_mlp_get_record(const fl_mlp *m);
/* Per-epoch training loss and validation score (NaN without early
 * stopping), n_iter entries each, NULL for a loaded model. */
const double *fl_mlp_loss_curve(const fl_mlp *m);
const double *fl_mlp_validation_scores(const fl_mlp *m);
/* Set the training record (used when loading). */
void fl_mlp_set_record(fl_mlp *m, const fl_mlp_record *r);

/* For tests: the mean loss (with the L2 term, as minimised) of the model
 * on rows X/y, and its gradient (fl_mlp_n_weights floats) when grad is not
 * NULL. Arithmetic as in training. */
int fl_mlp_loss_grad(const fl_mlp *m, const double *X, size_t n,
		     const double *y, double *loss, float *grad, fl_err *err);

#endif
