/* atomic.h - write a file so that readers see the old content or the whole
 * new content, never a part: temporary file in the same folder, fsync,
 * rename, fsync of the folder. */
#ifndef FL_ATOMIC_H
#define FL_ATOMIC_H

#include <stddef.h>
#include <stdio.h>

#include "core/err.h"

/* An open atomic write. Obtain with fl_afile_open(); finish with exactly one
 * of fl_afile_commit() or fl_afile_abort(), which free it. */
typedef struct fl_afile fl_afile;

/* Start writing `path` (mode 0644, subject to umask). The content goes to a
 * hidden temporary file beside it until commit. *out is owned by the caller. */
int fl_afile_open(fl_afile **out, const char *path, fl_err *err);

/* The stdio stream to write to (borrowed; do not fclose it). */
FILE *fl_afile_stream(fl_afile *f);

/* Path of the temporary file (borrowed), for libraries that want a name
 * (HDF5, libarchive): write to it by name, then commit. */
const char *fl_afile_tmp_path(const fl_afile *f);

/* Flush, fsync, rename over the target, fsync the folder, free `f`.
 * On any failure the temporary file is removed and the target untouched. */
int fl_afile_commit(fl_afile *f, fl_err *err);

/* Remove the temporary file and free `f`. NULL is allowed. */
void fl_afile_abort(fl_afile *f);

/* Write `len` bytes to `path` atomically. */
int fl_write_file_atomic(const char *path, const void *buf, size_t len,
			 fl_err *err);

/* Read a whole file into a NUL-terminated buffer (*out owned by caller,
 * free()). *len_out, if not NULL, receives the length without the NUL. */
int fl_read_file(const char *path, char **out, size_t *len_out, fl_err *err);

/* Create a folder and its parents (mode 0755). Existing folders are fine. */
int fl_mkdir_p(const char *path, fl_err *err);

#endif
