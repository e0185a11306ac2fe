/* statcache.h - remember file digests by (device, inode, size, mtime,
 * ctime), so files that did not change are not read again.
 *
 * The same-tick guard: a file changed twice within one timestamp tick
 * keeps the same stat, so an entry is only stored when the file's mtime
 * and ctime are older than the cache's cutoff: the time the cache was
 * opened (before any hashing) minus a margin (2 s by default, covering
 * file systems with one- or two-second timestamps). Files changed more
 * recently are simply hashed again next time.
 *
 * The cache file (.floe/statcache-<recipe>) is binary, little-endian,
 * with a trailing SHA-256; a damaged file is ignored (it is only a
 * cache). Saving keeps only the entries used since opening. */
#ifndef FL_STATCACHE_H
#define FL_STATCACHE_H

#include <stdint.h>
#include <sys/stat.h>

#include "core/err.h"
#include "core/hashtree.h"

#define FL_STATCACHE_MARGIN_NS 2000000000LL

typedef struct fl_statcache fl_statcache;

/* Open the cache stored at `path` (missing or damaged: start empty; a
 * damaged file is logged as a warning). *out owned by the caller. */
int fl_statcache_open(fl_statcache **out, const char *path, fl_err *err);

/* Entries whose mtime or ctime is at or after `ns` (nanoseconds since
 * the epoch) are not stored. Set by open to now - FL_STATCACHE_MARGIN_NS;
 * tests move it. */
void fl_statcache_set_cutoff(fl_statcache *c, int64_t ns);

/* 1 and *out filled when `path` is cached with exactly this stat, else 0. */
int fl_statcache_lookup(fl_statcache *c, const char *path, const struct stat *st,
			fl_digest *out);

/* Remember a digest (ignored when the file is too recent, see above).
 * Out of memory just drops the entry. */
void fl_statcache_put(fl_statcache *c, const char *path, const struct stat *st,
		      const fl_digest *d);

/* fl_hash_path() through the cache (files and folders). */
int fl_statcache_hash(fl_statcache *c, const char *path, int n_threads,
		      const fl_progress *progress, fl_digest *out,
		      fl_hashtree_stats *stats, fl_err *err);

/* Write the cache atomically when it changed. */
int fl_statcache_save(fl_statcache *c, fl_err *err);

/* Entries in memory; lookups answered since opening. */
size_t fl_statcache_size(const fl_statcache *c);
uint64_t fl_statcache_hits(const fl_statcache *c);

void fl_statcache_free(fl_statcache *c);

#endif
