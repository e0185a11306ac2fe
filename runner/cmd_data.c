/* cmd_data.c - `floe data info FILE` and `floe data convert IN OUT`. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/sha256.h"
#include "data/load.h"

#define MAX_LIST 256

/* Options shared by both subcommands: how to read the input. */
typedef struct in_args {
	fl_load_opts lo;
	const char *na[MAX_LIST];
	size_t n_na;
	fl_csv_type types[MAX_LIST];
	size_t n_types;
	const char *vars[MAX_LIST];
	size_t n_vars;
} in_args;

enum {
	O_JSON = 256, O_FORMAT, O_DELIM, O_NA, O_NO_HEADER, O_NONFINITE, O_TYPE, O_DATASET,
	O_VAR, O_DROP, O_THREADS, O_COMPRESS, O_OUT_FORMAT, O_NA_REP, O_CHUNK,
};

#define IN_OPTIONS                                                        \
	{ "format", required_argument, NULL, O_FORMAT },                  \
	{ "delimiter", required_argument, NULL, O_DELIM },                \
	{ "na", required_argument, NULL, O_NA },                          \
	{ "no-header", no_argument, NULL, O_NO_HEADER },                  \
	{ "allow-nonfinite", no_argument, NULL, O_NONFINITE },            \
	{ "type", required_argument, NULL, O_TYPE },                      \
	{ "dataset", required_argument, NULL, O_DATASET },                \
	{ "var", required_argument, NULL, O_VAR },                        \
	{ "drop-missing", no_argument, NULL, O_DROP },                    \
	{ "threads", required_argument, NULL, O_THREADS },                \
	{ "chunk-mb", required_argument, NULL, O_CHUNK }

#define IN_HELP                                                                    \
	"input options:\n"                                                         \
	"  --format F          csv, hdf5 or netcdf (default: from the name/content)\n" \
	"  --delimiter C       CSV field separator (default ','; 'tab' for a tab)\n"  \
	"  --na TOKEN          a missing-value token (repeatable; default '' and NA)\n" \
	"  --no-header         the CSV has no header row (columns V1, V2, ...)\n"    \
	"  --allow-nonfinite   read NaN as missing and keep Inf (default: an error)\n" \
	"  --type COL=T        column type: numeric or categorical (repeatable)\n"    \
	"  --dataset NAME      HDF5: read this dataset instead of a floe table\n"     \
	"  --var NAME          netCDF: a variable to read (repeatable; default all)\n" \
	"  --drop-missing      netCDF: drop cells where every variable is missing\n"  \
	"  --threads N         parse CSV on N threads (default: all cores)\n"          \
	"  --chunk-mb N        CSV chunk size in MiB (default 8)\n"

static int parse_in_opt(const fl_cmd *cmd, in_args *a, int c, const char *v)
{
	fl_csv_opts *csv = &a->lo.csv;

	switch (c) {
	case O_FORMAT:
		if (!(a->lo.format = fl_format_parse(v)))
			return cli_usage_error(cmd, "--format: '%s' is not csv, hdf5 or netcdf", v);
		return 0;
	case O_DELIM:
		if (!strcmp(v, "tab") || !strcmp(v, "\\t"))
			v = "\t";
		if (strlen(v) != 1)
			return cli_usage_error(cmd, "--delimiter needs one character, not '%s'", v);
		csv->delimiter = v[0];
		return 0;
	case O_NA:
		if (a->n_na == MAX_LIST)
			return cli_usage_error(cmd, "too many --na tokens");
		a->na[a->n_na++] = v;
		csv->na = a->na;
		csv->n_na = a->n_na;
		return 0;
	case O_NO_HEADER: csv->header = 0; return 0;
	case O_NONFINITE: csv->allow_nonfinite = 1; return 0;
	case O_TYPE: {
		const char *eq = strrchr(v, '=');
		if (!eq || a->n_types == MAX_LIST ||
		    (strcmp(eq + 1, "numeric") && strcmp(eq + 1, "categorical")))
			return cli_usage_error(cmd, "--type needs COLUMN=numeric or COLUMN=categorical, not '%s'", v);
		char *name = strndup(v, (size_t)(eq - v));
		if (!name)
			return cli_usage_error(cmd, "out of memory");
		a->types[a->n_types].column = name;
		a->types[a->n_types++].type = strcmp(eq + 1, "numeric") ? FL_COL_CATEGORICAL : FL_COL_NUMERIC;
		csv->types = a->types;
		csv->n_types = a->n_types;
		return 0;
	}
	case O_DATASET: a->lo.dataset = v; return 0;
	case O_VAR:
		if (a->n_vars == MAX_LIST)
			return cli_usage_error(cmd, "too many --var names");
		a->vars[a->n_vars++] = v;
		a->lo.nc.vars = a->vars;
		a->lo.nc.n_vars = a->n_vars;
		return 0;
	case O_DROP: a->lo.nc.drop_missing = 1; return 0;
	case O_THREADS:
		if (!(csv->n_threads = cli_parse_threads(v)))
			return cli_usage_error(cmd, "--threads needs a whole number >= 1, not '%s'", v);
		return 0;
	case O_CHUNK: {
		char *end;
		long mb = strtol(v, &end, 10);
		if (*end || mb < 1 || mb > 4096)
			return cli_usage_error(cmd, "--chunk-mb needs a whole number 1..4096, not '%s'", v);
		csv->chunk_bytes = (size_t)mb << 20;
		return 0;
	}
	}
	return cli_usage_error(cmd, "unexpected option");
}

