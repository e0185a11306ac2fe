/* hashtree.c - Merkle digests of folders, files hashed on all cores.
 *
 * Three passes: walk the tree into a flat node array (folders keep the
 * index range of their sorted children), hash every regular file in
 * parallel, then fold folder digests bottom-up. Each pass is independent of
 * thread timing, so the digest is too. */
#define _GNU_SOURCE
#include "core/hashtree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/parallel.h"

typedef struct node {
	char *path;        /* full path, for opening and messages */
	char *name;        /* entry name (points into path) */
	char type;         /* 'f', 'd' or 'l' */
	unsigned mode;     /* normalised mode: 0644, 0755, 0777 */
	uint64_t size;     /* file size */
	size_t first;      /* folders: index of the first child */
	size_t count;      /* folders: number of children */
	fl_digest digest;  /* filled by the hashing passes */
} node;

typedef struct tree {
	node *v;            /* all nodes; v[0] is the root */
	size_t n, cap;
	size_t *files;      /* indices of regular files */
	size_t n_files, cap_files;
	const fl_progress *progress;
	atomic_size_t done; /* files hashed so far */
} tree;

static int push_node(tree *t, size_t *idx, fl_err *err)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		node *v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		t->v = v;
		t->cap = cap;
	}
	memset(&t->v[t->n], 0, sizeof(node));
	*idx = t->n++;
	return 0;
}

static int push_file(tree *t, size_t idx, fl_err *err)
{
	if (t->n_files == t->cap_files) {
		size_t cap = t->cap_files ? t->cap_files * 2 : 256;
		size_t *f = realloc(t->files, cap * sizeof(*f));
		if (!f)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		t->files = f;
		t->cap_files = cap;
	}
	t->files[t->n_files++] = idx;
	return 0;
}

static int classify(node *nd, const struct stat *st, fl_err *err)
{
	if (S_ISREG(st->st_mode)) {
		nd->type = 'f';
		nd->mode = (st->st_mode & S_IXUSR) ? 0755 : 0644;
		nd->size = (uint64_t)st->st_size;
	} else if (S_ISDIR(st->st_mode)) {
		nd->type = 'd';
		nd->mode = 0755;
	} else if (S_ISLNK(st->st_mode)) {
		nd->type = 'l';
		nd->mode = 0777;
	} else {
		return fl_err_set(err, FL_EINVAL,
				  "%s: not a regular file, folder or link", nd->path);
	}
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Read a folder's entry names, sorted bytewise. */
static int read_names(const char *path, char ***out, size_t *n_out, fl_err *err)
{
	DIR *d = opendir(path);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	if (!d)
		return fl_err_sys(err, errno, "%s", path);
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*nn));
			if (!nn)
				goto oom;
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name)))
			goto oom;
		n++;
	}
	if (errno) {
		int e = errno;
		closedir(d);
		free_names(names, n);
		return fl_err_sys(err, e, "%s", path);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_name);
	*out = names;
	*n_out = n;
	return 0;
oom:
	closedir(d);
	free_names(names, n);
	return fl_err_set(err, FL_ENOMEM, "out of memory");
}

static int add_path(tree *t, char *path, size_t name_off, size_t *idx_out,
		    fl_err *err);

/* Add the children of folder node `idx` contiguously, then recurse. */
static int add_children(tree *t, size_t idx, fl_err *err)
{
	char **names = NULL;
	size_t n = 0, first = t->n;
	int rc;

	if ((rc = read_names(t->v[idx].path, &names, &n, err)) < 0)
		return rc;
	/* Reserve the children's slots first so they stay contiguous. */
	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t c;
		rc = push_node(t, &c, err);
	}
	t->v[idx].first = first;
	t->v[idx].count = rc == 0 ? n : 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t dlen = strlen(t->v[idx].path), slot = first + i;
		char *p;
		if (asprintf(&p, "%s/%s", t->v[idx].path, names[i]) < 0) {
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
			break;
		}
		rc = add_path(t, p, dlen + 1, &slot, err);
	}
	free_names(names, n);
	return rc;
}

/* Fill node *idx_out (already reserved when *idx_out != SIZE_MAX) for
 * `path` (ownership moves to the tree). */
