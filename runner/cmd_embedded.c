/* cmd_embedded.c - `floe embedded ACTION`: the entry point of an image made
 * by `floe publish`, which holds a bundle at $FLOE_BUNDLE and names the
 * model `predict` applies in $FLOE_BUNDLE_MODEL. A small dispatch:
 *   predict [--proba] [--threads N] [DATA]  data on stdin (or DATA), CSV on stdout
 *   verify [OPTIONS]                        floe verify --executor local BUNDLE
 *   inspect [--json]                        floe inspect BUNDLE
 *   version [--json]                        floe version
 *   help                                    what the image holds, these actions */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle/bundlemodel.h"
#include "cli.h"
#include "core/spool.h"
#include "data/table.h"
#include "ml/mldata.h"
#include "ml/model.h"
#include "mlcli.h"

extern const fl_cmd fl_cmd_verify, fl_cmd_inspect, fl_cmd_version, fl_cmd_embedded;

static const fl_cmd predict_cmd = {
	"embedded predict", "apply the bundle's model to data on standard input",
	"docker run --rm -i IMAGE predict [--proba] [--threads N] [DATA] < new.csv",
	"Reads CSV (or HDF5) on standard input, or the file DATA, applies the\n"
	"bundle's model and writes the predictions as CSV on standard output, as\n"
	"`floe predict` does.\n"
	"\noptions:\n"
	"  --proba      classifiers: add a proba_<class> column per class\n"
	"  --threads N  threads (default: all cores)\n",
	NULL,
};

static const char *bundle_path(void)
{
	const char *b = getenv("FLOE_BUNDLE");

	if (!b || !*b)
		fprintf(stderr, "floe embedded: FLOE_BUNDLE is not set: this is the entry point of "
			"an image made by `floe publish`\n");
	return b && *b ? b : NULL;
}

static int apply(const char *bundle, const char *data, int proba, int threads, fl_err *err)
{
	const char *which = getenv("FLOE_BUNDLE_MODEL");
	fl_model *m = NULL;
	fl_dataset *ds = NULL;
	fl_table *t = NULL;
	int rc;

	if ((rc = fl_bundle_model_load(&m, bundle, which && *which ? which : NULL, NULL,
				       err)) == 0 &&
	    (rc = fl_mldata_load_apply(&ds, data, NULL, m, threads, err)) == 0 &&
	    (rc = fl_mldata_predictions(&t, m, ds, proba, threads, err)) == 0 &&
	    (mlcli_print_table(stdout, t) < 0 || fflush(stdout) != 0))
		rc = fl_err_set(err, FL_EIO, "writing the predictions to standard output failed");
	fl_table_free(t);
	fl_dataset_free(ds);
	fl_model_free(m);
	return rc;
}

static int predict(int argc, char **argv)
{
	enum { O_THREADS = 256, O_PROBA };
	static const struct option opts[] = {
		{ "proba", no_argument, NULL, O_PROBA },
		{ "threads", required_argument, NULL, O_THREADS },
		{ 0, 0, 0, 0 },
	};
	const char *bundle = bundle_path(), *data = "-";
	char *spool = NULL;
	uint64_t bytes = 0;
	int c, code = 0, threads = 0, proba = 0, rc;
	fl_err err = FL_ERR_INIT;

	while ((c = cli_getopt(&predict_cmd, argc, argv, "", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == O_PROBA)
			proba = 1;
		if (c == O_THREADS && !(threads = cli_parse_threads(optarg)))
			return cli_usage_error(&predict_cmd, "--threads needs a whole number >= 1, "
					       "not '%s'", optarg);
	}
	if (argc - optind > 1)
		return cli_usage_error(&predict_cmd, "one DATA file at most");
	if (argc - optind == 1)
		data = argv[optind];
	if (!bundle)
		return FL_EXIT_FAIL;
	if (!strcmp(data, "-") && isatty(0))
		return cli_usage_error(&predict_cmd, "reads the data on standard input: "
				       "docker run --rm -i IMAGE predict < new.csv");
	cli_install_log(1);
	if (!strcmp(data, "-")) {
		if (fl_spool_fd(0, &spool, &bytes, &err) < 0)
			return cli_fail(&err);
		if (bytes == 0) {
			unlink(spool);
			free(spool);
			fprintf(stderr, "floe: no data on standard input (docker run needs -i to "
				"pass it on)\n");
			return FL_EXIT_FAIL;
		}
		data = spool;
	}
	rc = apply(bundle, data, proba, threads, &err);
	if (spool) {
		unlink(spool);
		free(spool);
	}
	return rc < 0 ? cli_fail(&err) : FL_EXIT_OK;
}

/* Run another command with `pre` arguments, the user's, then `post`. */
static int delegate(const fl_cmd *cmd, const char *const *pre, int argc, char **argv,
		    const char *post)
{
	char *av[256];
	int n = 0;

	av[n++] = (char *)cmd->name;
	for (; pre && *pre; pre++)
		av[n++] = (char *)*pre;
	for (int i = 0; i < argc && n < 252; i++)
		av[n++] = argv[i];
	if (post)
		av[n++] = (char *)post;
	av[n] = NULL;
	cli_reset();
	return cmd->run(cmd, n, av);
}

static void usage(FILE *fp)
{
	fprintf(fp, "actions (docker run --rm [-i] IMAGE ACTION ...):\n"
		"  predict [--proba] [--threads N]  CSV on standard input -> predictions on "
		"standard output\n"
		"  verify [--tolerance ...]         re-run the bundle here and check every output\n"
		"  inspect [--json]                 the bundle's manifest\n"
		"  version [--json]                 floe's and the libraries' versions\n"
		"  help                             this text\n");
}

static int help(void)
{
	const char *b = getenv("FLOE_BUNDLE"), *m = getenv("FLOE_BUNDLE_MODEL");

	printf("This image holds a floe bundle and floe to use it (made by `floe publish`).\n");
	if (b && *b)
		printf("bundle  %s\nmodel   %s\n", b, m && *m ? m : "the bundle's only one");
	printf("\n");
	usage(stdout);
	printf("\nexample: docker run --rm -i IMAGE predict < new.csv > predictions.csv\n");
	return FL_EXIT_OK;
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const char *const local[] = { "--executor", "local", NULL };
	const char *a = argc > 1 ? argv[1] : "help", *b;

	if (!strcmp(a, "help") || !strcmp(a, "--help") || !strcmp(a, "-h"))
		return help();
	if (!strcmp(a, "predict")) {
		cli_reset();
		return predict(argc - 1, argv + 1);
	}
	if (!strcmp(a, "version"))
		return delegate(&fl_cmd_version, NULL, argc - 2, argv + 2, NULL);
	if (strcmp(a, "verify") && strcmp(a, "inspect")) {
		fprintf(stderr, "floe %s: unknown action '%s'\n", cmd->name, a);
		usage(stderr);
		return FL_EXIT_USAGE;
	}
	if (!(b = bundle_path()))
		return FL_EXIT_FAIL;
	if (!strcmp(a, "verify"))
		return delegate(&fl_cmd_verify, local, argc - 2, argv + 2, b);
	return delegate(&fl_cmd_inspect, NULL, argc - 2, argv + 2, b);
}

const fl_cmd fl_cmd_embedded = {
	"embedded", "the entry point of an image made by floe publish",
	"floe embedded predict|verify|inspect|version|help [ARGS...]",
	"The ENTRYPOINT of a published image (docs/containers.md): the bundle is\n"
	"$FLOE_BUNDLE, the model predict applies $FLOE_BUNDLE_MODEL.\n",
	run,
};
