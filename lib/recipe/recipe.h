/* recipe.h - a recipe file read and checked: its inputs, its steps in the
 * three phases with their kinds, parameters, references and outputs. The
 * format (`floe: 1`) is documented key by key in docs/recipes.md.
 *
 *   fl_recipe *r = NULL;
 *   if (fl_recipe_load(&r, "penguins.yaml", &err) < 0)  // any error: nothing runs
 *       ... err.msg is "penguins.yaml:12:5: unknown key 'parms'; did you mean 'params'?"
 *   for (size_t i = 0; i < r->n_steps; i++) r->steps[r->order[i]] ...
 *   fl_recipe_free(r);
 */
#ifndef FL_RECIPE_H
#define FL_RECIPE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/sha256.h"
#include "recipe/step.h"
#include "recipe/value.h"

#define FL_RECIPE_FORMAT 1   /* the value of `floe:` this build reads */
#define FL_STEP_MAX_INPUTS 64 /* inputs of one step */

typedef enum fl_phase {
	FL_PHASE_PREPARE = 0,
	FL_PHASE_DEVELOP = 1,
	FL_PHASE_IMPLEMENT = 2,
} fl_phase;

/* A named input of the recipe. */
typedef struct fl_recipe_input {
	char *name;            /* as in `inputs:` */
	char *path;            /* as written */
	char *abs_path;        /* resolved against the recipe's folder */
	int pinned;            /* 1 when a sha256 was given */
	fl_digest sha256;      /* the pinned digest */
	const fl_value *node;  /* its entry, for messages */
	const fl_value *pin;   /* the sha256 value node, or NULL */
} fl_recipe_input;

/* One input of a step: a slot bound to a recipe input or a step output. */
typedef struct fl_step_ref {
	char *slot;            /* the name the step knows it by */
	char *text;            /* the reference as written */
	const fl_value *node;  /* the reference, for messages */
	int is_step;           /* 0: recipe input `index`; 1: output `output`
				  of step `index` */
	size_t index;
	size_t output;
} fl_step_ref;

/* One step. */
typedef struct fl_step_def {
	char *name;                /* unique in the recipe */
	const fl_step_kind *kind;  /* row of the kind table */
	fl_phase phase;            /* the phase it is listed in */
	char *description;         /* or NULL */
	fl_step_ref *inputs;       /* n_inputs bindings, recipe order */
	size_t n_inputs;
	char **outputs;            /* n_outputs names, NULL-terminated */
	size_t n_outputs;
	fl_value *params;          /* checked, defaults filled in (owned) */
	char *container;           /* image ID (its own or the recipe's) or NULL */
	const fl_value *node;      /* the step's mapping */
} fl_step_def;

typedef struct fl_recipe {
	char *path;                /* as given */
	char *dir;                 /* absolute folder holding the recipe */
	char *name;                /* `name:` */
	char *description;         /* or NULL */
	uint64_t seed;             /* `seed:` (0 when absent) */
	char *container;           /* recipe-wide image ID or NULL */
	fl_recipe_input *inputs;
	size_t n_inputs;
	fl_step_def *steps;        /* recipe order: prepare, develop, implement */
	size_t n_steps;
	size_t *order;             /* a topological order of step indices */
	fl_value *doc;             /* the parsed file (owned) */
} fl_recipe;

/* Read and check `path`: syntax, keys, types, kinds, parameters,
 * references, phases, cycles. *out owned by the caller (fl_recipe_free).
 * Every error carries file:line:column. No file other than the recipe is
 * read (inputs are checked when the recipe runs). */
int fl_recipe_load(fl_recipe **out, const char *path, fl_err *err);

/* The same from a buffer; `dir` is the folder relative paths resolve in. */
int fl_recipe_load_buf(fl_recipe **out, const char *buf, size_t len,
		       const char *name, const char *dir, fl_err *err);

void fl_recipe_free(fl_recipe *r);

/* Index of the step called `name`, or -1. */
long fl_recipe_find_step(const fl_recipe *r, const char *name);

/* "prepare", "develop", "implement". */
const char *fl_phase_name(fl_phase p);

#endif
