/* statcache.c - an open-addressing table of path -> (stat, digest),
 * loaded from and saved to one checksummed binary file. */
#define _GNU_SOURCE
#include "store/statcache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/atomic.h"
#include "core/log.h"

#define MAGIC "FLSTATC1"

typedef struct entry {
	char *path;      /* NULL: empty slot */
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
	fl_digest digest;
	int used;        /* looked up (hit) or stored since opening */
} entry;

struct fl_statcache {
	char *file;      /* where it is saved */
	entry *slots;    /* cap slots, power of two */
	size_t cap, n;
	int64_t cutoff;  /* see fl_statcache_set_cutoff */
	int dirty;       /* something to save */
	uint64_t hits;
	fl_hashtree_cache hooks;
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static entry *find_slot(fl_statcache *c, const char *path)
{
	size_t i = fnv(path) & (c->cap - 1);

	while (c->slots[i].path && strcmp(c->slots[i].path, path))
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

static int grow(fl_statcache *c)
{
	size_t cap = c->cap ? c->cap * 2 : 1024;
	entry *old = c->slots, *nw = calloc(cap, sizeof(*nw));
	size_t oldcap = c->cap;

	if (!nw)
		return -1;
	c->slots = nw;
	c->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].path)
			*find_slot(c, old[i].path) = old[i];
	free(old);
	return 0;
}

/* Insert or replace; takes `path` (malloc'd). */
static entry *insert(fl_statcache *c, char *path)
{
	entry *e;

	if ((c->n + 1) * 2 > c->cap && grow(c) < 0) {
		free(path);
		return NULL;
	}
	e = find_slot(c, path);
	if (e->path) {
		free(path);
	} else {
		e->path = path;
		c->n++;
	}
	return e;
}

static void fill(entry *e, const struct stat *st)
{
	e->dev = (uint64_t)st->st_dev;
	e->ino = (uint64_t)st->st_ino;
	e->size = (uint64_t)st->st_size;
	e->mtime_ns = ts_ns(&st->st_mtim);
	e->ctime_ns = ts_ns(&st->st_ctim);
}

int fl_statcache_lookup(fl_statcache *c, const char *path, const struct stat *st,
			fl_digest *out)
{
	entry *e, want;

	if (!c->cap)
		return 0;
	e = find_slot(c, path);
	if (!e->path)
		return 0;
	fill(&want, st);
	if (e->dev != want.dev || e->ino != want.ino || e->size != want.size ||
	    e->mtime_ns != want.mtime_ns || e->ctime_ns != want.ctime_ns)
		return 0;
	/* An entry stored before the guard existed for this file's time would
	 * not be here: put() refuses recent files, so a hit is trustworthy. */
	if (!e->used)
		e->used = 1;
	c->hits++;
	*out = e->digest;
	return 1;
}

void fl_statcache_put(fl_statcache *c, const char *path, const struct stat *st,
		      const fl_digest *d)
{
	entry *e;
	char *p;

	if (ts_ns(&st->st_mtim) >= c->cutoff || ts_ns(&st->st_ctim) >= c->cutoff)
		return; /* same-tick guard: hash it again next time */
	if (strlen(path) > 0xffff)
		return; /* longer than the file format holds */
	if (!(p = strdup(path)) || !(e = insert(c, p)))
		return;
	fill(e, st);
	e->digest = *d;
	e->used = 1;
	c->dirty = 1;
}

void fl_statcache_set_cutoff(fl_statcache *c, int64_t ns)
{
	c->cutoff = ns;
}

/* --- file format: MAGIC, u64 count, entries, SHA-256 of all before --- */

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

#define REC_FIXED (2 + 5 * 8 + FL_SHA256_LEN)

static int parse_entries(fl_statcache *c, const unsigned char *p, size_t len)
{
	uint64_t count;
	size_t off = 16;

	if (len < 16 + FL_SHA256_LEN || memcmp(p, MAGIC, 8))
		return -1;
	len -= FL_SHA256_LEN;
	count = get_u64(p + 8);
	for (uint64_t k = 0; k < count; k++) {
		if (off + REC_FIXED > len)
			return -1;
		size_t plen = (size_t)p[off] | (size_t)p[off + 1] << 8;
		if (off + REC_FIXED + plen > len)
			return -1;
		char *path = strndup((const char *)p + off + REC_FIXED, plen);
		entry *e = path ? insert(c, path) : NULL;
		if (!e)
			return -1;
		const unsigned char *q = p + off + 2;
		e->dev = get_u64(q);
		e->ino = get_u64(q + 8);
		e->size = get_u64(q + 16);
		e->mtime_ns = (int64_t)get_u64(q + 24);
		e->ctime_ns = (int64_t)get_u64(q + 32);
		memcpy(e->digest.b, q + 40, FL_SHA256_LEN);
		off += REC_FIXED + plen;
	}
	return off == len ? 0 : -1;
}

