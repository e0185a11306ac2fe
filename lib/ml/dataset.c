/* dataset.c - the in-memory data set: construction, subsets, splits and
 * input checks. */
#define _GNU_SOURCE
#include "ml/dataset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"

static void free_strings(char **s, size_t n)
{
	if (!s)
		return;
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

static void clear_target(fl_dataset *ds)
{
	free(ds->y_class);
	free(ds->y_real);
	free_strings(ds->class_names, ds->n_classes);
	ds->y_class = NULL;
	ds->y_real = NULL;
	ds->class_names = NULL;
	ds->n_classes = 0;
	ds->target = FL_TARGET_NONE;
}

void fl_dataset_free(fl_dataset *ds)
{
	if (!ds)
		return;
	clear_target(ds);
	free(ds->X);
	free_strings(ds->feature_names, ds->d);
	free(ds->feature_types);
	free(ds->label_name);
	free(ds);
}

int fl_dataset_new(fl_dataset **out, size_t n, size_t d, fl_err *err)
{
	fl_dataset *ds = calloc(1, sizeof(*ds));

	*out = NULL;
	if (!ds)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	ds->n = n;
	ds->d = d;
	if (d && n > SIZE_MAX / sizeof(double) / d)
		goto nomem;
	ds->X = calloc(n * d > 0 ? n * d : 1, sizeof(double));
	ds->feature_names = calloc(d ? d : 1, sizeof(char *));
	ds->feature_types = calloc(d ? d : 1, 1);
	if (!ds->X || !ds->feature_names || !ds->feature_types)
		goto nomem;
	for (size_t j = 0; j < d; j++)
		if (asprintf(&ds->feature_names[j], "x%zu", j) < 0) {
			ds->feature_names[j] = NULL;
			goto nomem;
		}
	*out = ds;
	return 0;
nomem:
	fl_dataset_free(ds);
	return fl_err_set(err, FL_ENOMEM, "out of memory for a %zu x %zu data set", n, d);
}

int fl_dataset_set_feature_name(fl_dataset *ds, size_t j, const char *name,
				fl_err *err)
{
	char *c = strdup(name);

	if (!c)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	free(ds->feature_names[j]);
	ds->feature_names[j] = c;
	return 0;
}

int fl_dataset_set_label_name(fl_dataset *ds, const char *name, fl_err *err)
{
	char *c = NULL;

	if (name && !(c = strdup(name)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	free(ds->label_name);
	ds->label_name = c;
	return 0;
}

int fl_dataset_set_classes(fl_dataset *ds, size_t n_classes,
			   const char *const *names, fl_err *err)
{
	clear_target(ds);
	ds->class_names = calloc(n_classes ? n_classes : 1, sizeof(char *));
	ds->y_class = calloc(ds->n ? ds->n : 1, sizeof(int32_t));
	if (!ds->class_names || !ds->y_class)
		goto nomem;
	ds->n_classes = n_classes;
	for (size_t k = 0; k < n_classes; k++)
		if (!(ds->class_names[k] = strdup(names[k])))
			goto nomem;
	ds->target = FL_TARGET_CLASS;
	return 0;
nomem:
	clear_target(ds);
	return fl_err_set(err, FL_ENOMEM, "out of memory");
}

int fl_dataset_set_real_target(fl_dataset *ds, fl_err *err)
{
	clear_target(ds);
	if (!(ds->y_real = calloc(ds->n ? ds->n : 1, sizeof(double))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	ds->target = FL_TARGET_REAL;
	return 0;
}

static int copy_meta(fl_dataset *dst, const fl_dataset *src, fl_err *err)
{
	for (size_t j = 0; j < src->d; j++)
		if (fl_dataset_set_feature_name(dst, j, src->feature_names[j], err) < 0)
			return err ? err->code : FL_ENOMEM;
	memcpy(dst->feature_types, src->feature_types, src->d);
	if (fl_dataset_set_label_name(dst, src->label_name, err) < 0)
		return FL_ENOMEM;
	if (src->target == FL_TARGET_CLASS)
		return fl_dataset_set_classes(dst, src->n_classes,
					      (const char *const *)src->class_names, err);
	if (src->target == FL_TARGET_REAL)
		return fl_dataset_set_real_target(dst, err);
	return 0;
}

int fl_dataset_subset(fl_dataset **out, const fl_dataset *ds,
		      const size_t *idx, size_t m, fl_err *err)
{
	fl_dataset *s = NULL;
	int rc;

	*out = NULL;
	if ((rc = fl_dataset_new(&s, m, ds->d, err)) < 0)
		return rc;
	if ((rc = copy_meta(s, ds, err)) < 0) {
		fl_dataset_free(s);
		return rc;
	}
	for (size_t i = 0; i < m; i++) {
		memcpy(s->X + i * ds->d, ds->X + idx[i] * ds->d, ds->d * sizeof(double));
		if (ds->target == FL_TARGET_CLASS)
			s->y_class[i] = ds->y_class[idx[i]];
		else if (ds->target == FL_TARGET_REAL)
			s->y_real[i] = ds->y_real[idx[i]];
	}
	*out = s;
	return 0;
}

/* The split's permutation: *idx (n entries, caller frees); the last
 * *n_test entries are the test rows. */
static int split_perm(size_t n, double test_frac, uint64_t seed, size_t **idx,
		      size_t *n_test, fl_err *err)
{
	fl_rng r;

	*idx = NULL;
	if (!(test_frac >= 0 && test_frac < 1))
		return fl_err_set(err, FL_EINVAL, "test size must be in [0, 1), not %g",
				  test_frac);
	*n_test = (size_t)llround((double)n * test_frac);
	if (*n_test >= n)
		return fl_err_set(err, FL_EINVAL,
				  "a test size of %g leaves no training rows (%zu rows)",
				  test_frac, n);
	if (!(*idx = malloc((n ? n : 1) * sizeof(size_t))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		(*idx)[i] = i;
	/* Fisher-Yates on size_t indices, stream 0 of the seed. */
	fl_rng_seed(&r, seed, 0);
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)fl_rng_below(&r, i);
		size_t t = (*idx)[i - 1];
		(*idx)[i - 1] = (*idx)[j];
		(*idx)[j] = t;
	}
	return 0;
}

int fl_dataset_split(const fl_dataset *ds, double test_frac, uint64_t seed,
		     fl_dataset **train, fl_dataset **test, fl_err *err)
{
	size_t *idx = NULL, n_test;
	int rc;

	*train = *test = NULL;
	if ((rc = split_perm(ds->n, test_frac, seed, &idx, &n_test, err)) < 0)
		return rc;
	rc = fl_dataset_subset(train, ds, idx, ds->n - n_test, err);
	if (rc == 0)
		rc = fl_dataset_subset(test, ds, idx + (ds->n - n_test), n_test, err);
	if (rc < 0) {
		fl_dataset_free(*train);
		*train = NULL;
	}
	free(idx);
	return rc;
}

/* Row i of the result is row idx[i] of the input, for X and the target,
 * following the permutation's cycles with one spare row. */
static int gather_rows(fl_dataset *ds, const size_t *idx, fl_err *err)
{
	size_t d = ds->d, w = d * sizeof(double);
	uint8_t *done = calloc(ds->n ? ds->n : 1, 1);
	double *row = malloc(w + sizeof(double)), yr = 0;
	int32_t yc = 0;

	if (!done || !row) {
		free(done);
		free(row);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (size_t s = 0; s < ds->n; s++) {
		if (done[s])
			continue;
		memcpy(row, ds->X + s * d, w);
		if (ds->y_class)
			yc = ds->y_class[s];
		if (ds->y_real)
			yr = ds->y_real[s];
		size_t j = s;
		for (size_t k = idx[j]; k != s; j = k, k = idx[j]) {
			memcpy(ds->X + j * d, ds->X + k * d, w);
			if (ds->y_class)
				ds->y_class[j] = ds->y_class[k];
			if (ds->y_real)
				ds->y_real[j] = ds->y_real[k];
			done[j] = 1;
		}
		memcpy(ds->X + j * d, row, w);
		if (ds->y_class)
			ds->y_class[j] = yc;
		if (ds->y_real)
			ds->y_real[j] = yr;
		done[j] = 1;
	}
	free(done);
	free(row);
	return 0;
}

int fl_dataset_split_inplace(fl_dataset *ds, double test_frac, uint64_t seed,
			     fl_dataset **test, fl_err *err)
{
	size_t *idx = NULL, n_test, n_train;
	int rc;

	*test = NULL;
	if ((rc = split_perm(ds->n, test_frac, seed, &idx, &n_test, err)) < 0)
		return rc;
	n_train = ds->n - n_test;
	if ((rc = fl_dataset_subset(test, ds, idx + n_train, n_test, err)) == 0 &&
	    (rc = gather_rows(ds, idx, err)) == 0) {
		double *X = realloc(ds->X, (n_train * ds->d + 1) * sizeof(double));
		ds->X = X ? X : ds->X; /* shrinking; keep the block if it fails */
		ds->n = n_train;
	}
	if (rc < 0) {
		fl_dataset_free(*test);
		*test = NULL;
	}
	free(idx);
	return rc;
}

int fl_dataset_check_finite(const fl_dataset *ds, fl_err *err)
{
	for (size_t i = 0; i < ds->n; i++) {
		const double *row = ds->X + i * ds->d;
		for (size_t j = 0; j < ds->d; j++)
			if (!isfinite(row[j]))
				return fl_err_set(err, FL_EINVAL,
						  "row %zu, feature '%s': %s in the input "
						  "(remove or impute missing values first)",
						  i + 1, ds->feature_names[j],
						  isnan(row[j]) ? "NaN" : "infinity");
		if (ds->target == FL_TARGET_REAL && !isfinite(ds->y_real[i]))
			return fl_err_set(err, FL_EINVAL, "row %zu: target '%s' is %s",
					  i + 1, ds->label_name ? ds->label_name : "y",
					  isnan(ds->y_real[i]) ? "NaN" : "infinite");
	}
	return 0;
}

static const char *const type_names[] = { "f64", "int", "bool", "category" };

const char *fl_feature_type_name(fl_feature_type t)
{
	return (unsigned)t < 4 ? type_names[t] : "unknown";
}

int fl_feature_type_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, type_names[i]) == 0)
			return i;
	return -1;
}
