/* format.c - data file formats from names and signatures. */
#define _GNU_SOURCE
#include "data/format.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

fl_format fl_format_from_name(const char *path)
{
	static const char *const csv[] = { ".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz" };
	static const char *const h5[] = { ".h5", ".hdf5", ".he5", ".hdf" };
	static const char *const nc[] = { ".nc", ".cdf", ".nc4", ".netcdf" };

	for (size_t i = 0; i < sizeof(csv) / sizeof(*csv); i++)
		if (ends_with(path, csv[i]))
			return FL_FORMAT_CSV;
	for (size_t i = 0; i < sizeof(h5) / sizeof(*h5); i++)
		if (ends_with(path, h5[i]))
			return FL_FORMAT_HDF5;
	for (size_t i = 0; i < sizeof(nc) / sizeof(*nc); i++)
		if (ends_with(path, nc[i]))
			return FL_FORMAT_NETCDF;
	return FL_FORMAT_UNKNOWN;
}

fl_format fl_format_parse(const char *s)
{
	if (!strcmp(s, "csv"))
		return FL_FORMAT_CSV;
	if (!strcmp(s, "hdf5") || !strcmp(s, "h5"))
		return FL_FORMAT_HDF5;
	if (!strcmp(s, "netcdf") || !strcmp(s, "nc"))
		return FL_FORMAT_NETCDF;
	return FL_FORMAT_UNKNOWN;
}

const char *fl_format_name(fl_format f)
{
	switch (f) {
	case FL_FORMAT_CSV: return "csv";
	case FL_FORMAT_HDF5: return "hdf5";
	case FL_FORMAT_NETCDF: return "netcdf";
	default: return "unknown";
	}
}

static const unsigned char HDF5_SIG[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };

/* HDF5's signature sits at 0, 512, 1024, 2048, ... (a user block may come
 * first); we look at the first few offsets. */
static int has_hdf5_sig(FILE *fp)
{
	unsigned char b[8];

	for (long off = 0; off <= 8192; off = off ? off * 2 : 512) {
		if (fseek(fp, off, SEEK_SET) != 0 || fread(b, 1, 8, fp) != 8)
			return 0;
		if (!memcmp(b, HDF5_SIG, 8))
			return 1;
	}
	return 0;
}

static int has_netcdf_sig(FILE *fp)
{
	unsigned char b[4];

	if (fseek(fp, 0, SEEK_SET) != 0 || fread(b, 1, 4, fp) != 4)
		return 0;
	return !memcmp(b, "CDF", 3) && (b[3] == 1 || b[3] == 2 || b[3] == 5);
}

int fl_format_detect(const char *path, fl_format forced, fl_format *out,
		     fl_err *err)
{
	fl_format f = forced ? forced : fl_format_from_name(path);
	FILE *fp = fopen(path, "rb");
	int h5, nc;

	if (!fp)
		return fl_err_sys(err, errno, "%s", path);
	h5 = has_hdf5_sig(fp);
	nc = has_netcdf_sig(fp);
	fclose(fp);
	if (f == FL_FORMAT_UNKNOWN)
		f = h5 ? FL_FORMAT_HDF5 : nc ? FL_FORMAT_NETCDF : FL_FORMAT_CSV;
	if (f == FL_FORMAT_HDF5 && !h5)
		return fl_err_set(err, FL_EINVAL,
				  "%s: not an HDF5 file (it does not start with the HDF5 signature)",
				  path);
	if (f == FL_FORMAT_NETCDF && !nc && !h5)
		return fl_err_set(err, FL_EINVAL,
				  "%s: not a netCDF file (no netCDF or HDF5 signature)", path);
	*out = f;
	return 0;
}