static int load(fl_statcache *c, fl_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	fl_digest d;
	fl_err e2 = FL_ERR_INIT;
	int rc;

	if ((rc = fl_read_file(c->file, &buf, &len, &e2)) < 0) {
		if (rc == FL_ENOTFOUND)
			return 0;
		return fl_err_set(err, rc, "%s", e2.msg);
	}
	if (len < FL_SHA256_LEN || fl_sha256_buf(buf, len - FL_SHA256_LEN, &d, err) < 0 ||
	    memcmp(d.b, buf + len - FL_SHA256_LEN, FL_SHA256_LEN) ||
	    parse_entries(c, (unsigned char *)buf, len) < 0) {
		fl_log(FL_LOG_WARN, "%s is damaged; every input will be hashed again",
		       c->file);
		for (size_t i = 0; i < c->cap; i++) {
			free(c->slots[i].path);
			c->slots[i].path = NULL;
		}
		c->n = 0;
		c->dirty = 1;
	}
	free(buf);
	return 0;
}

int fl_statcache_open(fl_statcache **out, const char *path, fl_err *err)
{
	fl_statcache *c = calloc(1, sizeof(*c));
	struct timespec now;
	int rc;

	*out = NULL;
	if (!c || !(c->file = strdup(path))) {
		free(c);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	/* The coarse clock is the one file systems stamp files with. */
	clock_gettime(CLOCK_REALTIME_COARSE, &now);
	c->cutoff = ts_ns(&now) - FL_STATCACHE_MARGIN_NS;
	if ((rc = load(c, err)) < 0) {
		fl_statcache_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static int write_entries(fl_statcache *c, FILE *fp, fl_sha256_ctx *h, fl_err *err)
{
	unsigned char rec[REC_FIXED];
	uint64_t count = 0;
	int rc = 0;

	for (size_t i = 0; i < c->cap; i++)
		count += c->slots[i].path && c->slots[i].used;
	memcpy(rec, MAGIC, 8);
	put_u64(rec + 8, count);
	if (fwrite(rec, 1, 16, fp) != 16 || (rc = fl_sha256_update(h, rec, 16, err)) < 0)
		return rc < 0 ? rc : fl_err_sys(err, errno, "writing %s", c->file);
	for (size_t i = 0; i < c->cap; i++) {
		entry *e = &c->slots[i];
		size_t plen;
		if (!e->path || !e->used)
			continue;
		plen = strlen(e->path);
		rec[0] = (unsigned char)plen;
		rec[1] = (unsigned char)(plen >> 8);
		put_u64(rec + 2, e->dev);
		put_u64(rec + 10, e->ino);
		put_u64(rec + 18, e->size);
		put_u64(rec + 26, (uint64_t)e->mtime_ns);
		put_u64(rec + 34, (uint64_t)e->ctime_ns);
		memcpy(rec + 42, e->digest.b, FL_SHA256_LEN);
		if (fwrite(rec, 1, REC_FIXED, fp) != REC_FIXED ||
		    fwrite(e->path, 1, plen, fp) != plen)
			return fl_err_sys(err, errno, "writing %s", c->file);
		if ((rc = fl_sha256_update(h, rec, REC_FIXED, err)) < 0 ||
		    (rc = fl_sha256_update(h, e->path, plen, err)) < 0)
			return rc;
	}
	return 0;
}

int fl_statcache_save(fl_statcache *c, fl_err *err)
{
	fl_afile *f = NULL;
	fl_sha256_ctx *h = NULL;
	fl_digest d;
	int rc;

	/* Entries not used this time (files gone or no longer inputs) drop. */
	for (size_t i = 0; !c->dirty && i < c->cap; i++)
		if (c->slots[i].path && !c->slots[i].used)
			c->dirty = 1;
	if (!c->dirty)
		return 0;
	if ((rc = fl_sha256_new(&h, err)) < 0 || (rc = fl_afile_open(&f, c->file, err)) < 0)
		goto cleanup;
	if ((rc = write_entries(c, fl_afile_stream(f), h, err)) < 0 ||
	    (rc = fl_sha256_final(h, &d, err)) < 0)
		goto cleanup;
	if (fwrite(d.b, 1, FL_SHA256_LEN, fl_afile_stream(f)) != FL_SHA256_LEN) {
		rc = fl_err_sys(err, errno, "writing %s", c->file);
		goto cleanup;
	}
	rc = fl_afile_commit(f, err);
	f = NULL;
	if (rc == 0)
		c->dirty = 0;
cleanup:
	fl_afile_abort(f);
	fl_sha256_free(h);
	return rc;
}

static int hook_lookup(void *ud, const char *path, const struct stat *st, fl_digest *out)
{
	return fl_statcache_lookup(ud, path, st, out);
}

static void hook_store(void *ud, const char *path, const struct stat *st,
		       const fl_digest *d)
{
	fl_statcache_put(ud, path, st, d);
}

int fl_statcache_hash(fl_statcache *c, const char *path, int n_threads,
		      const fl_progress *progress, fl_digest *out,
		      fl_hashtree_stats *stats, fl_err *err)
{
	fl_hashtree_opts o = FL_HASHTREE_OPTS_INIT;

	c->hooks.lookup = hook_lookup;
	c->hooks.store = hook_store;
	c->hooks.ud = c;
	o.n_threads = n_threads;
	o.progress = progress;
	o.cache = &c->hooks;
	return fl_hash_path(path, &o, out, stats, err);
}

size_t fl_statcache_size(const fl_statcache *c)
{
	return c->n;
}

uint64_t fl_statcache_hits(const fl_statcache *c)
{
	return c->hits;
}

void fl_statcache_free(fl_statcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		free(c->slots[i].path);
	free(c->slots);
	free(c->file);
	free(c);
}
