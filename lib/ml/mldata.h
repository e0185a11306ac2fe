/* mldata.h - the one place where the ML core meets the data loaders
 * (lib/data): read a CSV or HDF5 file and extract the fl_dataset a model
 * fits on or is applied to. Swapping loaders means changing mldata.c only. */
#ifndef FL_MLDATA_H
#define FL_MLDATA_H

#include "core/err.h"
#include "ml/dataset.h"
#include "ml/model.h"

/* Read `path` (CSV or HDF5, detected from the name and content) for
 * training a `kind`: every column except `label` is a feature and must be
 * numeric without missing values (the message names the column). The
 * label is read as classes for classification and clustering (so that
 * scores can compare clusters with it), as numbers for regression; it may
 * be NULL except for classification and regression. *out owned by the
 * caller. */
int fl_mldata_load_train(fl_dataset **out, const char *path, const char *label,
			 const fl_model_kind *kind, int n_threads, fl_err *err);

/* Read `path` for applying model `m`: the label column (`label`, or the
 * model's training label when `label` is NULL and the file has it) is
 * set aside as the target, every other column is a feature, checked
 * against the model's schema later (fl_schema_check). */
int fl_mldata_load_apply(fl_dataset **out, const char *path, const char *label,
			 const fl_model *m, int n_threads, fl_err *err);

/* The model's outputs for every row of `ds` as a new table (*out owned by
 * the caller, fl_table_free): classification "prediction" (the class
 * name, categorical) and with `proba` one "proba_<class>" column per
 * class; regression "prediction"; clustering "cluster"; reduction
 * "pc1".."pcK". */
struct fl_table;
int fl_mldata_predictions(struct fl_table **out, const fl_model *m, const fl_dataset *ds,
			  int proba, int n_threads, fl_err *err);

/* Write a table atomically: HDF5 (floe table) when `path` ends in .h5 or
 * .hdf5, CSV otherwise. */
int fl_mldata_write(const struct fl_table *t, const char *path, fl_err *err);

#endif
