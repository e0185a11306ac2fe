/* mlp_internal.h - the MLP's private structures, shared by mlp.c,
 * mlp_layers.c, mlp_optim.c and mlp_train.c. Not installed. */
#ifndef FL_MLP_INTERNAL_H
#define FL_MLP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ml/mlp.h"

#define MLP_MAX_SIZES (FL_MLP_MAX_HIDDEN + 2)

struct fl_mlp {
	fl_mlp_params params;           /* as trained */
	fl_mlp_task task;               /* classification or regression */
	int n_sizes;                    /* layers + 1 (input, hidden..., output) */
	size_t sizes[MLP_MAX_SIZES];    /* widths; sizes[0] = features */
	size_t w_off[MLP_MAX_SIZES];    /* w_off[l]: offset of W_l (l >= 1) in w */
	size_t b_off[MLP_MAX_SIZES];    /* b_off[l]: offset of b_l */
	size_t n_weights;               /* total floats in w */
	size_t max_width;               /* widest layer */
	float *w;                       /* all weights and biases (owned) */
	fl_mlp_record rec;              /* training record */
	double *loss_curve;             /* rec.n_iter entries or NULL (owned) */
	double *val_scores;             /* rec.n_iter entries or NULL (owned) */
};

/* Scratch space for a block of rows: activations of every layer, two
 * delta buffers, gathered labels and a gradient. */
typedef struct mlp_work {
	size_t cap;                     /* rows it holds */
	float *act[MLP_MAX_SIZES];      /* act[i]: cap x sizes[i] */
	float *delta[2];                /* cap x max_width each */
	int32_t *cls;                   /* cap class indices (classification) */
	float *tgt;                     /* cap x outputs targets (regression) */
	float *grad;                    /* n_weights raw gradient sums, or NULL */
	double loss;                    /* data loss summed over the block's rows */
} mlp_work;

/* Allocate scratch for `cap` rows (with a gradient when with_grad). */
int mlp_work_init(mlp_work *w, const fl_mlp *m, size_t cap, int with_grad,
		  fl_err *err);
void mlp_work_free(mlp_work *w);

/* Copy `rows` rows of X (rows idx[r0..], or r0.. when idx is NULL) into
 * act[0] as floats, and their labels from y into cls/tgt when y != NULL.
 * mlp_gather_f32 does the same from a float copy of X (training). */
void mlp_gather(const fl_mlp *m, mlp_work *w, const double *X, const double *y,
		const uint32_t *idx, size_t r0, size_t rows);
void mlp_gather_f32(const fl_mlp *m, mlp_work *w, const float *X, const double *y,
		    const uint32_t *idx, size_t r0, size_t rows);

/* Forward pass over act[0] (rows rows): fills act[1..L], the last with
 * probabilities (classification) or predictions. */
void mlp_forward(const fl_mlp *m, mlp_work *w, size_t rows);

/* After mlp_forward with labels gathered: w->loss = summed data loss and
 * w->grad = raw gradient sums (A^T delta, column sums of delta). */
void mlp_backward(const fl_mlp *m, mlp_work *w, size_t rows);

/* Lay out the weights for the given sizes (sets offsets, n_weights,
 * max_width; allocates w zeroed). */
int mlp_layout(fl_mlp *m, const size_t *sizes, int n_sizes, fl_err *err);

/* Fill the weights from the seed (Glorot or He). */
void mlp_init_weights(fl_mlp *m, uint64_t seed);

/* FL_EINVAL naming the first non-finite cell (1-based row and column). */
int mlp_check_finite(const double *X, size_t n, size_t d, fl_err *err);

/* Optimiser state (SGD velocities or Adam moments). */
typedef struct mlp_optim {
	fl_mlp_solver solver;  /* which */
	double lr;             /* current learning rate */
	uint64_t step;         /* updates done (Adam's t) */
	float step_lr;         /* this update's rate (Adam: bias-corrected) */
	float *m1, *m2;        /* velocity / first moment, second moment */
	size_t n;              /* length of each */
} mlp_optim;

int mlp_optim_init(mlp_optim *o, const fl_mlp_params *p, size_t n, fl_err *err);
void mlp_optim_free(mlp_optim *o);
/* Apply one update with gradient g to weights [lo, hi). Call with the
 * same step for all ranges of one update (mlp_optim_begin first). */
void mlp_optim_begin(mlp_optim *o, const fl_mlp_params *p);
void mlp_optim_apply(mlp_optim *o, const fl_mlp_params *p, float *w,
		     const float *g, size_t lo, size_t hi);
/* End of epoch: invscaling update with samples seen t. */
void mlp_optim_epoch_end(mlp_optim *o, const fl_mlp_params *p, uint64_t t);
/* Stalled: 1 to stop, 0 when the adaptive schedule lowered the rate. */
int mlp_optim_trigger_stopping(mlp_optim *o, const fl_mlp_params *p);

#endif
