/* locate.c - develop steps of a recipe in its workspace (locate.h). */
#define _GNU_SOURCE
#include "develop/locate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "develop/develop.h"
#include "recipe/kinds.h"
#include "recipe/recipe.h"
#include "run/run.h"

static int ends_with(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n >= k && strncmp(s + n - k, suf, k) == 0;
}

int fl_locate_parse(const char *spec, char **recipe, char **step, fl_err *err)
{
	const char *colon = strrchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);

	*recipe = *step = NULL;
	if (!ends_with(spec, n, ".yaml") && !ends_with(spec, n, ".yml")) {
		if (!colon)
			return 0;
		n = strlen(spec); /* a colon in a model file's name */
		if (!ends_with(spec, n, ".yaml") && !ends_with(spec, n, ".yml"))
			return 0;
		colon = NULL;
	}
	if (!(*recipe = strndup(spec, n)) || (colon && !(*step = strdup(colon + 1)))) {
		free(*recipe);
		*recipe = NULL;
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	return 1;
}

/* Indices of the develop steps to look at: `step` only, or all. */
static int pick_steps(const fl_recipe *r, const char *step, size_t *idx, size_t *n,
		      fl_err *err)
{
	*n = 0;
	for (size_t k = 0; k < r->n_steps; k++) {
		size_t s = r->order[k];
		if (r->steps[s].kind != &fl_kind_develop)
			continue;
		if (!step || !strcmp(r->steps[s].name, step))
			idx[(*n)++] = s;
	}
	if (*n)
		return 0;
	if (step && fl_recipe_find_step(r, step) >= 0)
		return fl_err_set(err, FL_EINVAL, "%s: step '%s' is of kind '%s', not a develop step",
				  r->path, step, r->steps[fl_recipe_find_step(r, step)].kind->name);
	if (step)
		return fl_err_set(err, FL_EINVAL, "%s has no step '%s'", r->path, step);
	return fl_err_set(err, FL_EINVAL, "%s has no develop step", r->path);
}

static const char *state_word(fl_step_state s)
{
	return s == FL_STEP_UP_TO_DATE ? "up to date" : s == FL_STEP_RESTORE ? "restore" : "stale";
}

/* One step's entry: state, folder and report.json (null when absent). */
static json_t *step_entry(const fl_recipe *r, const fl_run *run, size_t s)
{
	const fl_step_status *st = fl_run_status(run, s);
	char *dir = NULL, *file = NULL, *text = NULL;
	json_t *rep = NULL, *e = NULL;

	if (asprintf(&dir, "%s/out/%s/%s", r->dir, r->name, r->steps[s].name) < 0)
		return NULL;
	if (asprintf(&file, "%s/%s", dir, FL_DEVELOP_REPORT) >= 0 &&
	    fl_read_file(file, &text, NULL, NULL) == 0)
		rep = json_loads(text, 0, NULL);
	e = json_pack("{s:s, s:s, s:s, s:s, s:o}", "step", r->steps[s].name, "state",
		      state_word(st->state), "reason", st->reason, "dir", dir, "report",
		      rep ? rep : json_null());
	free(dir);
	free(file);
	free(text);
	return e;
}

typedef struct located {
	fl_recipe *r;
	fl_run *run;
	size_t *idx;
	size_t n;
} located;

static void located_free(located *l)
{
	fl_run_free(l->run);
	fl_recipe_free(l->r);
	free(l->idx);
}

static int locate(located *l, const char *recipe, const char *step, fl_run_opts *ro,
		  fl_err *err)
{
	int rc;

	if ((rc = fl_recipe_load(&l->r, recipe, err)) < 0)
		return rc;
	if (!(l->idx = calloc(l->r->n_steps + 1, sizeof(size_t))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = pick_steps(l->r, step, l->idx, &l->n, err)) < 0)
		return rc;
	if ((rc = fl_run_open(&l->run, l->r, ro, err)) < 0)
		return rc;
	return fl_run_plan(l->run, err);
}

int fl_locate_reports(const char *recipe, const char *step, int n_threads,
		      const fl_progress *progress, json_t **out, fl_err *err)
{
	fl_run_opts ro = FL_RUN_OPTS_INIT;
	located l = { 0 };
	json_t *steps = NULL;
	int rc;

	*out = NULL;
	ro.n_threads = n_threads;
	ro.progress = progress;
	if ((rc = locate(&l, recipe, step, &ro, err)) == 0 && !(steps = json_array()))
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		if (json_array_append_new(steps, step_entry(l.r, l.run, l.idx[i])) < 0)
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0 && !(*out = json_pack("{s:s, s:s, s:O}", "recipe", l.r->path, "name",
					  l.r->name, "steps", steps)))
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	json_decref(steps);
	located_free(&l);
	return rc;
}

int fl_locate_model(const char *recipe, const char *step, int n_threads, char **path,
		    fl_err *err)
{
	fl_run_opts ro = FL_RUN_OPTS_INIT;
	located l = { 0 };
	int rc;

	*path = NULL;
	ro.n_threads = n_threads;
	if ((rc = locate(&l, recipe, step, &ro, err)) == 0 && l.n > 1)
		rc = fl_err_set(err, FL_EINVAL, "%s has %zu develop steps: name one, as %s:%s",
				recipe, l.n, recipe, l.r->steps[l.idx[0]].name);
	if (rc == 0) {
		const fl_step_status *st = fl_run_status(l.run, l.idx[0]);
		const char *name = l.r->steps[l.idx[0]].name;
		if (st->state != FL_STEP_UP_TO_DATE)
			rc = fl_err_set(err, FL_EINVAL,
					"step '%s' of %s is not up to date (%s): run `floe run %s` "
					"first", name, recipe, st->reason, recipe);
		else if (asprintf(path, "%s/out/%s/%s/%s", l.r->dir, l.r->name, name,
				  FL_DEVELOP_MODEL) < 0) {
			*path = NULL;
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		}
	}
	located_free(&l);
	return rc;
}
