/* env.c - collect the environment record from the linked libraries and the
 * system. */
#define _GNU_SOURCE
#include "core/env.h"

#include <archive.h>
#include <cblas.h>
#include <fftw3.h>
#include <hdf5.h>
#include <netcdf.h>
#include <openssl/crypto.h>
#include <png.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <tiffio.h>
#include <yaml.h>

#include "core/buildinfo.h"

const char *fl_version(void)
{
	return FL_VERSION;
}

const char *fl_git_commit(void)
{
	return FL_BUILD_COMMIT;
}

/* OpenBLAS exports these but its cblas.h in Debian does not declare all. */
char *openblas_get_config(void);
char *openblas_get_corename(void);
int openblas_get_num_threads(void);

static json_t *openblas_record(void)
{
	return json_pack("{s:s, s:s, s:i}", "config", openblas_get_config(),
			 "corename", openblas_get_corename(), "threads",
			 openblas_get_num_threads());
}

static json_t *hdf5_version(void)
{
	unsigned maj = 0, min = 0, rel = 0;

	H5get_libversion(&maj, &min, &rel);
	return json_sprintf("%u.%u.%u", maj, min, rel);
}

/* The first line of a library's version text (libtiff adds a copyright). */
static json_t *first_line(const char *s)
{
	return json_stringn(s, strcspn(s, "\n"));
}

/* netCDF's "4.9.0 of Jan  1 2023 00:00:00 $": the version, not the date. */
static json_t *netcdf_version(void)
{
	const char *v = nc_inq_libvers();

	return json_stringn(v, strcspn(v, " "));
}

/* The media and netCDF readers' libraries: their run-time versions (what
 * is loaded, not the headers floe was built with). FFTW's string names
 * the SIMD codelets it was built with, which decide its bits. */
static void media_libraries(json_t *lib)
{
	json_object_set_new(lib, "libpng", json_string(png_get_libpng_ver(NULL)));
	json_object_set_new(lib, "libtiff", first_line(TIFFGetVersion()));
	json_object_set_new(lib, "libsndfile", json_string(sf_version_string()));
	json_object_set_new(lib, "fftw", json_string(fftwf_version));
	json_object_set_new(lib, "netcdf", netcdf_version());
}

static json_t *libraries_record(void)
{
	json_t *lib = json_object();

	json_object_set_new(lib, "libyaml", json_string(yaml_get_version_string()));
	json_object_set_new(lib, "libarchive", json_string(archive_version_string()));
	json_object_set_new(lib, "libarchive_details",
			    json_string(archive_version_details()));
	json_object_set_new(lib, "openssl", json_string(OpenSSL_version(OPENSSL_VERSION)));
	json_object_set_new(lib, "openblas", openblas_record());
	json_object_set_new(lib, "hdf5", hdf5_version());
	json_object_set_new(lib, "jansson", json_string(jansson_version_str()));
	media_libraries(lib);
	return lib;
}

/* Flags that decide which SIMD kernels libraries pick. */
static int is_vector_flag(const char *f)
{
	static const char *prefixes[] = { "sse", "ssse", "avx", "fma", "f16c",
					  "amx", "neon", "asimd", "sve", NULL };

	for (int i = 0; prefixes[i]; i++)
		if (!strncmp(f, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

static void add_flags(json_t *arr, char *line)
{
	char *save = NULL;

	for (char *tok = strtok_r(line, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save))
		if (is_vector_flag(tok))
			json_array_append_new(arr, json_string(tok));
}

static char *value_after_colon(char *line)
{
	char *v = strchr(line, ':');

	if (!v)
		return NULL;
	v++;
	while (*v == ' ' || *v == '\t')
		v++;
	v[strcspn(v, "\n")] = '\0';
	return v;
}

static json_t *cpu_record(void)
{
	json_t *flags = json_array();
	char model[8192] = "unknown";
	char line[8192];
	int have_model = 0, have_flags = 0;
	FILE *fp = fopen("/proc/cpuinfo", "r");

	while (fp && fgets(line, sizeof(line), fp) && !(have_model && have_flags)) {
		char *v;
		if (!have_model && !strncmp(line, "model name", 10) &&
		    (v = value_after_colon(line))) {
			snprintf(model, sizeof(model), "%s", v);
			have_model = 1;
		} else if (!have_flags && (!strncmp(line, "flags", 5) ||
					   !strncmp(line, "Features", 8)) &&
			   (v = value_after_colon(line))) {
			add_flags(flags, v);
			have_flags = 1;
		}
	}
	if (fp)
		fclose(fp);
	return json_pack("{s:s, s:o}", "model", model, "vector_flags", flags);
}

static json_t *os_record(void)
{
	char name[512] = "unknown", line[512];
	struct utsname u;
	FILE *fp = fopen("/etc/os-release", "r");

	while (fp && fgets(line, sizeof(line), fp)) {
		if (!strncmp(line, "PRETTY_NAME=", 12)) {
			char *v = line + 12;
			v[strcspn(v, "\n")] = '\0';
			if (*v == '"') {
				v++;
				v[strcspn(v, "\"")] = '\0';
			}
			snprintf(name, sizeof(name), "%s", v);
		}
	}
	if (fp)
		fclose(fp);
	if (uname(&u) < 0)
		return json_pack("{s:s}", "name", name);
	return json_pack("{s:s, s:s, s:s}", "name", name, "kernel", u.release,
			 "machine", u.machine);
}

int fl_env_record(json_t **out, fl_err *err)
{
	json_t *rec = json_object();

	*out = NULL;
	if (!rec)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	json_object_set_new(rec, "floe", json_pack("{s:s, s:s}", "version",
						   fl_version(), "commit",
						   fl_git_commit()));
	json_object_set_new(rec, "libraries", libraries_record());
	json_object_set_new(rec, "compiler", json_string(FL_BUILD_COMPILER));
	json_object_set_new(rec, "cpu", cpu_record());
	json_object_set_new(rec, "os", os_record());
	*out = rec;
	return 0;
}
