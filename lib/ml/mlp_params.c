/* mlp_params.c - the MLP's parameter table (scikit-learn's names, defaults
 * and ranges), conversion from resolved JSON, and range checks. */
#include "ml/mlp_params.h"

#include <math.h>
#include <string.h>

static const char *const activation_names[] = { "relu", "tanh", "logistic", "identity", NULL };
static const char *const solver_names[] = { "adam", "sgd", NULL };
static const char *const schedule_names[] = { "constant", "invscaling", "adaptive", NULL };
static const char *const init_names[] = { "glorot", "he", NULL };

const fl_hparam_spec fl_mlp_param_specs[] = {
	{ "hidden_layer_sizes", "hidden_layer_sizes", FL_HPARAM_INT_LIST, "100", 1, 1000000,
	  NULL, 0, "widths of the hidden layers, e.g. 128,64" },
	{ "activation", "activation", FL_HPARAM_CHOICE, "relu", 0, 0,
	  "relu|tanh|logistic|identity", 0, "hidden-layer activation" },
	{ "solver", "solver", FL_HPARAM_CHOICE, "adam", 0, 0, "adam|sgd", 0,
	  "optimiser: Adam or mini-batch SGD with momentum" },
	{ "alpha", "alpha", FL_HPARAM_REAL, "0.0001", 0, 1e6, NULL, 0,
	  "L2 penalty on the weights" },
	{ "batch_size", "batch_size", FL_HPARAM_NUM_OR_CHOICE, "auto", 1, 1e9, "auto", 0,
	  "rows per mini-batch; auto = min(200, rows)" },
	{ "learning_rate", "learning_rate", FL_HPARAM_CHOICE, "constant", 0, 0,
	  "constant|invscaling|adaptive", 0, "learning-rate schedule (sgd only)" },
	{ "learning_rate_init", "learning_rate_init", FL_HPARAM_REAL, "0.001", 1e-12, 1e3, NULL,
	  0, "initial learning rate" },
	{ "power_t", "power_t", FL_HPARAM_REAL, "0.5", 0, 10, NULL, 0,
	  "exponent of the invscaling schedule" },
	{ "max_iter", "max_iter", FL_HPARAM_INT, "200", 1, 1e7, NULL, 0,
	  "maximum number of epochs" },
	{ "shuffle", "shuffle", FL_HPARAM_BOOL, "true", 0, 0, NULL, 0,
	  "reshuffle the training rows every epoch" },
	{ "tol", "tol", FL_HPARAM_REAL, "0.0001", 0, 1e6, NULL, 0,
	  "improvement below which an epoch counts as no change" },
	{ "momentum", "momentum", FL_HPARAM_REAL, "0.9", 0, 1, NULL, 0, "sgd momentum" },
	{ "nesterovs_momentum", "nesterovs_momentum", FL_HPARAM_BOOL, "true", 0, 0, NULL, 0,
	  "use Nesterov's momentum (sgd)" },
	{ "early_stopping", "early_stopping", FL_HPARAM_BOOL, "false", 0, 0, NULL, 0,
	  "stop when the validation score stalls; keep the best weights" },
	{ "validation_fraction", "validation_fraction", FL_HPARAM_REAL, "0.1", 0, 1, NULL, 0,
	  "share of the training rows held out for early stopping" },
	{ "beta_1", "beta_1", FL_HPARAM_REAL, "0.9", 0, 0.999999, NULL, 0,
	  "Adam: decay of the first moment" },
	{ "beta_2", "beta_2", FL_HPARAM_REAL, "0.999", 0, 0.999999, NULL, 0,
	  "Adam: decay of the second moment" },
	{ "epsilon", "epsilon", FL_HPARAM_REAL, "1e-08", 1e-30, 1, NULL, 0,
	  "Adam: numerical stabiliser" },
	{ "n_iter_no_change", "n_iter_no_change", FL_HPARAM_INT, "10", 1, 1e7, NULL, 0,
	  "epochs without tol improvement before stopping" },
	{ "init", "(none: sklearn uses glorot)", FL_HPARAM_CHOICE, "glorot", 0, 0, "glorot|he",
	  0, "weight initialisation: Glorot/Xavier uniform (sklearn's) or He uniform" },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0, NULL },
};

static int choice_index(const char *const *names, const char *w)
{
	for (int i = 0; w && names[i]; i++)
		if (strcmp(names[i], w) == 0)
			return i;
	return -1;
}

