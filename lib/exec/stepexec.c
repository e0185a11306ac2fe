/* stepexec.c - run one step of a recipe in this process. */
#define _GNU_SOURCE
#include "exec/stepexec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/parallel.h"
#include "recipe/step.h"

static int check_outputs(const fl_step_def *def, const char *out_dir, fl_err *err)
{
	for (size_t o = 0; o < def->n_outputs; o++) {
		char *p = NULL;
		struct stat sb;
		int missing;
		if (asprintf(&p, "%s/%s", out_dir, def->outputs[o]) < 0)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		missing = lstat(p, &sb) < 0;
		free(p);
		if (missing)
			return fl_err_set(err, FL_EFAIL, "step '%s' did not write its output '%s'",
					  def->name, def->outputs[o]);
	}
	return 0;
}

int fl_stepexec_run(const fl_recipe *r, const char *name, const char *const *inputs,
		    size_t n_inputs, const char *out_dir, const fl_stepexec_opts *o,
		    fl_err *err)
{
	fl_stepexec_opts opts = FL_STEPEXEC_OPTS_INIT;
	long s = fl_recipe_find_step(r, name);
	fl_step_io io[64];
	const fl_step_def *def;
	int rc;

	if (o)
		opts = *o;
	if (s < 0)
		return fl_err_set(err, FL_ENOTFOUND, "%s has no step '%s'", r->path, name);
	def = &r->steps[s];
	if (n_inputs != def->n_inputs || n_inputs > 64)
		return fl_err_set(err, FL_EINVAL, "step '%s' takes %zu inputs, %zu given", name,
				  def->n_inputs, n_inputs);
	for (size_t i = 0; i < n_inputs; i++)
		io[i] = (fl_step_io){ def->inputs[i].slot, inputs[i] };
	fl_step_ctx ctx = { def->name, io, n_inputs, (const char *const *)def->outputs,
			    def->n_outputs, def->params, def->node, r->seed,
			    fl_threads_resolve(opts.n_threads), opts.progress, out_dir,
			    opts.stop };
	if ((rc = def->kind->run(&ctx, err)) < 0) {
		if (rc != FL_EINTR && strncmp(err->msg, "step '", 6))
			fl_err_wrap(err, "step '%s'", def->name);
		return rc;
	}
	return check_outputs(def, out_dir, err);
}
