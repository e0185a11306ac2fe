/* cmd_predict.c - `floe predict MODEL DATA [-o OUT]`: apply a model file,
 * or a model from the repository (NAME@VERSION), to a CSV/HDF5 file and
 * write one row of outputs per input row. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "data/table.h"
#include "ml/mldata.h"
#include "ml/model.h"
#include "mlcli.h"
#include "repo/fetch.h"
#include "repo/repo.h"

/* MODEL is a model file when such a file exists, else a repository
 * reference (NAME, NAME@VERSION, NAME@ALIAS), loaded with its object's
 * digest checked. */
static int load_model(fl_model **m, const char *model, const char *repo, fl_err *err)
{
	struct stat st;
	fl_repo *r = NULL;
	int rc;

	if (stat(model, &st) == 0 || strchr(model, '/'))
		return fl_model_load(m, model, err);
	if ((rc = fl_repo_open(&r, repo, 0, err)) == 0)
		rc = fl_repo_load_model(r, model, m, NULL, err);
	fl_repo_free(r);
	return rc;
}

static int predict(const char *model, const char *repo, const char *data, const char *out,
		   int proba, int threads, fl_err *err)
{
	fl_model *m = NULL;
	fl_dataset *ds = NULL;
	fl_table *t = NULL;
	int rc;

	if ((rc = load_model(&m, model, repo, err)) == 0 &&
	    (rc = fl_mldata_load_apply(&ds, data, NULL, m, threads, err)) == 0 &&
	    (rc = fl_mldata_predictions(&t, m, ds, proba, threads, err)) < 0)
		fl_err_wrap(err, "applying %s to %s", model, data);
	if (rc == 0 && out)
		rc = fl_mldata_write(t, out, err);
	else if (rc == 0 && mlcli_print_table(stdout, t) < 0)
		rc = fl_err_set(err, FL_EIO, "writing to standard output failed");
	fl_table_free(t);
	fl_dataset_free(ds);
	fl_model_free(m);
	return rc;
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	enum { O_THREADS = 256, O_PROBA, O_REPO };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "proba", no_argument, NULL, O_PROBA },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "repo", required_argument, NULL, O_REPO },
		{ 0, 0, 0, 0 },
	};
	const char *out = NULL, *repo = NULL;
	int c, code = 0, threads = 0, proba = 0;
	fl_err err = FL_ERR_INIT;

	while ((c = cli_getopt(cmd, argc, argv, "o:", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == 'o')
			out = optarg;
		if (c == O_PROBA)
			proba = 1;
		if (c == O_REPO)
			repo = optarg;
		if (c == O_THREADS && !(threads = cli_parse_threads(optarg)))
			return cli_usage_error(cmd, "--threads needs a whole number >= 1, not '%s'",
					       optarg);
	}
	if (argc - optind != 2)
		return cli_usage_error(cmd, "expected MODEL and DATA");
	cli_install_log(0);
	if (predict(argv[optind], repo, argv[optind + 1], out, proba, threads, &err) < 0)
		return cli_fail(&err);
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_predict = {
	"predict", "apply a model file to a CSV or HDF5 file",
	"floe predict MODEL DATA [-o OUT] [--proba] [--threads N] [--repo DIR]",
	"MODEL is a model file, or (when no such file exists) a model in the\n"
	"repository: NAME, NAME@VERSION or NAME@ALIAS (`floe models`); its stored\n"
	"object is checked against its digest and a tampered one is refused.\n"
	"Writes one row per input row: 'prediction' (the class or value),\n"
	"'cluster' (k-means) or pc1..pcK (PCA). The data must have exactly the\n"
	"model's feature columns in the model's order; a column named like the\n"
	"training label is ignored. A mismatch is an error naming the missing,\n"
	"extra or reordered features.\n"
	"\noptions:\n"
	"  -o, --output OUT  write to OUT (.h5/.hdf5: a floe HDF5 table, else CSV;\n"
	"                    atomically); default: CSV on standard output\n"
	"  --proba           classifiers: add a proba_<class> column per class\n"
	"  --threads N       threads (default: all cores)\n"
	"  --repo DIR        the model repository (default: $FLOE_MODELS, else\n"
	"                    $XDG_DATA_HOME/floe/models or ~/.local/share/floe/models)\n",
	run,
};
