/* fsck.c - check every object, record and alias of the repository. */
#define _GNU_SOURCE
#include "repo/fsck.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"
#include "repo/index.h"
#include "repo/object.h"
#include "repo/record.h"
#include "repo/summary.h"

typedef struct fsck_ctx {
	const fl_repo *r;
	json_t *rep;       /* the report */
	json_t *users;     /* object hex -> ["NAME@V bundle", ...] */
	char **hex;        /* objects found */
	size_t n, cap;
	char **result;     /* per object: NULL (fine) or a message */
	const fl_progress *progress;
} fsck_ctx;

static void problem(fsck_ctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(fsck_ctx *c, const char *path, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	json_array_append_new(json_object_get(c->rep, "problems"),
			      json_pack("{s:s, s:s}", "path", path, "problem", msg ? msg : "?"));
	free(msg);
}

static void use(fsck_ctx *c, const json_t *rec, const char *part, const char *who)
{
	const char *hex = json_string_value(json_object_get(json_object_get(rec, part), "object"));
	json_t *l;
	char *s = NULL;

	if (!hex)
		return;
	if (!(l = json_object_get(c->users, hex)))
		json_object_set_new(c->users, hex, l = json_array());
	if (asprintf(&s, "%s (%s)", who, part) >= 0)
		json_array_append_new(l, json_string(s));
	free(s);
}

/* Records of one model, and its aliases. */
static int check_model(fsck_ctx *c, const char *name, fl_err *err)
{
	fl_versions v;
	json_t *al = NULL, *x;
	const char *alias;
	char who[128];
	int rc;

	json_t *cache = fl_summary_read(c->r, name);

	if ((rc = fl_index_versions(c->r, name, &v, err)) < 0) {
		json_decref(cache);
		return rc;
	}
	for (size_t i = 0; i < v.n_live; i++) {
		json_t *rec = NULL, *sum;
		fl_err e = FL_ERR_INIT;
		snprintf(who, sizeof(who), "%s@%ld", name, v.live[i]);
		if (fl_index_read(c->r, name, v.live[i], &rec, &e) < 0) {
			problem(c, who, "%s", e.msg);
			continue;
		}
		snprintf(who, sizeof(who), "%ld", v.live[i]);
		if ((sum = json_object_get(cache, who))) {
			json_t *want = fl_summary_of(rec);
			if (!json_equal(sum, want))
				problem(c, name, "models/%s/list.json: the summary of version %ld "
					"differs from its record", name, v.live[i]);
			json_decref(want);
		}
		snprintf(who, sizeof(who), "%s@%ld", name, v.live[i]);
		if (strcmp(json_string_value(json_object_get(rec, "name")), name) ||
		    json_integer_value(json_object_get(rec, "version")) != v.live[i])
			problem(c, who, "the record names another version (%s@%lld)",
				json_string_value(json_object_get(rec, "name")),
				(long long)json_integer_value(json_object_get(rec, "version")));
		use(c, rec, "bundle", who);
		use(c, rec, "model", who);
		json_decref(rec);
	}
	json_object_set_new(c->rep, "versions", json_integer(
		json_integer_value(json_object_get(c->rep, "versions")) + (json_int_t)v.n_live));
	if ((rc = fl_index_aliases(c->r, name, &al, err)) == 0)
		json_object_foreach(al, alias, x) {
			long t = (long)json_integer_value(x);
			int live = 0;
			for (size_t i = 0; i < v.n_live; i++)
				live |= v.live[i] == t;
			snprintf(who, sizeof(who), "%s@%s", name, alias);
			if (!live)
				problem(c, who, "the alias points at version %ld, which does not exist", t);
		}
	json_object_set_new(c->rep, "aliases", json_integer(
		json_integer_value(json_object_get(c->rep, "aliases")) + (json_int_t)json_object_size(al)));
	json_decref(al);
	json_decref(cache);
	fl_versions_clear(&v);
	return rc;
}

static int push(fsck_ctx *c, const char *hex)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		char **nv = realloc(c->hex, cap * sizeof(*nv));
		if (!nv)
			return -1;
		c->hex = nv;
		c->cap = cap;
	}
	return (c->hex[c->n++] = strdup(hex)) ? 0 : -1;
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

