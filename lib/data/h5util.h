/* h5util.h - internal HDF5 helpers for the table reader and writer:
 * silencing HDF5's own error printing, its error text, string attributes
 * and datasets, and link-name escaping. */
#ifndef FL_H5UTIL_H
#define FL_H5UTIL_H

#include <hdf5.h>
#include <stddef.h>

#include "core/err.h"

/* Turn off HDF5's automatic error-stack printing (the library never
 * prints). Cheap; call at the top of every public HDF5 entry point. */
void fl_h5_quiet(void);

/* Set err to "<what>: <HDF5's innermost message>" and return FL_EIO. */
int fl_h5_fail(fl_err *err, const char *what);

/* A variable-length UTF-8 string type (close with H5Tclose). */
hid_t fl_h5_str_type(void);

/* Write a scalar string attribute / a 1-D string array attribute. */
int fl_h5_attr_str(hid_t obj, const char *name, const char *value, fl_err *err);
int fl_h5_attr_strs(hid_t obj, const char *name, const char *const *v, size_t n,
		    fl_err *err);

/* Read a scalar string attribute (malloc'd, caller frees); NULL when the
 * attribute is missing or not a string. */
char *fl_h5_attr_get_str(hid_t obj, const char *name);

/* Read a 1-D string attribute or dataset: *out n malloc'd strings. */
int fl_h5_read_strs(hid_t obj, int is_attr, char ***out, size_t *n, fl_err *err);

/* Write a 1-D string dataset. `dcpl` may be H5P_DEFAULT. */
int fl_h5_write_strs(hid_t loc, const char *name, const char *const *v, size_t n,
		     hid_t dcpl, fl_err *err);

/* Escape a column name for use as a link name ('/' -> %2F, '%' -> %25,
 * "." -> %2E); malloc'd. */
char *fl_h5_escape(const char *name);

#endif
