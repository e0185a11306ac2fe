/* netcdf.h - netCDF variables on a grid as a long table (libnetcdf):
 * one row per grid cell and time step, a column per dimension holding its
 * coordinate values (or the index when the dimension has no coordinate
 * variable), then a column per variable. Values equal to _FillValue or
 * missing_value (or the type's default fill when neither is given) are
 * missing; scale_factor and add_offset are applied. */
#ifndef FL_NETCDF_H
#define FL_NETCDF_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"
#include "data/table.h"

typedef struct fl_nc_opts {
	const char *const *vars; /* variables to read; NULL: every variable
				    that is not a coordinate and has the
				    most dimensions */
	size_t n_vars;           /* number of names in vars */
	int drop_missing;        /* 1: drop cells where every selected
				    variable is missing (land cells) */
} fl_nc_opts;

#define FL_NC_OPTS_INIT { NULL, 0, 0 }

/* Read into a new table (*out owned by the caller). The selected variables
 * must share their dimensions. A name that is not a variable is
 * FL_ENOTFOUND with the list of variables the file has; a file that is not
 * netCDF is FL_EINVAL. */
int fl_nc_read(fl_table **out, const char *path, const fl_nc_opts *opts,
	       fl_err *err);

/* The file's dimensions and variables as JSON {dimensions: [{name, size,
 * unlimited}], variables: [{name, dimensions[], type, units, long_name}]};
 * new reference. */
int fl_nc_describe(const char *path, json_t **out, fl_err *err);

#endif
