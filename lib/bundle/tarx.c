/* tarx.c - safe reading and all-or-nothing extraction of tar+zstd archives. */
#define _GNU_SOURCE
#include "bundle/tarx.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/entryname.h"

#define COPY_BUF (1u << 20)

struct fl_tarx {
	struct archive *a;      /* libarchive reader */
	char *path;             /* archive path, for messages */
	fl_tarx_limits lim;     /* copied limits */
	char *name;             /* current entry's name, without trailing '/' */
	uint64_t size;          /* current entry's declared size */
	uint64_t left;          /* data bytes not yet read from it */
	uint64_t total;         /* declared bytes of all entries so far */
	uint64_t count;         /* entries so far */
	char **seen;            /* open-addressing set of names */
	size_t seen_cap;        /* its capacity (a power of two) */
};

/* --- the set of names seen, to refuse duplicates ------------------------ */

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int seen_grow(fl_tarx *r)
{
	size_t cap = r->seen_cap ? r->seen_cap * 2 : 1024;
	char **tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return -1;
	for (size_t i = 0; i < r->seen_cap; i++) {
		if (!r->seen[i])
			continue;
		size_t j = fnv1a(r->seen[i]) & (cap - 1);
		while (tab[j])
			j = (j + 1) & (cap - 1);
		tab[j] = r->seen[i];
	}
	free(r->seen);
	r->seen = tab;
	r->seen_cap = cap;
	return 0;
}

/* 1 if added, 0 if already present, -1 out of memory. */
static int seen_add(fl_tarx *r, const char *name)
{
	size_t j;

	if ((r->count + 1) * 2 > r->seen_cap && seen_grow(r) < 0)
		return -1;
	for (j = fnv1a(name) & (r->seen_cap - 1); r->seen[j]; j = (j + 1) & (r->seen_cap - 1))
		if (!strcmp(r->seen[j], name))
			return 0;
	if (!(r->seen[j] = strdup(name)))
		return -1;
	return 1;
}

/* --- reading ------------------------------------------------------------- */

static int damaged(fl_tarx *r, fl_err *err, const char *what)
{
	const char *why = archive_error_string(r->a);

	return fl_err_set(err, FL_EINVAL, "%s: truncated or corrupt archive (%s%s%s)",
			  r->path, what, why ? ": " : "", why ? why : "");
}

