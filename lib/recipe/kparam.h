/* kparam.h - what every step kind's run function needs to read its
 * parameters: typed reads of present-or-defaulted parameters with
 * recipe positions in the errors, an error re-pointed at a parameter, and
 * the input-count check. Step-kind plumbing shared by all layers' kinds
 * (data, media, ...); the table-specific helpers stay in data/kindutil.h. */
#ifndef FL_KPARAM_H
#define FL_KPARAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "recipe/step.h"

/* A parameter's node, or NULL when absent. Borrowed. */
const fl_value *fl_kparam(const fl_step_ctx *ctx, const char *key);

/* Typed reads of a present-or-defaulted parameter (positioned errors).
 * fl_kparam_str gives "" for an absent parameter without default. */
int fl_kparam_str(const fl_step_ctx *ctx, const char *key, const char **out, fl_err *err);
int fl_kparam_int(const fl_step_ctx *ctx, const char *key, int64_t *out, fl_err *err);
int fl_kparam_float(const fl_step_ctx *ctx, const char *key, double *out, fl_err *err);
int fl_kparam_bool(const fl_step_ctx *ctx, const char *key, int *out, fl_err *err);

/* A list-of-text parameter as a malloc'd array of borrowed strings (caller
 * frees the array; *out NULL and *n 0 when absent). */
int fl_kparam_strs(const fl_step_ctx *ctx, const char *key, const char ***out,
		   size_t *n, fl_err *err);

/* Re-point the error in `err` (status rc) at parameter `key`:
 * "recipe.yaml:L:C: step 'x': <message>". Returns rc. */
int fl_kparam_blame(const fl_step_ctx *ctx, const char *key, int rc, fl_err *err);

/* A check that the step has exactly one input (`n_max` 1) or at least one
 * (`n_max` 0); positioned at the step. */
int fl_kind_check_inputs(const fl_step_ctx *ctx, const char *kind, size_t n_max,
			 fl_err *err);

#endif
