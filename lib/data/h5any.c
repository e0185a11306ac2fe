/* h5any.c - any HDF5 dataset as a table, and the list of a file's datasets
 * (declared in h5table.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/h5table.h"
#include "data/h5util.h"

typedef struct walk {
	json_t *arr; /* [{name, shape, type}] */
} walk;

static const char *class_name(hid_t t)
{
	size_t sz = H5Tget_size(t);

	switch (H5Tget_class(t)) {
	case H5T_INTEGER:
		return H5Tget_sign(t) == H5T_SGN_NONE
			       ? (sz == 1 ? "uint8" : sz == 2 ? "uint16" : sz == 4 ? "uint32" : "uint64")
			       : (sz == 1 ? "int8" : sz == 2 ? "int16" : sz == 4 ? "int32" : "int64");
	case H5T_FLOAT: return sz == 4 ? "float32" : sz == 2 ? "float16" : "float64";
	case H5T_STRING: return "string";
	case H5T_COMPOUND: return "compound";
	case H5T_ENUM: return "enum";
	default: return "other";
	}
}

static herr_t visit(hid_t obj, const char *name, const H5O_info_t *info, void *ud)
{
	walk *w = ud;
	hid_t d, t, sp;
	hsize_t dims[32];
	int nd;
	json_t *shape;

	if (info->type != H5O_TYPE_DATASET)
		return 0;
	if ((d = H5Dopen2(obj, name, H5P_DEFAULT)) < 0)
		return 0;
	t = H5Dget_type(d);
	sp = H5Dget_space(d);
	nd = H5Sget_simple_extent_dims(sp, dims, NULL);
	shape = json_array();
	for (int i = 0; i < nd && i < 32; i++)
		json_array_append_new(shape, json_integer((json_int_t)dims[i]));
	char *full = NULL;
	if (asprintf(&full, "/%s", name) >= 0) {
		json_array_append_new(w->arr, json_pack("{s:s, s:o, s:s}", "name", full, "shape",
							shape, "type", class_name(t)));
		free(full);
	} else {
		json_decref(shape);
	}
	H5Sclose(sp);
	H5Tclose(t);
	H5Dclose(d);
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "name")),
		      json_string_value(json_object_get(*(json_t *const *)b, "name")));
}

