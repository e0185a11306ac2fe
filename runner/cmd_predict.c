/* cmd_predict.c - `floe predict MODEL DATA|- [-o OUT|-]`: apply a model
 * file, a bundle's model, the chosen model of a recipe's develop step, or a
 * model from the repository, to a CSV/HDF5/netCDF file or standard input,
 * one row of outputs per input row. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle/bundlemodel.h"
#include "cli.h"
#include "data/table.h"
#include "develop/apply.h"
#include "develop/locate.h"
#include "mlcli.h"
#include "repo/fetch.h"
#include "repo/repo.h"
#include "repo/fetch.h"
#include "repo/repo.h"

/* The file `spec` names: itself (a model file or a bundle), or a recipe's
 * chosen model. */
static int model_path(const char *spec, int threads, char **path, fl_err *err)
{
	char *recipe = NULL, *step = NULL;
	int rc = fl_locate_parse(spec, &recipe, &step, err);

	*path = NULL;
	if (rc == 0 && !(*path = strdup(spec)))
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	else if (rc == 1)
		rc = fl_locate_model(recipe, step, threads, path, err);
	free(recipe);
	free(step);
	return rc < 0 ? rc : 0;
}

/* Load the model `spec` names. No file of that name and no '/' or ':' in
 * it: a repository reference (NAME, NAME@VERSION, NAME@ALIAS), loaded with
 * its object's digest checked. */
static int load_model(fl_model **m, const char *spec, const char *repo, int threads,
		      fl_err *err)
{
	struct stat st;
	fl_repo *r = NULL;
	char *path = NULL;
	int rc;

	if (stat(spec, &st) != 0 && !strchr(spec, '/') && !strchr(spec, ':')) {
		if ((rc = fl_repo_open(&r, repo, 0, err)) == 0)
			rc = fl_repo_load_model(r, spec, m, NULL, err);
		fl_repo_free(r);
		return rc;
	}
	if ((rc = model_path(spec, threads, &path, err)) == 0)
		rc = fl_bundle_model_open(m, path, err);
	free(path);
	return rc;
}

static int predict(const char *spec, const char *repo, const char *data, const char *out,
		   fl_apply_opts *o, fl_err *err)
{
	fl_table *t = NULL;
	fl_model *m = NULL;
	int rc, to_stdout = !out || !strcmp(out, "-");

	if ((rc = load_model(&m, spec, repo, o->n_threads, err)) == 0 &&
	    (rc = fl_apply_model_to_file(m, data, to_stdout ? NULL : out, &t, o, err)) < 0)
		fl_err_wrap(err, "%s", spec);
	if (rc == 0 && to_stdout && mlcli_print_table(stdout, t) < 0)
		rc = fl_err_set(err, FL_EIO, "writing to standard output failed");
	fl_table_free(t);
	fl_model_free(m);
	return rc;
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	enum { O_THREADS = 256, O_PROBA, O_ID, O_REPO };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "proba", no_argument, NULL, O_PROBA },
		{ "id", required_argument, NULL, O_ID },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "repo", required_argument, NULL, O_REPO },
		{ 0, 0, 0, 0 },
	};
	const char *out = NULL, *repo = NULL, *ids[64];
	fl_apply_opts o = FL_APPLY_OPTS_INIT;
	int c, code = 0;
	fl_err err = FL_ERR_INIT;

	o.row_ids = 0;
	o.id = ids;
	while ((c = cli_getopt(cmd, argc, argv, "o:", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == 'o')
			out = optarg;
		if (c == O_PROBA)
			o.proba = 1;
		if (c == O_ID && o.n_id == 64)
			return cli_usage_error(cmd, "at most 64 --id columns");
		if (c == O_ID)
			ids[o.n_id++] = optarg;
		if (c == O_REPO)
			repo = optarg;
		if (c == O_THREADS && !(o.n_threads = cli_parse_threads(optarg)))
			return cli_usage_error(cmd, "--threads needs a whole number >= 1, not '%s'",
					       optarg);
	}
	if (argc - optind != 2)
		return cli_usage_error(cmd, "expected MODEL (or RECIPE[:STEP]) and DATA (or -)");
	cli_install_log(0);
	if (predict(argv[optind], repo, argv[optind + 1], out, &o, &err) < 0)
		return cli_fail(&err);
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_predict = {
	"predict", "apply a model (file, bundle, recipe or repository) to data",
	"floe predict MODEL DATA|- [-o OUT|-] [--proba] [--id COL]... [--threads N] [--repo DIR]",
	"MODEL is a model file; a bundle holding one model (floe bundle); a recipe\n"
	"(RECIPE.yaml, or RECIPE.yaml:STEP when it has several develop steps): its\n"
	"develop step's chosen model, which must be up to date; or, when no such\n"
	"file exists, a model in the repository: NAME, NAME@VERSION or NAME@ALIAS\n"
	"(floe models), whose stored object is checked against its digest.\n"
	"Writes one row per input row: 'prediction' (the class or value),\n"
	"'cluster' (k-means) or pc1..pcK (PCA).\n"
	"A model from a recipe re-applies the prepare transforms fitted on the\n"
	"training data (impute, encode, scale, dropna...) to DATA first, so DATA\n"
	"is raw data like the recipe's input. DATA is CSV, HDF5 or netCDF, or '-'\n"
	"for standard input (CSV or HDF5). The features must match the model's:\n"
	"a mismatch is an error naming the missing or extra columns, or a\n"
	"category the model never saw. A column named like the training label is\n"
	"ignored.\n"
	"\noptions:\n"
	"  -o, --output OUT  write to OUT (.h5/.hdf5: a floe HDF5 table, else CSV;\n"
	"                    atomically); '-' or none: CSV on standard output\n"
	"  --proba           classifiers: add a proba_<class> column per class\n"
	"  --id COL          copy input column COL beside the predictions (repeat\n"
	"                    for several)\n"
	"  --threads N       threads (default: all cores)\n"
	"  --repo DIR        the model repository (default: $FLOE_MODELS, else\n"
	"                    $XDG_DATA_HOME/floe/models or ~/.local/share/floe/models)\n",
	run,
};