int fl_mlp_params_from_json(fl_mlp_params *p, const json_t *r, uint64_t seed,
			    fl_err *err)
{
	size_t nh = fl_hparam_list_len(r, "hidden_layer_sizes");
	int a = choice_index(activation_names, fl_hparam_str(r, "activation"));
	int s = choice_index(solver_names, fl_hparam_str(r, "solver"));
	int l = choice_index(schedule_names, fl_hparam_str(r, "learning_rate"));
	int in = choice_index(init_names, fl_hparam_str(r, "init"));

	if (nh > FL_MLP_MAX_HIDDEN)
		return fl_err_set(err, FL_EINVAL, "mlp: at most %d hidden layers, not %zu",
				  FL_MLP_MAX_HIDDEN, nh);
	if (a < 0 || s < 0 || l < 0 || in < 0)
		return fl_err_set(err, FL_EINVAL, "mlp: parameters not resolved");
	p->n_hidden = (int)nh;
	for (size_t i = 0; i < nh; i++)
		p->hidden_layer_sizes[i] = (size_t)fl_hparam_list_at(r, "hidden_layer_sizes", i);
	p->activation = (fl_mlp_activation)a;
	p->solver = (fl_mlp_solver)s;
	p->learning_rate = (fl_mlp_schedule)l;
	p->init = (fl_mlp_init)in;
	p->alpha = fl_hparam_real(r, "alpha");
	p->batch_size = fl_hparam_str(r, "batch_size") ? 0 : (size_t)fl_hparam_int(r, "batch_size");
	p->learning_rate_init = fl_hparam_real(r, "learning_rate_init");
	p->power_t = fl_hparam_real(r, "power_t");
	p->max_iter = (int)fl_hparam_int(r, "max_iter");
	p->shuffle = fl_hparam_bool(r, "shuffle");
	p->tol = fl_hparam_real(r, "tol");
	p->momentum = fl_hparam_real(r, "momentum");
	p->nesterovs_momentum = fl_hparam_bool(r, "nesterovs_momentum");
	p->early_stopping = fl_hparam_bool(r, "early_stopping");
	p->validation_fraction = fl_hparam_real(r, "validation_fraction");
	p->beta_1 = fl_hparam_real(r, "beta_1");
	p->beta_2 = fl_hparam_real(r, "beta_2");
	p->epsilon = fl_hparam_real(r, "epsilon");
	p->n_iter_no_change = (int)fl_hparam_int(r, "n_iter_no_change");
	p->seed = seed;
	return fl_mlp_params_check(p, err);
}

int fl_mlp_params_check(const fl_mlp_params *p, fl_err *err)
{
	if (p->n_hidden < 0 || p->n_hidden > FL_MLP_MAX_HIDDEN)
		return fl_err_set(err, FL_EINVAL, "mlp: at most %d hidden layers",
				  FL_MLP_MAX_HIDDEN);
	for (int i = 0; i < p->n_hidden; i++)
		if (p->hidden_layer_sizes[i] == 0)
			return fl_err_set(err, FL_EINVAL, "mlp: hidden_layer_sizes must be >= 1");
	if (p->max_iter < 1)
		return fl_err_set(err, FL_EINVAL, "mlp: max_iter must be >= 1");
	if (p->alpha < 0 || p->learning_rate_init <= 0 || p->tol < 0 || p->power_t < 0)
		return fl_err_set(err, FL_EINVAL,
				  "mlp: alpha, tol and power_t must be >= 0, learning_rate_init > 0");
	if (p->momentum < 0 || p->momentum > 1)
		return fl_err_set(err, FL_EINVAL, "mlp: momentum must be in [0, 1]");
	if (p->beta_1 < 0 || p->beta_1 >= 1 || p->beta_2 < 0 || p->beta_2 >= 1 ||
	    p->epsilon <= 0)
		return fl_err_set(err, FL_EINVAL,
				  "mlp: beta_1 and beta_2 must be in [0, 1), epsilon > 0");
	if (p->n_iter_no_change < 1)
		return fl_err_set(err, FL_EINVAL, "mlp: n_iter_no_change must be >= 1");
	if (p->early_stopping &&
	    (p->validation_fraction <= 0 || p->validation_fraction >= 1))
		return fl_err_set(err, FL_EINVAL,
				  "mlp: early_stopping needs a validation split: validation_fraction "
				  "must be in (0, 1), not %g", p->validation_fraction);
	return 0;
}

const char *fl_mlp_activation_name(fl_mlp_activation a) { return activation_names[a]; }
const char *fl_mlp_solver_name(fl_mlp_solver s) { return solver_names[s]; }
const char *fl_mlp_schedule_name(fl_mlp_schedule s) { return schedule_names[s]; }
const char *fl_mlp_init_name(fl_mlp_init i) { return init_names[i]; }
