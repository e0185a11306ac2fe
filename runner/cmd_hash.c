/* cmd_hash.c - `floe hash PATH...`: digests of files and folders. */
#include <jansson.h>
#include <stdio.h>

#include "cli.h"
#include "core/hashtree.h"

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	fl_hashtree_opts hopts = FL_HASHTREE_OPTS_INIT;
	fl_err err = FL_ERR_INIT;
	json_t *arr = NULL;
	int c, json = 0, code = 0, status = FL_EXIT_OK;

	while ((c = cli_getopt(cmd, argc, argv, "", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == 't' && !(hopts.n_threads = cli_parse_threads(optarg)))
			return cli_usage_error(cmd, "--threads needs a whole number >= 1, not '%s'",
					       optarg);
		if (c == 'j')
			json = 1;
	}
	if (optind >= argc)
		return cli_usage_error(cmd, "no path given");
	hopts.progress = cli_progress(0);
	if (json)
		arr = json_array();
	for (int i = optind; i < argc; i++) {
		fl_digest d;
		fl_hashtree_stats st;
		char hex[FL_SHA256_HEX_LEN + 1];

		fl_err_clear(&err);
		if (fl_hash_path(argv[i], &hopts, &d, &st, &err) < 0) {
			cli_progress_done();
			status = cli_fail(&err);
			continue;
		}
		cli_progress_done();
		fl_digest_hex(&d, hex);
		if (json)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:I}", "path",
							     argv[i], "sha256", hex, "files",
							     (json_int_t)st.files, "bytes",
							     (json_int_t)st.bytes));
		else
			printf("%s  %s\n", hex, argv[i]);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(arr);
	}
	return status;
}

const fl_cmd fl_cmd_hash = {
	"hash", "print the SHA-256 of files and the Merkle digest of folders",
	"floe hash [--threads N] [--json] PATH...",
	"A file's digest is the SHA-256 of its content; a folder's is a Merkle\n"
	"digest over its sorted entries (name, mode, content; docs/hashing.md),\n"
	"with the files hashed in parallel. The output of files matches sha256sum.\n"
	"\noptions:\n"
	"  --threads N   hash on N threads (default: all cores)\n"
	"  --json        print a JSON array of {path, sha256, files, bytes}\n",
	run,
};
