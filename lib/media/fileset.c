/* fileset.c - scanning data folders into sorted (path, label) lists. */
#define _GNU_SOURCE
#include "media/fileset.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/atomic.h"
#include "core/strv.h"
#include "core/log.h"

int fl_on_bad_parse(const char *s, fl_on_bad *out, fl_err *err)
{
	if (!strcmp(s, "skip"))
		*out = FL_BAD_SKIP;
	else if (!strcmp(s, "fail"))
		*out = FL_BAD_FAIL;
	else
		return fl_err_set(err, FL_EINVAL, "on_bad_file must be 'skip' or 'fail', not '%s'", s);
	return 0;
}

int fl_has_ext(const char *name, const char *const *exts)
{
	const char *dot = strrchr(name, '.');

	if (!dot || dot == name)
		return 0;
	for (; exts && *exts; exts++)
		if (!strcasecmp(dot + 1, *exts))
			return 1;
	return 0;
}

/* A folder entry: its name and whether it is a folder, from readdir's
 * d_type where the file system gives it (saves a stat per file), else
 * from stat (which follows symbolic links). */
typedef struct dentry {
	char *name;
	int dir; /* 1 folder, 0 not, -1 not known yet */
} dentry;

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const dentry *)a)->name, ((const dentry *)b)->name);
}

static void free_entries(dentry *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static int type_of(unsigned char t)
{
	if (t == DT_DIR)
		return 1;
	return t == DT_UNKNOWN || t == DT_LNK ? -1 : 0;
}

/* The entries of folder `dir` not starting with '.', sorted bytewise. */
static int list_dir(const char *dir, dentry **out, size_t *n_out, fl_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	dentry *v = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	*n_out = 0;
	if (!d)
		return fl_err_sys(err, errno, "%s", dir);
	while ((errno = 0, e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			dentry *nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof(dentry));
			if (!nv)
				goto nomem;
			v = nv;
		}
		if (!(v[n].name = strdup(e->d_name)))
			goto nomem;
		v[n++].dir = type_of(e->d_type);
	}
	if (errno) {
		int e2 = errno;
		closedir(d);
		free_entries(v, n);
		return fl_err_sys(err, e2, "reading folder %s", dir);
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(dentry), cmp_entry);
	*out = v;
	*n_out = n;
	return 0;
nomem:
	closedir(d);
	free_entries(v, n);
	return fl_err_set(err, FL_ENOMEM, "out of memory listing %s", dir);
}

static char *join(const char *a, const char *b)
{
	char *s = NULL;
	size_t la = strlen(a);

	if (asprintf(&s, "%s%s%s", a, la && a[la - 1] == '/' ? "" : "/", b) < 0)
		return NULL;
	return s;
}

