/* grid.h - the candidates of a develop step: a list of model kinds, each
 * with a grid of parameter values, expanded into every combination.
 *
 *   candidates:
 *     - kind: logistic_regression
 *       params: {C: [0.1, 1, 10]}          # a list: the values to try
 *     - kind: random_forest
 *       params: {n_estimators: 200, max_depth: [~, 8]}   # a scalar: one value
 *     - kind: mlp
 *       params: {hidden_layer_sizes: [[64], [64, 32]]}   # list-valued: nest it
 *
 * Order (it breaks ties in the selection): candidates as listed; within
 * one, the product of its parameters in the order written, the last
 * parameter changing fastest. Every value is checked against the kind's
 * parameter table when the recipe is checked; messages carry the value's
 * file:line:column. */
#ifndef FL_GRID_H
#define FL_GRID_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"
#include "ml/model.h"
#include "recipe/value.h"

/* One point of the grid: a kind with fully resolved parameters. */
typedef struct fl_candidate {
	const fl_model_kind *kind; /* static, borrowed */
	json_t *params;            /* resolved (every parameter), owned */
	json_t *chosen;            /* only the parameters the recipe gave, owned */
	size_t entry;              /* index of its entry in `candidates` */
} fl_candidate;

typedef struct fl_grid {
	fl_candidate *c; /* n candidates, in grid order */
	size_t n;
} fl_grid;

/* Number of candidates `candidates` expands to (0 when a list of values is
 * empty, which fl_grid_parse refuses), after checking the structure:
 * a non-empty list of mappings with `kind` and optional `params` (and
 * `name`). Saturates at SIZE_MAX. Positioned FL_EINVAL on bad structure. */
int fl_grid_count(const fl_value *candidates, size_t *out, fl_err *err);

/* Check and expand `candidates` for `task`: every kind known and of the
 * task, every value valid for its parameter, every combination accepted.
 * More than `max` candidates is FL_EINVAL saying how many there are (before
 * anything is expanded). *out owned by the caller (fl_grid_free). */
int fl_grid_parse(fl_grid **out, const fl_value *candidates, fl_task task,
		  size_t max, fl_err *err);

/* "C=0.1 max_depth=none" (the chosen parameters as text; "" when none);
 * malloc'd, NULL when out of memory. */
char *fl_candidate_label(const fl_candidate *c);

void fl_grid_free(fl_grid *g);

#endif
