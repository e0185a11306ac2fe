/* mlp_params.h - the hyper-parameters of a multilayer perceptron, with
 * scikit-learn's names and defaults, and their table for model kinds. */
#ifndef FL_MLP_PARAMS_H
#define FL_MLP_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/err.h"
#include "ml/hparams.h"

#define FL_MLP_MAX_HIDDEN 16

typedef enum fl_mlp_activation {
	FL_MLP_RELU = 0,
	FL_MLP_TANH = 1,
	FL_MLP_LOGISTIC = 2,
	FL_MLP_IDENTITY = 3,
} fl_mlp_activation;

typedef enum fl_mlp_solver {
	FL_MLP_ADAM = 0,
	FL_MLP_SGD = 1,
} fl_mlp_solver;

typedef enum fl_mlp_schedule {
	FL_MLP_LR_CONSTANT = 0,
	FL_MLP_LR_INVSCALING = 1, /* lr = learning_rate_init / (t+1)^power_t */
	FL_MLP_LR_ADAPTIVE = 2,   /* divide by 5 when progress stalls */
} fl_mlp_schedule;

typedef enum fl_mlp_init {
	FL_MLP_INIT_GLOROT = 0, /* sklearn's: U(+-sqrt(6/(in+out))), x1/sqrt3 for logistic; biases too */
	FL_MLP_INIT_HE = 1,     /* U(+-sqrt(6/in)) weights, zero biases */
} fl_mlp_init;

/* One field per sklearn parameter (same name); comments give the default. */
typedef struct fl_mlp_params {
	int n_hidden;                            /* layers in hidden_layer_sizes: 1 */
	size_t hidden_layer_sizes[FL_MLP_MAX_HIDDEN]; /* (100,) */
	fl_mlp_activation activation;            /* relu */
	fl_mlp_solver solver;                    /* adam */
	double alpha;                            /* L2 penalty: 1e-4 */
	size_t batch_size;                       /* 0 = "auto" = min(200, n) */
	fl_mlp_schedule learning_rate;           /* constant (sgd only) */
	double learning_rate_init;               /* 1e-3 */
	double power_t;                          /* 0.5 (invscaling) */
	int max_iter;                            /* epochs: 200 */
	int shuffle;                             /* 1: reshuffle every epoch */
	double tol;                              /* 1e-4 */
	double momentum;                         /* 0.9 (sgd) */
	int nesterovs_momentum;                  /* 1 (sgd) */
	int early_stopping;                      /* 0 */
	double validation_fraction;              /* 0.1 */
	double beta_1, beta_2, epsilon;          /* adam: 0.9, 0.999, 1e-8 */
	int n_iter_no_change;                    /* 10 */
	uint64_t seed;                           /* sklearn's random_state: 0 */
	fl_mlp_init init;                        /* glorot */
} fl_mlp_params;

#define FL_MLP_PARAMS_INIT                                                    \
	{ 1, { 100 }, FL_MLP_RELU, FL_MLP_ADAM, 1e-4, 0, FL_MLP_LR_CONSTANT,   \
	  1e-3, 0.5, 200, 1, 1e-4, 0.9, 1, 0, 0.1, 0.9, 0.999, 1e-8, 10, 0,     \
	  FL_MLP_INIT_GLOROT }

/* The parameter table for the model kinds mlp and mlp_regressor (sklearn
 * names, defaults and ranges), NULL-name terminated. */
extern const fl_hparam_spec fl_mlp_param_specs[];

/* Fill `p` from a parameter object resolved against fl_mlp_param_specs
 * (fl_hparams_resolve), with the seed given separately. */
int fl_mlp_params_from_json(fl_mlp_params *p, const json_t *resolved,
			    uint64_t seed, fl_err *err);

/* Check ranges (sizes >= 1, 0 < validation_fraction < 1, ...). */
int fl_mlp_params_check(const fl_mlp_params *p, fl_err *err);

/* Names of enum values. */
const char *fl_mlp_activation_name(fl_mlp_activation a);
const char *fl_mlp_solver_name(fl_mlp_solver s);
const char *fl_mlp_schedule_name(fl_mlp_schedule s);
const char *fl_mlp_init_name(fl_mlp_init i);

#endif
