/* netcdf.c - netCDF grids into long tables. */
#define _GNU_SOURCE
#include "data/netcdf.h"

#include <errno.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIMS NC_MAX_VAR_DIMS

/* One selected variable. */
typedef struct ncvar {
	int id;          /* netCDF variable id */
	char name[NC_MAX_NAME + 1];
	double *v;       /* all values, missing as NAN */
} ncvar;

static int nc_fail(fl_err *err, int status, const char *path, const char *what)
{
	return fl_err_set(err, status == NC_ENOTNC ? FL_EINVAL : FL_EIO, "%s: %s%s%s", path,
			  status == NC_ENOTNC ? "not a netCDF file: " : "", what ? what : "",
			  nc_strerror(status));
}

static int open_nc(const char *path, int *id, fl_err *err)
{
	FILE *fp = fopen(path, "rb");
	int st;

	if (!fp)
		return fl_err_sys(err, errno, "%s", path);
	fclose(fp);
	if ((st = nc_open(path, NC_NOWRITE, id)) != NC_NOERR)
		return nc_fail(err, st, path, NULL);
	return 0;
}

/* "AIRT, COADSX, ..." (malloc'd). */
static char *var_list(int nc)
{
	int nv = 0;
	size_t len = 1;
	char *out;

	nc_inq_nvars(nc, &nv);
	out = calloc(1, (size_t)nv * (NC_MAX_NAME + 2) + 1);
	for (int i = 0; out && i < nv; i++) {
		char name[NC_MAX_NAME + 1];
		if (nc_inq_varname(nc, i, name) != NC_NOERR)
			continue;
		len += (size_t)sprintf(out + len - 1, "%s%s", len > 1 ? ", " : "", name);
	}
	return out;
}

static int is_coordinate(int nc, int varid)
{
	char name[NC_MAX_NAME + 1];
	int ndims, dim;

	if (nc_inq_varname(nc, varid, name) || nc_inq_varndims(nc, varid, &ndims) || ndims != 1 ||
	    nc_inq_dimid(nc, name, &dim))
		return 0;
	return 1;
}

