/* stepexec.h - run one step of a recipe in this process, given its input
 * paths and an output folder: what `floe exec-step` does inside a
 * container (the docker executor mounts the inputs and the folder). */
#ifndef FL_STEPEXEC_H
#define FL_STEPEXEC_H

#include <signal.h>
#include <stddef.h>

#include "core/err.h"
#include "core/log.h"
#include "recipe/recipe.h"

typedef struct fl_stepexec_opts {
	int n_threads;                     /* 0: all cores */
	const fl_progress *progress;       /* may be NULL */
	const volatile sig_atomic_t *stop; /* Ctrl-C flag; may be NULL */
} fl_stepexec_opts;

#define FL_STEPEXEC_OPTS_INIT { 0, NULL, NULL }

/* Run step `name` of `r` with `inputs` (n_inputs paths, in the step's input
 * order; it must be exactly the step's count) writing into the existing
 * folder `out_dir`. Checks that every declared output was written.
 * FL_ENOTFOUND for an unknown step, FL_EINVAL for a wrong input count. */
int fl_stepexec_run(const fl_recipe *r, const char *name, const char *const *inputs,
		    size_t n_inputs, const char *out_dir, const fl_stepexec_opts *o,
		    fl_err *err);

#endif