/* Collect objects/ab/cdef... names; anything else is a problem. */
static int find_objects(fsck_ctx *c, fl_err *err)
{
	char *top = fl_repo_path(c->r, "objects"), *sub = NULL, hex[FL_SHA256_HEX_LEN + 1];
	struct dirent *e, *f;
	DIR *d, *s;
	int rc = 0;

	if (!top)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!(d = opendir(top))) {
		rc = errno == ENOENT ? 0 : fl_err_sys(err, errno, "reading %s", top);
		free(top);
		return rc;
	}
	while ((e = readdir(d)) && rc == 0) {
		if (e->d_name[0] == '.')
			continue;
		sub = is_hex(e->d_name, 2) ? fl_repo_pathf(c->r, "objects/%s", e->d_name) : NULL;
		if (!sub || !(s = opendir(sub))) {
			problem(c, e->d_name, "unexpected entry in objects/");
			free(sub);
			continue;
		}
		while ((f = readdir(s)))
			if (f->d_name[0] == '.')
				continue;
			else if (!is_hex(f->d_name, FL_SHA256_HEX_LEN - 2))
				problem(c, f->d_name, "unexpected file in objects/%s", e->d_name);
			else if (snprintf(hex, sizeof(hex), "%s%s", e->d_name, f->d_name) > 0 &&
				 push(c, hex) < 0)
				rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		closedir(s);
		free(sub);
		sub = NULL;
	}
	closedir(d);
	free(top);
	return rc;
}

static int hash_one(void *ud, size_t i, int worker, fl_err *err)
{
	fsck_ctx *c = ud;
	fl_digest d;
	fl_err e = FL_ERR_INIT;

	(void)worker;
	(void)err;
	if (fl_digest_parse(c->hex[i], &d, &e) < 0 || fl_object_check(c->r, &d, &e) < 0)
		c->result[i] = strdup(e.msg);
	fl_progress_report(c->progress, "checking objects", i + 1, c->n);
	return 0;
}

static void report_objects(fsck_ctx *c)
{
	json_t *unref = json_object_get(c->rep, "unreferenced");

	for (size_t i = 0; i < c->n; i++) {
		json_t *users = json_object_get(c->users, c->hex[i]);
		if (c->result[i]) {
			char *u = users ? json_dumps(users, JSON_COMPACT) : NULL;
			problem(c, c->hex[i], "%s; used by %s", c->result[i], u ? u : "no version");
			free(u);
		}
		if (!users)
			json_array_append_new(unref, json_string(c->hex[i]));
		json_object_del(c->users, c->hex[i]);
	}
	/* what is left was named by a record but not found */
	const char *hex;
	json_t *users;
	json_object_foreach(c->users, hex, users) {
		char *u = json_dumps(users, JSON_COMPACT);
		problem(c, hex, "object missing; used by %s", u ? u : "?");
		free(u);
	}
}

static int find_tmp(fsck_ctx *c, fl_err *err)
{
	char *dir = fl_repo_path(c->r, "tmp");
	struct dirent *e;
	DIR *d;

	if (!dir)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((d = opendir(dir))) {
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				json_array_append_new(json_object_get(c->rep, "temporary"),
						      json_string(e->d_name));
		closedir(d);
	}
	free(dir);
	return 0;
}

int fl_repo_fsck(const fl_repo *r, int n_threads, const fl_progress *progress,
		 json_t **report, fl_err *err)
{
	fsck_ctx c = { .r = r, .progress = progress };
	char **names = NULL;
	size_t n = 0;
	int rc;

	*report = NULL;
	c.rep = json_pack("{s:i, s:i, s:i, s:[], s:[], s:[]}", "objects", 0, "versions", 0,
			  "aliases", 0, "problems", "unreferenced", "temporary");
	c.users = json_object();
	if ((rc = fl_index_names(r, &names, &n, err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = check_model(&c, names[i], err);
	if (rc < 0 || (rc = find_objects(&c, err)) < 0)
		goto cleanup;
	if (c.n && !(c.result = calloc(c.n, sizeof(*c.result)))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = fl_parallel_for(c.n, n_threads, hash_one, &c, err)) < 0 ||
	    (rc = find_tmp(&c, err)) < 0)
		goto cleanup;
	report_objects(&c);
	json_object_set_new(c.rep, "objects", json_integer((json_int_t)c.n));
	*report = json_incref(c.rep);
cleanup:
	for (size_t i = 0; i < c.n; i++) {
		free(c.hex[i]);
		if (c.result)
			free(c.result[i]);
	}
	free(c.hex);
	free(c.result);
	fl_index_names_free(names, n);
	json_decref(c.users);
	json_decref(c.rep);
	return rc;
}
