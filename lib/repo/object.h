/* object.h - the repository's content-addressed objects: a file kept under
 * ROOT/objects/ab/cdef... by the SHA-256 of its bytes, mode 0444, never
 * changed in place. Writing goes to ROOT/tmp first, hashed on the way, and
 * the finished file is renamed into place (under the writers' lock, so a
 * concurrent `rm` never deletes an object a new version is about to use).
 * Reading always checks the content against the name. */
#ifndef FL_REPO_OBJECT_H
#define FL_REPO_OBJECT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/sha256.h"
#include "repo/repo.h"

/* An object being written. */
typedef struct fl_object_tmp fl_object_tmp;

/* Start an object in ROOT/tmp. *out owned by the caller: finish with
 * fl_object_install() or drop it with fl_object_discard(). */
int fl_object_begin(fl_object_tmp **out, fl_repo *r, fl_err *err);

/* Append bytes (hashed on the way). */
int fl_object_write(fl_object_tmp *t, const void *buf, size_t n, fl_err *err);

/* Copy everything readable from `fd` into the object; `name` for messages. */
int fl_object_write_fd(fl_object_tmp *t, int fd, const char *name, fl_err *err);

/* Finish writing: fsync, mode 0444, close. *digest and *size (may be NULL)
 * receive the content's digest and length. */
int fl_object_end(fl_object_tmp *t, fl_digest *digest, uint64_t *size, fl_err *err);

/* Path of the temporary file (borrowed), readable after fl_object_end(). */
const char *fl_object_tmp_path(const fl_object_tmp *t);

/* Rename the finished object into place (over an existing object of the
 * same digest: the content is the same, and a damaged copy is healed) and
 * free `t`. Call with the writers' lock held. */
int fl_object_install(fl_object_tmp *t, fl_err *err);

/* Remove the temporary file and free `t` (NULL allowed). */
void fl_object_discard(fl_object_tmp *t);

/* Path of object `d` (caller frees; NULL when out of memory). */
char *fl_object_path(const fl_repo *r, const fl_digest *d);

/* Hash the stored object and compare with its name: FL_ENOTFOUND when it
 * is missing, FL_EMISMATCH "object HEX is damaged: its content hashes to
 * HEX2" when it was changed. */
int fl_object_check(const fl_repo *r, const fl_digest *d, fl_err *err);

/* Read the whole object (at most `max` bytes) into *out (malloc'd, caller
 * frees), checked as above. */
int fl_object_read(const fl_repo *r, const fl_digest *d, size_t max, uint8_t **out,
		   size_t *len, fl_err *err);

/* Copy the object to `dst` atomically, checked on the way: on a mismatch
 * nothing is left at `dst`. */
int fl_object_copy_out(const fl_repo *r, const fl_digest *d, const char *dst,
		       fl_err *err);

#endif
