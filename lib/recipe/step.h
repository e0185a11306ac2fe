/* step.h - the step-kind interface: what every kind of recipe step declares
 * (its name, parameter schema, input slots, outputs, the libraries whose
 * versions enter its key) and the function that runs it.
 *
 * ADDING A KIND (data loading, training, ...): write one file in your own
 * layer, e.g. lib/data/kind_csv_load.c, defining
 *
 *   static const fl_param_spec params[] = {
 *       { "delimiter", FL_PARAM_STRING, 0, ",", "field separator" },
 *       { NULL, 0, 0, NULL, NULL },
 *   };
 *   static const fl_slot inputs[] = { { "csv", 0 }, { NULL, 0 } };
 *   static const char *const outputs[] = { "table.h5", NULL };
 *   static const char *const libs[] = { "hdf5", NULL };
 *
 *   static int run(const fl_step_ctx *ctx, fl_err *err)
 *   {
 *       const char *csv = fl_step_input(ctx, "csv");     // resolved path
 *       char *dst = fl_step_output(ctx, "table.h5");     // in ctx->out_dir
 *       ... write dst (atomically or not: the folder is private staging) ...
 *       if (fl_step_stopped(ctx)) return fl_err_set(err, FL_EINTR, "interrupted");
 *   }
 *
 *   const fl_step_kind fl_kind_csv_load = {
 *       "csv_load", "load a CSV file into a table", params, inputs, outputs,
 *       libs, NULL, run,
 *   };
 *
 * then add ONE row, `&fl_kind_csv_load`, to the table in
 * lib/recipe/kinds.c (and its extern line in kinds.h). Nothing else: the
 * recipe parser validates parameters against the schema, the key covers
 * kind, parameters, input digests, seed, declared outputs, floe's version,
 * the listed libraries' versions and the container image; the runner
 * stages, checks, stores and restores the outputs.
 *
 * A step function must: read only its inputs (ctx->inputs) and parameters;
 * write only into ctx->out_dir; produce every declared output; be
 * deterministic for a given seed whatever ctx->n_threads is; never print
 * or exit (fl_log, ctx->progress); poll fl_step_stopped() in long loops
 * and return FL_EINTR when it is set. Whatever it leaves behind on failure
 * is discarded; nothing is cached unless it returns 0. */
#ifndef FL_STEP_H
#define FL_STEP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/log.h"
#include "recipe/value.h"

/* Parameter types. Lists are YAML sequences of the scalar type; MAP is a
 * mapping from names to scalars (e.g. per-column settings) that the kind
 * interprets itself (its check function validates it). ANY is any YAML
 * value, nested to any depth (e.g. a list of model candidates, each a
 * mapping holding lists): the schema checks nothing, the kind's check
 * function validates it and reads it with the fl_value functions. Its
 * canonical form (the key) keeps the structure, with every scalar as its
 * text: `C: [1, 10]` and `C: ["1", "10"]` give the same key, `1` and `1.0`
 * do not (they only re-run the step). */
typedef enum fl_param_type {
	FL_PARAM_STRING = 0,
	FL_PARAM_INT = 1,         /* whole number (int64) */
	FL_PARAM_FLOAT = 2,       /* number (double); whole numbers accepted */
	FL_PARAM_BOOL = 3,        /* true / false */
	FL_PARAM_STRING_LIST = 4,
	FL_PARAM_INT_LIST = 5,
	FL_PARAM_FLOAT_LIST = 6,
	FL_PARAM_MAP = 7,         /* name -> scalar, kept as text */
	FL_PARAM_ANY = 8,         /* any YAML value; the kind checks it */
} fl_param_type;

/* One parameter of a kind's schema (the key under a step's `params:`). */
typedef struct fl_param_spec {
	const char *name;    /* scikit-learn vocabulary where one exists */
	fl_param_type type;  /* checked when the recipe is read */
	int required;        /* 1: the recipe must give it */
	const char *def;     /* default, as YAML scalar text; NULL: none */
	const char *help;    /* one line, for docs and `floe check` */
} fl_param_spec;

/* A named input slot of a kind. */
typedef struct fl_slot {
	const char *name; /* the name the step refers to it by */
	int optional;     /* 1: the recipe may leave it out */
} fl_slot;

/* One resolved input of a running step. */
typedef struct fl_step_io {
	const char *name; /* slot name */
	const char *path; /* absolute path of the file or folder (read only) */
} fl_step_io;

/* Everything a step function gets. All pointers borrowed for the call.
 * For a kind's check function, inputs[].path and out_dir are NULL. */
typedef struct fl_step_ctx {
	const char *step;                  /* the step's name, for messages */
	const fl_step_io *inputs;          /* resolved inputs, recipe order */
	size_t n_inputs;
	const char *const *outputs;        /* declared output names */
	size_t n_outputs;
	const fl_value *params;            /* map, schema-checked, defaults filled
					      in; each value has its position */
	const fl_value *node;              /* the step's mapping, for messages */
	uint64_t seed;                     /* the recipe seed */
	int n_threads;                     /* threads the step may use, >= 1 */
	const fl_progress *progress;       /* may be NULL */
	const char *out_dir;               /* empty private folder to write into */
	const volatile sig_atomic_t *stop; /* set by Ctrl-C; may be NULL */
} fl_step_ctx;

/* Runs a step. Returns 0 once every declared output is in ctx->out_dir,
 * or a negative status with `err` set (FL_EINTR when stopped). */
typedef int (*fl_step_fn)(const fl_step_ctx *ctx, fl_err *err);

/* Extra validation at `floe check` time, beyond the schema (cross-field
 * rules, placeholder names, map contents). Positioned messages via
 * fl_value_error(). May be NULL. */
typedef int (*fl_step_check_fn)(const fl_step_ctx *ctx, fl_err *err);

/* A row of the step-kind table (lib/recipe/kinds.c). */
typedef struct fl_step_kind {
	const char *name;             /* as written after `kind:` */
	const char *summary;          /* one line */
	const fl_param_spec *params;  /* schema, ends with a NULL name */
	const fl_slot *inputs;        /* slots, ends with a NULL name; NULL:
					 free names chosen in the recipe */
	const char *const *outputs;   /* outputs it always writes, NULL-ended;
					 "*.EXT": one per input slot, in input
					 order, named SLOT (when it ends with
					 EXT) or SLOT.EXT; NULL: the recipe
					 declares `outputs:` */
	const char *const *libraries; /* names in the environment record's
					 "libraries" whose versions enter the key,
					 NULL-ended; NULL: none */
	fl_step_check_fn check;       /* may be NULL */
	fl_step_fn run;               /* required */
} fl_step_kind;

/* Path of input slot `name`, or NULL when the step has no such input
 * (an optional slot left out). Borrowed. */
const char *fl_step_input(const fl_step_ctx *ctx, const char *name);

/* "<out_dir>/<name>" as a new string (caller frees), NULL when out of
 * memory. */
char *fl_step_output(const fl_step_ctx *ctx, const char *name);

/* Nonzero once the user asked to stop (Ctrl-C). */
int fl_step_stopped(const fl_step_ctx *ctx);

#endif
