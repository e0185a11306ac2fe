/* apply.h - a fitted model applied to new raw data: the prepare chain
 * stored in the model (the transforms the prepare steps fitted on the
 * training table) re-applied to the input, then the model's predictions,
 * written next to identifier columns copied from the input. Used by the
 * `implement` step kind and by `floe predict`.
 *
 * Includes no ML header (step kinds include it; see develop.h). */
#ifndef FL_APPLY_H
#define FL_APPLY_H

#include <stddef.h>

#include "core/err.h"

struct fl_model;
struct fl_table;

typedef struct fl_apply_opts {
	const char *const *id; /* input columns copied beside the predictions */
	size_t n_id;           /* number of names in id */
	int row_ids;           /* no id columns: 1 adds a "row" column (the
				  1-based input row), 0 adds nothing */
	int proba;             /* classifiers: proba_<class> columns too */
	int n_threads;         /* 0: all cores */
} fl_apply_opts;

#define FL_APPLY_OPTS_INIT { NULL, 0, 1, 0, 0 }

/* Predictions of `m` for every row of the raw table `raw` that survives the
 * model's prepare chain (a dropna or filter step may drop rows): the id
 * columns (or "row", see row_ids), then "prediction" (+ proba_<class>), "cluster", or
 * pc1..pcK. The training label, when the input has it, is not a feature.
 * Missing or extra feature columns and categories the model never saw are
 * FL_EINVAL naming them. *out owned by the caller (fl_table_free). */
int fl_apply_table(struct fl_table **out, const struct fl_model *m,
		   const struct fl_table *raw, const fl_apply_opts *o, fl_err *err);

/* Read `data` (CSV, HDF5 or netCDF; "-": standard input, CSV or HDF5),
 * apply the model file `model`, and write the predictions to `out` (.h5 or
 * .hdf5: a floe HDF5 table, otherwise CSV; atomically). `out` NULL: *table
 * receives the predictions instead (caller frees). */
int fl_apply_file(const char *model, const char *data, const char *out,
		  struct fl_table **table, const fl_apply_opts *o, fl_err *err);

/* The same with a model already loaded (borrowed), e.g. a bundle's. */
int fl_apply_model_to_file(const struct fl_model *m, const char *data,
			   const char *out, struct fl_table **table,
			   const fl_apply_opts *o, fl_err *err);

#endif
