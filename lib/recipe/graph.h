/* graph.h - the step graph of a recipe: references resolved to inputs and
 * step outputs, phases respected, cycles refused, a topological order. */
#ifndef FL_GRAPH_H
#define FL_GRAPH_H

#include <stddef.h>

#include "core/err.h"

struct fl_recipe;

/* Resolve every step input reference of `r` (fills fl_step_ref.is_step,
 * index, output), check that a step uses only its own phase and earlier
 * ones, refuse cycles ("cycle: a -> b -> a", at the reference closing it),
 * and fill r->order: steps in dependency order, ties in recipe order. */
int fl_graph_resolve(struct fl_recipe *r, fl_err *err);

/* Mark in `out` (n_steps bytes, zeroed by the caller) every step that
 * depends, directly or not, on step `s`; out[s] is set too. */
void fl_graph_downstream(const struct fl_recipe *r, size_t s, unsigned char *out);

#endif
