/* step.c - helpers a step function uses on its context. */
#define _GNU_SOURCE
#include "recipe/step.h"

#include <stdio.h>
#include <string.h>

const char *fl_step_input(const fl_step_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->n_inputs; i++)
		if (!strcmp(ctx->inputs[i].name, name))
			return ctx->inputs[i].path;
	return NULL;
}

char *fl_step_output(const fl_step_ctx *ctx, const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", ctx->out_dir, name) < 0)
		return NULL;
	return p;
}

int fl_step_stopped(const fl_step_ctx *ctx)
{
	return ctx->stop && *ctx->stop;
}