static void in_args_free(in_args *a)
{
	for (size_t i = 0; i < a->n_types; i++)
		free((char *)a->types[i].column);
}

static void print_info_text(const json_t *j)
{
	json_t *cols = json_object_get(j, "columns"), *c;
	size_t i;

	printf("%s: %s", json_string_value(json_object_get(j, "path")),
	       json_string_value(json_object_get(j, "format")));
	if (json_object_get(j, "n_rows"))
		printf(", %lld rows, %zu columns", (long long)json_integer_value(json_object_get(j, "n_rows")),
		       json_array_size(cols));
	printf("\n");
	json_array_foreach(json_object_get(j, "datasets"), i, c) {
		printf("  %s  %s [", json_string_value(json_object_get(c, "name")),
		       json_string_value(json_object_get(c, "type")));
		json_t *d;
		size_t k;
		json_array_foreach(json_object_get(c, "shape"), k, d)
			printf("%s%lld", k ? " x " : "", (long long)json_integer_value(d));
		printf("]\n");
	}
	if (!cols)
		return;
	printf("%-24s %-11s %10s %8s %13s %13s %13s %13s\n", "column", "type", "count", "missing",
	       "mean", "std", "min", "max");
	json_array_foreach(cols, i, c) {
		const char *type = json_string_value(json_object_get(c, "type"));
		printf("%-24s %-11s %10lld %8lld", json_string_value(json_object_get(c, "name")), type,
		       (long long)json_integer_value(json_object_get(c, "count")),
		       (long long)json_integer_value(json_object_get(c, "missing")));
		if (!strcmp(type, "categorical")) {
			printf(" %13lld levels\n", (long long)json_integer_value(json_object_get(c, "n_levels")));
			continue;
		}
		static const char *const keys[] = { "mean", "std", "min", "max" };
		for (int k = 0; k < 4; k++) {
			json_t *v = json_object_get(c, keys[k]);
			if (json_is_real(v))
				printf(" %13.6g", json_real_value(v));
			else
				printf(" %13s", "-");
		}
		printf("\n");
	}
}

static const fl_cmd info_cmd = {
	"data info", "describe a CSV, HDF5 or netCDF file",
	"floe data info [OPTIONS] FILE",
	"Prints the columns of FILE with their type, count of values, missing\n"
	"values, mean, standard deviation (n - 1) and range; categorical columns\n"
	"with their number of levels. CSV files and floe HDF5 tables are read in\n"
	"chunks, so memory does not grow with the file. An HDF5 file that is not\n"
	"a floe table lists its datasets (describe one with --dataset).\n"
	"\noptions:\n"
	"  --json              print JSON (docs/data.md)\n" IN_HELP,
	NULL,
};

static int run_info(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, O_JSON }, IN_OPTIONS,
					      { 0, 0, 0, 0 } };
	in_args a = { .lo = FL_LOAD_OPTS_INIT };
	fl_err err = FL_ERR_INIT;
	json_t *j = NULL;
	int c, code = 0, json = 0, status;

	cli_reset();
	while ((c = cli_getopt(&info_cmd, argc, argv, "", opts, &code)) != -1) {
		if (c == '?' || (c != O_JSON && (code = parse_in_opt(&info_cmd, &a, c, optarg)))) {
			in_args_free(&a);
			return code;
		}
		if (c == O_JSON)
			json = 1;
	}
	if (optind != argc - 1) {
		in_args_free(&a);
		return cli_usage_error(&info_cmd, optind >= argc ? "no file given" : "one file at a time");
	}
	a.lo.csv.progress = cli_progress(0);
	status = fl_data_info(argv[optind], &a.lo, &j, &err);
	cli_progress_done();
	in_args_free(&a);
	if (status < 0)
		return cli_fail(&err);
	if (json) {
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
		putchar('\n');
	} else {
		print_info_text(j);
	}
	json_decref(j);
	return FL_EXIT_OK;
}

