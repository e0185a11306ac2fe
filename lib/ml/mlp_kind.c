/* mlp_kind.c - the model kinds mlp (classification, sklearn's
 * MLPClassifier) and mlp_regressor (MLPRegressor): data sets and model
 * files around the network in mlp.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ml/mlp.h"
#include "ml/model.h"

static int fit_common(void **state, const fl_dataset *train, const json_t *params,
		      const fl_fit_opts *opts, fl_mlp_task task, fl_err *err)
{
	fl_mlp_params p = FL_MLP_PARAMS_INIT;
	fl_mlp_options o = { opts->n_threads, opts->progress };
	fl_mlp *m = NULL;
	double *y = NULL;
	size_t n_out = task == FL_MLP_CLASSIFY ? train->n_classes : 1;
	int rc;

	if ((rc = fl_mlp_params_from_json(&p, params, opts->seed, err)) < 0)
		return rc;
	if (!(y = malloc(train->n * sizeof(double))))
		return fl_err_set(err, FL_ENOMEM, "out of memory for the targets");
	for (size_t i = 0; i < train->n; i++)
		y[i] = task == FL_MLP_CLASSIFY ? (double)train->y_class[i] : train->y_real[i];
	rc = fl_mlp_fit(&m, &p, task, train->X, train->n, train->d, y, n_out, &o, err);
	free(y);
	*state = m;
	return rc;
}

static int fit_classifier(void **state, const fl_dataset *train, const json_t *params,
			  const fl_fit_opts *opts, fl_err *err)
{
	return fit_common(state, train, params, opts, FL_MLP_CLASSIFY, err);
}

static int fit_regressor(void **state, const fl_dataset *train, const json_t *params,
			 const fl_fit_opts *opts, fl_err *err)
{
	return fit_common(state, train, params, opts, FL_MLP_REGRESS, err);
}

static int predict_proba(const void *state, const double *X, size_t n, size_t d,
			 int n_threads, double *out, fl_err *err)
{
	return fl_mlp_predict(state, X, n, d, out, n_threads, err);
}

/* Classes: the most probable (the first on a tie); regression: the output. */
static int predict(const void *state, const double *X, size_t n, size_t d,
		   int n_threads, double *out, fl_err *err)
{
	const fl_mlp *m = state;
	size_t k = fl_mlp_size(m, fl_mlp_n_sizes(m) - 1);
	double *p = NULL;
	int rc;

	if (fl_mlp_get_task(m) == FL_MLP_REGRESS)
		return fl_mlp_predict(m, X, n, d, out, n_threads, err);
	if (!(p = malloc((n ? n : 1) * k * sizeof(double))))
		return fl_err_set(err, FL_ENOMEM, "out of memory for %zu x %zu probabilities", n, k);
	if ((rc = fl_mlp_predict(m, X, n, d, p, n_threads, err)) == 0)
		for (size_t i = 0; i < n; i++) {
			size_t best = 0;
			for (size_t j = 1; j < k; j++)
				best = p[i * k + j] > p[i * k + best] ? j : best;
			out[i] = (double)best;
		}
	free(p);
	return rc;
}

static int save(const void *state, fl_modelfile *mf, fl_err *err)
{
	const fl_mlp *m = state;
	const fl_mlp_record *r = fl_mlp_get_record(m);
	int ns = fl_mlp_n_sizes(m), rc;
	int64_t sizes[FL_MLP_MAX_HIDDEN + 2];
	uint64_t dims[1] = { (uint64_t)ns };

	for (int i = 0; i < ns; i++)
		sizes[i] = (int64_t)fl_mlp_size(m, i);
	if ((rc = fl_modelfile_add_array(mf, "layer_sizes", FL_DTYPE_I64, 1, dims, sizes,
					 err)) < 0)
		return rc;
	dims[0] = fl_mlp_n_weights(m);
	if ((rc = fl_modelfile_add_array(mf, "weights", FL_DTYPE_F32, 1, dims,
					 fl_mlp_weights_const(m), err)) < 0)
		return rc;
	/* the per-epoch record, kept with the model (not needed to predict) */
	dims[0] = (uint64_t)r->n_iter;
	if (fl_mlp_loss_curve(m) &&
	    (rc = fl_modelfile_add_array(mf, "loss_curve", FL_DTYPE_F64, 1, dims,
					 fl_mlp_loss_curve(m), err)) < 0)
		return rc;
	if (fl_mlp_get_params(m)->early_stopping && fl_mlp_validation_scores(m) &&
	    (rc = fl_modelfile_add_array(mf, "validation_scores", FL_DTYPE_F64, 1, dims,
					 fl_mlp_validation_scores(m), err)) < 0)
		return rc;
	return 0;
}

