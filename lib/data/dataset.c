/* dataset.c - the ML core's data set (lib/ml/dataset.h) from a table:
 * features X and the label as classes or a real target (declared in
 * table.h, beside the matrix view it builds on). */
#define _GNU_SOURCE
#include "data/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Classes of a categorical label: its levels sorted bytewise. */
static int classes_categorical(fl_dataset *ds, const fl_column *c, size_t n,
			       fl_err *err)
{
	int32_t *rank = NULL;
	int rc = 0;

	ds->class_names = calloc(c->n_levels + 1, sizeof(char *));
	rank = malloc((c->n_levels + 1) * sizeof(*rank));
	if (!ds->class_names || !rank || !(ds->y_class = malloc((n + 1) * sizeof(int32_t)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	/* Only levels that occur count as classes. */
	char *used = calloc(c->n_levels + 1, 1);
	if (!used) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++)
		used[c->codes[i]] = 1;
	for (size_t l = 0; l < c->n_levels; l++)
		if (used[l] && !(ds->class_names[ds->n_classes++] = strdup(c->levels[l])))
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	free(used);
	if (rc < 0)
		goto cleanup;
	qsort(ds->class_names, ds->n_classes, sizeof(char *), cmp_str);
	for (size_t l = 0; l < c->n_levels; l++) {
		char **hit = bsearch(&c->levels[l], ds->class_names, ds->n_classes,
				     sizeof(char *), cmp_str);
		rank[l] = hit ? (int32_t)(hit - ds->class_names) : -1;
	}
	for (size_t i = 0; i < n; i++)
		ds->y_class[i] = rank[c->codes[i]];
cleanup:
	free(rank);
	return rc;
}

/* Classes of a numeric label: its distinct values sorted numerically. */
static int classes_numeric(fl_dataset *ds, const fl_column *c, size_t n, fl_err *err)
{
	double *v = malloc((n + 1) * sizeof(*v));
	size_t k = 0;
	int rc = 0;

	if (!v || !(ds->y_class = malloc((n + 1) * sizeof(int32_t)))) {
		free(v);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	memcpy(v, c->num, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || v[i] != v[k - 1])
			v[k++] = v[i];
	if (!(ds->class_names = calloc(k + 1, sizeof(char *)))) {
		free(v);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (size_t j = 0; j < k; j++) {
		if (asprintf(&ds->class_names[j], "%.17g", v[j]) < 0) {
			ds->class_names[j] = NULL;
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
			break;
		}
		ds->n_classes++;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		double *hit = bsearch(&c->num[i], v, k, sizeof(*v), cmp_double);
		ds->y_class[i] = (int32_t)(hit - v);
	}
	free(v);
	return rc;
}

static int fill_label(fl_dataset *ds, const fl_table *t, int li, fl_label_mode mode,
		      fl_err *err)
{
	const fl_column *c = &t->cols[li];
	fl_col_stats st;

	fl_col_stats_compute(t, (size_t)li, &st);
	if (st.n_missing)
		return fl_err_set(err, FL_EINVAL,
				  "label column '%s' has %llu missing values: drop those rows first",
				  c->name, (unsigned long long)st.n_missing);
	if (mode == FL_LABEL_AUTO)
		mode = c->type == FL_COL_CATEGORICAL ? FL_LABEL_CLASS : FL_LABEL_REAL;
	ds->target = mode == FL_LABEL_REAL ? FL_TARGET_REAL : FL_TARGET_CLASS;
	if (mode == FL_LABEL_REAL) {
		if (c->type != FL_COL_NUMERIC)
			return fl_err_set(err, FL_EINVAL,
					  "label column '%s' is categorical: regression needs a numeric label",
					  c->name);
		if (!(ds->y_real = malloc((t->n_rows + 1) * sizeof(double))))
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		memcpy(ds->y_real, c->num, t->n_rows * sizeof(double));
		return 0;
	}
	return c->type == FL_COL_CATEGORICAL ? classes_categorical(ds, c, t->n_rows, err)
					     : classes_numeric(ds, c, t->n_rows, err);
}

int fl_dataset_from_table(fl_dataset **out, const fl_table *t,
			  const char *label, fl_label_mode mode, fl_err *err)
{
	fl_dataset *ds = NULL;
	int li = -1, rc;

	*out = NULL;
	if (label && (li = fl_table_find(t, label)) < 0)
		return fl_err_set(err, FL_EINVAL, "label column '%s' does not exist", label);
	if (!(ds = calloc(1, sizeof(*ds))) || (label && !(ds->label_name = strdup(label)))) {
		free(ds);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	ds->n = t->n_rows;
	if ((rc = fl_table_matrix(t, label, &ds->X, &ds->feature_names, &ds->d, err)) < 0 ||
	    (rc = (ds->feature_types = calloc(ds->d + 1, 1)) ? 0
			: fl_err_set(err, FL_ENOMEM, "out of memory")) < 0 ||
	    (label && (rc = fill_label(ds, t, li, mode, err)) < 0)) {
		fl_dataset_free(ds);
		return rc;
	}
	*out = ds;
	return 0;
}

int fl_dataset_X_f32(const fl_dataset *ds, float **out, fl_err *err)
{
	size_t n = ds->n * ds->d;

	if (!(*out = malloc((n ? n : 1) * sizeof(float))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		(*out)[i] = (float)ds->X[i];
	return 0;
}
