/* transform.h - prepare transforms on tables: select/drop columns, drop
 * rows with missing values, filter rows, impute, encode, scale.
 *
 * Fitted transforms (impute, encode, scale) learn from training data and
 * return what they learnt as a JSON object (the "fitted transform",
 * docs/data.md); fl_tf_apply() re-applies it exactly to new data. The
 * stateless transforms have the same JSON form, so a whole prepare
 * pipeline is a JSON array that fl_tf_apply_all() replays at implement
 * time:
 *
 *     json_t *fit = NULL;
 *     fl_scale_opts so = FL_SCALE_OPTS_INIT;   // standard, all numeric
 *     so.cols.exclude = (const char *[]){ "species" };
 *     so.cols.n_exclude = 1;
 *     fl_scale_fit(&fit, train, &so, &err);    // learn means and stds
 *     fl_tf_apply(&train2, train, fit, &err);  // same on train ...
 *     fl_tf_apply(&test2, test, fit, &err);    // ... and on new data
 *     char *text = fl_tf_dumps(fit);           // save it with the data
 *
 * Every function leaves its input untouched and returns a new table
 * (*out, owned by the caller) or a new JSON reference. */
#ifndef FL_TRANSFORM_H
#define FL_TRANSFORM_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"
#include "data/table.h"

/* Which columns a transform works on. */
typedef struct fl_cols {
	const char *const *names;   /* NULL: every column the transform applies to */
	size_t n;                   /* number of names */
	const char *const *exclude; /* never touched (the label, say) */
	size_t n_exclude;           /* number of excluded names */
} fl_cols;

#define FL_COLS_ALL { NULL, 0, NULL, 0 }

/* Keep only `names`, in that order / remove `names`. A name that is not a
 * column is FL_EINVAL listing the columns there are. */
int fl_tf_select(fl_table **out, const fl_table *t, const char *const *names,
		 size_t n, fl_err *err);
int fl_tf_drop(fl_table **out, const fl_table *t, const char *const *names,
	       size_t n, fl_err *err);

/* Remove the rows with a missing value in any of the chosen columns. */
int fl_tf_dropna(fl_table **out, const fl_table *t, const fl_cols *cols,
		 fl_err *err);

/* Keep the rows where `expr` holds. The expression (docs/data.md):
 *   cond [and cond]...
 *   cond: COLUMN OP VALUE | COLUMN is missing | COLUMN is not missing
 *   OP: == != < <= > >=   (categorical columns: == and != only)
 *   COLUMN: a name of letters, digits, '_', '.', or `any name` in backticks
 *   VALUE: a number, or text: 'quoted', "quoted" or a bare word
 * A missing value satisfies no comparison. */
int fl_tf_filter(fl_table **out, const fl_table *t, const char *expr,
		 fl_err *err);

typedef enum fl_impute_strategy {
	FL_IMPUTE_MEAN = 0,
	FL_IMPUTE_MEDIAN = 1,
	FL_IMPUTE_MOST_FREQUENT = 2,
	FL_IMPUTE_CONSTANT = 3,
} fl_impute_strategy;

typedef struct fl_impute_opts {
	fl_cols cols;                /* default: numeric columns for mean and
					median, every column otherwise */
	fl_impute_strategy strategy; /* how the fill value is chosen */
	double fill_number;          /* constant: for numeric columns (0) */
	const char *fill_text;       /* constant: for categorical ("missing") */
} fl_impute_opts;

#define FL_IMPUTE_OPTS_INIT { FL_COLS_ALL, FL_IMPUTE_MEAN, 0.0, NULL }

/* Learn one fill value per column. A column with no values to learn from
 * (all missing) or of the wrong type for the strategy is FL_EINVAL. */
int fl_impute_fit(json_t **fitted, const fl_table *t, const fl_impute_opts *o,
		  fl_err *err);

typedef enum fl_encode_method {
	FL_ENCODE_ONE_HOT = 0, /* one 0/1 column "name=category" per category */
	FL_ENCODE_ORDINAL = 1, /* category index 0..k-1 (sorted categories) */
} fl_encode_method;

typedef struct fl_encode_opts {
	fl_cols cols;            /* default: every categorical column */
	fl_encode_method method; /* one_hot or ordinal */
	int unknown_ignore;      /* 0: a category not seen in fitting is an
				    error; 1: all-zero one-hot / missing */
} fl_encode_opts;

#define FL_ENCODE_OPTS_INIT { FL_COLS_ALL, FL_ENCODE_ONE_HOT, 0 }

/* Learn the sorted category list of each column. */
int fl_encode_fit(json_t **fitted, const fl_table *t, const fl_encode_opts *o,
		  fl_err *err);

typedef enum fl_scale_method {
	FL_SCALE_STANDARD = 0, /* (x - mean) / std (population std) */
	FL_SCALE_MINMAX = 1,   /* (x - min) / (max - min) */
	FL_SCALE_ROBUST = 2,   /* (x - median) / (q75 - q25) */
} fl_scale_method;

typedef struct fl_scale_opts {
	fl_cols cols;           /* default: every numeric column */
	fl_scale_method method; /* standard, minmax or robust */
} fl_scale_opts;

#define FL_SCALE_OPTS_INIT { FL_COLS_ALL, FL_SCALE_STANDARD }

/* Learn center and scale per column (a zero scale becomes 1). */
int fl_scale_fit(json_t **fitted, const fl_table *t, const fl_scale_opts *o,
		 fl_err *err);

/* Parse names used in recipes: "mean", "one_hot", "robust", ... Return 0
 * and set *out, or FL_EINVAL listing the valid names. */
int fl_impute_strategy_parse(const char *s, fl_impute_strategy *out, fl_err *err);
int fl_encode_method_parse(const char *s, fl_encode_method *out, fl_err *err);
int fl_scale_method_parse(const char *s, fl_scale_method *out, fl_err *err);

/* Apply one transform given as JSON: a fitted transform, or a stateless
 * one {"kind": "select"|"drop", "columns": [...]}, {"kind": "dropna",
 * "columns": [...] (optional)}, {"kind": "filter", "expr": "..."}. A
 * column the transform names that the table lacks is FL_EINVAL. */
int fl_tf_apply(fl_table **out, const fl_table *t, const json_t *tf,
		fl_err *err);

/* Apply a JSON array of transforms in order. */
int fl_tf_apply_all(fl_table **out, const fl_table *t, const json_t *list,
		    fl_err *err);

/* The canonical text of a transform or a list: compact, keys sorted,
 * doubles with 17 significant digits (%.17g), so identical fits give
 * identical bytes and read back to identical doubles. malloc'd, caller
 * frees; NULL when out of memory. */
char *fl_tf_dumps(const json_t *tf);

#endif
