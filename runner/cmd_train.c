/* cmd_train.c - `floe train KIND DATA --label COL -o MODEL`: fit a model on
 * a seeded train part of a CSV/HDF5 file, print the held-out metrics. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/parallel.h"
#include "ml/mldata.h"
#include "ml/model.h"
#include "mlcli.h"

#define MAX_PARAMS 64

typedef struct train_args {
	const char *kind, *data, *label, *out;
	const char *params[MAX_PARAMS];
	size_t n_params;
	double test_size;
	uint64_t seed;
	int threads, json;
} train_args;

enum { O_LABEL = 256, O_PARAM, O_TEST_SIZE, O_SEED, O_THREADS, O_JSON };

static int parse_args(const fl_cmd *cmd, int argc, char **argv, train_args *a, int *code)
{
	static const struct option opts[] = {
		{ "label", required_argument, NULL, O_LABEL },
		{ "param", required_argument, NULL, O_PARAM },
		{ "test-size", required_argument, NULL, O_TEST_SIZE },
		{ "seed", required_argument, NULL, O_SEED },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "json", no_argument, NULL, O_JSON },
		{ "output", required_argument, NULL, 'o' },
		{ 0, 0, 0, 0 },
	};
	char *end;
	int c;

	while ((c = cli_getopt(cmd, argc, argv, "o:", opts, code)) != -1) {
		switch (c) {
		case '?': return -1;
		case O_LABEL: a->label = optarg; break;
		case 'o': a->out = optarg; break;
		case O_JSON: a->json = 1; break;
		case O_PARAM:
			if (a->n_params == MAX_PARAMS)
				return *code = cli_usage_error(cmd, "too many --param"), -1;
			a->params[a->n_params++] = optarg;
			break;
		case O_TEST_SIZE:
			a->test_size = strtod(optarg, &end);
			if (*optarg == 0 || *end || !(a->test_size >= 0 && a->test_size < 1))
				return *code = cli_usage_error(cmd, "--test-size needs a number in "
							       "[0, 1), not '%s'", optarg), -1;
			break;
		case O_SEED:
			a->seed = strtoull(optarg, &end, 10);
			if (*optarg == 0 || *end || *optarg == '-')
				return *code = cli_usage_error(cmd, "--seed needs a whole number >= 0, "
							       "not '%s'", optarg), -1;
			break;
		case O_THREADS:
			if (!(a->threads = cli_parse_threads(optarg)))
				return *code = cli_usage_error(cmd, "--threads needs a whole number "
							       ">= 1, not '%s'", optarg), -1;
			break;
		}
	}
	if (argc - optind != 2)
		return *code = cli_usage_error(cmd, "expected KIND and DATA"), -1;
	a->kind = argv[optind];
	a->data = argv[optind + 1];
	if (!a->out)
		return *code = cli_usage_error(cmd, "no model file given (-o MODEL)"), -1;
	return 0;
}

/* Wall and CPU seconds of the load and of the fit. */
typedef struct timings {
	double load_s, fit_s, fit_cpu_s;
} timings;

static void print_text(const train_args *a, const fl_model *m, const fl_dataset *tr,
		       const fl_dataset *te, const timings *t)
{
	printf("trained %s on %zu rows x %zu features in %.3f s (data loaded in %.3f s)\n",
	       m->kind->name, tr->n, tr->d, t->fit_s, t->load_s);
	mlcli_print_metrics(stdout, json_object_get(m->metrics, "fit"), "  fit: ");
	if (te->n) {
		printf("held-out metrics (%zu rows, test size %g, seed %llu):\n", te->n,
		       a->test_size, (unsigned long long)a->seed);
		mlcli_print_metrics(stdout, json_object_get(m->metrics, "test"), "  ");
	}
	printf("model written to %s\n", a->out);
}

static void print_json(const train_args *a, const fl_model *m, const fl_dataset *tr,
		       const fl_dataset *te, const timings *t)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:f, s:f, s:f, s:O, s:O, s:O}",
			      "kind", m->kind->name, "task", fl_task_name(m->kind->task),
			      "model", a->out, "rows_train", (json_int_t)tr->n,
			      "rows_test", (json_int_t)te->n, "features", (json_int_t)tr->d,
			      "load_seconds", t->load_s, "fit_seconds", t->fit_s,
			      "fit_cpu_seconds", t->fit_cpu_s,
			      "params", m->params, "fit", json_object_get(m->metrics, "fit"),
			      "test", te->n ? json_object_get(m->metrics, "test") : json_null());
	mlcli_print_json(stdout, o);
	json_decref(o);
}

