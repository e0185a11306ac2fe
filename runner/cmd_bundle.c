/* cmd_bundle.c - `floe bundle RECIPE`: pack the last run into one file. */
#include <stdio.h>
#include <stdlib.h>

#include "bundle/runpack.h"
#include "bundle/tarw.h"
#include "cli.h"
#include "recipe_cli.h"

/* SOURCE_DATE_EPOCH, when set, fixes the archive's mtimes (else 0). */
static int64_t source_date_epoch(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;

	return (s && *s && !*end && v > 0) ? (int64_t)v : 0;
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "no-data", no_argument, NULL, 'n' },
		{ "sign", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "with-image", no_argument, NULL, 'w' },
		{ "executor", required_argument, NULL, 'e' },
		{ "image", required_argument, NULL, 'i' },
		{ 0, 0, 0, 0 },
	};
	fl_runpack_opts o = FL_RUNPACK_OPTS_INIT;
	fl_err err = FL_ERR_INIT;
	char *written = NULL, hex[FL_SHA256_HEX_LEN + 1];
	fl_digest d;
	int c, code = 0;

	while ((c = cli_getopt(cmd, argc, argv, "o:", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == 'o')
			o.out = optarg;
		if (c == 'n')
			o.no_data = 1;
		if (c == 's')
			o.sign_key = optarg;
		if (c == 'w')
			o.with_image = 1;
		if (c == 'i')
			o.image = optarg;
		if (c == 'e' && cli_parse_executor(optarg, &o.executor) < 0)
			return cli_usage_error(cmd, "--executor is auto, local or docker, not '%s'",
					       optarg);
		if (c == 't' && !(o.n_threads = cli_parse_threads(optarg)))
			return cli_usage_error(cmd, "--threads needs a whole number >= 1, not '%s'",
					       optarg);
	}
	if (optind + 1 != argc)
		return cli_usage_error(cmd, optind >= argc ? "no recipe given" : "one recipe only");
	if (o.image && o.executor != FL_EXEC_DOCKER)
		return cli_usage_error(cmd, "--image goes with --executor docker");
	if (fl_tarw_check_zstd(&err) < 0)
		return cli_fail(&err);
	o.mtime = source_date_epoch();
	o.progress = cli_progress(0);
	cli_install_log(0);
	if (fl_runpack_bundle(argv[optind], &o, &written, &d, &err) < 0) {
		cli_progress_done();
		return cli_fail(&err);
	}
	cli_progress_done();
	fl_digest_hex(&d, hex);
	printf("%s\ndigest %s%s\n", written, hex, o.sign_key ? " (signed)" : "");
	free(written);
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_bundle = {
	"bundle", "pack a recipe's last run into one verifiable file",
	"floe bundle RECIPE [-o FILE|DIR] [--no-data] [--with-image] [--sign KEY] "
	"[--executor E [--image ID]] [--threads N]",
	"Writes a tar archive compressed with zstd holding the manifest, the recipe,\n"
	"the lock, the inputs, every output, the step records and an RO-Crate\n"
	"description (docs/bundles.md). Every step must be up to date. The same run\n"
	"bundled twice gives a byte-identical file; its default name carries the\n"
	"bundle digest: NAME-<16 hex digits>.floe.tar.zst beside the recipe.\n"
	"Archive times are 0, or SOURCE_DATE_EPOCH when set.\n"
	"\noptions:\n"
	"  -o, --output FILE|DIR  where to write (a folder: the default name in it)\n"
	"  --no-data              keep only the inputs' digests and origins\n"
	"  --with-image           store the image(s) the steps ran in (docker save),\n"
	"                         so that `floe verify` can load them years later\n"
	"  --executor E, --image ID  as given to `floe run` (a run made with\n"
	"                         --executor docker --image ID is up to date only so)\n"
	"  --sign KEY             sign the manifest with this Ed25519 private key\n"
	"                         (`floe key generate`)\n"
	"  --threads N            hash on N threads (default: all cores)\n",
	run,
};
