/* cmd_unpack.c - `floe unpack BUNDLE DIR`: a workspace from a bundle. */
#include <stdio.h>

#include "bundle/runpack.h"
#include "cli.h"

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	fl_err err = FL_ERR_INIT;
	int c, code = 0;

	while ((c = cli_getopt(cmd, argc, argv, "", NULL, &code)) != -1)
		if (c == '?')
			return code;
	if (optind + 2 != argc)
		return cli_usage_error(cmd, "needs a bundle and a folder");
	if (fl_runpack_unpack(argv[optind], argv[optind + 1], NULL, cli_progress(0), &err) < 0) {
		cli_progress_done();
		return cli_fail(&err);
	}
	cli_progress_done();
	printf("unpacked %s into %s\n", argv[optind], argv[optind + 1]);
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_unpack = {
	"unpack", "extract a bundle into a workspace",
	"floe unpack BUNDLE DIR",
	"Extracts every entry into DIR (which must not exist or be empty), checking\n"
	"each against the manifest, then puts the outputs into DIR/.floe's store so\n"
	"that `floe status` and `floe run` work there as if the run had happened\n"
	"there. Links, devices, '..', absolute paths, duplicates and oversized\n"
	"entries are refused; on any error nothing is left behind (docs/bundles.md).\n",
	run,
};
