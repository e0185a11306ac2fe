/* repo.h - the model repository folder: where it is, its layout, opening it
 * for reading or writing, and the writers' lock.
 *
 *   ROOT/FORMAT                       "floe-models 1": the layout version
 *   ROOT/lock                         flock()ed by writers (add, tag, rm)
 *   ROOT/objects/ab/cdef...           content-addressed objects (mode 0444):
 *                                     bundle files and the model files in them
 *   ROOT/models/NAME/versions/N.json  the record of NAME@N (immutable)
 *   ROOT/models/NAME/versions/N.removed  tombstone of a removed version
 *   ROOT/models/NAME/aliases/ALIAS    "N\n": the version an alias points at
 *   ROOT/tmp/                         files being written (same file system)
 *
 * Readers take no lock: every file appears by an atomic rename or link of a
 * complete, fsync()ed file, so a reader sees a version whole or not at all.
 * Details in docs/models-repo.md. */
#ifndef FL_REPO_H
#define FL_REPO_H

#include <stddef.h>

#include "core/err.h"

#define FL_REPO_FORMAT 1

typedef struct fl_repo fl_repo;

/* The folder to use: `dir` when given, else $FLOE_MODELS, else
 * $XDG_DATA_HOME/floe/models, else $HOME/.local/share/floe/models.
 * *out malloc'd, owned by the caller. */
int fl_repo_default_path(char **out, const char *dir, fl_err *err);

/* Open the repository at `root` (NULL: fl_repo_default_path). For reading,
 * a folder that does not exist is an empty repository. For writing
 * (`write` = 1), the folder and its layout are created; a read-only folder
 * is FL_EIO "the model repository DIR is read-only ...". A FORMAT newer than
 * FL_REPO_FORMAT is refused either way. *out owned by the caller. */
int fl_repo_open(fl_repo **out, const char *root, int write, fl_err *err);
void fl_repo_free(fl_repo *r);

/* The root folder (borrowed). */
const char *fl_repo_root(const fl_repo *r);

/* ROOT/<rel> as a new string (caller frees), NULL when out of memory. */
char *fl_repo_path(const fl_repo *r, const char *rel);

/* ROOT/<printf(fmt, ...)> as a new string (caller frees), NULL when out
 * of memory. */
char *fl_repo_pathf(const fl_repo *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Take the writers' lock (waits for other writers). Every change to the
 * index (a new version, an alias, a removal) happens under it. */
int fl_repo_lock(fl_repo *r, fl_err *err);
void fl_repo_unlock(fl_repo *r);

/* fsync a folder (after a rename, link or unlink in it). */
int fl_repo_sync_dir(const char *dir, fl_err *err);

/* Write `len` bytes to a fresh file in ROOT/tmp (fsync'ed, mode 0444) and
 * link it to `path` without replacing anything: FL_EBUSY when `path`
 * exists. The temporary file is removed either way. */
int fl_repo_publish(fl_repo *r, const char *path, const void *buf, size_t len,
		    fl_err *err);

#endif
