/* kind_load.c - the `load` step kind: a CSV (also .csv.gz), an HDF5
 * dataset or table, or netCDF variables on a grid -> a floe HDF5 table
 * that records the input's SHA-256 and the step. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"
#include "data/kindutil.h"
#include "data/load.h"

static const fl_param_spec params[] = {
	{ "format", FL_PARAM_STRING, 0, "auto", "auto (from name and content), csv, hdf5 or netcdf" },
	{ "delimiter", FL_PARAM_STRING, 0, ",", "CSV: the field separator (one byte, or tab)" },
	{ "na", FL_PARAM_STRING_LIST, 0, NULL, "CSV: missing-value tokens (default: empty and NA)" },
	{ "header", FL_PARAM_BOOL, 0, "true", "CSV: the first row names the columns" },
	{ "allow_nonfinite", FL_PARAM_BOOL, 0, "false",
	  "CSV: read NaN as missing and keep Inf (default: both are errors)" },
	{ "types", FL_PARAM_MAP, 0, NULL, "CSV: column -> numeric or categorical" },
	{ "dataset", FL_PARAM_STRING, 0, NULL, "HDF5: the dataset to read (default: a floe table)" },
	{ "variables", FL_PARAM_STRING_LIST, 0, NULL,
	  "netCDF: the variables (default: those with the most dimensions)" },
	{ "drop_missing", FL_PARAM_BOOL, 0, "false",
	  "netCDF: drop cells where every variable is missing (land)" },
	FL_KIND_COMPRESS_PARAM,
	{ NULL, 0, 0, NULL, NULL },
};
static const char *const outputs[] = { "table.h5", NULL };
/* The table kinds' libraries and netCDF's, whose reader decodes the grids. */
static const char *const libs[] = { "hdf5", "jansson", "netcdf", NULL };

/* Parsed options; arrays malloc'd, strings borrowed from the params. */
typedef struct load_args {
	fl_load_opts o;
	fl_csv_type *types;
	const char **na;
	const char **vars;
} load_args;

static void args_free(load_args *a)
{
	free(a->types);
	free(a->na);
	free(a->vars);
}

static int parse_delim(const fl_step_ctx *ctx, char *out, fl_err *err)
{
	const fl_value *d = fl_kparam(ctx, "delimiter");

	if (!strcmp(d->text, "tab") || !strcmp(d->text, "\t"))
		*out = '\t';
	else if (strlen(d->text) == 1 && d->text[0] != '"' && d->text[0] != '\n')
		*out = d->text[0];
	else
		return fl_value_error(err, d, FL_EINVAL,
				      "'delimiter' must be one character (or tab), not '%s'",
				      d->text);
	return 0;
}

static int parse_types(const fl_step_ctx *ctx, load_args *a, fl_err *err)
{
	const fl_value *m = fl_kparam(ctx, "types");

	if (!m)
		return 0;
	if (!(a->types = calloc(m->n + 1, sizeof(*a->types))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < m->n; i++) {
		const char *t = m->items[i]->text;
		a->types[i].column = m->keys[i]->text;
		if (!strcmp(t, "numeric"))
			a->types[i].type = FL_COL_NUMERIC;
		else if (!strcmp(t, "categorical"))
			a->types[i].type = FL_COL_CATEGORICAL;
		else
			return fl_value_error(err, m->items[i], FL_EINVAL,
					      "type of column '%s' must be numeric or categorical, "
					      "not '%s'", m->keys[i]->text, t);
	}
	a->o.csv.types = a->types;
	a->o.csv.n_types = m->n;
	return 0;
}

static int parse_args(const fl_step_ctx *ctx, load_args *a, fl_err *err)
{
	const fl_value *f = fl_kparam(ctx, "format"), *ds = fl_kparam(ctx, "dataset");
	int rc;

	a->o = (fl_load_opts)FL_LOAD_OPTS_INIT;
	if (strcmp(f->text, "auto") &&
	    (a->o.format = fl_format_parse(f->text)) == FL_FORMAT_UNKNOWN)
		return fl_value_error(err, f, FL_EINVAL,
				      "'format' must be auto, csv, hdf5 or netcdf, not '%s'", f->text);
	if ((rc = parse_delim(ctx, &a->o.csv.delimiter, err)) < 0 ||
	    (rc = fl_kparam_bool(ctx, "header", &a->o.csv.header, err)) < 0 ||
	    (rc = fl_kparam_bool(ctx, "allow_nonfinite", &a->o.csv.allow_nonfinite, err)) < 0 ||
	    (rc = fl_kparam_bool(ctx, "drop_missing", &a->o.nc.drop_missing, err)) < 0 ||
	    (rc = fl_kparam_strs(ctx, "na", &a->na, &a->o.csv.n_na, err)) < 0 ||
	    (rc = fl_kparam_strs(ctx, "variables", &a->vars, &a->o.nc.n_vars, err)) < 0 ||
	    (rc = parse_types(ctx, a, err)) < 0)
		return rc;
	a->o.csv.na = a->na;
	a->o.nc.vars = a->vars;
	a->o.dataset = ds ? ds->text : NULL;
	a->o.csv.n_threads = ctx->n_threads > 0 ? ctx->n_threads : 1;
	a->o.csv.progress = ctx->progress;
	return 0;
}

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	load_args a = { 0 };
	int rc;

	if ((rc = fl_kind_check_inputs(ctx, "load", 1, err)) == 0)
		rc = parse_args(ctx, &a, err);
	args_free(&a);
	return rc;
}

/* Point a loader's error at the parameter it concerns, when one does. */
static int blame(const fl_step_ctx *ctx, const load_args *a, int rc, fl_err *err)
{
	if (rc == FL_ENOTFOUND && a->o.nc.n_vars)
		return fl_kparam_blame(ctx, "variables", rc, err);
	if (rc == FL_ENOTFOUND && a->o.dataset)
		return fl_kparam_blame(ctx, "dataset", rc, err);
	if (rc == FL_EINVAL && a->o.csv.n_types && strstr(err->msg, "a type is given"))
		return fl_kparam_blame(ctx, "types", rc, err);
	return fl_err_wrap(err, "step '%s'", ctx->step);
}

/* The lineage of a freshly loaded table: the file's digest and name. */
static int origin(fl_kin *k, const char *path, fl_err *err)
{
	fl_digest d;
	int rc = fl_sha256_file(path, &d, err);

	return rc < 0 ? rc : fl_kin_origin(k, &d, path, err);
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	const char *path = ctx->inputs[0].path;
	load_args a = { 0 };
	fl_kin k = { 0 };
	int rc;

	if ((rc = check(ctx, err)) < 0 || (rc = parse_args(ctx, &a, err)) < 0)
		goto cleanup;
	if ((rc = fl_data_load(&k.t, path, &a.o, err)) < 0) {
		rc = blame(ctx, &a, rc, err);
		goto cleanup;
	}
	if ((rc = origin(&k, path, err)) < 0)
		goto cleanup;
	if (fl_step_stopped(ctx)) {
		rc = fl_err_set(err, FL_EINTR, "step '%s' interrupted", ctx->step);
		goto cleanup;
	}
	rc = fl_kout_write(ctx, "load", "table.h5", k.t, &k, NULL, err);
cleanup:
	fl_kin_free(&k);
	args_free(&a);
	return rc;
}

const fl_step_kind fl_kind_load = {
	"load", "read a CSV, an HDF5 dataset or netCDF variables into a floe table",
	params, NULL, outputs, libs, check, run,
};
