/* mlp_optim.c - the MLP's solvers as in scikit-learn: SGD with (Nesterov)
 * momentum and a learning-rate schedule, and Adam. */
#include <math.h>
#include <stdlib.h>

#include "ml/mlp_internal.h"

int mlp_optim_init(mlp_optim *o, const fl_mlp_params *p, size_t n, fl_err *err)
{
	o->solver = p->solver;
	o->lr = p->learning_rate_init;
	o->step = 0;
	o->n = n;
	o->m1 = calloc(n, sizeof(float));
	o->m2 = p->solver == FL_MLP_ADAM ? calloc(n, sizeof(float)) : NULL;
	if (!o->m1 || (p->solver == FL_MLP_ADAM && !o->m2)) {
		mlp_optim_free(o);
		return fl_err_set(err, FL_ENOMEM, "out of memory for the optimiser state");
	}
	return 0;
}

void mlp_optim_free(mlp_optim *o)
{
	free(o->m1);
	free(o->m2);
	o->m1 = o->m2 = NULL;
}

void mlp_optim_begin(mlp_optim *o, const fl_mlp_params *p)
{
	double t;

	o->step++;
	t = (double)o->step;
	o->step_lr = (float)o->lr;
	if (o->solver == FL_MLP_ADAM) /* bias correction, in double as sklearn */
		o->step_lr = (float)(o->lr * sqrt(1.0 - pow(p->beta_2, t)) /
				     (1.0 - pow(p->beta_1, t)));
}

static void adam(mlp_optim *o, const fl_mlp_params *p, float *w, const float *g,
		 size_t lo, size_t hi)
{
	const float b1 = (float)p->beta_1, b2 = (float)p->beta_2;
	const float eps = (float)p->epsilon;
	const float lr = o->step_lr;
	float *m1 = o->m1, *m2 = o->m2;

	for (size_t i = lo; i < hi; i++) {
		m1[i] = b1 * m1[i] + (1.0f - b1) * g[i];
		m2[i] = b2 * m2[i] + (1.0f - b2) * (g[i] * g[i]);
		w[i] -= lr * m1[i] / (sqrtf(m2[i]) + eps);
	}
}

static void sgd(mlp_optim *o, const fl_mlp_params *p, float *w, const float *g,
		size_t lo, size_t hi)
{
	const float mu = (float)p->momentum, lr = o->step_lr;
	float *v = o->m1;

	if (p->nesterovs_momentum) {
		for (size_t i = lo; i < hi; i++) {
			v[i] = mu * v[i] - lr * g[i];
			w[i] += mu * v[i] - lr * g[i];
		}
	} else {
		for (size_t i = lo; i < hi; i++) {
			v[i] = mu * v[i] - lr * g[i];
			w[i] += v[i];
		}
	}
}

void mlp_optim_apply(mlp_optim *o, const fl_mlp_params *p, float *w,
		     const float *g, size_t lo, size_t hi)
{
	if (o->solver == FL_MLP_ADAM)
		adam(o, p, w, g, lo, hi);
	else
		sgd(o, p, w, g, lo, hi);
}

void mlp_optim_epoch_end(mlp_optim *o, const fl_mlp_params *p, uint64_t t)
{
	if (o->solver == FL_MLP_SGD && p->learning_rate == FL_MLP_LR_INVSCALING)
		o->lr = p->learning_rate_init / pow((double)t + 1.0, p->power_t);
}

int mlp_optim_trigger_stopping(mlp_optim *o, const fl_mlp_params *p)
{
	if (o->solver != FL_MLP_SGD || p->learning_rate != FL_MLP_LR_ADAPTIVE)
		return 1;
	if (o->lr <= 1e-6)
		return 1;
	o->lr /= 5.0;
	return 0;
}
