/* cmd_run.c - `floe run RECIPE`: run what is stale, restore what was
 * deleted, skip what is up to date; --dry-run says what would happen. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "recipe_cli.h"

static void print_plan(const fl_recipe *r, const fl_run *run)
{
	size_t todo = 0;

	for (size_t k = 0; k < r->n_steps; k++) {
		size_t s = r->order[k];
		const fl_step_status *st = fl_run_status(run, s);
		if (st->state == FL_STEP_UP_TO_DATE)
			continue;
		todo++;
		printf("would %-7s %s: %s\n", st->state == FL_STEP_STALE ? "run" : "restore",
		       r->steps[s].name, st->reason);
	}
	if (!todo)
		printf("nothing to do: all %zu steps up to date\n", r->n_steps);
}

static void print_summary(const fl_recipe *r, const fl_run *run)
{
	size_t n[5] = { 0 };

	for (size_t s = 0; s < r->n_steps; s++)
		n[fl_run_status(run, s)->outcome]++;
	if (n[FL_OUTCOME_RAN] + n[FL_OUTCOME_RESTORED] == 0)
		printf("nothing to do: all %zu steps up to date\n", r->n_steps);
	else
		printf("ran %zu, restored %zu, up to date %zu (lock: %s)\n", n[FL_OUTCOME_RAN],
		       n[FL_OUTCOME_RESTORED], n[FL_OUTCOME_CACHED], fl_run_lock_path(run));
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "threads", required_argument, NULL, 't' },
		{ "executor", required_argument, NULL, 'e' },
		{ "image", required_argument, NULL, 'i' },
		{ 0, 0, 0, 0 },
	};
	fl_run_opts ro = FL_RUN_OPTS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_recipe *r = NULL;
	fl_run *rn = NULL;
	int c, code = 0, dry = 0, quiet = 0, rc;

	while ((c = cli_getopt(cmd, argc, argv, "nq", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == 'n')
			dry = 1;
		else if (c == 'q')
			quiet = 1;
		else if (c == 't' && !(ro.n_threads = cli_parse_threads(optarg)))
			return cli_usage_error(cmd, "--threads needs a whole number >= 1, not '%s'",
					       optarg);
		else if (c == 'i')
			ro.image = optarg;
		else if (c == 'e' && cli_parse_executor(optarg, &ro.executor) < 0)
			return cli_usage_error(cmd, "--executor is auto, local or docker, not '%s'",
					       optarg);
	}
	if (ro.image && ro.executor != FL_EXEC_DOCKER)
		return cli_usage_error(cmd, "--image goes with --executor docker");
	if (optind + 1 != argc)
		return cli_usage_error(cmd, optind == argc ? "no recipe given"
							   : "give exactly one recipe");
	cli_install_log(quiet);
	if (!(r = cli_load_recipe(argv[optind], &code)))
		return code;
	ro.progress = cli_progress(quiet);
	ro.stop = cli_stop_on_signals();
	rc = fl_run_open(&rn, r, &ro, &err);
	if (rc == 0)
		rc = dry ? fl_run_plan(rn, &err) : fl_run_execute(rn, &err);
	cli_progress_done();
	if (rc < 0) {
		code = cli_fail(&err);
	} else if (!quiet) {
		if (dry)
			print_plan(r, rn);
		else
			print_summary(r, rn);
	}
	fl_run_free(rn);
	fl_recipe_free(r);
	return rc < 0 ? code : FL_EXIT_OK;
}

const fl_cmd fl_cmd_run = {
	"run", "run a recipe: only the steps whose inputs or definition changed",
	"floe run [--dry-run] [--quiet] [--threads N] [--executor E [--image ID]] RECIPE",
	"Each step runs only when its key (kind, parameters, input digests, seed,\n"
	"floe and library versions, container image) has no record in the\n"
	"workspace .floe/ beside the recipe; a deleted or changed output is\n"
	"restored from the store without running. Outputs go to out/NAME/STEP/,\n"
	"the lock file to RECIPE.lock. Ctrl-C stops cleanly (exit 130); the next\n"
	"run resumes from the cache. One run at a time per workspace.\n"
	"\noptions:\n"
	"  -n, --dry-run   print what would run or be restored, and why\n"
	"  -q, --quiet     print nothing but errors\n"
	"  --threads N     threads for hashing and for each step (default: all cores)\n"
	"  --executor E    where steps run: auto (default: in this process, a step\n"
	"                  with 'container:' in that image), local (all here,\n"
	"                  'container:' ignored), docker (all in containers)\n"
	"  --image ID      with --executor docker: the image for steps without\n"
	"                  'container:' (an ID, or a name pinned to its ID)\n"
	"                  (docs/containers.md)\n",
	run,
};
