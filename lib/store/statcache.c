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

#define MAGIC "FLSTATC2"

/* Entries live in one dense array; the hash table holds indices into it
 * (4 bytes a slot), so a 100,000-file cache costs a few MB and little
 * paging. Paths of loaded entries point into the loaded file. */
typedef struct entry {
	const char *path; /* NUL-terminated; in `buf` or owned (see owned) */
	uint64_t hash;    /* fnv(path) */
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
	fl_digest digest;
	uint8_t used;     /* looked up (hit) or stored since opening */
	uint8_t owned;    /* path was malloc'd */
} entry;

struct fl_statcache {
	char *file;       /* where it is saved */
	char *buf;        /* the loaded file (entries' paths point into it) */
	entry *ents;      /* n entries, room for cap_ents */
	size_t n, cap_ents;
	uint32_t *slots;  /* cap slots, power of two: entry index + 1, 0 empty */
	size_t cap;
	int64_t cutoff;   /* see fl_statcache_set_cutoff */
	int dirty;        /* something to save */
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

/* The slot holding `path` (hash h), or the empty slot where it would go. */
static uint32_t *find_slot(fl_statcache *c, const char *path, uint64_t h)
{
	size_t i = h & (c->cap - 1);

	while (c->slots[i]) {
		const entry *e = &c->ents[c->slots[i] - 1];
		if (e->hash == h && !strcmp(e->path, path))
			break;
		i = (i + 1) & (c->cap - 1);
	}
	return &c->slots[i];
}

static int grow(fl_statcache *c)
{
	size_t cap = c->cap ? c->cap * 2 : 1024;
	uint32_t *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	free(c->slots);
	c->slots = slots;
	c->cap = cap;
	for (size_t k = 0; k < c->n; k++)
		*find_slot(c, c->ents[k].path, c->ents[k].hash) = (uint32_t)(k + 1);
	return 0;
}

/* Make room for `n` entries at once (a load knows its count): no
 * rehashing while reading. */
static int reserve(fl_statcache *c, size_t n)
{
	size_t cap = 1024;
	entry *ne;

	while (cap < 2 * n + 2)
		cap *= 2;
	if (cap > c->cap) {
		uint32_t *slots = calloc(cap, sizeof(*slots));
		if (!slots)
			return -1;
		free(c->slots);
		c->slots = slots;
		c->cap = cap;
		for (size_t k = 0; k < c->n; k++)
			*find_slot(c, c->ents[k].path, c->ents[k].hash) = (uint32_t)(k + 1);
	}
	if (n > c->cap_ents) {
		if (!(ne = realloc(c->ents, n * sizeof(*ne))))
			return -1;
		c->ents = ne;
		c->cap_ents = n;
	}
	return 0;
}

/* The entry for `path`, created if new (path copied when `copy`, else
 * borrowed from c->buf). NULL when out of memory. */
static entry *insert(fl_statcache *c, const char *path, int copy)
{
	uint64_t h = fnv(path);
	uint32_t *slot;
	entry *e;

	if (((c->n + 1) * 2 > c->cap && grow(c) < 0) || c->n >= UINT32_MAX - 1)
		return NULL;
	slot = find_slot(c, path, h);
	if (*slot)
		return &c->ents[*slot - 1];
	if (c->n == c->cap_ents) {
		size_t cap = c->cap_ents ? c->cap_ents * 2 : 1024;
		entry *ne = realloc(c->ents, cap * sizeof(*ne));
		if (!ne)
			return NULL;
		c->ents = ne;
		c->cap_ents = cap;
	}
	e = &c->ents[c->n];
	memset(e, 0, sizeof(*e));
	if (copy && !(e->path = strdup(path)))
		return NULL;
	if (!copy)
		e->path = path;
	e->owned = (uint8_t)copy;
	e->hash = h;
	*slot = (uint32_t)++c->n;
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
	uint32_t *slot;

	if (!c->cap)
		return 0;
	slot = find_slot(c, path, fnv(path));
	if (!*slot)
		return 0;
	e = &c->ents[*slot - 1];
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

	if (ts_ns(&st->st_mtim) >= c->cutoff || ts_ns(&st->st_ctim) >= c->cutoff)
		return; /* same-tick guard: hash it again next time */
	if (strlen(path) > 0xffff)
		return; /* longer than the file format holds */
	if (!(e = insert(c, path, 1)))
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

/* A record: u16 path length, 5 x u64 (dev, ino, size, mtime, ctime),
 * the digest, then the path and a NUL. */
#define REC_FIXED (2 + 5 * 8 + FL_SHA256_LEN)
#define CHECK_LEN 8 /* trailing checksum */

/* A fast 64-bit checksum against damage (not against an adversary: the
 * cache is local): 8 bytes at a time, multiply and rotate. */
static uint64_t checksum(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w = get_u64(p + i);
		h = (h ^ (w * 0xff51afd7ed558ccdULL)) * 0xc4ceb9fe1a85ec53ULL;
		h = (h << 29) | (h >> 35);
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h ^ (h >> 32);
}

static int parse_entries(fl_statcache *c, unsigned char *p, size_t len)
{
	uint64_t count;
	size_t off = 16;

	if (len < 16 + CHECK_LEN || memcmp(p, MAGIC, 8))
		return -1;
	len -= CHECK_LEN;
	count = get_u64(p + 8);
	if (count > len / REC_FIXED || reserve(c, (size_t)count) < 0)
		return -1;
	for (uint64_t k = 0; k < count; k++) {
		if (off + REC_FIXED > len)
			return -1;
		size_t plen = (size_t)p[off] | (size_t)p[off + 1] << 8;
		if (off + REC_FIXED + plen + 1 > len || p[off + REC_FIXED + plen] != '\0' ||
		    strlen((const char *)p + off + REC_FIXED) != plen)
			return -1;
		entry *e = insert(c, (const char *)p + off + REC_FIXED, 0);
		if (!e)
			return -1;
		const unsigned char *q = p + off + 2;
		e->dev = get_u64(q);
		e->ino = get_u64(q + 8);
		e->size = get_u64(q + 16);
		e->mtime_ns = (int64_t)get_u64(q + 24);
		e->ctime_ns = (int64_t)get_u64(q + 32);
		memcpy(e->digest.b, q + 40, FL_SHA256_LEN);
		off += REC_FIXED + plen + 1;
	}
	return off == len ? 0 : -1;
}

static int load(fl_statcache *c, fl_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	fl_err e2 = FL_ERR_INIT;
	int rc;

	if ((rc = fl_read_file(c->file, &buf, &len, &e2)) < 0) {
		if (rc == FL_ENOTFOUND)
			return 0;
		return fl_err_set(err, rc, "%s", e2.msg);
	}
	if (len < CHECK_LEN ||
	    checksum((unsigned char *)buf, len - CHECK_LEN) !=
		    get_u64((unsigned char *)buf + len - CHECK_LEN) ||
	    parse_entries(c, (unsigned char *)buf, len) < 0) {
		fl_log(FL_LOG_WARN, "%s is damaged; every input will be hashed again",
		       c->file);
		c->n = 0; /* loaded entries only borrow from buf: nothing to free */
		if (c->cap)
			memset(c->slots, 0, c->cap * sizeof(*c->slots));
		c->dirty = 1;
		free(buf);
		return 0;
	}
	c->buf = buf; /* entries' paths point into it */
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

/* Serialise the used entries into a memory stream. */
static int write_entries(fl_statcache *c, FILE *fp)
{
	unsigned char rec[REC_FIXED];
	uint64_t count = 0;

	for (size_t i = 0; i < c->n; i++)
		count += c->ents[i].used;
	memcpy(rec, MAGIC, 8);
	put_u64(rec + 8, count);
	if (fwrite(rec, 1, 16, fp) != 16)
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		entry *e = &c->ents[i];
		size_t plen = strlen(e->path);
		if (!e->used)
			continue;
		rec[0] = (unsigned char)plen;
		rec[1] = (unsigned char)(plen >> 8);
		put_u64(rec + 2, e->dev);
		put_u64(rec + 10, e->ino);
		put_u64(rec + 18, e->size);
		put_u64(rec + 26, (uint64_t)e->mtime_ns);
		put_u64(rec + 34, (uint64_t)e->ctime_ns);
		memcpy(rec + 42, e->digest.b, FL_SHA256_LEN);
		if (fwrite(rec, 1, REC_FIXED, fp) != REC_FIXED ||
		    fwrite(e->path, 1, plen + 1, fp) != plen + 1)
			return -1;
	}
	return 0;
}

int fl_statcache_save(fl_statcache *c, fl_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	/* Entries not used this time (files gone or no longer inputs) drop. */
	for (size_t i = 0; !c->dirty && i < c->n; i++)
		if (!c->ents[i].used)
			c->dirty = 1;
	if (!c->dirty)
		return 0;
	if (!(mem = open_memstream(&buf, &len)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	rc = write_entries(c, mem);
	if (fclose(mem) != 0 || rc < 0) {
		free(buf);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	unsigned char *nb = realloc(buf, len + CHECK_LEN);
	if (!nb) {
		free(buf);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	put_u64(nb + len, checksum(nb, len));
	rc = fl_write_file_atomic(c->file, nb, len + CHECK_LEN, err);
	free(nb);
	if (rc == 0)
		c->dirty = 0;
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
	for (size_t i = 0; i < c->n; i++)
		if (c->ents[i].owned)
			free((char *)c->ents[i].path);
	free(c->ents);
	free(c->slots);
	free(c->buf);
	free(c->file);
	free(c);
}