int fl_tarx_open(fl_tarx **out, const char *path, const fl_tarx_limits *limits,
		 fl_err *err)
{
	static const fl_tarx_limits defaults = FL_TARX_LIMITS_INIT;
	fl_tarx *r = calloc(1, sizeof(*r));
	struct stat st;

	*out = NULL;
	if (!r || !(r->path = strdup(path)) || !(r->a = archive_read_new())) {
		fl_tarx_close(r);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	r->lim = limits ? *limits : defaults;
	if (stat(path, &st) < 0) {
		fl_tarx_close(r);
		return fl_err_sys(err, errno, "%s", path);
	}
	archive_read_support_format_tar(r->a);
	if (archive_read_support_filter_zstd(r->a) != ARCHIVE_OK ||
	    archive_read_open_filename(r->a, path, COPY_BUF) != ARCHIVE_OK) {
		int rc = damaged(r, err, "opening");
		fl_tarx_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

static const char *refused_type(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return "a hard link";
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
	case AE_IFDIR:
		return NULL;
	case AE_IFLNK:
		return "a symbolic link";
	case AE_IFCHR:
	case AE_IFBLK:
		return "a device file";
	case AE_IFIFO:
		return "a FIFO";
	case AE_IFSOCK:
		return "a socket";
	default:
		return "of an unknown type";
	}
}

/* Name, type, duplicate and size checks of the header just read. */
static int check_entry(fl_tarx *r, struct archive_entry *e, fl_err *err)
{
	const char *name = archive_entry_pathname(e);
	const char *bad;
	int added;

	if (!name)
		return fl_err_set(err, FL_EINVAL, "%s: an entry has no name", r->path);
	if (fl_entryname_check(name, err) < 0)
		return fl_err_wrap(err, "%s", r->path);
	if ((bad = refused_type(e)))
		return fl_err_set(err, FL_EINVAL, "%s: entry '%s' is %s, which bundles may not hold",
				  r->path, name, bad);
	free(r->name);
	if (!(r->name = strndup(name, fl_entryname_len(name))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (++r->count > r->lim.max_entries)
		return fl_err_set(err, FL_EINVAL, "%s: more than %llu entries (limit)", r->path,
				  (unsigned long long)r->lim.max_entries);
	if ((added = seen_add(r, r->name)) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (added == 0)
		return fl_err_set(err, FL_EINVAL, "%s: duplicate entry '%s'", r->path, r->name);
	r->size = archive_entry_size_is_set(e) ? (uint64_t)archive_entry_size(e) : 0;
	if (r->size > r->lim.max_entry_size)
		return fl_err_set(err, FL_EINVAL,
				  "%s: entry '%s' is %llu bytes, over the limit of %llu per entry",
				  r->path, r->name, (unsigned long long)r->size,
				  (unsigned long long)r->lim.max_entry_size);
	r->total += r->size;
	if (r->total > r->lim.max_total_size)
		return fl_err_set(err, FL_EINVAL,
				  "%s: entries add up to more than the limit of %llu bytes "
				  "(at '%s')", r->path, (unsigned long long)r->lim.max_total_size,
				  r->name);
	r->left = r->size;
	return 0;
}

int fl_tarx_next(fl_tarx *r, const char **name, uint64_t *size, int *is_dir,
		 int *exec, fl_err *err)
{
	struct archive_entry *e;
	int rc = archive_read_next_header(r->a, &e);

	if (rc == ARCHIVE_EOF) {
		if (r->count == 0)
			return fl_err_set(err, FL_EINVAL, "%s: empty or not an archive", r->path);
		return 0;
	}
	if (rc != ARCHIVE_OK)
		return damaged(r, err, "reading a header");
	if (archive_filter_code(r->a, 0) != ARCHIVE_FILTER_ZSTD)
		return fl_err_set(err, FL_EINVAL, "%s: not a zstd-compressed tar archive", r->path);
	if ((rc = check_entry(r, e, err)) < 0)
		return rc;
	*name = r->name;
	*size = r->size;
	*is_dir = archive_entry_filetype(e) == AE_IFDIR;
	*exec = (archive_entry_perm(e) & 0111) != 0;
	return 1;
}

int fl_tarx_read(fl_tarx *r, void *buf, size_t cap, size_t *got, fl_err *err)
{
	la_ssize_t n = archive_read_data(r->a, buf, cap);

	*got = 0;
	if (n < 0)
		return damaged(r, err, r->name ? r->name : "data");
	if ((uint64_t)n > r->left)
		return fl_err_set(err, FL_EINVAL, "%s: entry '%s' holds more data than its header says",
				  r->path, r->name);
	r->left -= (uint64_t)n;
	if (n == 0 && r->left)
		return damaged(r, err, r->name);
	*got = (size_t)n;
	return 0;
}

int fl_tarx_read_all(fl_tarx *r, size_t max, char **out, size_t *len, fl_err *err)
{
	char *buf;
	size_t got, off = 0;
	int rc;

	*out = NULL;
	if (r->size > max)
		return fl_err_set(err, FL_EINVAL, "%s: entry '%s' is larger than %zu bytes",
				  r->path, r->name, max);
	if (!(buf = malloc((size_t)r->size + 1)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	do {
		if ((rc = fl_tarx_read(r, buf + off, (size_t)r->size - off + 1, &got, err)) < 0) {
			free(buf);
			return rc;
		}
		off += got;
	} while (got > 0);
	buf[off] = '\0';
	*out = buf;
	if (len)
		*len = off;
	return 0;
}

void fl_tarx_close(fl_tarx *r)
{
	if (!r)
		return;
	archive_read_free(r->a);
	for (size_t i = 0; i < r->seen_cap; i++)
		free(r->seen[i]);
	free(r->seen);
	free(r->name);
	free(r->path);
	free(r);
}

/* --- extraction ---------------------------------------------------------- */

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(p);
	return 0;
}

void fl_tarx_rmtree(const char *path)
{
	nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

/* Create the folders leading to `rel` under `root` (never following links:
 * the tree is fresh and holds only folders and regular files we made). */
static int make_parents(const char *root, const char *rel, int last_too, fl_err *err)
{
	char *p = NULL;
	size_t base = strlen(root) + 1;
	struct stat st;

	if (asprintf(&p, "%s/%s", root, rel) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (char *s = p + base;; s++) {
		int end = (*s == '\0');
		if (*s != '/' && !end)
			continue;
		if (end && !last_too)
			break;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && !(errno == EEXIST && lstat(p, &st) == 0 &&
					    S_ISDIR(st.st_mode))) {
			int e = errno;
			free(p);
			return fl_err_sys(err, e == EEXIST ? EEXIST : e,
					  "entry '%s' conflicts with another entry", rel);
		}
		if (end)
			break;
		*s = '/';
	}
	free(p);
	return 0;
}

typedef struct extract_ctx {
	fl_tarx *r;
	const fl_tarx_opts *o;
	const char *root;
	unsigned char *buf;
	fl_sha256_ctx *h;
	uint64_t done;
} extract_ctx;

static int extract_file(extract_ctx *x, const char *name, int exec, fl_err *err)
{
	char *path = NULL;
	fl_digest d;
	size_t got;
	uint64_t size = x->r->size;
	int fd = -1, rc, skip = x->o->skip && x->o->skip(x->o->ud, name);

	if (!skip && (rc = make_parents(x->root, name, 0, err)) < 0)
		return rc;
	if (!skip && asprintf(&path, "%s/%s", x->root, name) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!skip && (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				exec ? 0755 : 0644)) < 0) {
		rc = fl_err_sys(err, errno, "extracting '%s'", name);
		goto cleanup;
	}
	if ((rc = fl_sha256_reset(x->h, err)) < 0)
		goto cleanup;
	for (;;) {
		if ((rc = fl_tarx_read(x->r, x->buf, COPY_BUF, &got, err)) < 0)
			goto cleanup;
		if (got == 0)
			break;
		if ((rc = fl_sha256_update(x->h, x->buf, got, err)) < 0)
			goto cleanup;
		for (size_t off = 0; fd >= 0 && off < got;) {
			ssize_t w = write(fd, x->buf + off, got - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc = fl_err_sys(err, errno, "extracting '%s'", name);
				goto cleanup;
			}
			off += (size_t)w;
		}
		x->done += got;
		fl_progress_report(x->o->progress, "extracting", x->done, x->r->total);
	}
	if ((rc = fl_sha256_final(x->h, &d, err)) < 0)
		goto cleanup;
	if (fd >= 0 && close(fd) < 0) {
		fd = -1;
		rc = fl_err_sys(err, errno, "extracting '%s'", name);
		goto cleanup;
	}
	fd = -1;
	if (x->o->on_entry)
		rc = x->o->on_entry(x->o->ud, name, size, &d, path, err);
cleanup:
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

static int extract_all(extract_ctx *x, fl_err *err)
{
	const char *name;
	uint64_t size;
	int is_dir, exec, rc;

	while ((rc = fl_tarx_next(x->r, &name, &size, &is_dir, &exec, err)) == 1) {
		if (is_dir)
			rc = make_parents(x->root, name, 1, err);
		else
			rc = extract_file(x, name, exec, err);
		if (rc < 0)
			return rc;
	}
	if (rc == 0 && x->o->on_end)
		rc = x->o->on_end(x->o->ud, x->root, err);
	return rc;
}

/* A fresh temporary folder beside `target` (same file system: rename works). */
static int make_tmp_root(const char *target, char **out, fl_err *err)
{
	char *c1 = strdup(target), *c2 = strdup(target);
	int rc = 0;

	*out = NULL;
	if (!c1 || !c2 || asprintf(out, "%s/.%s.unpack.XXXXXX", dirname(c1), basename(c2)) < 0)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	else if (!mkdtemp(*out))
		rc = fl_err_sys(err, errno, "creating a temporary folder beside %s", target);
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	free(c1);
	free(c2);
	return rc;
}

static int check_target(const char *target, fl_err *err)
{
	struct stat st;

	if (lstat(target, &st) < 0)
		return errno == ENOENT ? 0 : fl_err_sys(err, errno, "%s", target);
	if (!S_ISDIR(st.st_mode) || rmdir(target) < 0)
		return fl_err_set(err, FL_EINVAL, "%s already exists and is not an empty folder",
				  target);
	/* rmdir'd the empty folder; the rename at the end recreates it. */
	return 0;
}

static int sync_tree(const char *root, fl_err *err)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0 || syncfs(fd) < 0)
		rc = fl_err_sys(err, errno, "syncing %s", root);
	if (fd >= 0)
		close(fd);
	return rc;
}

int fl_tarx_extract(const char *archive, const char *target,
		    const fl_tarx_opts *opts, fl_err *err)
{
	static const fl_tarx_opts defaults = FL_TARX_OPTS_INIT;
	extract_ctx x = { 0 };
	char *tmp = NULL;
	int rc;

	x.o = opts ? opts : &defaults;
	if ((rc = fl_tarx_open(&x.r, archive, &x.o->limits, err)) < 0)
		return rc;
	if (!(x.buf = malloc(COPY_BUF))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = fl_sha256_new(&x.h, err)) < 0 || (rc = make_tmp_root(target, &tmp, err)) < 0)
		goto cleanup;
	x.root = tmp;
	if ((rc = extract_all(&x, err)) < 0 || (rc = sync_tree(tmp, err)) < 0 ||
	    (rc = check_target(target, err)) < 0)
		goto cleanup;
	if (rename(tmp, target) < 0)
		rc = fl_err_sys(err, errno, "renaming %s to %s", tmp, target);
cleanup:
	if (rc < 0 && tmp)
		fl_tarx_rmtree(tmp);
	free(tmp);
	free(x.buf);
	fl_sha256_free(x.h);
	fl_tarx_close(x.r);
	return rc;
}