static int train(const train_args *a, fl_err *err)
{
	const fl_model_kind *kind;
	fl_dataset *tr = NULL, *te = NULL;
	fl_model *m = NULL;
	json_t *params = NULL, *test = NULL;
	fl_fit_opts fo = FL_FIT_OPTS_INIT;
	timings tm = { 0 };
	double t0, c0;
	int rc;

	if ((rc = fl_model_kind_get(&kind, a->kind, err)) < 0 ||
	    (rc = fl_hparams_from_args(kind->params, a->params, a->n_params, &params, err)) < 0)
		return rc;
	t0 = mlcli_now();
	rc = fl_mldata_load_train(&tr, a->data, a->label, kind, a->threads, err);
	tm.load_s = mlcli_now() - t0;
	if (rc == 0) /* tr becomes the training part */
		rc = fl_dataset_split_inplace(tr, a->test_size, a->seed, &te, err);
	fo.seed = a->seed;
	fo.n_threads = a->threads;
	fo.progress = cli_progress(a->json);
	t0 = mlcli_now();
	c0 = mlcli_cpu();
	if (rc == 0)
		rc = fl_model_fit(&m, kind, tr, params, &fo, err);
	tm.fit_s = mlcli_now() - t0;
	tm.fit_cpu_s = mlcli_cpu() - c0;
	cli_progress_done();
	if (rc == 0 && te->n &&
	    (rc = fl_model_score(m, te, a->threads, a->seed, &test, err)) == 0)
		rc = fl_model_add_metrics(m, "test", test, err);
	if (rc == 0)
		rc = fl_model_save(m, a->out, err);
	if (rc == 0)
		(a->json ? print_json : print_text)(a, m, tr, te, &tm);
	json_decref(params);
	fl_model_free(m);
	fl_dataset_free(tr);
	fl_dataset_free(te);
	return rc;
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	train_args a = { .test_size = 0.25 };
	fl_err err = FL_ERR_INIT;
	int code = 0;

	if (parse_args(cmd, argc, argv, &a, &code) < 0)
		return code;
	cli_install_log(a.json);
	if (train(&a, &err) < 0)
		return cli_fail(&err);
	return FL_EXIT_OK;
}

#define KIND_HELP                                                                   \
	"kinds (docs/models.md lists every parameter):\n"                           \
	"  linear_regression    ordinary least squares\n"                           \
	"  ridge                least squares + L2 (alpha)\n"                       \
	"  logistic_regression  binary/multinomial, L2 (C, max_iter, tol)\n"        \
	"  pca                  n_components, svd_solver, whiten\n"                 \
	"  kmeans               n_clusters, n_init, max_iter, tol\n"                 \
	"  random_forest        classifier: n_estimators, max_depth, max_features,\n" \
	"                       min_samples_split/leaf, class_weight, oob_score\n"  \
	"  random_forest_regressor  the same for a numeric target (no class_weight)\n" \
	"  mlp                  neural network classifier (hidden_layer_sizes,\n"   \
	"                       activation, solver, alpha, max_iter, ...)\n"          \
	"  mlp_regressor        neural network regressor (same parameters)\n"

const fl_cmd fl_cmd_train = {
	"train", "fit a model on a CSV or HDF5 file and print held-out metrics",
	"floe train KIND DATA [--label COL] [--param NAME=VALUE ...] [--test-size F] "
	"[--seed N] [--threads N] [--json] -o MODEL",
	"Shuffles the rows with the seed, keeps --test-size of them aside, fits\n"
	"KIND on the rest and prints the metrics on the held-out rows. Every\n"
	"column except the label is a feature and must be numeric and complete.\n"
	"The same data, parameters and seed give a byte-identical model file\n"
	"whatever the thread count.\n"
	"\noptions:\n"
	"  --label COL          the target column (classification, regression;\n"
	"                       optional for kmeans, where it is used for scoring)\n"
	"  --param NAME=VALUE   a model parameter (repeatable)\n"
	"  --test-size F        fraction of rows held out, in [0, 1) (default 0.25)\n"
	"  --seed N             seed for the split and the model (default 0)\n"
	"  --threads N          threads (default: all cores)\n"
	"  --json               print a JSON object (with load_seconds, fit_seconds,\n"
	"                       fit_cpu_seconds)\n"
	"  -o, --output MODEL   the model file to write\n\n" KIND_HELP,
	run,
};
