/* cmd_version.c - `floe version`: the environment record, as text or JSON. */
#include <jansson.h>
#include <stdio.h>

#include "cli.h"
#include "core/env.h"

static const char *str(json_t *obj, const char *path1, const char *path2)
{
	json_t *v = json_object_get(obj, path1);

	if (path2)
		v = json_object_get(v, path2);
	return json_is_string(v) ? json_string_value(v) : "?";
}

static void print_text(json_t *rec)
{
	json_t *lib = json_object_get(rec, "libraries");
	json_t *blas = json_object_get(lib, "openblas");
	json_t *flags = json_object_get(json_object_get(rec, "cpu"), "vector_flags");
	size_t i;
	json_t *f;

	printf("floe %s (commit %s)\n", str(rec, "floe", "version"),
	       str(rec, "floe", "commit"));
	printf("libyaml     %s\n", str(lib, "libyaml", NULL));
	printf("libarchive  %s\n", str(lib, "libarchive_details", NULL));
	printf("openssl     %s\n", str(lib, "openssl", NULL));
	printf("openblas    %s (core %s, %lld threads)\n", str(blas, "config", NULL),
	       str(blas, "corename", NULL),
	       (long long)json_integer_value(json_object_get(blas, "threads")));
	printf("hdf5        %s\n", str(lib, "hdf5", NULL));
	printf("jansson     %s\n", str(lib, "jansson", NULL));
	printf("libpng      %s\n", str(lib, "libpng", NULL));
	printf("libtiff     %s\n", str(lib, "libtiff", NULL));
	printf("libsndfile  %s\n", str(lib, "libsndfile", NULL));
	printf("fftw        %s\n", str(lib, "fftw", NULL));
	printf("netcdf      %s\n", str(lib, "netcdf", NULL));
	printf("compiler    %s\n", str(rec, "compiler", NULL));
	printf("cpu         %s\n", str(rec, "cpu", "model"));
	printf("vector      ");
	json_array_foreach(flags, i, f)
		printf("%s%s", i ? " " : "", json_string_value(f));
	printf("\nos          %s (kernel %s, %s)\n", str(rec, "os", "name"),
	       str(rec, "os", "kernel"), str(rec, "os", "machine"));
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { 0, 0, 0, 0 } };
	fl_err err = FL_ERR_INIT;
	json_t *rec = NULL;
	int c, json = 0, code = 0;

	while ((c = cli_getopt(cmd, argc, argv, "", opts, &code)) != -1) {
		if (c == '?')
			return code;
		json = 1;
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (fl_env_record(&rec, &err) < 0)
		return cli_fail(&err);
	if (json) {
		json_dumpf(rec, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else {
		print_text(rec);
	}
	json_decref(rec);
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_version = {
	"version", "print floe's version and the environment record",
	"floe version [--json]",
	"Prints floe's version and commit, the run-time version of every library\n"
	"it links, the compiler, the CPU and its vector flags, and the OS: the\n"
	"environment record that every lock and bundle carries.\n"
	"\noptions:\n"
	"  --json   print the record as JSON\n",
	run,
};
