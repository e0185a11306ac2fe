/* index.c - model names, version records, tombstones and aliases. */
#define _GNU_SOURCE
#include "repo/index.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic.h"
#include "repo/record.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

void fl_index_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int push_str(char ***v, size_t *n, size_t *cap, const char *s)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		char **nv = realloc(*v, c * sizeof(*nv));
		if (!nv)
			return -1;
		*v = nv;
		*cap = c;
	}
	if (!((*v)[*n] = strdup(s)))
		return -1;
	(*n)++;
	return 0;
}

int fl_index_names(const fl_repo *r, char ***names, size_t *n, fl_err *err)
{
	char *p = fl_repo_path(r, "models");
	size_t cap = 0;
	struct dirent *e;
	DIR *d;

	*names = NULL;
	*n = 0;
	if (!p)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!(d = opendir(p))) {
		int e2 = errno;
		free(p);
		return e2 == ENOENT ? 0 : fl_err_sys(err, e2, "reading %s/models", fl_repo_root(r));
	}
	free(p);
	while ((e = readdir(d)))
		if (fl_modelname_check(e->d_name, NULL) == 0 &&
		    push_str(names, n, &cap, e->d_name) < 0) {
			closedir(d);
			fl_index_names_free(*names, *n);
			*names = NULL;
			*n = 0;
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_str);
	return 0;
}

void fl_versions_clear(fl_versions *v)
{
	free(v->live);
	free(v->removed);
	memset(v, 0, sizeof(*v));
}

static int push_long(long **v, size_t *n, long x)
{
	/* grow by powers of two: realloc when n is 0 or a power of two */
	if ((*n & (*n - 1)) == 0) {
		long *nv = realloc(*v, (*n ? 2 * *n : 8) * sizeof(*nv));
		if (!nv)
			return -1;
		*v = nv;
	}
	(*v)[(*n)++] = x;
	return 0;
}

/* "N.json" -> N (live), "N.removed" -> -N; 0 for anything else. */
static long parse_entry(const char *s)
{
	char num[16];
	const char *dot = strchr(s, '.');
	long v;

	if (!dot || dot == s || (size_t)(dot - s) >= sizeof(num))
		return 0;
	memcpy(num, s, (size_t)(dot - s));
	num[dot - s] = '\0';
	if ((v = fl_modelref_version(num)) <= 0)
		return 0;
	return !strcmp(dot, ".json") ? v : !strcmp(dot, ".removed") ? -v : 0;
}

/* Drop live versions that also have a tombstone (a crash inside rm). */
static void drop_removed(fl_versions *out)
{
	size_t k = 0;

	for (size_t i = 0; i < out->n_live; i++)
		if (!out->n_removed ||
		    !bsearch(&out->live[i], out->removed, out->n_removed, sizeof(long), cmp_long))
			out->live[k++] = out->live[i];
	out->n_live = k;
}

int fl_index_versions(const fl_repo *r, const char *name, fl_versions *out, fl_err *err)
{
	char *p = NULL;
	struct dirent *e;
	DIR *d;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!(p = fl_repo_pathf(r, "models/%s/versions", name)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!(d = opendir(p))) {
		rc = errno == ENOENT ? 0 : fl_err_sys(err, errno, "reading %s", p);
		free(p);
		return rc;
	}
	free(p);
	while ((e = readdir(d)) && rc == 0) {
		long v = parse_entry(e->d_name);
		if (v && push_long(v > 0 ? &out->live : &out->removed,
				   v > 0 ? &out->n_live : &out->n_removed, v > 0 ? v : -v) < 0)
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		if (v && labs(v) > out->highest)
			out->highest = labs(v);
	}
	closedir(d);
	if (rc < 0) {
		fl_versions_clear(out);
		return rc;
	}
	if (out->n_live)
		qsort(out->live, out->n_live, sizeof(long), cmp_long);
	if (out->n_removed)
		qsort(out->removed, out->n_removed, sizeof(long), cmp_long);
	drop_removed(out);
	return 0;
}

