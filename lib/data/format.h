/* format.h - which kind of data file a path is: by its name, checked
 * against its first bytes, so a file that claims to be HDF5 or netCDF and
 * is not gets a clear message instead of a library's error stack. */
#ifndef FL_FORMAT_H
#define FL_FORMAT_H

#include "core/err.h"

typedef enum fl_format {
	FL_FORMAT_UNKNOWN = 0,
	FL_FORMAT_CSV = 1,    /* .csv .tsv .txt, optionally .gz */
	FL_FORMAT_HDF5 = 2,   /* .h5 .hdf5 .he5 .hdf */
	FL_FORMAT_NETCDF = 3, /* .nc .cdf .nc4 (classic, 64-bit or HDF5-based) */
} fl_format;

/* The format named by `path`'s extension (no I/O). */
fl_format fl_format_from_name(const char *path);

/* Parse "csv", "hdf5"/"h5", "netcdf"/"nc"; FL_FORMAT_UNKNOWN otherwise. */
fl_format fl_format_parse(const char *s);

/* "csv", "hdf5", "netcdf" or "unknown" (static). */
const char *fl_format_name(fl_format f);

/* The format of an existing file: `forced` if not UNKNOWN, else by name,
 * else by content. Checks the content agrees for HDF5 and netCDF:
 * "x.h5: not an HDF5 file (it does not start with the HDF5 signature)". */
int fl_format_detect(const char *path, fl_format forced, fl_format *out,
		     fl_err *err);

#endif
