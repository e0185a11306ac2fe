/* store.h - the content-addressed object store: files kept by the SHA-256
 * of their content under <workspace>/objects/ab/cdef..., written
 * atomically (temporary file, fsync, rename, fsync of the folder) and
 * verified whenever they are read back, so a crash or a full disk never
 * leaves a wrong object behind, and a damaged one is never handed out. */
#ifndef FL_STORE_H
#define FL_STORE_H

#include "core/err.h"
#include "core/sha256.h"

typedef struct fl_store fl_store;

/* Open the store in folder `root` (the workspace, e.g. ".floe"), creating
 * objects/ and tmp/ in it. *out owned by the caller (fl_store_free). */
int fl_store_open(fl_store **out, const char *root, fl_err *err);
void fl_store_free(fl_store *s);

/* Path of the object for `d` (caller frees; NULL when out of memory). */
char *fl_store_path(const fl_store *s, const fl_digest *d);

/* 1 when the object exists (its content is checked only on reading). */
int fl_store_has(const fl_store *s, const fl_digest *d);

/* Copy the file `src` into the store, hashing it on the way; its digest
 * goes to *out. When `known` is given and already stored, nothing is
 * copied; when the content does not hash to `known`, FL_EMISMATCH (the
 * file changed while being stored). A full disk gives FL_ENOSPC and no
 * object. */
int fl_store_put(fl_store *s, const char *src, const fl_digest *known, fl_digest *out,
		 fl_err *err);

/* Write object `d` to `dst` atomically, mode 0755 when `executable` else
 * 0644, verifying the content on the way. A damaged object gives
 * FL_EMISMATCH (it is moved aside to <workspace>/corrupt/ so the next run
 * rebuilds it); a missing one FL_ENOTFOUND. */
int fl_store_get(fl_store *s, const fl_digest *d, const char *dst, int executable,
		 fl_err *err);

#endif