static int add_path(tree *t, char *path, size_t name_off, size_t *idx_out,
		    fl_err *err)
{
	struct stat st;
	size_t idx = *idx_out;
	int rc;

	if (idx == SIZE_MAX && (rc = push_node(t, &idx, err)) < 0) {
		free(path);
		return rc;
	}
	*idx_out = idx;
	t->v[idx].path = path;
	t->v[idx].name = path + name_off;
	if (lstat(path, &st) < 0)
		return fl_err_sys(err, errno, "%s", path);
	if ((rc = classify(&t->v[idx], &st, err)) < 0)
		return rc;
	if (t->v[idx].type == 'f')
		return push_file(t, idx, err);
	if (t->v[idx].type == 'd')
		return add_children(t, idx, err);
	return 0;
}

static int hash_link(node *nd, fl_err *err)
{
	char target[4096];
	ssize_t n = readlink(nd->path, target, sizeof(target));

	if (n < 0)
		return fl_err_sys(err, errno, "%s", nd->path);
	return fl_sha256_buf(target, (size_t)n, &nd->digest, err);
}

static int hash_file_item(void *ud, size_t i, int worker, fl_err *err)
{
	tree *t = ud;
	node *nd = &t->v[t->files[i]];
	int rc;

	(void)worker;
	rc = fl_sha256_file(nd->path, &nd->digest, err);
	size_t done = atomic_fetch_add(&t->done, 1) + 1;
	if (t->progress && (done % 256 == 0 || done == t->n_files))
		fl_progress_report(t->progress, "hashing", done, t->n_files);
	return rc;
}

static int fold_dir(tree *t, size_t idx, fl_err *err)
{
	node *nd = &t->v[idx];
	fl_sha256_ctx *h = NULL;
	char head[64];
	int rc;

	if ((rc = fl_sha256_new(&h, err)) < 0)
		return rc;
	for (size_t c = nd->first; c < nd->first + nd->count && rc == 0; c++) {
		node *ch = &t->v[c];
		int k = snprintf(head, sizeof(head), "%c %o ", ch->type, ch->mode);
		if ((rc = fl_sha256_update(h, head, (size_t)k, err)) < 0 ||
		    (rc = fl_sha256_update(h, ch->name, strlen(ch->name) + 1, err)) < 0)
			break;
		rc = fl_sha256_update(h, ch->digest.b, FL_SHA256_LEN, err);
	}
	if (rc == 0)
		rc = fl_sha256_final(h, &nd->digest, err);
	fl_sha256_free(h);
	return rc;
}

/* Children always come after their folder, so a reverse sweep folds
 * every folder after all of its descendants. */
static int fold_all(tree *t, fl_err *err)
{
	for (size_t i = t->n; i-- > 0;) {
		int rc = 0;
		if (t->v[i].type == 'd')
			rc = fold_dir(t, i, err);
		else if (t->v[i].type == 'l')
			rc = hash_link(&t->v[i], err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void tree_free(tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
	free(t->files);
}

int fl_hash_path(const char *path, const fl_hashtree_opts *opts,
		 fl_digest *out, fl_hashtree_stats *stats, fl_err *err)
{
	fl_hashtree_opts def = FL_HASHTREE_OPTS_INIT;
	tree t = { 0 };
	size_t root = SIZE_MAX;
	char *p = strdup(path);
	int rc;

	if (!opts)
		opts = &def;
	if (!p)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	t.progress = opts->progress;
	atomic_init(&t.done, 0);
	if ((rc = add_path(&t, p, 0, &root, err)) < 0)
		goto cleanup;
	if ((rc = fl_parallel_for(t.n_files, opts->n_threads, hash_file_item, &t,
				  err)) < 0)
		goto cleanup;
	if ((rc = fold_all(&t, err)) < 0)
		goto cleanup;
	*out = t.v[0].digest;
	if (stats) {
		stats->files = t.n_files;
		stats->bytes = 0;
		for (size_t i = 0; i < t.n_files; i++)
			stats->bytes += t.v[t.files[i]].size;
	}
cleanup:
	tree_free(&t);
	return rc;
}
