/* runpack.h - a recipe's run as a bundle: what goes in (the recipe, its
 * lock, its inputs, every output under out/NAME/, the step records, the
 * RO-Crate description), the identity and run-specific manifest keys, and
 * unpacking back into a workspace where `floe status` finds every step up
 * to date. Layout and keys in docs/bundles.md. */
#ifndef FL_RUNPACK_H
#define FL_RUNPACK_H

#include <stdint.h>

#include "bundle/tarx.h"
#include "core/err.h"
#include "core/log.h"
#include "core/sha256.h"
#include "run/run.h"

typedef struct fl_runpack_opts {
	const char *out;             /* file or folder (NULL: the recipe's folder) */
	int no_data;                 /* 1: inputs as digests and origins only */
	const char *sign_key;        /* private key file or NULL */
	int64_t mtime;               /* archive mtime (SOURCE_DATE_EPOCH) */
	int n_threads;               /* 0: all cores */
	const fl_progress *progress; /* may be NULL */
	int with_image;              /* 1: `docker save` every step image into
					FL_RUNPACK_IMAGE_DIR/<64 hex>.tar */
	fl_executor executor;        /* as the run was made (`floe run --executor`) */
	const char *image;           /* its --image, under FL_EXEC_DOCKER */
} fl_runpack_opts;

#define FL_RUNPACK_OPTS_INIT { NULL, 0, NULL, 0, 0, NULL, 0, FL_EXEC_AUTO, NULL }

/* Where a bundle keeps the images its steps ran in (role "image"). */
#define FL_RUNPACK_IMAGE_DIR ".floe/images"

/* Bundle the last run of `recipe`. Every step must be up to date (else
 * FL_EINVAL naming the step and why). *written: the file (caller frees).
 * The identity lists the images the steps ran in ("images": [{id,
 * embedded}], and "container" per step); with `with_image` each is saved
 * with `docker save` into the bundle (it must be on this machine), as a
 * run-specific entry: its ID, in the identity, is what pins it. */
int fl_runpack_bundle(const char *recipe, const fl_runpack_opts *o, char **written,
		      fl_digest *digest, fl_err *err);

/* Unpack `bundle` into the workspace `dir` (not existing or empty): all
 * entries checked, then the outputs put into dir/.floe's store, so that the
 * step records in the bundle find their objects. */
int fl_runpack_unpack(const char *bundle, const char *dir, const fl_tarx_limits *limits,
		      const fl_progress *progress, fl_err *err);

#endif
