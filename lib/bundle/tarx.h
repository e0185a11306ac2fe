/* tarx.h - a safe reader and extractor for bundle archives (tar + zstd).
 *
 * Refused, with a message naming the entry: names that are absolute, hold
 * a ".." or "." component, control characters or are too long; symbolic
 * links, hard links, devices, FIFOs, sockets; a name seen twice; an entry
 * larger than limits.max_entry_size; a running total past
 * limits.max_total_size; more than limits.max_entries entries; truncated or
 * corrupt data; anything but a zstd-compressed tar.
 *
 * fl_tarx_extract() writes into a fresh temporary folder beside the target
 * and renames it into place only when every entry (and the caller's checks)
 * passed, so nothing is written outside the target and nothing partial is
 * left behind. */
#ifndef FL_TARX_H
#define FL_TARX_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/log.h"
#include "core/sha256.h"

/* Limits against decompression bombs (sizes are uncompressed bytes). */
typedef struct fl_tarx_limits {
	uint64_t max_entry_size;  /* one entry; default 64 GiB */
	uint64_t max_total_size;  /* all entries together; default 256 GiB */
	uint64_t max_entries;     /* entry count; default 1,000,000 */
} fl_tarx_limits;

#define FL_TARX_LIMITS_INIT { 64ull << 30, 256ull << 30, 1000000ull }

/* An open archive being read entry by entry. */
typedef struct fl_tarx fl_tarx;

/* Open `path` for reading (*out owned by caller, fl_tarx_close()). `limits`
 * NULL means the defaults; it is copied. */
int fl_tarx_open(fl_tarx **out, const char *path, const fl_tarx_limits *limits,
		 fl_err *err);

/* Advance to the next entry. Returns 1 with *name (borrowed until the next
 * call), *size and *is_dir set; 0 at the end; negative on a refused or
 * damaged entry. Data not read from the previous entry is skipped. */
int fl_tarx_next(fl_tarx *r, const char **name, uint64_t *size, int *is_dir,
		 int *exec, fl_err *err);

/* Read up to `cap` bytes of the current entry's data into buf; *got is 0 at
 * the end of the entry. */
int fl_tarx_read(fl_tarx *r, void *buf, size_t cap, size_t *got, fl_err *err);

/* Read the whole current entry (at most `max` bytes, else FL_EINVAL) into a
 * NUL-terminated malloc'd buffer (*out owned by caller). */
int fl_tarx_read_all(fl_tarx *r, size_t max, char **out, size_t *len, fl_err *err);

void fl_tarx_close(fl_tarx *r);

/* Called after each regular file is extracted and hashed: `name` as in the
 * archive, `file` where it now is (inside the temporary folder). A negative
 * return stops extraction (err set by the callback). */
typedef int (*fl_tarx_entry_fn)(void *ud, const char *name, uint64_t size,
				const fl_digest *digest, const char *file, fl_err *err);
/* Called once after the last entry, with the temporary folder, before the
 * rename: the last chance to check or complete the tree. */
typedef int (*fl_tarx_end_fn)(void *ud, const char *tmp_root, fl_err *err);
/* Called before each regular file: nonzero means read and hash it (on_entry
 * still runs, with `file` NULL) but do not write it. */
typedef int (*fl_tarx_skip_fn)(void *ud, const char *name);

typedef struct fl_tarx_opts {
	fl_tarx_limits limits;       /* see above */
	fl_tarx_entry_fn on_entry;   /* may be NULL */
	fl_tarx_end_fn on_end;       /* may be NULL */
	void *ud;                    /* passed to the callbacks */
	const fl_progress *progress; /* bytes extracted; may be NULL */
	fl_tarx_skip_fn skip;        /* may be NULL: every file is written */
} fl_tarx_opts;

#define FL_TARX_OPTS_INIT { FL_TARX_LIMITS_INIT, NULL, NULL, NULL, NULL, NULL }

/* Extract `archive` into `target`, which must not exist or be an empty
 * folder. All or nothing (see above). */
int fl_tarx_extract(const char *archive, const char *target,
		    const fl_tarx_opts *opts, fl_err *err);

/* Remove a folder tree (used to clean up temporary folders). Best effort. */
void fl_tarx_rmtree(const char *path);

#endif
