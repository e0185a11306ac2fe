/* cmd_model.c - `floe model info FILE`: a model file's kind, schema,
 * parameters and training metrics. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ml/model.h"
#include "ml/modelfile.h"
#include "mlcli.h"

static void print_info(const json_t *info)
{
	const json_t *schema = json_object_get(info, "schema");
	const json_t *f, *v;
	const char *key;
	size_t i;

	printf("kind            %s (%s)\n", json_string_value(json_object_get(info, "kind")),
	       json_string_value(json_object_get(info, "task")));
	printf("format version  %lld\n",
	       (long long)json_integer_value(json_object_get(info, "format_version")));
	printf("features        %zu\n", json_array_size(json_object_get(schema, "features")));
	json_array_foreach(json_object_get(schema, "features"), i, f)
		printf("  %3zu  %-24s %s\n", i + 1, json_string_value(json_object_get(f, "name")),
		       json_string_value(json_object_get(f, "type")));
	if (json_is_string(json_object_get(schema, "label")))
		printf("label           %s (%s)\n",
		       json_string_value(json_object_get(schema, "label")),
		       json_string_value(json_object_get(schema, "target")));
	if (json_array_size(json_object_get(schema, "classes"))) {
		printf("classes        ");
		json_array_foreach(json_object_get(schema, "classes"), i, v)
			printf(" %s", json_string_value(v));
		putchar('\n');
	}
	printf("preparation     %s\n",
	       json_is_null(json_object_get(schema, "preparation")) ? "none" : "recorded");
	printf("parameters\n");
	mlcli_print_metrics(stdout, json_object_get(info, "params"), "  ");
	json_object_foreach(json_object_get(info, "metrics"), key, v) {
		printf("metrics: %s\n", key);
		mlcli_print_metrics(stdout, v, "  ");
	}
	printf("arrays\n");
	json_array_foreach(json_object_get(info, "arrays"), i, v) {
		printf("  %-24s %s [", json_string_value(json_object_get(v, "name")),
		       json_string_value(json_object_get(v, "dtype")));
		size_t j;
		json_t *d;
		json_array_foreach(json_object_get(v, "dims"), j, d)
			printf("%s%lld", j ? " x " : "", (long long)json_integer_value(d));
		printf("]\n");
	}
}

static int info(const char *path, int json, fl_err *err)
{
	fl_modelfile *mf = NULL;
	json_t *o = NULL;
	int rc;

	if ((rc = fl_modelfile_read(&mf, path, err)) < 0)
		return rc;
	if ((rc = fl_modelfile_info(mf, &o, err)) == 0) {
		if (json)
			mlcli_print_json(stdout, o);
		else
			print_info(o);
	}
	json_decref(o);
	fl_modelfile_free(mf);
	return rc;
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	int c, code = 0, json = 0;
	fl_err err = FL_ERR_INIT;

	while ((c = cli_getopt(cmd, argc, argv, "", opts, &code)) != -1) {
		if (c == '?')
			return code;
		if (c == 'j')
			json = 1;
	}
	if (optind >= argc)
		return cli_usage_error(cmd, "expected a subcommand: info");
	if (strcmp(argv[optind], "info") != 0)
		return cli_usage_error(cmd, "unknown subcommand '%s' (known: info)", argv[optind]);
	if (argc - optind != 2)
		return cli_usage_error(cmd, "expected one model FILE");
	if (info(argv[optind + 1], json, &err) < 0)
		return cli_fail(&err);
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_model = {
	"model", "inspect a model file",
	"floe model info [--json] FILE",
	"info: the model's kind and task, the file format version, the input\n"
	"schema (features in order with their types, label, classes, whether\n"
	"fitted preparation transforms are recorded), the parameters, the\n"
	"training metrics and the stored arrays. The file's checksum is verified.\n"
	"\noptions:\n"
	"  --json   print everything as one JSON object\n",
	run,
};
