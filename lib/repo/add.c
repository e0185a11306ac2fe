/* add.c - add a bundle's model to the repository as a new version. */
#define _GNU_SOURCE
#include "repo/add.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "bundle/manifest.h"
#include "core/log.h"
#include "core/parallel.h"
#include "ml/modelfile.h"
#include "repo/index.h"
#include "repo/modelref.h"
#include "repo/object.h"
#include "repo/record.h"
#include "repo/summary.h"

#define BUF_SIZE (1 << 20)
#define MAX_MODELS 64

/* A model file found among the bundle's outputs. */
typedef struct candidate {
	char *entry;          /* path in the bundle */
	fl_object_tmp *obj;   /* its bytes, as a temporary object */
	fl_digest digest;
	uint64_t size;
} candidate;

typedef struct add_ctx {
	fl_repo *r;
	const char *src;          /* the bundle as given */
	const fl_repo_add_opts *o;
	fl_object_tmp *bobj;      /* the bundle file */
	fl_digest bdigest;
	uint64_t bsize;
	fl_bundle *b;
	json_t *roles;            /* entry path -> role */
	candidate c[MAX_MODELS];
	size_t n;
	unsigned char *buf;
} add_ctx;

static int copy_bundle(add_ctx *a, fl_err *err)
{
	int fd = open(a->src, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return fl_err_sys(err, errno, "%s", a->src);
	if ((rc = fl_object_begin(&a->bobj, a->r, err)) == 0)
		rc = fl_object_write_fd(a->bobj, fd, a->src, err);
	close(fd);
	return rc;
}

static int index_roles(add_ctx *a)
{
	static const char *const parts[] = { "identity", "run" };
	size_t i;
	json_t *e;

	if (!(a->roles = json_object()))
		return -1;
	for (int p = 0; p < 2; p++)
		json_array_foreach(json_object_get(fl_manifest_part(a->b->manifest, parts[p]),
						   "entries"), i, e)
			json_object_set(a->roles, json_string_value(json_object_get(e, "path")),
					json_object_get(e, "role"));
	return 0;
}

/* Read the current entry, hashing it; an output that starts with the model
 * file magic is also written to a temporary object. */
static int read_entry(add_ctx *a, fl_tarx *x, const char *name, fl_sha256_ctx *h,
		      fl_digest *d, fl_err *err)
{
	const char *role = json_string_value(json_object_get(a->roles, name));
	int maybe = role && !strcmp(role, "output"), rc;
	size_t got, have = 0;
	candidate *c = &a->c[a->n];

	if ((rc = fl_sha256_reset(h, err)) < 0)
		return rc;
	for (;;) {
		if ((rc = fl_tarx_read(x, a->buf + have, BUF_SIZE - have, &got, err)) < 0)
			return rc;
		if ((rc = fl_sha256_update(h, a->buf + have, got, err)) < 0)
			return rc;
		have += got;
		if (maybe && !c->obj && (have >= 8 || got == 0)) {
			maybe = have >= 8 && !memcmp(a->buf, FL_MODELFILE_MAGIC, 8);
			if (maybe && a->n == MAX_MODELS)
				return fl_err_set(err, FL_EINVAL, "more than %d model files in the "
						  "bundle", MAX_MODELS);
			if (maybe && (rc = fl_object_begin(&c->obj, a->r, err)) < 0)
				return rc;
		}
		if (c->obj && have && (rc = fl_object_write(c->obj, a->buf, have, err)) < 0)
			return rc;
		if (c->obj || !maybe || have == BUF_SIZE)
			have = 0;
		if (got == 0)
			break;
	}
	if ((rc = fl_sha256_final(h, d, err)) < 0 || !c->obj)
		return rc;
	if (!(c->entry = strdup(name)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	a->n++;
	return fl_object_end(c->obj, &c->digest, &c->size, err);
}

/* Every entry checked against the manifest; model files kept. */
static int scan(add_ctx *a, fl_err *err)
{
	fl_tarx *x = NULL;
	fl_manifest_check *chk = NULL;
	fl_sha256_ctx *h = NULL;
	const char *name;
	uint64_t size;
	int is_dir, exec, rc, idx = 0;
	fl_digest d;

	if (index_roles(a) < 0 || !(a->buf = malloc(BUF_SIZE)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_tarx_open(&x, fl_object_tmp_path(a->bobj), a->o->limits, err)) < 0 ||
	    (rc = fl_manifest_check_new(&chk, a->b->manifest, err)) < 0 ||
	    (rc = fl_sha256_new(&h, err)) < 0)
		goto cleanup;
	while ((rc = fl_tarx_next(x, &name, &size, &is_dir, &exec, err)) == 1) {
		idx++;
		if (is_dir || idx == 1 || (idx == 2 && !strcmp(name, FL_BUNDLE_SIGNATURE)))
			continue; /* the manifest and signature were read by fl_bundle_open */
		if ((rc = read_entry(a, x, name, h, &d, err)) < 0 ||
		    (rc = fl_manifest_check_entry(chk, name, size, &d, err)) < 0)
			break;
		fl_progress_report(a->o->progress, "checking", (uint64_t)idx, 0);
	}
	if (rc == 0)
		rc = fl_manifest_check_complete(chk, err);
cleanup:
	fl_sha256_free(h);
	fl_manifest_check_free(chk);
	fl_tarx_close(x);
	return rc;
}

/* Does candidate `c` answer to --model `want`? */
static int matches(const candidate *c, const char *want)
{
	const char *base = strrchr(c->entry, '/');
	size_t n = strlen(want);

	if (!strcmp(c->entry, want) || (base && !strcmp(base + 1, want)))
		return 1;
	/* out/RECIPE/STEP/...: the step name */
	const char *a = strchr(c->entry, '/'), *b = a ? strchr(a + 1, '/') : NULL;
	return b && !strncmp(b + 1, want, n) && b[1 + n] == '/';
}

static int list_text(const add_ctx *a, char *s, size_t cap)
{
	size_t len = 0;

	s[0] = '\0';
	for (size_t i = 0; i < a->n && len + 4 < cap; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%s", i ? ", " : "", a->c[i].entry);
	return 0;
}

static int choose(const add_ctx *a, size_t *pick, fl_err *err)
{
	char names[1024];
	size_t found = 0;

	list_text(a, names, sizeof(names));
	if (a->n == 0)
		return fl_err_set(err, FL_EINVAL, "%s holds no floe model file among its outputs "
				  "(a model is an output written by `floe train` or fl_model_save)",
				  a->src);
	for (size_t i = 0; i < a->n; i++)
		if (!a->o->model || matches(&a->c[i], a->o->model)) {
			*pick = i;
			found++;
		}
	if (found == 1)
		return 0;
	if (!a->o->model)
		return fl_err_set(err, FL_EINVAL, "%s holds %zu model files (%s): choose one with "
				  "--model ENTRY", a->src, a->n, names);
	return fl_err_set(err, FL_EINVAL, "--model '%s' %s the model files in %s (%s)",
			  a->o->model, found ? "matches more than one of" : "matches none of",
			  a->src, names);
}

static int build_record(add_ctx *a, size_t pick, json_t **rec, fl_err *err)
{
	fl_modelfile *mf = NULL;
	char key_id[FL_SHA256_HEX_LEN + 1] = "";
	fl_bundle_sig sig;
	int rc;

	if ((rc = fl_bundle_check_signature(a->b, NULL, &sig, key_id, err)) < 0)
		return rc;
	if ((rc = fl_modelfile_read(&mf, fl_object_tmp_path(a->c[pick].obj), err)) < 0)
		return fl_err_wrap(err, "the model file '%s' in %s", a->c[pick].entry, a->src);
	fl_record_src s = { a->b, a->src, &a->bdigest, a->bsize,
			    sig == FL_BUNDLE_UNSIGNED ? NULL : key_id, a->c[pick].entry, mf,
			    &a->c[pick].digest, a->c[pick].size };
	rc = fl_record_build(rec, &s, err);
	fl_modelfile_free(mf);
	return rc;
}

/* Under the lock: objects into place, then the record. */
static int commit(add_ctx *a, size_t pick, const char *name, json_t *rec, long *version,
		  fl_err *err)
{
	int rc;

	if ((rc = fl_repo_lock(a->r, err)) < 0)
		return rc;
	if ((rc = fl_object_install(a->bobj, err)) == 0)
		a->bobj = NULL;
	if (rc == 0 && (rc = fl_object_install(a->c[pick].obj, err)) == 0)
		a->c[pick].obj = NULL;
	if (rc == 0 && (rc = fl_index_add(a->r, name, rec, version, err)) == 0) {
		fl_err e = FL_ERR_INIT;
		if (fl_summary_update(a->r, name, *version, rec, &e) < 0)
			fl_log(FL_LOG_WARN, "%s@%ld is stored; updating the list cache failed: %s",
			       name, *version, e.msg);
	}
	fl_repo_unlock(a->r);
	return rc;
}

/* Messages from the bundle reader name the temporary copy: name the file
 * the user gave instead. */
static void rename_in_msg(fl_err *err, const char *from, const char *to)
{
	char *at, copy[FL_ERR_MSG_MAX];
	size_t n = strlen(from);

	if (!err || !from || !(at = strstr(err->msg, from)))
		return;
	snprintf(copy, sizeof(copy), "%.*s%s%s", (int)(at - err->msg), err->msg, to, at + n);
	memcpy(err->msg, copy, sizeof(copy));
}

/* Two independent tasks on the copied bundle: 0 finishes the object (its
 * digest, fsync), 1 reads the manifest and checks every entry. */
static int add_task(void *ud, size_t i, int worker, fl_err *err)
{
	add_ctx *a = ud;
	int rc;

	(void)worker;
	if (i == 0)
		return fl_object_end(a->bobj, &a->bdigest, &a->bsize, err);
	if ((rc = fl_bundle_open(&a->b, fl_object_tmp_path(a->bobj), a->o->limits, err)) < 0)
		return rc;
	return scan(a, err);
}

int fl_repo_add(fl_repo *r, const char *bundle, const char *name,
		const fl_repo_add_opts *opts, long *version, json_t **record, fl_err *err)
{
	static const fl_repo_add_opts defaults = FL_REPO_ADD_OPTS_INIT;
	add_ctx a = { .r = r, .src = bundle, .o = opts ? opts : &defaults };
	json_t *rec = NULL;
	size_t pick = 0;
	int rc;

	if (record)
		*record = NULL;
	if ((rc = fl_modelname_check(name, err)) < 0)
		return rc;
	if ((rc = copy_bundle(&a, err)) < 0 ||
	    (rc = fl_parallel_for(2, a.o->n_threads, add_task, &a, err)) < 0 ||
	    (rc = choose(&a, &pick, err)) < 0 ||
	    (rc = build_record(&a, pick, &rec, err)) < 0 ||
	    (rc = commit(&a, pick, name, rec, version, err)) < 0)
		goto cleanup;
	if (record)
		*record = json_incref(rec);
cleanup:
	if (rc < 0 && a.bobj)
		rename_in_msg(err, fl_object_tmp_path(a.bobj), bundle);
	if (rc < 0 && err && a.b && !strstr(err->msg, bundle))
		fl_err_wrap(err, "adding %s", bundle);
	json_decref(rec);
	json_decref(a.roles);
	fl_bundle_free(a.b);
	fl_object_discard(a.bobj);
	for (size_t i = 0; i < a.n || (i < MAX_MODELS && a.c[i].obj); i++) {
		fl_object_discard(a.c[i].obj);
		free(a.c[i].entry);
	}
	free(a.buf);
	return rc;
}
