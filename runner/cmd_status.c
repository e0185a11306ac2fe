/* cmd_status.c - `floe status RECIPE`: which steps are up to date. */
#include <stdio.h>

#include "cli.h"
#include "recipe_cli.h"

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ 0, 0, 0, 0 },
	};
	fl_run_opts ro = FL_RUN_OPTS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_recipe *r = NULL;
	fl_run *rn = NULL;
	size_t clean = 0;
	int c, code = 0;

	while ((c = cli_getopt(cmd, argc, argv, "", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (!(ro.n_threads = cli_parse_threads(optarg)))
			return cli_usage_error(cmd, "--threads needs a whole number >= 1, not '%s'",
					       optarg);
	}
	if (optind + 1 != argc)
		return cli_usage_error(cmd, optind == argc ? "no recipe given"
							   : "give exactly one recipe");
	cli_install_log(0);
	if (!(r = cli_load_recipe(argv[optind], &code)))
		return code;
	ro.progress = cli_progress(0);
	if (fl_run_open(&rn, r, &ro, &err) < 0 || fl_run_plan(rn, &err) < 0) {
		cli_progress_done();
		code = cli_fail(&err);
		fl_run_free(rn);
		fl_recipe_free(r);
		return code;
	}
	cli_progress_done();
	for (size_t k = 0; k < r->n_steps; k++) {
		size_t s = r->order[k];
		const fl_step_status *st = fl_run_status(rn, s);
		clean += st->state == FL_STEP_UP_TO_DATE;
		printf("%-9s %-20s %-10s%s%s\n", fl_phase_name(r->steps[s].phase),
		       r->steps[s].name, cli_state_word(st->state),
		       st->state == FL_STEP_UP_TO_DATE ? "" : " ",
		       st->state == FL_STEP_UP_TO_DATE ? "" : st->reason);
	}
	if (clean == r->n_steps)
		printf("all %zu steps up to date\n", r->n_steps);
	else
		printf("%zu of %zu steps up to date; `floe run %s` brings the rest\n", clean,
		       r->n_steps, r->path);
	fl_run_free(rn);
	fl_recipe_free(r);
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_status = {
	"status", "say which steps of a recipe are up to date and which are stale",
	"floe status [--threads N] RECIPE",
	"For each step, in the order they run: 'up to date', 'restore' (cached,\n"
	"but an output was deleted or changed: `floe run` restores it from the\n"
	"store without running) or 'stale' with the first reason. Inputs are\n"
	"hashed only when their stat (device, inode, size, mtime, ctime) changed.\n"
	"\noptions:\n"
	"  --threads N   threads for hashing (default: all cores)\n",
	run,
};
