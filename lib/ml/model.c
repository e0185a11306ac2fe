/* model.c - the generic side of model kinds: finding a kind, checked fit
 * and predict, model files, scoring. */
#define _GNU_SOURCE
#include "ml/model.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ml/metrics.h"

const char *fl_task_name(fl_task t)
{
	static const char *const names[] = { "classification", "regression",
					     "clustering", "reduction" };

	return (unsigned)t < 4 ? names[t] : "unknown";
}

const fl_model_kind *fl_model_kind_find(const char *name)
{
	for (size_t i = 0; fl_model_kinds[i]; i++)
		if (strcmp(fl_model_kinds[i]->name, name) == 0)
			return fl_model_kinds[i];
	return NULL;
}

int fl_model_kind_get(const fl_model_kind **out, const char *name, fl_err *err)
{
	char list[512] = "";
	size_t len = 0;

	if ((*out = fl_model_kind_find(name)))
		return 0;
	for (size_t i = 0; fl_model_kinds[i] && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					fl_model_kinds[i]->name);
	return fl_err_set(err, FL_EINVAL, "unknown model kind '%s' (known: %s)", name, list);
}

void fl_model_free(fl_model *m)
{
	if (!m)
		return;
	if (m->state && m->kind)
		m->kind->free_state(m->state);
	fl_schema_clear(&m->schema);
	json_decref(m->params);
	json_decref(m->metrics);
	free(m);
}

static int check_classes(const fl_dataset *ds, fl_err *err)
{
	size_t present = 0;
	uint8_t *seen = calloc(ds->n_classes ? ds->n_classes : 1, 1);

	if (!seen)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < ds->n; i++) {
		int32_t c = ds->y_class[i];
		if (c < 0 || (size_t)c >= ds->n_classes) {
			free(seen);
			return fl_err_set(err, FL_EINVAL, "row %zu: class index %d out of range",
					  i + 1, (int)c);
		}
		present += !seen[c];
		seen[c] = 1;
	}
	free(seen);
	if (present < 2)
		return fl_err_set(err, FL_EINVAL,
				  "the training data holds a single class%s%s%s: a classifier "
				  "needs at least two", present ? " ('" : "",
				  present ? ds->class_names[ds->y_class[0]] : "",
				  present ? "')" : "");
	return 0;
}

static int check_train(const fl_model_kind *k, const fl_dataset *ds, fl_err *err)
{
	if (ds->n == 0)
		return fl_err_set(err, FL_EINVAL, "no training rows");
	if (ds->d == 0)
		return fl_err_set(err, FL_EINVAL, "no feature columns to train on");
	if (k->task == FL_TASK_CLASSIFICATION && ds->target != FL_TARGET_CLASS)
		return fl_err_set(err, FL_EINVAL, "%s needs a class label (--label COLUMN)",
				  k->name);
	if (k->task == FL_TASK_REGRESSION && ds->target != FL_TARGET_REAL)
		return fl_err_set(err, FL_EINVAL, "%s needs a numeric target (--label COLUMN)",
				  k->name);
	if (fl_dataset_check_finite(ds, err) < 0)
		return err->code;
	if (k->task == FL_TASK_CLASSIFICATION)
		return check_classes(ds, err);
	return 0;
}

