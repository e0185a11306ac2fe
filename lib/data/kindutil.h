/* kindutil.h - what the step kinds that read and write floe tables share
 * (lib/data/kind_*.c, lib/media's table writer): the table kinds' `compress`
 * parameter and libraries, column parameters checked against a table,
 * reading input tables with their lineage (chain, input digests, steps),
 * writing outputs that carry it on, and the one driver behind every
 * table-to-table kind. Parameter reads (fl_kparam_*) are in recipe/kparam.h,
 * included here. */
#ifndef FL_KINDUTIL_H
#define FL_KINDUTIL_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"
#include "core/sha256.h"
#include "data/table.h"
#include "data/transform.h"
#include "recipe/kparam.h"
#include "recipe/step.h"

/* The `compress` parameter every kind that writes tables takes. */
#define FL_KIND_COMPRESS_PARAM \
	{ "compress", FL_PARAM_INT, 0, "0", "gzip level 1..9 of the HDF5 output; 0: none" }

/* The libraries whose versions enter the key of every table kind. */
extern const char *const fl_kind_table_libs[];

/* `columns` and `exclude` as an fl_cols (arrays malloc'd into *names and
 * *excl, which the caller frees). */
int fl_kparam_cols(const fl_step_ctx *ctx, fl_cols *cols, const char ***names,
		   const char ***excl, fl_err *err);

/* Every name in list parameter `key` (or the scalar parameter `key`) must be
 * a column of `t`: else FL_EINVAL at that name's position, listing the
 * columns `t` has ("input 'train'" in `which`). */
int fl_kparam_need_cols(const fl_step_ctx *ctx, const char *key, const fl_table *t,
			const char *which, fl_err *err);

/* A table input and where it came from. */
typedef struct fl_kin {
	fl_table *t;     /* the rows (owned) */
	json_t *chain;   /* the prepare chain so far (JSON array, owned) */
	json_t *inputs;  /* "sha256:<hex> <name>" strings (owned) */
	json_t *steps;   /* "<step> (<kind>)" strings (owned) */
} fl_kin;

/* Read input `i` of the step, which must be a floe HDF5 table. */
int fl_kin_read(fl_kin *k, const fl_step_ctx *ctx, size_t i, fl_err *err);

/* Append to `dst`'s inputs and steps those of `src` it lacks. */
int fl_kin_merge(fl_kin *dst, const fl_kin *src, fl_err *err);

void fl_kin_free(fl_kin *k);

/* Start the lineage of a table read from outside the store: inputs
 * ["sha256:<hex of d> <basename of path>"], empty chain and steps. */
int fl_kin_origin(fl_kin *k, const fl_digest *d, const char *path,
		  fl_err *err);

/* Write `t` to output `name` of the step with the lineage of `from`, this
 * step added to its steps ("<step> (<kind>)"), and `tf` (may be NULL)
 * appended to its chain with "step": <step>. Honours `compress`. */
int fl_kout_write(const fl_step_ctx *ctx, const char *kind, const char *name,
		  const fl_table *t, const fl_kin *from, const json_t *tf, fl_err *err);

/* The driver of the table-to-table kinds: each input i -> output i.
 *   fit (may be NULL): builds the transform, from the input chosen by the
 *     `fit` parameter (a fitted kind) or from `fit_t` NULL (a stateless one
 *     whose transform comes from parameters alone); *tf a new reference,
 *     appended to the chain of every output.
 *   rows (may be NULL): a row operation (rebalance) not recorded in the
 *     chain, applied to each input after the transform.
 * Fitted kinds learn on one table only and apply to all: the natural way
 * to keep validation and test data out of what is learnt. */
typedef int (*fl_kind_fit_fn)(const fl_step_ctx *ctx, const fl_table *fit_t,
			      json_t **tf, fl_err *err);
typedef int (*fl_kind_rows_fn)(const fl_step_ctx *ctx, const fl_table *t,
			       fl_table **out, fl_err *err);

int fl_kind_run_tables(const fl_step_ctx *ctx, const char *kind, int fitted,
		       fl_kind_fit_fn fit, fl_kind_rows_fn rows, fl_err *err);

/* The index of the input the `fit` parameter names (SLOT or SLOT.h5), or
 * FL_EINVAL positioned at the step, naming the inputs there are. */
int fl_kind_fit_input(const fl_step_ctx *ctx, size_t *out, fl_err *err);

#endif