static int open_any(const char *path, hid_t *f, fl_err *err)
{
	FILE *fp = fopen(path, "rb");

	fl_h5_quiet();
	if (!fp)
		return fl_err_sys(err, errno, "%s", path);
	fclose(fp);
	if (H5Fis_hdf5(path) <= 0)
		return fl_err_set(err, FL_EINVAL, "%s: not an HDF5 file (no HDF5 signature)", path);
	if ((*f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
		return fl_h5_fail(err, path);
	return 0;
}

int fl_h5_list(const char *path, json_t **out, fl_err *err)
{
	walk w = { json_array() };
	hid_t f;
	int rc;

	if ((rc = open_any(path, &f, err)) < 0) {
		json_decref(w.arr);
		return rc;
	}
	H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC, visit, &w);
	H5Fclose(f);
	/* H5Ovisit already goes by name; sort anyway so the order is ours. */
	size_t n = json_array_size(w.arr);
	json_t **items = malloc((n + 1) * sizeof(*items)), *sorted = json_array();
	for (size_t i = 0; items && i < n; i++)
		items[i] = json_array_get(w.arr, i);
	if (items)
		qsort(items, n, sizeof(*items), cmp_name);
	for (size_t i = 0; items && i < n; i++)
		json_array_append(sorted, items[i]);
	free(items);
	json_decref(w.arr);
	*out = sorted;
	return 0;
}

static char *base_name(const char *name)
{
	const char *s = strrchr(name, '/');

	return strdup(s && s[1] ? s + 1 : name);
}

/* Numeric 1-D or 2-D dataset into columns. */
static int read_numeric(hid_t d, hid_t sp, const char *name, fl_table *t, fl_err *err)
{
	hsize_t dims[2] = { 0, 1 };
	int nd = H5Sget_simple_extent_ndims(sp), rc = 0;
	char **names = NULL, *base = base_name(name);
	size_t n_names = 0;
	double *buf = NULL;

	if (nd < 1 || nd > 2) {
		rc = fl_err_set(err, FL_EINVAL, "dataset '%s' has %d dimensions; a table needs 1 or 2",
				name, nd);
		goto cleanup;
	}
	H5Sget_simple_extent_dims(sp, dims, NULL);
	if (H5Aexists(d, "column_names") > 0) {
		hid_t a = H5Aopen(d, "column_names", H5P_DEFAULT);
		if (fl_h5_read_strs(a, 1, &names, &n_names, NULL) < 0 || n_names != dims[1])
			n_names = 0;
		H5Aclose(a);
	}
	if (!base || !(buf = malloc((size_t)(dims[0] * dims[1] + 1) * sizeof(double)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
		rc = fl_h5_fail(err, name);
		goto cleanup;
	}
	for (hsize_t j = 0; j < dims[1] && rc >= 0; j++) {
		char cname[4200];
		if (n_names)
			snprintf(cname, sizeof(cname), "%s", names[j]);
		else if (nd == 1)
			snprintf(cname, sizeof(cname), "%s", base);
		else
			snprintf(cname, sizeof(cname), "%s_%llu", base, (unsigned long long)j);
		rc = fl_table_add_column(t, cname, FL_COL_NUMERIC, err);
	}
	if (rc >= 0 && (rc = fl_table_add_rows(t, (size_t)dims[0], err)) == 0)
		for (hsize_t i = 0; i < dims[0]; i++)
			for (hsize_t j = 0; j < dims[1]; j++)
				t->cols[j].num[i] = buf[i * dims[1] + j];
cleanup:
	fl_names_free(names, n_names);
	free(base);
	free(buf);
	return rc < 0 ? rc : 0;
}

static int read_strings(hid_t d, const char *name, fl_table *t, fl_err *err)
{
	char **v = NULL, *base = base_name(name);
	size_t n = 0;
	int rc, c;

	if (!base)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_h5_read_strs(d, 0, &v, &n, err)) < 0 ||
	    (rc = c = fl_table_add_column(t, base, FL_COL_CATEGORICAL, err)) < 0 ||
	    (rc = fl_table_add_rows(t, n, err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		int32_t code = fl_table_intern(t, (size_t)c, v[i], strlen(v[i]), err);
		if (code < 0) {
			rc = code;
			goto cleanup;
		}
		t->cols[c].codes[i] = code;
	}
cleanup:
	fl_names_free(v, n);
	free(base);
	return rc < 0 ? rc : 0;
}

/* One member of a compound dataset: numeric via a one-field memory type. */
static int read_member(hid_t d, hid_t ft, unsigned m, size_t n, fl_table *t, fl_err *err)
{
	char *mname = H5Tget_member_name(ft, m);
	hid_t mt = H5Tget_member_type(ft, m), memt = -1;
	H5T_class_t cls = H5Tget_member_class(ft, m);
	int rc = 0, c;

	if (!mname || mt < 0)
		return fl_h5_fail(err, "compound member");
	if (cls != H5T_INTEGER && cls != H5T_FLOAT)
		goto cleanup; /* text and nested members are skipped */
	if ((c = fl_table_add_column(t, mname, FL_COL_NUMERIC, err)) < 0) {
		rc = c;
		goto cleanup;
	}
	memt = H5Tcreate(H5T_COMPOUND, sizeof(double));
	if (memt < 0 || H5Tinsert(memt, mname, 0, H5T_NATIVE_DOUBLE) < 0 ||
	    (n && H5Dread(d, memt, H5S_ALL, H5S_ALL, H5P_DEFAULT, t->cols[c].num) < 0))
		rc = fl_h5_fail(err, mname);
cleanup:
	if (memt >= 0)
		H5Tclose(memt);
	H5Tclose(mt);
	H5free_memory(mname);
	return rc;
}

static int read_compound(hid_t d, hid_t ft, hid_t sp, fl_table *t, fl_err *err)
{
	hssize_t n = H5Sget_simple_extent_npoints(sp);
	int nm = H5Tget_nmembers(ft), rc;

	if (n < 0 || nm < 0)
		return fl_h5_fail(err, "compound dataset");
	if ((rc = fl_table_reserve(t, (size_t)n, err)) < 0)
		return rc;
	for (int m = 0; m < nm; m++)
		if ((rc = read_member(d, ft, (unsigned)m, (size_t)n, t, err)) < 0)
			return rc;
	t->n_rows = (size_t)n;
	return 0;
}

static int not_found(hid_t f, const char *path, const char *name, fl_err *err)
{
	walk w = { json_array() };
	size_t len = 1;
	char *list;

	H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC, visit, &w);
	for (size_t i = 0; i < json_array_size(w.arr); i++)
		len += strlen(json_string_value(json_object_get(json_array_get(w.arr, i), "name"))) + 2;
	if ((list = calloc(1, len + 8))) {
		for (size_t i = 0; i < json_array_size(w.arr); i++) {
			if (i)
				strcat(list, ", ");
			strcat(list, json_string_value(json_object_get(json_array_get(w.arr, i), "name")));
		}
	}
	fl_err_set(err, FL_ENOTFOUND, "%s: no dataset '%s'; the file has: %s", path, name,
		   list && *list ? list : "(no datasets)");
	free(list);
	json_decref(w.arr);
	return FL_ENOTFOUND;
}

int fl_h5_read_dataset(fl_table **out, const char *path, const char *name,
		       fl_err *err)
{
	hid_t f = -1, d = -1, ft = -1, sp = -1;
	fl_table *t = NULL;
	int rc;

	*out = NULL;
	if ((rc = open_any(path, &f, err)) < 0)
		return rc;
	if (H5Lexists(f, name, H5P_DEFAULT) <= 0 || (d = H5Dopen2(f, name, H5P_DEFAULT)) < 0) {
		rc = not_found(f, path, name, err);
		goto cleanup;
	}
	ft = H5Dget_type(d);
	sp = H5Dget_space(d);
	if ((rc = fl_table_new(&t, err)) < 0)
		goto cleanup;
	switch (H5Tget_class(ft)) {
	case H5T_INTEGER:
	case H5T_FLOAT: rc = read_numeric(d, sp, name, t, err); break;
	case H5T_STRING: rc = read_strings(d, name, t, err); break;
	case H5T_COMPOUND: rc = read_compound(d, ft, sp, t, err); break;
	default:
		rc = fl_err_set(err, FL_EINVAL, "dataset '%s' is of type %s, not numbers or text",
				name, class_name(ft));
	}
	if (rc == 0) {
		*out = t;
		t = NULL;
	} else {
		fl_err_wrap(err, "%s", path);
	}
cleanup:
	fl_table_free(t);
	if (sp >= 0)
		H5Sclose(sp);
	if (ft >= 0)
		H5Tclose(ft);
	if (d >= 0)
		H5Dclose(d);
	H5Fclose(f);
	return rc;
}
