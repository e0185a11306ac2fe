/* cmd_score.c - `floe score MODEL DATA --label COL`: a model's metrics on
 * labelled data. */
#include <stdio.h>

#include "cli.h"
#include "ml/mldata.h"
#include "ml/model.h"
#include "mlcli.h"

static int score(const char *model, const char *data, const char *label, int json,
		 int threads, fl_err *err)
{
	fl_model *m = NULL;
	fl_dataset *ds = NULL;
	json_t *metrics = NULL;
	double t0 = mlcli_now(), t1, t2;
	int rc;

	if ((rc = fl_model_load(&m, model, err)) < 0)
		return rc;
	if (!label && (m->kind->task == FL_TASK_CLASSIFICATION ||
		       m->kind->task == FL_TASK_REGRESSION))
		rc = fl_err_set(err, FL_EINVAL, "scoring a %s model needs --label COL",
				fl_task_name(m->kind->task));
	if (rc == 0)
		rc = fl_mldata_load_apply(&ds, data, label, m, threads, err);
	t1 = mlcli_now();
	if (rc == 0 && (rc = fl_model_score(m, ds, threads, 0, &metrics, err)) < 0)
		fl_err_wrap(err, "scoring %s on %s", model, data);
	t2 = mlcli_now();
	if (rc == 0 && json) {
		/* timings for benchmarks: loading model and data; predicting
		 * and computing the metrics */
		json_object_set_new(metrics, "load_seconds", json_real(t1 - t0));
		json_object_set_new(metrics, "score_seconds", json_real(t2 - t1));
		mlcli_print_json(stdout, metrics);
	}
	else if (rc == 0) {
		printf("%s model %s on %s (%zu rows):\n", m->kind->name, model, data, ds->n);
		mlcli_print_metrics(stdout, metrics, "  ");
	}
	json_decref(metrics);
	fl_dataset_free(ds);
	fl_model_free(m);
	return rc;
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	enum { O_LABEL = 256, O_THREADS, O_JSON };
	static const struct option opts[] = {
		{ "label", required_argument, NULL, O_LABEL },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "json", no_argument, NULL, O_JSON },
		{ 0, 0, 0, 0 },
	};
	const char *label = NULL;
	int c, code = 0, threads = 0, json = 0;
	fl_err err = FL_ERR_INIT;

	while ((c = cli_getopt(cmd, argc, argv, "", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == O_LABEL)
			label = optarg;
		if (c == O_JSON)
			json = 1;
		if (c == O_THREADS && !(threads = cli_parse_threads(optarg)))
			return cli_usage_error(cmd, "--threads needs a whole number >= 1, not '%s'",
					       optarg);
	}
	if (argc - optind != 2)
		return cli_usage_error(cmd, "expected MODEL and DATA");
	cli_install_log(json);
	if (score(argv[optind], argv[optind + 1], label, json, threads, &err) < 0)
		return cli_fail(&err);
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_score = {
	"score", "print a model's metrics on labelled data",
	"floe score MODEL DATA [--label COL] [--threads N] [--json]",
	"Classifiers: accuracy, balanced accuracy, macro precision/recall/F1,\n"
	"per-class scores, confusion matrix, log loss, ROC AUC (two classes).\n"
	"Regression: R^2, RMSE, MAE, explained variance. k-means: inertia,\n"
	"silhouette (on at most 5000 rows), adjusted Rand index against --label.\n"
	"PCA: explained variance ratio on this data.\n"
	"\noptions:\n"
	"  --label COL   the true labels (required for classifiers and regression)\n"
	"  --threads N   threads (default: all cores)\n"
	"  --json        print the metrics as JSON (with load_seconds and\n"
	"                score_seconds: predicting plus the metrics)\n",
	run,
};
