/* member.h - one entry of a bundle, read by name and checked against the
 * manifest: into memory (a model), into a file (an image's `docker save`
 * tar), or a glance at the first bytes of every entry of a role.
 *
 *   fl_bundle *b; fl_bundle_open(&b, "run.floe.tar.zst", NULL, &err);
 *   char *buf; size_t n;
 *   fl_bundle_member_read(b, "out/demo/fit/model.floe", 1 << 30, &buf, &n, &err);
 */
#ifndef FL_MEMBER_H
#define FL_MEMBER_H

#include <stddef.h>
#include <stdint.h>

#include "bundle/bundle.h"
#include "core/err.h"
#include "core/log.h"
#include "core/sha256.h"

/* The manifest row of entry `name` (identity or run entries): its size,
 * digest and role (borrowed from b's manifest). FL_ENOTFOUND when the
 * manifest does not list it. Any out pointer may be NULL. */
int fl_bundle_member_find(const fl_bundle *b, const char *name, uint64_t *size,
			  fl_digest *digest, const char **role, fl_err *err);

/* Read entry `name` whole into a NUL-terminated malloc'd buffer (*out owned
 * by the caller); more than `max` bytes is FL_EINVAL. Its size and SHA-256
 * must match the manifest (FL_EMISMATCH naming the entry otherwise). */
int fl_bundle_member_read(const fl_bundle *b, const char *name, size_t max, char **out,
			  size_t *len, fl_err *err);

/* Copy entry `name` into the file `dest` (written atomically; removed
 * again if its digest does not match the manifest). */
int fl_bundle_member_extract(const fl_bundle *b, const char *name, const char *dest,
			     const fl_progress *progress, fl_err *err);

/* Called for each entry the manifest lists with the role asked for, with
 * its first bytes (`got` <= the `head` asked for). Nonzero stops the scan
 * (a negative value is returned as an error, err set by the callback). */
typedef int (*fl_bundle_member_fn)(void *ud, const char *name, uint64_t size,
				   const unsigned char *head, size_t got, fl_err *err);

/* Walk the archive once and call `fn` for every entry of `role`. */
int fl_bundle_member_scan(const fl_bundle *b, const char *role, size_t head,
			  fl_bundle_member_fn fn, void *ud, fl_err *err);

#endif
