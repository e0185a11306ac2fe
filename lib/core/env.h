/* env.h - the environment record: floe's version and commit, the run-time
 * version of every library floe links, the compiler, the CPU and the OS.
 * Every lock and manifest carries it; `floe version` prints it. */
#ifndef FL_ENV_H
#define FL_ENV_H

#include <jansson.h>

#include "core/err.h"

#define FL_VERSION "0.1.0"

/* floe's version string ("0.1.0") and the git commit it was built from
 * ("unknown" outside a checkout). Both borrowed, static. */
const char *fl_version(void);
const char *fl_git_commit(void);

/* Build the record as a JSON object (new reference in *out, release with
 * json_decref). Keys:
 *   floe      {version, commit}
 *   libraries {libyaml, libarchive, libarchive_details, openssl,
 *              openblas {config, corename, threads}, hdf5, jansson,
 *              libpng, libtiff, libsndfile, fftw (single precision, with
 *              its SIMD flags), netcdf}
 *   compiler  the C compiler's name and version
 *   cpu       {model, vector_flags[]}
 *   os        {name, kernel, machine}
 * Nothing host-identifying (no host name, no paths, no times). */
int fl_env_record(json_t **out, fl_err *err);

#endif
