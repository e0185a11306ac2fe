/* test_netcdf.c - netCDF grids as long tables: a small file written here
 * with libnetcdf (coordinates, fill values, missing_value, packing, land
 * cells), the COADS climatology from data/, and the bad-input messages. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/netcdf.h"
#include "testutil.h"

static char *dir;
static char small[4200];

#define CHECK(x) assert_int_equal((x), NC_NOERR)

/* time(2) x lat(2) x lon(3); a: float with _FillValue -9; b: short packed
 * (scale 0.5, offset 10) with missing_value -1; lat has a coordinate
 * variable, lon and time do not. Cell (t,y,x) = (1,1,2) is "land". */
static void write_small(void)
{
	int nc, dims[3], va, vb, vlat;
	float a[12];
	short b[12];
	float fill = -9;
	short miss = -1;
	double lat[2] = { -60.5, -58.5 }, scale = 0.5, off = 10;

	for (int i = 0; i < 12; i++) {
		a[i] = (float)i + 0.25f;
		b[i] = (short)(2 * i);
	}
	a[3] = fill;      /* missing in a only */
	b[4] = miss;      /* missing in b only */
	a[11] = fill;     /* both missing: land */
	b[11] = miss;
	CHECK(nc_create(small, NC_CLOBBER, &nc));
	CHECK(nc_def_dim(nc, "time", 2, &dims[0]));
	CHECK(nc_def_dim(nc, "lat", 2, &dims[1]));
	CHECK(nc_def_dim(nc, "lon", 3, &dims[2]));
	CHECK(nc_def_var(nc, "lat", NC_DOUBLE, 1, &dims[1], &vlat));
	CHECK(nc_def_var(nc, "a", NC_FLOAT, 3, dims, &va));
	CHECK(nc_put_att_float(nc, va, "_FillValue", NC_FLOAT, 1, &fill));
	CHECK(nc_def_var(nc, "b", NC_SHORT, 3, dims, &vb));
	CHECK(nc_put_att_short(nc, vb, "missing_value", NC_SHORT, 1, &miss));
	CHECK(nc_put_att_double(nc, vb, "scale_factor", NC_DOUBLE, 1, &scale));
	CHECK(nc_put_att_double(nc, vb, "add_offset", NC_DOUBLE, 1, &off));
	CHECK(nc_enddef(nc));
	CHECK(nc_put_var_double(nc, vlat, lat));
	CHECK(nc_put_var_float(nc, va, a));
	CHECK(nc_put_var_short(nc, vb, b));
	CHECK(nc_close(nc));
}

static int setup(void **s)
{
	(void)s;
	dir = tu_tmpdir();
	snprintf(small, sizeof(small), "%s/small.nc", dir);
	write_small();
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	tu_rmrf(dir);
	free(dir);
	return 0;
}

static void test_small_grid(void **s)
{
	fl_table *t = NULL;
	fl_err err = FL_ERR_INIT;
	fl_nc_opts o = FL_NC_OPTS_INIT;

	(void)s;
	assert_int_equal(fl_nc_read(&t, small, NULL, &err), 0);
	assert_int_equal(t->n_rows, 12);
	assert_int_equal(t->n_cols, 5);
	assert_string_equal(t->cols[0].name, "time");
	assert_string_equal(t->cols[1].name, "lat");
	assert_string_equal(t->cols[3].name, "a");
	/* row 5 = (t 0, lat 1, lon 2) */
	assert_true(t->cols[0].num[5] == 0 && t->cols[1].num[5] == -58.5 && t->cols[2].num[5] == 2);
	assert_true(t->cols[3].num[5] == 5.25);
	assert_true(t->cols[4].num[5] == 10 + 0.5 * 10);
	assert_true(isnan(t->cols[3].num[3]) && !isnan(t->cols[4].num[3]));
	assert_true(isnan(t->cols[4].num[4]));
	fl_table_free(t);
	o.drop_missing = 1;
	assert_int_equal(fl_nc_read(&t, small, &o, &err), 0);
	assert_int_equal(t->n_rows, 11); /* the land cell is gone, half-missing stay */
	fl_table_free(t);
	const char *vars[] = { "b" };
	o.vars = vars;
	o.n_vars = 1;
	assert_int_equal(fl_nc_read(&t, small, &o, &err), 0);
	assert_int_equal(t->n_cols, 4);
	assert_int_equal(t->n_rows, 10);
	fl_table_free(t);
}

static void test_bad_inputs(void **s)
{
	fl_table *t = NULL;
	fl_err err = FL_ERR_INIT;
	fl_nc_opts o = FL_NC_OPTS_INIT;
	const char *vars[] = { "a", "sst" };
	char fake[4300], want[9000];

	(void)s;
	o.vars = vars;
	o.n_vars = 2;
	assert_int_equal(fl_nc_read(&t, small, &o, &err), FL_ENOTFOUND);
	snprintf(want, sizeof(want), "%s: no variable 'sst'; the file has: lat, a, b", small);
	assert_string_equal(err.msg, want);
	vars[1] = "lat";
	assert_int_equal(fl_nc_read(&t, small, &o, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "are on different grids"));
	snprintf(fake, sizeof(fake), "%s/fake.nc", dir);
	tu_write(fake, "lon,lat\n1,2\n");
	assert_int_equal(fl_nc_read(&t, fake, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "not a netCDF file"));
	json_t *d = NULL;
	assert_int_equal(fl_nc_describe(small, &d, &err), 0);
	assert_int_equal(json_array_size(json_object_get(d, "variables")), 3);
	json_decref(d);
}

/* The real COADS climatology shipped in data/. */
static void test_coads(void **s)
{
	const char *path = tu_repo_path("data/coads_climatology.cdf");
	fl_table *t = NULL;
	fl_err err = FL_ERR_INIT;
	fl_nc_opts o = FL_NC_OPTS_INIT;
	int nc, vid;
	size_t at[3] = { 6, 20, 100 };
	float direct;

	(void)s;
	o.drop_missing = 1;
	assert_int_equal(fl_nc_read(&t, path, &o, &err), 0);
	assert_int_equal(t->n_cols, 3 + 7);
	assert_string_equal(t->cols[0].name, "TIME");
	assert_string_equal(t->cols[3].name, "SST");
	assert_true(t->n_rows > 90000 && t->n_rows < 194400);
	fl_table_free(t);
	assert_int_equal(fl_nc_read(&t, path, NULL, &err), 0);
	assert_int_equal(t->n_rows, 12 * 90 * 180);
	/* one cell against libnetcdf directly: (TIME 6, COADSY 20, COADSX 100) */
	CHECK(nc_open(path, NC_NOWRITE, &nc));
	CHECK(nc_inq_varid(nc, "SST", &vid));
	CHECK(nc_get_var1_float(nc, vid, at, &direct));
	nc_close(nc);
	size_t row = (6 * 90 + 20) * 180 + 100;
	if (direct < -1e33f)
		assert_true(isnan(t->cols[3].num[row]));
	else
		assert_true(t->cols[3].num[row] == (double)direct);
	fl_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_grid),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_coads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