static int new_model(fl_model **out, const fl_model_kind *k, fl_err *err)
{
	if (!(*out = calloc(1, sizeof(fl_model))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	(*out)->kind = k;
	(*out)->metrics = json_object();
	return 0;
}

int fl_model_fit(fl_model **out, const fl_model_kind *kind,
		 const fl_dataset *train, const json_t *params,
		 const fl_fit_opts *opts, fl_err *err)
{
	fl_fit_opts o = opts ? *opts : (fl_fit_opts)FL_FIT_OPTS_INIT;
	fl_model *m = NULL;
	json_t *info = NULL;
	int rc;

	*out = NULL;
	if ((rc = check_train(kind, train, err)) < 0 || (rc = new_model(&m, kind, err)) < 0)
		return rc;
	if ((rc = fl_hparams_resolve(kind->params, params, &m->params, err)) < 0)
		goto fail;
	if ((rc = fl_schema_from_dataset(&m->schema, train, err)) < 0)
		goto fail;
	openblas_set_num_threads(1);
	if ((rc = kind->fit(&m->state, train, m->params, &o, err)) < 0)
		goto fail;
	json_object_set_new(m->params, "seed", json_integer((json_int_t)o.seed));
	info = json_object();
	if ((rc = kind->describe(m->state, info, err)) < 0)
		goto fail;
	json_object_set_new(m->metrics, "fit", info);
	*out = m;
	return 0;
fail:
	json_decref(info);
	fl_model_free(m);
	return rc;
}

static int check_apply(const fl_model *m, const fl_dataset *data, int have,
		       const char *what, fl_err *err)
{
	if (!have)
		return fl_err_set(err, FL_EINVAL, "a %s model has no %s", m->kind->name, what);
	if (fl_schema_check(&m->schema, data, err) < 0)
		return err->code;
	openblas_set_num_threads(1);
	return fl_dataset_check_finite(data, err);
}

int fl_model_predict(const fl_model *m, const fl_dataset *data, int n_threads,
		     double *out, fl_err *err)
{
	int rc = check_apply(m, data, m->kind->predict != NULL, "predict", err);

	return rc < 0 ? rc : m->kind->predict(m->state, data->X, data->n, data->d,
					      n_threads, out, err);
}

int fl_model_predict_proba(const fl_model *m, const fl_dataset *data,
			   int n_threads, double *out, fl_err *err)
{
	int rc = check_apply(m, data, m->kind->predict_proba != NULL,
			     "class probabilities", err);

	return rc < 0 ? rc : m->kind->predict_proba(m->state, data->X, data->n, data->d,
						    n_threads, out, err);
}

int fl_model_transform(const fl_model *m, const fl_dataset *data,
		       int n_threads, double *out, fl_err *err)
{
	int rc = check_apply(m, data, m->kind->transform != NULL, "transform", err);

	return rc < 0 ? rc : m->kind->transform(m->state, data->X, data->n, data->d,
						n_threads, out, err);
}

int fl_model_add_metrics(fl_model *m, const char *key, json_t *metrics,
			 fl_err *err)
{
	if (!metrics || json_object_set_new(m->metrics, key, metrics) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	return 0;
}

/* ---- model files ------------------------------------------------------ */

int fl_model_to_modelfile(const fl_model *m, fl_modelfile **out, fl_err *err)
{
	fl_modelfile *mf = NULL;
	int rc;

	*out = NULL;
	if ((rc = fl_modelfile_new(&mf, m->kind->name, err)) < 0)
		return rc;
	if ((rc = fl_schema_copy(&mf->schema, &m->schema, err)) < 0)
		goto fail;
	mf->params = json_deep_copy(m->params);
	mf->metrics = json_deep_copy(m->metrics);
	if (!mf->params || !mf->metrics) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = m->kind->save(m->state, mf, err)) < 0)
		goto fail;
	*out = mf;
	return 0;
fail:
	fl_modelfile_free(mf);
	return rc;
}

int fl_model_from_modelfile(fl_model **out, const fl_modelfile *mf, fl_err *err)
{
	const fl_model_kind *k;
	fl_model *m = NULL;
	int rc;

	*out = NULL;
	if ((rc = fl_model_kind_get(&k, mf->kind, err)) < 0)
		return rc;
	if ((rc = new_model(&m, k, err)) < 0)
		return rc;
	json_decref(m->metrics);
	m->params = mf->params ? json_deep_copy(mf->params) : json_object();
	m->metrics = mf->metrics ? json_deep_copy(mf->metrics) : json_object();
	if (!m->params || !m->metrics)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0)
		rc = fl_schema_copy(&m->schema, &mf->schema, err);
	if (rc == 0)
		rc = k->load(&m->state, mf, err);
	if (rc < 0) {
		fl_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int fl_model_save(const fl_model *m, const char *path, fl_err *err)
{
	fl_modelfile *mf = NULL;
	int rc;

	if ((rc = fl_model_to_modelfile(m, &mf, err)) < 0)
		return rc;
	rc = fl_modelfile_write(mf, path, err);
	fl_modelfile_free(mf);
	return rc < 0 ? fl_err_wrap(err, "writing model %s", path) : 0;
}

int fl_model_load(fl_model **out, const char *path, fl_err *err)
{
	fl_modelfile *mf = NULL;
	int rc;

	*out = NULL;
	if ((rc = fl_modelfile_read(&mf, path, err)) < 0)
		return rc;
	rc = fl_model_from_modelfile(out, mf, err);
	fl_modelfile_free(mf);
	return rc < 0 ? fl_err_wrap(err, "loading model %s", path) : 0;
}

int fl_modelfile_info(const fl_modelfile *mf, json_t **out, fl_err *err)
{
	const fl_model_kind *k = fl_model_kind_find(mf->kind);
	json_t *o = json_object(), *arrays = json_array();

	*out = NULL;
	if (!o || !arrays) {
		json_decref(o);
		json_decref(arrays);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < mf->n_arrays; i++) {
		const fl_mf_array *a = &mf->arrays[i];
		json_t *dims = json_array();
		for (uint32_t d = 0; d < a->ndim; d++)
			json_array_append_new(dims, json_integer((json_int_t)a->dims[d]));
		json_array_append_new(arrays, json_pack("{s:s, s:s, s:o}", "name", a->name,
							"dtype", fl_dtype_name(a->dtype),
							"dims", dims));
	}
	json_object_set_new(o, "kind", json_string(mf->kind));
	json_object_set_new(o, "task", json_string(k ? fl_task_name(k->task) : "unknown"));
	json_object_set_new(o, "format_version", json_integer(mf->version));
	json_object_set_new(o, "schema", fl_schema_to_json(&mf->schema));
	json_object_set_new(o, "params", mf->params ? json_deep_copy(mf->params) : json_object());
	json_object_set_new(o, "metrics",
			    mf->metrics ? json_deep_copy(mf->metrics) : json_object());
	json_object_set_new(o, "arrays", arrays);
	*out = o;
	return 0;
}
