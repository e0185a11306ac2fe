/* cmd_exec_step.c - `floe exec-step RECIPE STEP OUTDIR [INPUT...]`: run one
 * step in this process; what the docker executor runs inside a container. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "exec/stepexec.h"
#include "recipe_cli.h"

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ 0, 0, 0, 0 },
	};
	fl_stepexec_opts o = FL_STEPEXEC_OPTS_INIT;
	fl_err err = FL_ERR_INIT;
	fl_recipe *r = NULL;
	int c, code = 0, rc;

	while ((c = cli_getopt(cmd, argc, argv, "", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == 't' && !(o.n_threads = cli_parse_threads(optarg)))
			return cli_usage_error(cmd, "--threads needs a whole number >= 1, not '%s'",
					       optarg);
	}
	if (argc - optind < 3)
		return cli_usage_error(cmd, "give the recipe, the step and the output folder");
	cli_install_log(1);
	if (!(r = cli_load_recipe(argv[optind], &code)))
		return code;
	o.stop = cli_stop_on_signals();
	rc = fl_stepexec_run(r, argv[optind + 1], (const char *const *)argv + optind + 3,
			     (size_t)(argc - optind - 3), argv[optind + 2], &o, &err);
	fl_recipe_free(r);
	return rc < 0 ? cli_fail(&err) : FL_EXIT_OK;
}

const fl_cmd fl_cmd_exec_step = {
	"exec-step", "run one step of a recipe here (what runs inside a container)",
	"floe exec-step [--threads N] RECIPE STEP OUTDIR [INPUT...]",
	"Runs step STEP of RECIPE in this process with the given input paths (in\n"
	"the step's input order) and writes its outputs into the existing folder\n"
	"OUTDIR. Nothing is hashed, cached or locked: the docker executor runs\n"
	"this inside the step's image and does all of that outside\n"
	"(docs/containers.md). Exit 130 when interrupted.\n"
	"\noptions:\n"
	"  --threads N     threads the step may use (default: all cores)\n",
	run,
};
