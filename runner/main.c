/* main.c - the floe command: global options, then dispatch to a command. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/env.h"

static const char *usage_line = "usage: floe [--help] [--version] COMMAND [ARGS...]";

static void print_main_help(void)
{
	printf("%s\n\nfloe runs reproducible machine-learning recipes: prepare, develop,\n"
	       "implement; every input, parameter and output hashed.\n\ncommands:\n",
	       usage_line);
	for (const fl_cmd *const *c = fl_commands; *c; c++)
		printf("  %-10s %s\n", (*c)->name, (*c)->summary);
	printf("\n'floe COMMAND --help' describes a command. Exit codes: 0 success,\n"
	       "1 failure, 2 usage error (docs/exit-codes.md).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "floe: no command given\n%s\n", usage_line);
		return FL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		print_main_help();
		return FL_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("floe %s (%s)\n", fl_version(), fl_git_commit());
		return FL_EXIT_OK;
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, "floe: unknown option '%s'\n%s\n", argv[1], usage_line);
		return FL_EXIT_USAGE;
	}
	for (const fl_cmd *const *c = fl_commands; *c; c++) {
		if (!strcmp((*c)->name, argv[1])) {
			cli_reset();
			return (*c)->run(*c, argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "floe: unknown command '%s'\n%s\n", argv[1], usage_line);
	return FL_EXIT_USAGE;
}
