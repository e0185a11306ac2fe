/* dataset.h - the plain in-memory data set the ML core fits and predicts on:
 * n rows of d double features (row-major), an optional target (class
 * indices with class names, or real values) and the feature names. No I/O
 * here: loaders build one (lib/ml/tableglue.c turns a table into one).
 *
 * Ownership: an fl_dataset made by fl_dataset_new() owns every array and
 * string it points to; fl_dataset_free() frees them all and the struct. */
#ifndef FL_DATASET_H
#define FL_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* What the target column holds. */
typedef enum fl_target_type {
	FL_TARGET_NONE = 0,  /* no target (clustering, PCA, prediction input) */
	FL_TARGET_CLASS = 1, /* y_class: indices into class_names */
	FL_TARGET_REAL = 2,  /* y_real: real values (regression) */
} fl_target_type;

/* The type a feature had in its source, recorded in model schemas so that
 * data of another type is refused. All features are doubles in X. */
typedef enum fl_feature_type {
	FL_FEATURE_F64 = 0,      /* real number (default) */
	FL_FEATURE_INT = 1,      /* whole number */
	FL_FEATURE_BOOL = 2,     /* 0/1 */
	FL_FEATURE_CATEGORY = 3, /* category code (0..k-1) made by a prepare step */
} fl_feature_type;

typedef struct fl_dataset {
	size_t n;                    /* rows */
	size_t d;                    /* features per row */
	double *X;                   /* n*d, row-major: X[i*d + j] */
	char **feature_names;        /* d NUL-terminated names, in column order */
	uint8_t *feature_types;      /* d fl_feature_type values */
	char *label_name;            /* name of the target column, or NULL */
	fl_target_type target;       /* which of y_class / y_real is set */
	int32_t *y_class;            /* n class indices in [0, n_classes) */
	size_t n_classes;            /* number of class names */
	char **class_names;          /* n_classes names, sorted as the loader
				      * defines (bytewise for text labels) */
	double *y_real;              /* n real targets */
} fl_dataset;

/* A new data set of n rows and d features: X zero-filled, feature names
 * "x0".."x{d-1}", types F64, no target. *out owned by the caller
 * (fl_dataset_free). n or d of 0 is allowed here (fits refuse it). */
int fl_dataset_new(fl_dataset **out, size_t n, size_t d, fl_err *err);

/* Free everything the data set owns, and the struct. NULL is allowed. */
void fl_dataset_free(fl_dataset *ds);

/* Replace feature j's name with a copy of `name`. */
int fl_dataset_set_feature_name(fl_dataset *ds, size_t j, const char *name,
				fl_err *err);

/* Replace the label name with a copy of `name` (NULL clears it). */
int fl_dataset_set_label_name(fl_dataset *ds, const char *name, fl_err *err);

/* Make the target a class target with copies of `names` (n_classes of them)
 * and a zero-filled y_class of n entries, to be filled by the caller. Any
 * previous target is freed. */
int fl_dataset_set_classes(fl_dataset *ds, size_t n_classes,
			   const char *const *names, fl_err *err);

/* Make the target a real target: a zero-filled y_real of n entries. */
int fl_dataset_set_real_target(fl_dataset *ds, fl_err *err);

/* A new data set made of rows idx[0..m) of `ds` (in that order), with the
 * same names, types, classes and target. *out owned by the caller. */
int fl_dataset_subset(fl_dataset **out, const fl_dataset *ds,
		      const size_t *idx, size_t m, fl_err *err);

/* Shuffle the rows with `seed` and split: the last round(n * test_frac)
 * rows of the permutation go to *test, the others to *train (both owned by
 * the caller). test_frac in [0, 1); with 0, *test is an empty data set.
 * Refuses a split that leaves the training part empty. */
int fl_dataset_split(const fl_dataset *ds, double test_frac, uint64_t seed,
		     fl_dataset **train, fl_dataset **test, fl_err *err);

/* The same split as fl_dataset_split (the same rows in the same order)
 * without copying the training rows: the rows of `ds` are permuted in
 * place and `ds` is cut to the training part; *test (owned by the caller)
 * gets the held-out rows. Peak memory: the data plus the test part. */
int fl_dataset_split_inplace(fl_dataset *ds, double test_frac, uint64_t seed,
			     fl_dataset **test, fl_err *err);

/* FL_EINVAL naming the first row and feature (1-based row, feature name)
 * that holds NaN or an infinity, in X or in y_real. */
int fl_dataset_check_finite(const fl_dataset *ds, fl_err *err);

/* Name of a feature type ("f64", "int", "bool", "category"); and back
 * (returns -1 for an unknown name). */
const char *fl_feature_type_name(fl_feature_type t);
int fl_feature_type_parse(const char *name);

#endif
