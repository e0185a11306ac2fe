/* stepkey.h - the step key: SHA-256 over a canonical serialisation of
 * everything that can change a step's result, and a readable diff of two
 * sets of key fields (`floe why`).
 *
 * The fields (a JSON object; docs/store.md):
 *   kind       the step kind
 *   params     canonical parameters (recipe/params.h)
 *   inputs     {slot: SHA-256 of the input's content, or null when not
 *               yet known (an upstream step must run first)}
 *   outputs    the declared output names
 *   seed       the recipe seed
 *   floe       floe's version
 *   libraries  {name: version} for the libraries the kind lists
 *   container  the image ID, or null
 * key = SHA-256("floe-step-key-1\n" + JSON with sorted keys, no spaces).
 * The thread count is not a field: results must not depend on it. */
#ifndef FL_STEPKEY_H
#define FL_STEPKEY_H

#include <jansson.h>

#include "core/err.h"
#include "core/sha256.h"
#include "recipe/recipe.h"

/* Build the fields of step `st`. `inputs[i]` is the digest of its i-th
 * input, or NULL when unknown. `env_libs` is the environment record's
 * "libraries" object. New reference in *out. */
int fl_stepkey_fields(json_t **out, const fl_recipe *r, const fl_step_def *st,
		      const fl_digest *const *inputs, const json_t *env_libs,
		      fl_err *err);

/* The key of complete fields (no null input). */
int fl_stepkey_digest(const json_t *fields, fl_digest *out, fl_err *err);

/* One line per difference from `old` to `now`, in a fixed order ("parameter
 * 'run' changed: ..."). *out is a new JSON array of strings. */
int fl_stepkey_diff(const json_t *old, const json_t *now, json_t **out, fl_err *err);

#endif
