/* params.h - a step's `params:` checked against its kind's schema, and
 * their canonical form (the part of the step key that holds parameters). */
#ifndef FL_RECIPE_PARAMS_H
#define FL_RECIPE_PARAMS_H

#include <jansson.h>

#include "core/err.h"
#include "recipe/step.h"
#include "recipe/value.h"

/* Check `given` (the step's `params:` mapping; NULL when the step has
 * none) against `spec`: every key known (else the nearest valid one is
 * suggested), every value of the declared type, every required one
 * present (blamed on `at`, the step's node). *out receives a new mapping
 * holding the given values plus the defaults of absent ones, in schema
 * order (caller frees with fl_value_free). */
int fl_params_check(fl_value **out, const fl_param_spec *spec,
		    const fl_value *given, const fl_value *at, fl_err *err);

/* The canonical JSON object of checked parameters: keys sorted, values
 * typed by the schema (whole numbers as integers, numbers as reals,
 * booleans, strings, arrays; MAP as an object of strings), so that
 * `max_depth: 3` and `max_depth: "3"` and `alpha: 1` / `alpha: 1.0`
 * give the same key. New reference in *out. */
int fl_params_canonical(json_t **out, const fl_param_spec *spec,
			const fl_value *params, fl_err *err);

/* Name of a type as used in messages and docs ("whole number"). */
const char *fl_param_type_name(fl_param_type t);

#endif
