/* hashtree.h - the digest of a path: a file's SHA-256, or for a folder a
 * Merkle digest over its sorted entries, with file contents hashed in
 * parallel.
 *
 * The folder digest (format "floe-tree-1", documented in docs/hashing.md):
 *   dir = SHA-256 over its entries sorted bytewise by name, each entry
 *         "<type> <mode> <name>\0" followed by the entry's 32-byte digest,
 *   type  f (regular file), d (folder), l (symbolic link, not followed),
 *   mode  "644" or "755" for files (the executable bit only, as git does,
 *         so umask does not change a data set's identity), "755" for
 *         folders, "777" for links,
 *   file  = SHA-256 of the content, link = SHA-256 of the target text.
 * Other file types (devices, sockets, FIFOs) are an error. */
#ifndef FL_HASHTREE_H
#define FL_HASHTREE_H

#include <stdint.h>
#include <sys/stat.h>

#include "core/err.h"
#include "core/log.h"
#include "core/sha256.h"

/* An optional per-file digest cache (the recipe runner's stat cache).
 * lookup() is called for every regular file during the walk, on the
 * calling thread, with the file's lstat(); returning 1 with *out filled
 * skips hashing that file. store() is called on the calling thread, after
 * the parallel pass, for every file that was hashed. */
typedef struct fl_hashtree_cache {
	int (*lookup)(void *ud, const char *path, const struct stat *st,
		      fl_digest *out);
	void (*store)(void *ud, const char *path, const struct stat *st,
		      const fl_digest *d);
	void *ud;
} fl_hashtree_cache;

typedef struct fl_hashtree_opts {
	int n_threads;               /* 0: all cores */
	const fl_progress *progress; /* files hashed / total; may be NULL */
	const fl_hashtree_cache *cache; /* may be NULL */
} fl_hashtree_opts;

#define FL_HASHTREE_OPTS_INIT { 0, NULL, NULL }

/* Summary counts of the last hash. */
typedef struct fl_hashtree_stats {
	uint64_t files;  /* regular files hashed */
	uint64_t bytes;  /* their total size */
	uint64_t hashed; /* files actually read (not answered by the cache) */
} fl_hashtree_stats;

/* Digest of `path` (file, folder or link) into *out. `stats` may be NULL.
 * A path that does not exist or cannot be read: FL_ENOTFOUND / FL_EIO,
 * with the path and the system's reason in the message. */
int fl_hash_path(const char *path, const fl_hashtree_opts *opts,
		 fl_digest *out, fl_hashtree_stats *stats, fl_err *err);

#endif
