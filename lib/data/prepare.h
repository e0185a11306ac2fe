/* prepare.h - the prepare chain: every transform the prepare steps applied
 * to a table (stateless and fitted), in order, stored with the prepared
 * HDF5 table, and re-applied exactly to new raw data by the implement
 * phase.
 *
 * A prepared table (the output of a prepare step kind: load, select, drop,
 * dropna, filter, impute, encode, scale, split, kfold, rebalance) carries
 * in its HDF5 attribute `floe_fitted` the chain that turns the raw table
 * (what `load` read) into it: a JSON array of transforms in the form of
 * transform.h ({"kind": "impute", "strategy": ..., "columns": [...]} ...),
 * each with an extra "step" key naming the recipe step that made it.
 * Row partitions (split, kfold, rebalance) are not in the chain: they
 * choose rows, they do not change them. Fitted transforms were learnt on
 * the training table only, so the chain of the validation and test tables
 * and of the training table are the same.
 *
 * The implement side:
 *
 *     fl_table *raw = NULL, *ready = NULL;
 *     json_t *chain = NULL;
 *     uint32_t *rows = NULL;
 *     fl_prep_apply_opts o = FL_PREP_APPLY_OPTS_INIT;
 *     o.label = "species";          // new data may lack it: skipped then
 *     if (fl_data_load(&raw, "new.csv", NULL, &err) < 0 ||
 *         fl_prep_chain_read(&chain, "out/r/scale/train.h5", &err) < 0 ||
 *         fl_prep_apply(&ready, &rows, raw, chain, &o, &err) < 0)
 *             goto fail;            // err.msg names the column or category
 *     // ready: the same columns, in the same order, as the prepared train
 *     // table (less the label when raw had none); rows[i]: the row of raw
 *     // that ready's row i came from (dropna / filter may drop rows).
 *     json_decref(chain); free(rows); ...
 */
#ifndef FL_PREPARE_H
#define FL_PREPARE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "data/table.h"

/* Read the chain stored with the prepared floe HDF5 table at `path`: *out
 * a new reference to a JSON array (empty when the table was loaded and
 * never transformed). A file that is not a floe table is FL_EINVAL; a
 * `floe_fitted` attribute that is not a JSON array of transforms is
 * FL_EINVAL naming the file. */
int fl_prep_chain_read(json_t **out, const char *path, fl_err *err);

typedef struct fl_prep_apply_opts {
	const char *label; /* the label column, or NULL. When `raw` has no
			      column of that name (new data to predict), every
			      mention of it in the chain is skipped; when it
			      has one, it is transformed like the training
			      data's label was. */
} fl_prep_apply_opts;

#define FL_PREP_APPLY_OPTS_INIT { NULL }

/* Apply `chain` (as read by fl_prep_chain_read) to the raw table `raw`
 * (which is left untouched): *out a new table owned by the caller. When
 * `rows` is not NULL, *rows receives a malloc'd array of (*out)->n_rows
 * indices: the row of `raw` each output row came from (the caller frees
 * it). A column the chain needs that `raw` lacks, or a category not seen
 * in fitting (unless the encode step allowed it), is FL_EINVAL with a
 * message naming it and the step that needs it. */
int fl_prep_apply(fl_table **out, uint32_t **rows, const fl_table *raw,
		  const json_t *chain, const fl_prep_apply_opts *o, fl_err *err);

/* fl_prep_chain_read(prepared) then fl_prep_apply(raw). */
int fl_prep_apply_file(fl_table **out, uint32_t **rows, const fl_table *raw,
		       const char *prepared, const fl_prep_apply_opts *o,
		       fl_err *err);

#endif