/* Is entry `e` (at `path`) a folder? */
static int is_dir(const dentry *e, const char *path)
{
	struct stat st;

	if (e->dir >= 0)
		return e->dir;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int push(fl_fileset *s, size_t *cap, char *path, int label, fl_err *err)
{
	if (s->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		char **np = realloc(s->paths, nc * sizeof(char *));
		int *nl;

		if (!np) {
			free(path);
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		}
		s->paths = np;
		if (!(nl = realloc(s->labels, nc * sizeof(int)))) {
			free(path);
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		}
		s->labels = nl;
		*cap = nc;
	}
	s->paths[s->n] = path;
	s->labels[s->n++] = label;
	return 0;
}

/* Add the matching files of `dir` (not recursive) with `label`. */
static int add_files(fl_fileset *s, size_t *cap, const char *dir, int label,
		     const fl_fileset_opts *o, size_t *added, fl_err *err)
{
	dentry *ents = NULL;
	size_t n = 0;
	int rc;

	*added = 0;
	if ((rc = list_dir(dir, &ents, &n, err)) < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *p;

		if (!fl_has_ext(ents[i].name, o->exts))
			continue;
		if (!(p = join(dir, ents[i].name))) {
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
			break;
		}
		if (is_dir(&ents[i], p)) {
			free(p);
			continue;
		}
		if ((rc = push(s, cap, p, label, err)) == 0)
			(*added)++;
	}
	free_entries(ents, n);
	return rc;
}

/* Is it bad (empty class, single class)? Warn under skip, fail otherwise. */
static int bad(fl_on_bad on_bad, fl_err *err, const char *msg)
{
	if (on_bad == FL_BAD_FAIL)
		return fl_err_set(err, FL_EINVAL, "%s", msg);
	fl_log(FL_LOG_WARN, "%s; skipped", msg);
	return 0;
}

static int scan_classes(fl_fileset *s, const char *dir, const dentry *ents, size_t n,
			const fl_fileset_opts *o, fl_err *err)
{
	size_t cap = 0, stray = 0;
	char msg[PATH_MAX + 128];
	int rc = 0;

	if (!(s->classes = calloc(n, sizeof(char *))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *p = join(dir, ents[i].name);
		size_t added = 0;

		if (!p)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		if (!is_dir(&ents[i], p)) {
			stray += fl_has_ext(ents[i].name, o->exts);
			free(p);
			continue;
		}
		rc = add_files(s, &cap, p, (int)s->n_classes, o, &added, err);
		if (rc == 0 && added == 0) {
			snprintf(msg, sizeof(msg), "%s: empty class folder (no %s files)", p,
				 o->exts && o->exts[0] ? o->exts[0] : "matching");
			rc = bad(o->on_bad, err, msg);
		} else if (rc == 0 && !(s->classes[s->n_classes++] = strdup(ents[i].name))) {
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		}
		free(p);
	}
	if (rc == 0 && stray)
		fl_log(FL_LOG_WARN, "%s: %zu file(s) beside the class folders ignored", dir, stray);
	if (rc == 0 && s->n_classes == 1) {
		snprintf(msg, sizeof(msg), "%s: only one class ('%s'); a classifier needs two or more",
			 dir, s->classes[0]);
		if (o->on_bad == FL_BAD_FAIL)
			return fl_err_set(err, FL_EINVAL, "%s", msg);
		fl_log(FL_LOG_WARN, "%s", msg);
	}
	return rc;
}

static int scan_dir(fl_fileset *s, const char *dir, const fl_fileset_opts *o, fl_err *err)
{
	dentry *ents = NULL;
	size_t n = 0, n_dirs = 0, cap = 0, added = 0;
	int rc;

	if ((rc = list_dir(dir, &ents, &n, err)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		char *p = join(dir, ents[i].name);
		if (!p) {
			free_entries(ents, n);
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		}
		ents[i].dir = is_dir(&ents[i], p); /* known from here on */
		n_dirs += ents[i].dir;
		free(p);
	}
	if (o->layout == FL_LAYOUT_LABELLED && n_dirs == 0)
		rc = fl_err_set(err, FL_EINVAL, "%s: no class folders (expected CLASS/FILE)", dir);
	else if (n_dirs && o->layout != FL_LAYOUT_UNLABELLED)
		rc = scan_classes(s, dir, ents, n, o, err);
	else
		rc = add_files(s, &cap, dir, -1, o, &added, err);
	free_entries(ents, n);
	return rc;
}

int fl_fileset_scan(const char *path, const fl_fileset_opts *opts, fl_fileset **out,
		    fl_err *err)
{
	fl_fileset *s = calloc(1, sizeof(*s));
	struct stat st;
	int rc;

	*out = NULL;
	if (!s)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (stat(path, &st) < 0) {
		rc = fl_err_sys(err, errno, "%s", path);
	} else if (S_ISDIR(st.st_mode)) {
		rc = scan_dir(s, path, opts, err);
	} else {
		size_t cap = 0;
		char *p = strdup(path);
		rc = p ? push(s, &cap, p, -1, err) : fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if (rc == 0 && s->n == 0)
		rc = fl_err_set(err, FL_EINVAL, "%s: no input files found", path);
	if (rc < 0) {
		fl_fileset_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void fl_fileset_free(fl_fileset *s)
{
	if (!s)
		return;
	fl_strv_free(s->paths, s->n);
	fl_strv_free(s->classes, s->n_classes);
	free(s->labels);
	free(s);
}