char *fl_versions_text(const fl_versions *v)
{
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	if (!fp)
		return NULL;
	for (size_t i = 0; i < v->n_live; i++)
		fprintf(fp, "%s%ld", i ? ", " : "", v->live[i]);
	if (!v->n_live)
		fputs("none", fp);
	if (fclose(fp) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

int fl_index_read(const fl_repo *r, const char *name, long version, json_t **out,
		  fl_err *err)
{
	char *p = NULL, *buf = NULL;
	size_t len;
	json_error_t je;
	int rc;

	*out = NULL;
	if (!(p = fl_repo_pathf(r, "models/%s/versions/%ld.json", name, version)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_read_file(p, &buf, &len, err)) == 0) {
		if (!(*out = json_loadb(buf, len, 0, &je)))
			rc = fl_err_set(err, FL_EINVAL, "%s:%d:%d: %s", p, je.line, je.column, je.text);
		else if ((rc = fl_record_check(*out, p, err)) < 0) {
			json_decref(*out);
			*out = NULL;
		}
	}
	free(buf);
	free(p);
	return rc;
}

int fl_index_aliases(const fl_repo *r, const char *name, json_t **out, fl_err *err)
{
	char *p = NULL, *f = NULL, *buf = NULL;
	struct dirent *e;
	DIR *d;
	int rc = 0;

	*out = json_object();
	if (!(p = fl_repo_pathf(r, "models/%s/aliases", name)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!(d = opendir(p))) {
		rc = errno == ENOENT ? 0 : fl_err_sys(err, errno, "reading %s", p);
		free(p);
		return rc;
	}
	while ((e = readdir(d)) && rc == 0) {
		if (fl_modelalias_check(e->d_name, NULL) < 0)
			continue;
		if (!(f = fl_repo_pathf(r, "models/%s/aliases/%s", name, e->d_name)))
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		else if ((rc = fl_read_file(f, &buf, NULL, err)) == 0)
			json_object_set_new(*out, e->d_name, json_integer(strtol(buf, NULL, 10)));
		else if (rc == FL_ENOTFOUND)
			rc = 0; /* removed while we read */
		free(f);
		free(buf);
		f = buf = NULL;
	}
	closedir(d);
	free(p);
	return rc;
}

static int names_text(const fl_repo *r, char **out, fl_err *err)
{
	char **names = NULL, *s = NULL;
	size_t n = 0, len = 0;
	FILE *fp;
	int rc;

	if ((rc = fl_index_names(r, &names, &n, err)) < 0)
		return rc;
	if (!(fp = open_memstream(&s, &len))) {
		fl_index_names_free(names, n);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n && i < 20; i++)
		fprintf(fp, "%s%s", i ? ", " : "", names[i]);
	if (n > 20)
		fprintf(fp, ", ... %zu in all", n);
	if (!n)
		fputs("none yet", fp);
	fclose(fp);
	fl_index_names_free(names, n);
	*out = s;
	return 0;
}

static int resolve_alias(const fl_repo *r, const fl_modelref *ref, long *version, fl_err *err)
{
	json_t *al = NULL;
	int rc;

	if ((rc = fl_index_aliases(r, ref->name, &al, err)) < 0)
		return rc;
	if (!json_object_get(al, ref->alias)) {
		char list[512] = "";
		const char *k;
		json_t *x;
		size_t len = 0;
		json_object_foreach(al, k, x)
			if (len + 80 < sizeof(list))
				len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s@%lld",
							len ? ", " : "", k,
							(long long)json_integer_value(x));
		rc = fl_err_set(err, FL_ENOTFOUND, "model '%s' has no alias '%s' (aliases: %s)",
				ref->name, ref->alias, len ? list : "none");
	} else {
		*version = (long)json_integer_value(json_object_get(al, ref->alias));
	}
	json_decref(al);
	return rc;
}

static int in_list(const long *v, size_t n, long x)
{
	return n && bsearch(&x, v, n, sizeof(long), cmp_long) != NULL;
}

int fl_index_resolve(const fl_repo *r, const fl_modelref *ref, long *version, fl_err *err)
{
	fl_versions v;
	char *s = NULL;
	int rc;

	if ((rc = fl_index_versions(r, ref->name, &v, err)) < 0)
		return rc;
	if (!v.highest) {
		if ((rc = names_text(r, &s, err)) == 0)
			rc = fl_err_set(err, FL_ENOTFOUND, "no model named '%s' in %s (models: %s)",
					ref->name, fl_repo_root(r), s);
		goto cleanup;
	}
	*version = ref->version;
	if (ref->alias[0] && (rc = resolve_alias(r, ref, version, err)) < 0)
		goto cleanup;
	if (!ref->alias[0] && !ref->version && v.n_live)
		*version = v.live[v.n_live - 1];
	if (*version > 0 && in_list(v.live, v.n_live, *version))
		goto cleanup;
	s = fl_versions_text(&v);
	if (*version > 0 && in_list(v.removed, v.n_removed, *version))
		rc = fl_err_set(err, FL_ENOTFOUND, "%s@%ld was removed (versions: %s)", ref->name,
				*version, s ? s : "?");
	else if (*version > 0)
		rc = fl_err_set(err, FL_ENOTFOUND, "model '%s' has no version %ld (versions: %s)",
				ref->name, *version, s ? s : "?");
	else
		rc = fl_err_set(err, FL_ENOTFOUND, "model '%s' has no versions left (all removed)",
				ref->name);
cleanup:
	free(s);
	fl_versions_clear(&v);
	return rc;
}

static int ensure_dirs(const fl_repo *r, const char *name, fl_err *err)
{
	char *p = NULL;
	int rc = 0;

	for (int i = 0; i < 3 && rc == 0; i++) {
		if (!(p = fl_repo_pathf(r, "models/%s%s", name,
			     i == 0 ? "" : i == 1 ? "/versions" : "/aliases")))
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			rc = fl_err_sys(err, errno, "creating %s", p);
		free(p);
	}
	return rc;
}

int fl_index_add(fl_repo *r, const char *name, json_t *rec, long *version, fl_err *err)
{
	fl_versions v;
	char *p = NULL, *text = NULL;
	int rc;

	if ((rc = ensure_dirs(r, name, err)) < 0 || (rc = fl_index_versions(r, name, &v, err)) < 0)
		return rc;
	*version = v.highest;
	fl_versions_clear(&v);
	/* The lock makes numbers unique; link() refusing to replace a file is
	 * a second guard (e.g. a writer on a host whose flock is not shared). */
	do {
		(*version)++;
		free(p);
		free(text);
		p = text = NULL;
		json_object_set_new(rec, "name", json_string(name));
		json_object_set_new(rec, "version", json_integer(*version));
		if (!(text = json_dumps(rec, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17))) ||
		    !(p = fl_repo_pathf(r, "models/%s/versions/%ld.json", name, *version))) {
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
			break;
		}
		rc = fl_repo_publish(r, p, text, strlen(text), err);
	} while (rc == FL_EBUSY);
	free(p);
	free(text);
	return rc;
}

int fl_index_alias_set(fl_repo *r, const char *name, const char *alias, long version,
		       fl_err *err)
{
	char *p = NULL, line[32];
	int n = snprintf(line, sizeof(line), "%ld\n", version), rc;

	if ((rc = ensure_dirs(r, name, err)) < 0)
		return rc;
	if (!(p = fl_repo_pathf(r, "models/%s/aliases/%s", name, alias)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	rc = fl_write_file_atomic(p, line, (size_t)n, err);
	free(p);
	return rc;
}

int fl_index_alias_remove(fl_repo *r, const char *name, const char *alias, fl_err *err)
{
	char *p = NULL, *dir = NULL;
	int rc = 0;

	if (!(dir = fl_repo_pathf(r, "models/%s/aliases", name)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!(p = fl_repo_pathf(r, "models/%s/aliases/%s", name, alias)))
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	else if (unlink(p) < 0)
		rc = errno == ENOENT ? fl_err_set(err, FL_ENOTFOUND, "model '%s' has no alias '%s'",
						  name, alias)
				     : fl_err_sys(err, errno, "removing alias %s", p);
	else
		rc = fl_repo_sync_dir(dir, err);
	free(p);
	free(dir);
	return rc;
}

int fl_index_remove(fl_repo *r, const char *name, long version, fl_err *err)
{
	char *live = NULL, *tomb = NULL, *text = NULL;
	int rc = 0;

	if (!(live = fl_repo_pathf(r, "models/%s/versions/%ld.json", name, version)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!(tomb = fl_repo_pathf(r, "models/%s/versions/%ld.removed", name,
		     version))) {
		free(live);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	json_t *t = json_pack("{s:s, s:I}", "name", name, "version", (json_int_t)version);
	if (!t || !(text = json_dumps(t, JSON_SORT_KEYS)))
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0 && (rc = fl_repo_publish(r, tomb, text, strlen(text), err)) == FL_EBUSY)
		rc = 0; /* a tombstone from an interrupted rm */
	if (rc == 0 && unlink(live) < 0 && errno != ENOENT)
		rc = fl_err_sys(err, errno, "removing %s", live);
	json_decref(t);
	free(text);
	free(live);
	free(tomb);
	return rc;
}