static const fl_cmd convert_cmd = {
	"data convert", "convert between CSV and HDF5",
	"floe data convert [OPTIONS] IN OUT",
	"Converts CSV to an HDF5 table and back, in chunks (memory does not grow\n"
	"with the file); a netCDF grid or an HDF5 dataset becomes a table too.\n"
	"The output format follows OUT's name (.csv, .h5); OUT is written\n"
	"atomically, and the same input always gives the same bytes.\n"
	"\noptions:\n"
	"  --compress N        HDF5 output: gzip level 1..9 with shuffle (default 0)\n"
	"  --out-format F      csv or hdf5 (default: from OUT's name)\n"
	"  --na-rep TEXT       CSV output: how missing values are written (default NA)\n" IN_HELP,
	NULL,
};

static int parse_out_opt(fl_convert_opts *o, int c, const char *v)
{
	char *end;

	if (c == O_COMPRESS) {
		long n = strtol(v, &end, 10);
		if (*end || n < 0 || n > 9)
			return cli_usage_error(&convert_cmd, "--compress needs 0..9, not '%s'", v);
		o->h5.compress = (int)n;
	} else if (c == O_OUT_FORMAT) {
		o->out_format = fl_format_parse(v);
		if (o->out_format != FL_FORMAT_CSV && o->out_format != FL_FORMAT_HDF5)
			return cli_usage_error(&convert_cmd, "--out-format: '%s' is not csv or hdf5", v);
	} else {
		o->csv.na_rep = v;
	}
	return 0;
}

/* Provenance for the HDF5 output: the input's digest and name. */
static int input_provenance(const char *in, char **line, fl_err *err)
{
	fl_digest d;
	char hex[FL_SHA256_HEX_LEN + 1];
	const char *base = strrchr(in, '/');
	int rc;

	if ((rc = fl_sha256_file(in, &d, err)) < 0)
		return rc;
	fl_digest_hex(&d, hex);
	if (asprintf(line, "sha256:%s %s", hex, base ? base + 1 : in) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	return 0;
}

static int run_convert(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "compress", required_argument, NULL, O_COMPRESS },
		{ "out-format", required_argument, NULL, O_OUT_FORMAT },
		{ "na-rep", required_argument, NULL, O_NA_REP }, IN_OPTIONS, { 0, 0, 0, 0 },
	};
	static const char *const steps[] = { "floe data convert" };
	fl_convert_opts o = FL_CONVERT_OPTS_INIT;
	in_args a = { .lo = FL_LOAD_OPTS_INIT };
	fl_err err = FL_ERR_INIT;
	char *prov = NULL;
	int c, code = 0, rc;

	cli_reset();
	while ((c = cli_getopt(&convert_cmd, argc, argv, "", opts, &code)) != -1) {
		int out_opt = c == O_COMPRESS || c == O_OUT_FORMAT || c == O_NA_REP;
		if (c == '?' || (out_opt && (code = parse_out_opt(&o, c, optarg))) ||
		    (!out_opt && (code = parse_in_opt(&convert_cmd, &a, c, optarg)))) {
			in_args_free(&a);
			return code;
		}
	}
	if (argc - optind != 2) {
		in_args_free(&a);
		return cli_usage_error(&convert_cmd, "needs an input and an output file");
	}
	o.in = a.lo;
	o.in.csv.progress = cli_progress(0);
	if ((rc = input_provenance(argv[optind], &prov, &err)) == 0) {
		o.h5.inputs = (const char *const *)&prov;
		o.h5.n_inputs = 1;
		o.h5.steps = steps;
		o.h5.n_steps = 1;
		rc = fl_data_convert(argv[optind], argv[optind + 1], &o, &err);
	}
	cli_progress_done();
	free(prov);
	in_args_free(&a);
	return rc < 0 ? cli_fail(&err) : FL_EXIT_OK;
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "info"))
		return run_info(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "convert"))
		return run_convert(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: %s\n\n%s\n\n%s", cmd->usage, cmd->summary, cmd->help);
		return FL_EXIT_OK;
	}
	if (argc < 2)
		return cli_usage_error(cmd, "no subcommand given (info or convert)");
	return cli_usage_error(cmd, "unknown subcommand '%s' (info or convert)", argv[1]);
}

const fl_cmd fl_cmd_data = {
	"data", "describe and convert data files (CSV, HDF5, netCDF)",
	"floe data (info|convert) [OPTIONS] ...",
	"subcommands:\n"
	"  info FILE        columns, types, missing values, ranges\n"
	"  convert IN OUT   CSV <-> HDF5 (streaming); netCDF -> CSV or HDF5\n"
	"\n'floe data SUBCOMMAND --help' describes each. Formats: docs/data.md.\n",
	run,
};