/* The default selection: non-coordinate variables with the most dims. */
static int default_vars(int nc, ncvar **out, size_t *n, fl_err *err)
{
	int nv = 0, best = 0;
	ncvar *v;

	nc_inq_nvars(nc, &nv);
	if (!(v = calloc((size_t)nv + 1, sizeof(*v))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (int i = 0; i < nv; i++) {
		int nd = 0;
		nc_inq_varndims(nc, i, &nd);
		if (!is_coordinate(nc, i) && nd > best)
			best = nd;
	}
	*n = 0;
	for (int i = 0; i < nv; i++) {
		int nd = 0;
		nc_type t;
		nc_inq_varndims(nc, i, &nd);
		nc_inq_vartype(nc, i, &t);
		if (nd == best && best > 0 && !is_coordinate(nc, i) && t != NC_CHAR && t != NC_STRING) {
			v[*n].id = i;
			nc_inq_varname(nc, i, v[*n].name);
			(*n)++;
		}
	}
	*out = v;
	return 0;
}

static int select_vars(int nc, const char *path, const fl_nc_opts *o, ncvar **out,
		       size_t *n, fl_err *err)
{
	ncvar *v;

	if (!o->vars || !o->n_vars)
		return default_vars(nc, out, n, err);
	if (!(v = calloc(o->n_vars, sizeof(*v))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < o->n_vars; i++) {
		if (nc_inq_varid(nc, o->vars[i], &v[i].id) != NC_NOERR) {
			char *list = var_list(nc);
			fl_err_set(err, FL_ENOTFOUND, "%s: no variable '%s'; the file has: %s", path,
				   o->vars[i], list ? list : "?");
			free(list);
			free(v);
			return FL_ENOTFOUND;
		}
		snprintf(v[i].name, sizeof(v[i].name), "%s", o->vars[i]);
	}
	*out = v;
	*n = o->n_vars;
	return 0;
}

static int same_dims(int nc, const char *path, const ncvar *v, size_t n, int *dims,
		     int *ndims, fl_err *err)
{
	int d2[MAX_DIMS], nd2;
	nc_type t;

	nc_inq_var(nc, v[0].id, NULL, &t, ndims, dims, NULL);
	for (size_t i = 0; i < n; i++) {
		nc_inq_var(nc, v[i].id, NULL, &t, &nd2, d2, NULL);
		if (t == NC_CHAR || t == NC_STRING)
			return fl_err_set(err, FL_EINVAL, "%s: variable '%s' holds text, not numbers",
					  path, v[i].name);
		if (nd2 != *ndims || memcmp(d2, dims, (size_t)nd2 * sizeof(int)))
			return fl_err_set(err, FL_EINVAL,
					  "%s: variables '%s' and '%s' are on different grids (dimensions differ)",
					  path, v[0].name, v[i].name);
	}
	return 0;
}

static double att_double(int nc, int var, const char *name, double dflt, int *found)
{
	double buf[16];
	size_t len;
	nc_type t;

	*found = 0;
	if (nc_inq_att(nc, var, name, &t, &len) || len == 0 || len > 16 || t == NC_CHAR ||
	    t == NC_STRING || nc_get_att_double(nc, var, name, buf))
		return dflt;
	*found = 1;
	return buf[0];
}

static double default_fill(nc_type t)
{
	switch (t) {
	case NC_BYTE: return NC_FILL_BYTE;
	case NC_SHORT: return NC_FILL_SHORT;
	case NC_INT: return NC_FILL_INT;
	case NC_FLOAT: return NC_FILL_FLOAT;
	case NC_DOUBLE: return NC_FILL_DOUBLE;
	case NC_UBYTE: return NC_FILL_UBYTE;
	case NC_USHORT: return NC_FILL_USHORT;
	case NC_UINT: return NC_FILL_UINT;
	default: return NAN;
	}
}

/* Read all values of a variable as double, missing as NAN, unpacked. */
static int read_var(int nc, const char *path, ncvar *v, size_t n, fl_err *err)
{
	int has_fill, has_miss, has_scale, has_off, st;
	nc_type t;
	double fill, miss, scale, off;

	if (!(v->v = malloc((n ? n : 1) * sizeof(double))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((st = nc_get_var_double(nc, v->id, v->v)) != NC_NOERR && st != NC_ERANGE)
		return nc_fail(err, st, path, "reading a variable: ");
	nc_inq_vartype(nc, v->id, &t);
	fill = att_double(nc, v->id, "_FillValue", default_fill(t), &has_fill);
	miss = att_double(nc, v->id, "missing_value", NAN, &has_miss);
	scale = att_double(nc, v->id, "scale_factor", 1.0, &has_scale);
	off = att_double(nc, v->id, "add_offset", 0.0, &has_off);
	for (size_t i = 0; i < n; i++) {
		double x = v->v[i];
		if (x == fill || (has_miss && x == miss) || isnan(x))
			x = NAN;
		else if (has_scale || has_off)
			x = x * scale + off;
		v->v[i] = x;
	}
	return 0;
}

/* Column per dimension: coordinate values or indices. */
static int read_coords(int nc, const char *path, const int *dims, int ndims, double **coords,
		       size_t *len, fl_table *t, fl_err *err)
{
	for (int d = 0; d < ndims; d++) {
		char name[NC_MAX_NAME + 1];
		int var, rc;
		nc_inq_dim(nc, dims[d], name, &len[d]);
		if (!(coords[d] = malloc((len[d] ? len[d] : 1) * sizeof(double))))
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		if (nc_inq_varid(nc, name, &var) == NC_NOERR && is_coordinate(nc, var)) {
			int st = nc_get_var_double(nc, var, coords[d]);
			if (st != NC_NOERR)
				return nc_fail(err, st, path, "reading a coordinate: ");
		} else {
			for (size_t i = 0; i < len[d]; i++)
				coords[d][i] = (double)i;
		}
		if ((rc = fl_table_add_column(t, name, FL_COL_NUMERIC, err)) < 0)
			return rc;
	}
	return 0;
}

/* Rows for every kept cell: coordinates, then values. */
static int fill_rows(fl_table *t, double **coords, const size_t *len, int ndims,
		     const ncvar *v, size_t nv, size_t ncell, int drop, fl_err *err)
{
	size_t idx[MAX_DIMS] = { 0 };
	int rc;

	for (size_t cell = 0; cell < ncell; cell++) {
		int keep = !drop;
		for (size_t j = 0; j < nv && !keep; j++)
			keep = !isnan(v[j].v[cell]);
		if (keep) {
			size_t row = t->n_rows;
			if ((rc = fl_table_add_rows(t, 1, err)) < 0)
				return rc;
			for (int d = 0; d < ndims; d++)
				t->cols[d].num[row] = coords[d][idx[d]];
			for (size_t j = 0; j < nv; j++)
				t->cols[(size_t)ndims + j].num[row] = v[j].v[cell];
		}
		for (int d = ndims - 1; d >= 0; d--) { /* odometer, last dim fastest */
			if (++idx[d] < len[d])
				break;
			idx[d] = 0;
		}
	}
	return 0;
}

int fl_nc_read(fl_table **out, const char *path, const fl_nc_opts *opts,
	       fl_err *err)
{
	fl_nc_opts def = FL_NC_OPTS_INIT;
	const fl_nc_opts *o = opts ? opts : &def;
	int nc = -1, dims[MAX_DIMS], ndims = 0, rc;
	double *coords[MAX_DIMS] = { 0 };
	size_t len[MAX_DIMS], nv = 0, ncell = 1;
	ncvar *v = NULL;
	fl_table *t = NULL;

	*out = NULL;
	if ((rc = open_nc(path, &nc, err)) < 0)
		return rc;
	if ((rc = select_vars(nc, path, o, &v, &nv, err)) < 0)
		goto cleanup;
	if (nv == 0) {
		rc = fl_err_set(err, FL_EINVAL, "%s: no gridded variables to read", path);
		goto cleanup;
	}
	if ((rc = same_dims(nc, path, v, nv, dims, &ndims, err)) < 0 ||
	    (rc = fl_table_new(&t, err)) < 0 ||
	    (rc = read_coords(nc, path, dims, ndims, coords, len, t, err)) < 0)
		goto cleanup;
	for (int d = 0; d < ndims; d++)
		ncell *= len[d];
	for (size_t j = 0; j < nv; j++)
		if ((rc = read_var(nc, path, &v[j], ncell, err)) < 0 ||
		    (rc = fl_table_add_column(t, v[j].name, FL_COL_NUMERIC, err)) < 0)
			goto cleanup;
	if ((rc = fl_table_reserve(t, ncell, err)) < 0 ||
	    (rc = fill_rows(t, coords, len, ndims, v, nv, ncell, o->drop_missing, err)) < 0)
		goto cleanup;
	*out = t;
	t = NULL;
cleanup:
	for (size_t j = 0; v && j < nv; j++)
		free(v[j].v);
	free(v);
	for (int d = 0; d < ndims; d++)
		free(coords[d]);
	fl_table_free(t);
	nc_close(nc);
	return rc;
}

static const char *type_name(nc_type t)
{
	switch (t) {
	case NC_BYTE: return "int8";
	case NC_CHAR: return "char";
	case NC_SHORT: return "int16";
	case NC_INT: return "int32";
	case NC_FLOAT: return "float32";
	case NC_DOUBLE: return "float64";
	case NC_UBYTE: return "uint8";
	case NC_USHORT: return "uint16";
	case NC_UINT: return "uint32";
	case NC_INT64: return "int64";
	case NC_UINT64: return "uint64";
	case NC_STRING: return "string";
	default: return "other";
	}
}

static json_t *text_att(int nc, int var, const char *name)
{
	size_t len;
	nc_type t;
	char *buf;
	json_t *j;

	if (nc_inq_att(nc, var, name, &t, &len) || t != NC_CHAR || !(buf = calloc(len + 1, 1)))
		return json_null();
	nc_get_att_text(nc, var, name, buf);
	j = json_string(buf);
	free(buf);
	return j ? j : json_null();
}

int fl_nc_describe(const char *path, json_t **out, fl_err *err)
{
	int nc, nd = 0, nv = 0, unlim = -1, rc;
	json_t *dj = json_array(), *vj = json_array();

	if ((rc = open_nc(path, &nc, err)) < 0) {
		json_decref(dj);
		json_decref(vj);
		return rc;
	}
	nc_inq(nc, &nd, &nv, NULL, &unlim);
	for (int d = 0; d < nd; d++) {
		char name[NC_MAX_NAME + 1];
		size_t len;
		nc_inq_dim(nc, d, name, &len);
		json_array_append_new(dj, json_pack("{s:s, s:I, s:b}", "name", name, "size",
						    (json_int_t)len, "unlimited", d == unlim));
	}
	for (int i = 0; i < nv; i++) {
		char name[NC_MAX_NAME + 1], dn[NC_MAX_NAME + 1];
		int dims[MAX_DIMS], ndims;
		nc_type t;
		json_t *dl = json_array();
		nc_inq_var(nc, i, name, &t, &ndims, dims, NULL);
		for (int d = 0; d < ndims; d++) {
			nc_inq_dimname(nc, dims[d], dn);
			json_array_append_new(dl, json_string(dn));
		}
		json_array_append_new(vj, json_pack("{s:s, s:o, s:s, s:o, s:o}", "name", name,
						    "dimensions", dl, "type", type_name(t), "units",
						    text_att(nc, i, "units"), "long_name",
						    text_att(nc, i, "long_name")));
	}
	nc_close(nc);
	*out = json_pack("{s:o, s:o}", "dimensions", dj, "variables", vj);
	return *out ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");
}
