/* cmd_report.c - `floe report RECIPE [STEP] [--json]`: the results of a
 * recipe's develop steps (candidates, chosen model, test metrics, confusion
 * matrix) as readable tables, or as JSON. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "develop/locate.h"
#include "mlcli.h"

#define MAX_COLS 4 /* metric columns in the text table; --json has all */

/* Metric names of the candidates table: the selection metric first, then
 * the others every candidate has, in the report's order. */
static size_t metric_columns(const json_t *rep, const char **names)
{
	const char *sel = json_string_value(json_object_get(json_object_get(rep, "selection"),
							    "metric"));
	json_t *first = json_array_get(json_object_get(rep, "candidates"), 0);
	const char *k;
	json_t *v;
	size_t n = 0;

	names[n++] = sel;
	json_object_foreach(json_object_get(first, "mean"), k, v)
		if (n < MAX_COLS && strcmp(k, sel) != 0)
			names[n++] = k;
	return n;
}

static void print_candidates(const json_t *rep)
{
	const char *names[MAX_COLS];
	size_t n = metric_columns(rep, names), i;
	json_t *c;

	printf("  %4s %4s  %-24s %-32s", "rank", "#", "kind", "params");
	for (size_t j = 0; j < n; j++)
		printf(" %21s", names[j]);
	printf("\n");
	json_array_foreach(json_object_get(rep, "candidates"), i, c) {
		char params[1024] = "";
		size_t len = 0;
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(c, "params"), k, v)
			len += (size_t)snprintf(params + len, sizeof(params) - len, "%s%s=%s",
						len ? " " : "", k, json_string_value(v));
		printf("  %4lld %4lld  %-24s %-32s", json_integer_value(json_object_get(c, "rank")),
		       json_integer_value(json_object_get(c, "candidate")),
		       json_string_value(json_object_get(c, "kind")), params);
		for (size_t j = 0; j < n; j++) {
			json_t *m = json_object_get(json_object_get(c, "mean"), names[j]);
			json_t *s = json_object_get(json_object_get(c, "std"), names[j]);
			if (m)
				printf("   %9.4f +- %-6.4f", json_number_value(m), json_number_value(s));
			else
				printf(" %21s", "-");
		}
		printf("\n");
	}
}

static void print_selection(const json_t *sel, const json_t *rep)
{
	long long splits = json_integer_value(json_object_get(sel, "splits"));
	const char *rs = json_string_value(json_object_get(sel, "resampling"));

	printf("  task %s, metric %s (%s is better), ", json_string_value(json_object_get(sel, "task")),
	       json_string_value(json_object_get(sel, "metric")),
	       json_is_true(json_object_get(sel, "higher_is_better")) ? "higher" : "lower");
	if (!strcmp(rs, "cv"))
		printf("%lld-fold cross-validation", splits);
	else
		printf("hold-out validation table");
	printf(", %lld candidates, %lld fits\n", json_integer_value(json_object_get(sel, "candidates")),
	       json_integer_value(json_object_get(sel, "fits")));
	printf("  chosen: candidate %lld (%s), %s %.4f +- %.4f, refitted on %lld rows\n",
	       json_integer_value(json_object_get(sel, "chosen")),
	       json_string_value(json_object_get(rep, "model_kind")),
	       json_string_value(json_object_get(sel, "metric")),
	       json_number_value(json_object_get(sel, "mean")),
	       json_number_value(json_object_get(sel, "std")),
	       json_integer_value(json_object_get(sel, "refit_rows")));
}

static void print_step(const json_t *st)
{
	const json_t *rep = json_object_get(st, "report"), *test;

	printf("step %s (develop): %s\n", json_string_value(json_object_get(st, "step")),
	       json_string_value(json_object_get(st, "state")));
	if (json_is_null(rep) || !rep) {
		printf("  no results yet: run the recipe first\n");
		return;
	}
	if (strcmp(json_string_value(json_object_get(st, "state")), "up to date") != 0)
		printf("  (these results are from the last run: %s)\n",
		       json_string_value(json_object_get(st, "reason")));
	print_selection(json_object_get(rep, "selection"), rep);
	printf("candidates (mean +- std over the splits)\n");
	print_candidates(rep);
	test = json_object_get(rep, "test");
	if (json_is_object(test)) {
		printf("test (%lld rows, scored once)\n",
		       json_integer_value(json_object_get(test, "rows")));
		mlcli_print_metrics(stdout, test, "  ");
	} else {
		printf("test: no test input\n");
	}
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	enum { O_JSON = 256, O_THREADS };
	static const struct option opts[] = {
		{ "json", no_argument, NULL, O_JSON },
		{ "threads", required_argument, NULL, O_THREADS },
		{ 0, 0, 0, 0 },
	};
	fl_err err = FL_ERR_INIT;
	json_t *out = NULL, *st;
	int c, code = 0, json = 0, threads = 0;
	size_t i;

	while ((c = cli_getopt(cmd, argc, argv, "", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == O_JSON)
			json = 1;
		if (c == O_THREADS && !(threads = cli_parse_threads(optarg)))
			return cli_usage_error(cmd, "--threads needs a whole number >= 1, not '%s'",
					       optarg);
	}
	if (argc - optind < 1 || argc - optind > 2)
		return cli_usage_error(cmd, "expected RECIPE and at most one STEP");
	cli_install_log(0);
	if (fl_locate_reports(argv[optind], argc - optind == 2 ? argv[optind + 1] : NULL, threads,
			      NULL, &out, &err) < 0)
		return cli_fail(&err);
	if (json)
		mlcli_print_json(stdout, out);
	else
		json_array_foreach(json_object_get(out, "steps"), i, st) {
			if (i)
				printf("\n");
			print_step(st);
		}
	json_decref(out);
	if (fflush(stdout) != 0)
		return cli_fail(&(fl_err){ FL_EIO, "writing to standard output failed" });
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_report = {
	"report", "print the results of a recipe's develop steps",
	"floe report RECIPE [STEP] [--json] [--threads N]",
	"For each develop step (or only STEP): how the model was chosen (task,\n"
	"metric, folds), every candidate's mean and spread of the metrics over\n"
	"the folds with its rank, the chosen candidate, its metrics on the test\n"
	"table and, for classification, the confusion matrix. The results are\n"
	"read from the step's report.json; a stale step's last results are shown\n"
	"with a note. docs/develop.md describes every field.\n"
	"\noptions:\n"
	"  --json        print everything as one JSON object\n"
	"  --threads N   threads for checking the inputs (default: all cores)\n",
	run,
};
