/* h5util.c - HDF5 helpers shared by the table reader and writer. */
#define _GNU_SOURCE
#include "data/h5util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fl_h5_quiet(void)
{
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static herr_t innermost(unsigned n, const H5E_error2_t *e, void *ud)
{
	char *buf = ud;

	if (n == 0 && e->desc)
		snprintf(buf, 256, "%s", e->desc);
	return 0;
}

int fl_h5_fail(fl_err *err, const char *what)
{
	char msg[256] = "";

	H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, msg);
	H5Eclear2(H5E_DEFAULT);
	return fl_err_set(err, FL_EIO, "%s%s%s", what, msg[0] ? ": " : "", msg);
}

hid_t fl_h5_str_type(void)
{
	hid_t t = H5Tcopy(H5T_C_S1);

	if (t >= 0 && (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)) {
		H5Tclose(t);
		return -1;
	}
	return t;
}

int fl_h5_attr_strs(hid_t obj, const char *name, const char *const *v, size_t n,
		    fl_err *err)
{
	hsize_t dims[1] = { n };
	hid_t t = fl_h5_str_type(), sp = H5Screate_simple(1, dims, NULL), a = -1;
	int rc = 0;

	if (t < 0 || sp < 0 || (a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    (n && H5Awrite(a, t, v) < 0))
		rc = fl_h5_fail(err, name);
	if (a >= 0)
		H5Aclose(a);
	if (sp >= 0)
		H5Sclose(sp);
	if (t >= 0)
		H5Tclose(t);
	return rc;
}

int fl_h5_attr_str(hid_t obj, const char *name, const char *value, fl_err *err)
{
	hid_t t = fl_h5_str_type(), sp = H5Screate(H5S_SCALAR), a = -1;
	int rc = 0;

	if (t < 0 || sp < 0 || (a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
	    H5Awrite(a, t, &value) < 0)
		rc = fl_h5_fail(err, name);
	if (a >= 0)
		H5Aclose(a);
	if (sp >= 0)
		H5Sclose(sp);
	if (t >= 0)
		H5Tclose(t);
	return rc;
}

char *fl_h5_attr_get_str(hid_t obj, const char *name)
{
	hid_t a = -1, ft = -1, mt = -1;
	char *out = NULL;

	if (H5Aexists(obj, name) <= 0 || (a = H5Aopen(obj, name, H5P_DEFAULT)) < 0)
		return NULL;
	ft = H5Aget_type(a);
	if (ft < 0 || H5Tget_class(ft) != H5T_STRING)
		goto cleanup;
	if (H5Tis_variable_str(ft) > 0) {
		char *s = NULL;
		mt = fl_h5_str_type();
		if (mt >= 0 && H5Aread(a, mt, &s) >= 0 && s) {
			out = strdup(s);
			H5free_memory(s);
		}
	} else {
		size_t n = H5Tget_size(ft);
		if ((out = calloc(n + 1, 1)) && H5Aread(a, ft, out) < 0) {
			free(out);
			out = NULL;
		}
	}
cleanup:
	if (mt >= 0)
		H5Tclose(mt);
	if (ft >= 0)
		H5Tclose(ft);
	H5Aclose(a);
	return out;
}

/* Copy vlen or fixed strings read into `raw` to owned strings. */
static int copy_strings(hid_t ft, void *raw, size_t n, char ***out, fl_err *err)
{
	char **v = calloc(n + 1, sizeof(*v));
	int vlen = H5Tis_variable_str(ft) > 0;
	size_t sz = H5Tget_size(ft);

	if (!v)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *s = vlen ? ((char **)raw)[i] : (char *)raw + i * sz;
		v[i] = vlen ? strdup(s ? s : "") : strndup(s, sz);
		if (!v[i]) {
			for (size_t j = 0; j < i; j++)
				free(v[j]);
			free(v);
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		}
	}
	*out = v;
	return 0;
}

int fl_h5_read_strs(hid_t obj, int is_attr, char ***out, size_t *n, fl_err *err)
{
	hid_t ft = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
	hid_t sp = is_attr ? H5Aget_space(obj) : H5Dget_space(obj), mt = -1, ms = -1;
	hssize_t cnt;
	void *raw = NULL;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (ft < 0 || sp < 0 || H5Tget_class(ft) != H5T_STRING ||
	    H5Sget_simple_extent_ndims(sp) > 1 || (cnt = H5Sget_simple_extent_npoints(sp)) < 0) {
		rc = fl_err_set(err, FL_EINVAL, "not a one-dimensional string array");
		goto cleanup;
	}
	int vlen = H5Tis_variable_str(ft) > 0;
	mt = vlen ? fl_h5_str_type() : H5Tcopy(ft);
	if (!(raw = calloc((size_t)cnt + 1, vlen ? sizeof(char *) : H5Tget_size(ft)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((is_attr ? H5Aread(obj, mt, raw) : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw)) < 0) {
		rc = fl_h5_fail(err, "reading strings");
		goto cleanup;
	}
	rc = copy_strings(ft, raw, (size_t)cnt, out, err);
	*n = rc == 0 ? (size_t)cnt : 0;
	if (vlen && (ms = H5Screate_simple(1, (hsize_t[]){ (hsize_t)cnt }, NULL)) >= 0)
		H5Dvlen_reclaim(mt, ms, H5P_DEFAULT, raw);
cleanup:
	free(raw);
	if (ms >= 0)
		H5Sclose(ms);
	if (mt >= 0)
		H5Tclose(mt);
	if (sp >= 0)
		H5Sclose(sp);
	if (ft >= 0)
		H5Tclose(ft);
	return rc;
}

int fl_h5_write_strs(hid_t loc, const char *name, const char *const *v, size_t n,
		     hid_t dcpl, fl_err *err)
{
	hsize_t dims[1] = { n };
	hid_t t = fl_h5_str_type(), sp = H5Screate_simple(1, dims, NULL), d = -1;
	int rc = 0;

	if (t < 0 || sp < 0 ||
	    (d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0 ||
	    (n && H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0))
		rc = fl_h5_fail(err, name);
	if (d >= 0)
		H5Dclose(d);
	if (sp >= 0)
		H5Sclose(sp);
	if (t >= 0)
		H5Tclose(t);
	return rc;
}

char *fl_h5_escape(const char *name)
{
	size_t n = strlen(name);
	char *out = malloc(3 * n + 4), *o = out;

	if (!out)
		return NULL;
	if (!strcmp(name, ".")) {
		strcpy(out, "%2E");
		return out;
	}
	for (; *name; name++) {
		if (*name == '/')
			o += sprintf(o, "%%2F");
		else if (*name == '%')
			o += sprintf(o, "%%25");
		else
			*o++ = *name;
	}
	*o = '\0';
	return out;
}
