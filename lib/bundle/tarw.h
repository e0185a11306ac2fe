/* tarw.h - a deterministic archive writer: pax tar compressed with zstd,
 * entries sorted, owners, modes and times fixed, so the same content always
 * gives a byte-identical file; written atomically.
 *
 *   fl_tar_entry e[2] = {
 *       { .name = "b.txt", .src = "/data/b.txt" },
 *       { .name = "a.json", .buf = json, .len = n, .priority = -1 },
 *   };
 *   fl_tarw_opts o = FL_TARW_OPTS_INIT;
 *   rc = fl_tarw_write("out.tar.zst", e, 2, &o, &err);
 *
 * Fixed header fields: uid/gid 0, uname/gname empty, mode 0644 (0755 for
 * executables and folders), mtime opts->mtime (0 by default; the runner
 * passes SOURCE_DATE_EPOCH when set), no atime/ctime, no extended
 * attributes or ACLs. zstd runs at a fixed level on one thread. */
#ifndef FL_TARW_H
#define FL_TARW_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/log.h"
#include "core/sha256.h"

/* One entry to write. Exactly one of `src` (a regular file to copy) or
 * `buf`/`len` (bytes in memory) is set; a name ending in "/" with neither
 * is a folder. All pointers are borrowed for the duration of the call. */
typedef struct fl_tar_entry {
	const char *name;         /* path inside the archive, relative, '/'-separated */
	const char *src;          /* file to copy, or NULL */
	const void *buf;          /* in-memory content when src == NULL */
	size_t len;               /* length of buf */
	int exec;                 /* 1: mode 0755, 0: mode 0644 */
	int priority;             /* entries sort by (priority, name bytewise) */
	const fl_digest *expect;  /* if set, the copied content must hash to this */
	fl_digest *digest_out;    /* if set, receives the SHA-256 of the content */
} fl_tar_entry;

typedef struct fl_tarw_opts {
	int zstd_level;              /* zstd compression level (default 3) */
	int64_t mtime;               /* every entry's mtime (default 0) */
	const fl_progress *progress; /* bytes written / total; may be NULL */
} fl_tarw_opts;

#define FL_TARW_OPTS_INIT { 3, 0, NULL }

/* Check that this libarchive writes and reads zstd itself (not through an
 * external `zstd` program). FL_EFAIL with an explanation otherwise. */
int fl_tarw_check_zstd(fl_err *err);

/* Write the `n` entries to `path`: sorted by (priority, name), each source
 * file read once (hashed while copied; a size or digest that differs from
 * what was expected is FL_EMISMATCH naming the file). `entries` itself is
 * not reordered. Duplicate names are FL_EINVAL. The file appears only when
 * complete (temporary file beside it, fsync, rename). */
int fl_tarw_write(const char *path, const fl_tar_entry *entries, size_t n,
		  const fl_tarw_opts *opts, fl_err *err);

#endif
