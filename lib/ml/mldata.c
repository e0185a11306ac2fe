/* mldata.c - loading ML data sets through lib/data (see mldata.h). */
#define _GNU_SOURCE
#include "ml/mldata.h"

#include "data/load.h"
#include "data/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows gathered chunk by chunk, so that memory holds the matrix and one
 * chunk, never the whole table and the matrix together. */
typedef struct acc {
	const char *label;         /* label column, or NULL */
	double *X;                 /* n x d so far */
	size_t n, cap, d;          /* rows, allocated rows, features */
	char **names;              /* d feature names (from the first chunk) */
	int label_cat;             /* the label column is categorical */
	double *ynum;              /* numeric label values (cap) */
	int32_t *ycode;            /* categorical label: index into levels (cap) */
	char **levels;             /* categorical label values, first seen first */
	size_t n_levels;           /* number of levels */
} acc;

static void acc_free(acc *a)
{
	free(a->X);
	if (a->names)
		fl_names_free(a->names, a->d);
	free(a->ynum);
	free(a->ycode);
	fl_names_free(a->levels, a->n_levels);
}

static int acc_grow(acc *a, size_t more, fl_err *err)
{
	size_t cap = a->cap ? a->cap : 65536;
	double *X, *y;
	int32_t *c;

	while (cap < a->n + more)
		cap *= 2;
	if (cap == a->cap)
		return 0;
	if (!(X = realloc(a->X, cap * (a->d ? a->d : 1) * sizeof(double))))
		return fl_err_set(err, FL_ENOMEM, "out of memory for %zu rows", cap);
	a->X = X;
	if (!(y = realloc(a->ynum, cap * sizeof(double))) ||
	    !(a->ynum = y, c = realloc(a->ycode, cap * sizeof(int32_t))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	a->ycode = c;
	a->cap = cap;
	return 0;
}

/* Global level index of `s`, added if new. */
static int32_t acc_level(acc *a, const char *s, fl_err *err)
{
	char **grown;

	for (size_t l = 0; l < a->n_levels; l++)
		if (strcmp(a->levels[l], s) == 0)
			return (int32_t)l;
	if (!(grown = realloc(a->levels, (a->n_levels + 1) * sizeof(char *))) ||
	    !(a->levels = grown, grown[a->n_levels] = strdup(s)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	return (int32_t)a->n_levels++;
}

static int acc_label(acc *a, const fl_table *t, int li, fl_err *err)
{
	const fl_column *c = &t->cols[li];
	int32_t *map = NULL;

	a->label_cat = c->type == FL_COL_CATEGORICAL;
	if (a->label_cat && !(map = malloc((c->n_levels + 1) * sizeof(int32_t))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t l = 0; a->label_cat && l < c->n_levels; l++)
		if ((map[l] = acc_level(a, c->levels[l], err)) < 0) {
			free(map);
			return err->code;
		}
	for (size_t i = 0; i < t->n_rows; i++) {
		if (fl_table_is_missing(t, (size_t)li, i)) {
			free(map);
			return fl_err_set(err, FL_EINVAL,
					  "label column '%s' is missing on data row %zu: drop those "
					  "rows first", c->name, a->n + i + 1);
		}
		if (a->label_cat)
			a->ycode[a->n + i] = map[c->codes[i]];
		else
			a->ynum[a->n + i] = c->num[i];
	}
	free(map);
	return 0;
}

/* Append one chunk: its features through fl_table_matrix (which refuses
 * categorical or incomplete columns, naming them) and its label. */
static int acc_chunk(acc *a, const fl_table *t, fl_err *err)
{
	int li = a->label ? fl_table_find(t, a->label) : -1;
	double *Xc = NULL;
	char **names = NULL;
	size_t d = 0;
	int rc;

	if (a->label && li < 0)
		return fl_err_set(err, FL_EINVAL, "label column '%s' does not exist", a->label);
	if ((rc = fl_table_matrix(t, a->label, &Xc, &names, &d, err)) < 0)
		return rc;
	if (!a->names) {
		a->names = names;
		a->d = d;
	} else {
		fl_names_free(names, d);
	}
	if ((rc = acc_grow(a, t->n_rows, err)) == 0 && li >= 0)
		rc = acc_label(a, t, li, err);
	if (rc == 0) {
		memcpy(a->X + a->n * a->d, Xc, t->n_rows * a->d * sizeof(double));
		a->n += t->n_rows;
	}
	free(Xc);
	return rc;
}

/* Read `path` chunk by chunk: CSV and floe HDF5 tables streamed, other
 * formats (netCDF, plain HDF5 datasets) as one table. */
static int acc_read(acc *a, const char *path, int n_threads, fl_err *err)
{
	fl_csv_opts co = FL_CSV_OPTS_INIT;
	fl_format f;
	fl_table *t = NULL;
	int rc;

	if ((rc = fl_format_detect(path, FL_FORMAT_UNKNOWN, &f, err)) < 0)
		return rc;
	if (f == FL_FORMAT_CSV) {
		fl_csv_reader *r = NULL;
		co.n_threads = n_threads;
		if ((rc = fl_csv_open(&r, path, &co, err)) < 0)
			return rc;
		while ((rc = fl_csv_next(r, &t, err)) == 0 && t)
			if ((rc = acc_chunk(a, t, err)) < 0)
				break;
		fl_csv_close(r);
		return rc;
	}
	if (f == FL_FORMAT_HDF5 && fl_h5table_is_table(path)) {
		fl_h5table_reader *r = NULL;
		if ((rc = fl_h5table_open(&r, path, err)) < 0)
			return rc;
		while ((rc = fl_h5table_next(r, 65536, &t, err)) == 0 && t) {
			rc = acc_chunk(a, t, err);
			fl_table_free(t);
			if (rc < 0)
				break;
		}
		fl_h5table_close(r);
		return rc;
	}
	if ((rc = fl_data_load(&t, path, NULL, err)) == 0)
		rc = acc_chunk(a, t, err);
	fl_table_free(t);
	return rc;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int cmp_double(const void *x, const void *y)
{
	double u = *(const double *)x, v = *(const double *)y;

	return (u > v) - (u < v);
}

/* Classes from a categorical label: its values sorted bytewise. */
static int classes_from_levels(fl_dataset *ds, acc *a, fl_err *err)
{
	char **sorted = malloc((a->n_levels + 1) * sizeof(char *));
	int32_t *rank = malloc((a->n_levels + 1) * sizeof(int32_t));
	int rc = 0;

	if (!sorted || !rank)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0) {
		memcpy(sorted, a->levels, a->n_levels * sizeof(char *));
		qsort(sorted, a->n_levels, sizeof(char *), cmp_str);
		rc = fl_dataset_set_classes(ds, a->n_levels, (const char *const *)sorted, err);
	}
	for (size_t l = 0; rc == 0 && l < a->n_levels; l++)
		rank[l] = (int32_t)((char **)bsearch(&a->levels[l], sorted, a->n_levels,
						     sizeof(char *), cmp_str) - sorted);
	for (size_t i = 0; rc == 0 && i < a->n; i++)
		ds->y_class[i] = rank[a->ycode[i]];
	free(sorted);
	free(rank);
	return rc;
}

/* Classes from a numeric label: its distinct values sorted numerically,
 * named with %.17g (so 3 is "3"). */
static int classes_from_numbers(fl_dataset *ds, acc *a, fl_err *err)
{
	double *v = malloc((a->n + 1) * sizeof(double));
	char **names = NULL;
	size_t k = 0;
	int rc = 0;

	if (!v)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	memcpy(v, a->ynum, a->n * sizeof(double));
	qsort(v, a->n, sizeof(double), cmp_double);
	for (size_t i = 0; i < a->n; i++)
		if (k == 0 || v[i] != v[k - 1])
			v[k++] = v[i];
	if (!(names = calloc(k + 1, sizeof(char *))))
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t c = 0; rc == 0 && c < k; c++)
		if (asprintf(&names[c], "%.17g", v[c]) < 0) {
			names[c] = NULL;
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		}
	if (rc == 0)
		rc = fl_dataset_set_classes(ds, k, (const char *const *)names, err);
	for (size_t i = 0; rc == 0 && i < a->n; i++)
		ds->y_class[i] = (int32_t)((double *)bsearch(&a->ynum[i], v, k, sizeof(double),
							     cmp_double) - v);
	fl_names_free(names, names ? k : 0);
	free(v);
	return rc;
}

/* Hand the gathered rows to a new data set (the matrix moves, no copy). */
static int acc_finish(fl_dataset **out, acc *a, fl_label_mode mode, fl_err *err)
{
	fl_dataset *ds = calloc(1, sizeof(*ds));
	int rc = 0;

	if (!ds || !(ds->feature_types = calloc(a->d + 1, 1)))
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0) {
		double *shrunk = realloc(a->X, (a->n * a->d + 1) * sizeof(double));
		ds->X = shrunk ? shrunk : a->X;
		ds->n = a->n;
		ds->d = a->d;
		ds->feature_names = a->names;
		a->X = NULL;
		a->names = NULL;
		if (a->label && !(ds->label_name = strdup(a->label)))
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if (rc == 0 && a->label) {
		if (mode == FL_LABEL_AUTO)
			mode = a->label_cat ? FL_LABEL_CLASS : FL_LABEL_REAL;
		if (mode == FL_LABEL_REAL && a->label_cat)
			rc = fl_err_set(err, FL_EINVAL, "label column '%s' is categorical: "
					"regression needs a numeric label", a->label);
		else if (mode == FL_LABEL_REAL && (rc = fl_dataset_set_real_target(ds, err)) == 0)
			memcpy(ds->y_real, a->ynum, a->n * sizeof(double));
		else if (mode == FL_LABEL_CLASS)
			rc = a->label_cat ? classes_from_levels(ds, a, err)
					  : classes_from_numbers(ds, a, err);
	}
	if (rc < 0) {
		fl_dataset_free(ds);
		return rc;
	}
	*out = ds;
	return 0;
}

static int load(fl_dataset **out, const char *path, const char *label, fl_label_mode mode,
		int n_threads, fl_err *err)
{
	acc a = { 0 };
	int rc;

	*out = NULL;
	a.label = label;
	rc = acc_read(&a, path, n_threads, err);
	if (rc == 0 && a.n == 0)
		rc = fl_err_set(err, FL_EINVAL, "no data rows");
	if (rc == 0)
		rc = acc_finish(out, &a, mode, err);
	acc_free(&a);
	return rc < 0 ? fl_err_wrap(err, "%s", path) : 0;
}

int fl_mldata_load_train(fl_dataset **out, const char *path, const char *label,
			 const fl_model_kind *kind, int n_threads, fl_err *err)
{
	*out = NULL;
	if (!label && (kind->task == FL_TASK_CLASSIFICATION || kind->task == FL_TASK_REGRESSION))
		return fl_err_set(err, FL_EINVAL, "%s is %s: name the label column (--label)",
				  kind->name, fl_task_name(kind->task));
	return load(out, path, label,
		    kind->task == FL_TASK_REGRESSION ? FL_LABEL_REAL : FL_LABEL_CLASS, n_threads,
		    err);
}

/* Does the file have a column `name`? (reads only the header or schema) */
static int has_column(const char *path, const char *name)
{
	fl_err err = FL_ERR_INIT;
	fl_format f;
	int found = 0;

	if (fl_format_detect(path, FL_FORMAT_UNKNOWN, &f, &err) < 0)
		return 0;
	if (f == FL_FORMAT_CSV) {
		fl_csv_reader *r = NULL;
		if (fl_csv_open(&r, path, NULL, &err) == 0)
			found = fl_table_find(fl_csv_schema(r), name) >= 0;
		fl_csv_close(r);
	} else if (f == FL_FORMAT_HDF5 && fl_h5table_is_table(path)) {
		fl_h5table_reader *r = NULL;
		if (fl_h5table_open(&r, path, &err) == 0)
			found = fl_table_find(fl_h5table_schema(r), name) >= 0;
		fl_h5table_close(r);
	}
	return found;
}

int fl_mldata_load_apply(fl_dataset **out, const char *path, const char *label,
			 const fl_model *m, int n_threads, fl_err *err)
{
	fl_label_mode mode = m->schema.target == FL_TARGET_REAL ? FL_LABEL_REAL : FL_LABEL_CLASS;

	*out = NULL;
	if (!label && m->schema.label_name && has_column(path, m->schema.label_name))
		label = m->schema.label_name;
	return load(out, path, label, mode, n_threads, err);
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
