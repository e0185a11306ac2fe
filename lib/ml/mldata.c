/* mldata.c - loading ML data sets through lib/data (see mldata.h). */
#include "ml/mldata.h"

#include "data/load.h"
#include "data/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load_table(fl_table **t, const char *path, int n_threads, fl_err *err)
{
	fl_load_opts lo = FL_LOAD_OPTS_INIT;

	lo.csv.n_threads = n_threads;
	if (fl_data_load(t, path, &lo, err) < 0)
		return err->code;
	return 0;
}

static int extract(fl_dataset **out, const char *path, const char *label,
		   fl_label_mode mode, int n_threads, fl_err *err)
{
	fl_table *t = NULL;
	int rc;

	*out = NULL;
	if ((rc = load_table(&t, path, n_threads, err)) < 0)
		return rc;
	rc = fl_dataset_from_table(out, t, label, mode, err);
	fl_table_free(t);
	return rc < 0 ? fl_err_wrap(err, "%s", path) : 0;
}

int fl_mldata_load_train(fl_dataset **out, const char *path, const char *label,
			 const fl_model_kind *kind, int n_threads, fl_err *err)
{
	fl_label_mode mode = FL_LABEL_CLASS;

	*out = NULL;
	if (!label && (kind->task == FL_TASK_CLASSIFICATION || kind->task == FL_TASK_REGRESSION))
		return fl_err_set(err, FL_EINVAL, "%s is %s: name the label column (--label)",
				  kind->name, fl_task_name(kind->task));
	if (kind->task == FL_TASK_REGRESSION)
		mode = FL_LABEL_REAL;
	return extract(out, path, label, mode, n_threads, err);
}

int fl_mldata_load_apply(fl_dataset **out, const char *path, const char *label,
			 const fl_model *m, int n_threads, fl_err *err)
{
	fl_label_mode mode = m->schema.target == FL_TARGET_REAL ? FL_LABEL_REAL : FL_LABEL_CLASS;
	fl_table *t = NULL;
	int rc;

	*out = NULL;
	if ((rc = load_table(&t, path, n_threads, err)) < 0)
		return rc;
	if (!label && m->schema.label_name && fl_table_find(t, m->schema.label_name) >= 0)
		label = m->schema.label_name;
	if (label && fl_table_find(t, label) < 0) {
		fl_table_free(t);
		return fl_err_set(err, FL_EINVAL, "%s has no label column '%s'", path, label);
	}
	rc = fl_dataset_from_table(out, t, label, mode, err);
	fl_table_free(t);
	return rc < 0 ? fl_err_wrap(err, "%s", path) : 0;
}

static int add_numeric(fl_table *t, const char *name, const double *v, size_t stride,
		       fl_err *err)
{
	int c = fl_table_add_column(t, name, FL_COL_NUMERIC, err);

	if (c < 0)
		return c;
	for (size_t i = 0; i < t->n_rows; i++)
		t->cols[c].num[i] = v[i * stride];
	return 0;
}

static int add_classes(fl_table *t, const fl_model *m, const double *pred, fl_err *err)
{
	int c = fl_table_add_column(t, "prediction", FL_COL_CATEGORICAL, err);

	if (c < 0)
		return c;
	/* intern in class order so the level list is the model's classes */
	for (size_t k = 0; k < m->schema.n_classes; k++) {
		const char *name = m->schema.class_names[k];
		if (fl_table_intern(t, (size_t)c, name, strlen(name), err) < 0)
			return err->code;
	}
	for (size_t i = 0; i < t->n_rows; i++)
		t->cols[c].codes[i] = (int32_t)pred[i];
	return 0;
}

static int proba_columns(fl_table *t, const fl_model *m, const fl_dataset *ds, int n_threads,
			 fl_err *err)
{
	size_t k = m->schema.n_classes;
	double *P = malloc((ds->n * k > 0 ? ds->n * k : 1) * sizeof(double));
	char name[512];
	int rc;

	if (!P)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	rc = fl_model_predict_proba(m, ds, n_threads, P, err);
	for (size_t c = 0; rc == 0 && c < k; c++) {
		snprintf(name, sizeof(name), "proba_%s", m->schema.class_names[c]);
		rc = add_numeric(t, name, P + c, k, err);
	}
	free(P);
	return rc;
}

static int reduction_columns(fl_table *t, const fl_model *m, const fl_dataset *ds,
			     int n_threads, fl_err *err)
{
	size_t k = m->kind->n_outputs(m->state);
	double *Z = malloc((ds->n * k > 0 ? ds->n * k : 1) * sizeof(double));
	char name[32];
	int rc;

	if (!Z)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	rc = fl_model_transform(m, ds, n_threads, Z, err);
	for (size_t c = 0; rc == 0 && c < k; c++) {
		snprintf(name, sizeof(name), "pc%zu", c + 1);
		rc = add_numeric(t, name, Z + c, k, err);
	}
	free(Z);
	return rc;
}

int fl_mldata_predictions(fl_table **out, const fl_model *m, const fl_dataset *ds,
			  int proba, int n_threads, fl_err *err)
{
	fl_task task = m->kind->task;
	double *pred = malloc((ds->n ? ds->n : 1) * sizeof(double));
	fl_table *t = NULL;
	int rc;

	*out = NULL;
	if (!pred)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_table_new(&t, err)) == 0)
		rc = fl_table_add_rows(t, ds->n, err);
	if (rc == 0 && task == FL_TASK_REDUCTION)
		rc = reduction_columns(t, m, ds, n_threads, err);
	else if (rc == 0 && (rc = fl_model_predict(m, ds, n_threads, pred, err)) == 0) {
		if (task == FL_TASK_CLASSIFICATION)
			rc = add_classes(t, m, pred, err);
		else
			rc = add_numeric(t, task == FL_TASK_CLUSTERING ? "cluster" : "prediction",
					 pred, 1, err);
		if (rc == 0 && proba && task == FL_TASK_CLASSIFICATION)
			rc = proba_columns(t, m, ds, n_threads, err);
	}
	free(pred);
	if (rc < 0) {
		fl_table_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int fl_mldata_write(const fl_table *t, const char *path, fl_err *err)
{
	if (fl_format_from_name(path) == FL_FORMAT_HDF5)
		return fl_h5table_write(t, path, NULL, err);
	return fl_csv_write(t, path, NULL, err);
}
