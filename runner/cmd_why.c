/* cmd_why.c - `floe why RECIPE STEP`: what changed since the step ran. */
#include <stdio.h>

#include "cli.h"
#include "recipe_cli.h"

static void explain(const fl_recipe *r, fl_run *rn, long s, json_t *lines, int has_last)
{
	const fl_step_status *st = fl_run_status(rn, (size_t)s);
	const char *name = r->steps[s].name;
	size_t i;
	json_t *l;

	if (st->state == FL_STEP_UP_TO_DATE) {
		printf("%s is up to date: nothing changed since it last ran\n", name);
		return;
	}
	if (st->state == FL_STEP_RESTORE) {
		printf("%s is up to date, but its %s: `floe run` restores it from the store\n",
		       name, st->reason);
		return;
	}
	if (!has_last) {
		printf("%s has not run before (no entry in %s)\n", name, fl_run_lock_path(rn));
		return;
	}
	printf("%s is stale:\n", name);
	json_array_foreach(lines, i, l)
		printf("  %s\n", json_string_value(l));
	if (!st->key_known)
		printf("  (%s; inputs it reads from there are not known yet)\n", st->reason);
	else if (json_array_size(lines) == 0)
		printf("  %s\n", st->reason);
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	fl_err err = FL_ERR_INIT;
	fl_recipe *r = NULL;
	fl_run *rn = NULL;
	json_t *lines = NULL;
	int c, code = 0, has_last = 0;
	long s;

	while ((c = cli_getopt(cmd, argc, argv, "", NULL, &code)) != -1)
		if (c == '?')
			return code;
	if (optind + 2 != argc)
		return cli_usage_error(cmd, "give a recipe and a step name");
	cli_install_log(0);
	if (!(r = cli_load_recipe(argv[optind], &code)))
		return code;
	if ((s = fl_recipe_find_step(r, argv[optind + 1])) < 0) {
		fprintf(stderr, "floe: %s has no step '%s'\n", r->path, argv[optind + 1]);
		fl_recipe_free(r);
		return FL_EXIT_FAIL;
	}
	if (fl_run_open(&rn, r, NULL, &err) < 0 || fl_run_plan(rn, &err) < 0 ||
	    fl_run_why(rn, (size_t)s, &lines, &has_last, &err) < 0)
		code = cli_fail(&err);
	else
		explain(r, rn, s, lines, has_last);
	json_decref(lines);
	fl_run_free(rn);
	fl_recipe_free(r);
	return code;
}

const fl_cmd fl_cmd_why = {
	"why", "say exactly what changed since a step last ran",
	"floe why RECIPE STEP",
	"Compares the step's key fields now with those of its last run (named in\n"
	"the lock file): an input's content, a parameter, the declared outputs,\n"
	"the seed, floe's version, a library version, the container image.\n",
	run,
};