static int load_common(void **state, const fl_modelfile *mf, fl_mlp_task task, fl_err *err)
{
	fl_mlp_params p = FL_MLP_PARAMS_INIT;
	const int64_t *sz;
	const void *data;
	uint64_t dims[1];
	size_t sizes[FL_MLP_MAX_HIDDEN + 2];
	json_t *seed = json_object_get(mf->params, "seed");
	fl_mlp *m = NULL;
	int rc;

	*state = NULL;
	if ((rc = fl_mlp_params_from_json(&p, mf->params,
					  (uint64_t)json_integer_value(seed), err)) < 0)
		return fl_err_wrap(err, "model file parameters");
	if ((rc = fl_modelfile_get(mf, "layer_sizes", FL_DTYPE_I64, 1, dims, &data, err)) < 0)
		return rc;
	sz = data;
	if (dims[0] < 2 || dims[0] > FL_MLP_MAX_HIDDEN + 2)
		return fl_err_set(err, FL_EINVAL, "model file is damaged: %llu layer sizes",
				  (unsigned long long)dims[0]);
	for (uint64_t i = 0; i < dims[0]; i++) {
		if (sz[i] < 1)
			return fl_err_set(err, FL_EINVAL, "model file is damaged: layer width %lld",
					  (long long)sz[i]);
		sizes[i] = (size_t)sz[i];
	}
	if ((rc = fl_mlp_new(&m, &p, task, sizes, (int)dims[0], err)) < 0)
		return rc;
	if ((rc = fl_modelfile_get(mf, "weights", FL_DTYPE_F32, 1, dims, &data, err)) < 0)
		goto fail;
	if (dims[0] != fl_mlp_n_weights(m)) {
		rc = fl_err_set(err, FL_EINVAL, "model file is damaged: %llu weights for "
				"layers needing %zu", (unsigned long long)dims[0],
				fl_mlp_n_weights(m));
		goto fail;
	}
	memcpy(fl_mlp_weights(m), data, fl_mlp_n_weights(m) * sizeof(float));
	*state = m;
	return 0;
fail:
	fl_mlp_free(m);
	return rc;
}

static int load_classifier(void **state, const fl_modelfile *mf, fl_err *err)
{
	return load_common(state, mf, FL_MLP_CLASSIFY, err);
}

static int load_regressor(void **state, const fl_modelfile *mf, fl_err *err)
{
	return load_common(state, mf, FL_MLP_REGRESS, err);
}

static const char *stop_name(fl_mlp_stop s)
{
	return s == FL_MLP_STOP_MAX_ITER ? "max_iter"
	       : s == FL_MLP_STOP_NO_CHANGE ? "no_change" : "learning_rate_floor";
}

static int describe(const void *state, json_t *info, fl_err *err)
{
	const fl_mlp *m = state;
	const fl_mlp_record *r = fl_mlp_get_record(m);
	json_t *sizes = json_array();

	for (int i = 0; i < fl_mlp_n_sizes(m); i++)
		json_array_append_new(sizes, json_integer((json_int_t)fl_mlp_size(m, i)));
	if (json_object_set_new(info, "layer_sizes", sizes) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	json_object_set_new(info, "n_weights", json_integer((json_int_t)fl_mlp_n_weights(m)));
	json_object_set_new(info, "n_iter", json_integer(r->n_iter));
	json_object_set_new(info, "loss", json_real(r->loss));
	json_object_set_new(info, "best_loss", json_real(r->best_loss));
	json_object_set_new(info, "stopped_by", json_string(stop_name(r->stop)));
	json_object_set_new(info, "n_train", json_integer((json_int_t)r->n_train));
	json_object_set_new(info, "n_validation", json_integer((json_int_t)r->n_validation));
	if (fl_mlp_get_params(m)->early_stopping)
		json_object_set_new(info, "best_validation_score",
				    json_real(r->best_validation_score));
	return 0;
}

static void free_state(void *state)
{
	fl_mlp_free(state);
}

const fl_model_kind fl_kind_mlp = {
	"mlp", FL_TASK_CLASSIFICATION,
	"multilayer perceptron classifier (softmax, cross-entropy; sklearn MLPClassifier)",
	fl_mlp_param_specs, fit_classifier, predict, predict_proba, NULL, NULL,
	save, load_classifier, describe, free_state,
};

const fl_model_kind fl_kind_mlp_regressor = {
	"mlp_regressor", FL_TASK_REGRESSION,
	"multilayer perceptron regressor (squared error; sklearn MLPRegressor)",
	fl_mlp_param_specs, fit_regressor, predict, NULL, NULL, NULL,
	save, load_regressor, describe, free_state,
};
