/* run.c - plan and execute a recipe against its workspace. */
#define _GNU_SOURCE
#include "run/run.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/atomic.h"
#include "core/env.h"
#include "core/parallel.h"
#include "recipe/kinds.h"
#include "run/lockfile.h"
#include "run/stepkey.h"
#include "store/artifact.h"
#include "store/runlock.h"
#include "store/statcache.h"
#include "store/stepcache.h"
#include "store/store.h"

struct fl_run {
	const fl_recipe *r;
	fl_run_opts opts;
	int n_threads;         /* resolved */
	char *ws;              /* <dir>/.floe */
	char *out_root;        /* <dir>/out/<name> */
	char *lock_path;       /* the lock file */
	fl_store *store;
	fl_statcache *sc;
	json_t *env;           /* environment record */
	json_t *last_keys;     /* {step: key hex} from the lock file */
	fl_step_status *st;    /* per step, recipe index */
	fl_digest *in_digest;  /* per recipe input */
	unsigned char *in_done;
	uint64_t hashed;       /* files read for hashing */
};

/* --- helpers -------------------------------------------------------- */

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(p) < 0 && errno != ENOENT ? -1 : 0;
}

static int rmtree(const char *path, fl_err *err)
{
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		return fl_err_sys(err, errno, "removing %s", path);
	return 0;
}

static double now_s(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
	struct rusage a, b;

	getrusage(RUSAGE_SELF, &a);
	getrusage(RUSAGE_CHILDREN, &b);
	return (double)(a.ru_utime.tv_sec + a.ru_stime.tv_sec + b.ru_utime.tv_sec +
			b.ru_stime.tv_sec) +
	       (double)(a.ru_utime.tv_usec + a.ru_stime.tv_usec + b.ru_utime.tv_usec +
			b.ru_stime.tv_usec) * 1e-6;
}

static char *out_path(const fl_run *run, size_t s, const char *output)
{
	char *p = NULL;

	int n = output ? asprintf(&p, "%s/%s/%s", run->out_root, run->r->steps[s].name,
				  output)
		       : asprintf(&p, "%s/%s", run->out_root, run->r->steps[s].name);

	return n < 0 ? NULL : p;
}

/* --- opening ---------------------------------------------------------- */

static int open_paths(fl_run *run, fl_err *err)
{
	const fl_recipe *r = run->r;
	char *scp = NULL;
	int rc;

	if (asprintf(&run->ws, "%s/.floe", r->dir) < 0 ||
	    asprintf(&run->out_root, "%s/out/%s", r->dir, r->name) < 0 ||
	    asprintf(&scp, "%s/.floe/statcache-%s", r->dir, r->name) < 0 ||
	    !(run->lock_path = fl_lockfile_path(r->path)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_store_open(&run->store, run->ws, err)) < 0 ||
	    (rc = fl_statcache_open(&run->sc, scp, err)) < 0) {
		free(scp);
		return fl_err_wrap(err, "opening the workspace %s", run->ws);
	}
	free(scp);
	return 0;
}

int fl_run_open(fl_run **out, const fl_recipe *r, const fl_run_opts *opts,
		fl_err *err)
{
	fl_run *run = calloc(1, sizeof(*run));
	int rc;

	*out = NULL;
	if (!run)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	run->r = r;
	if (opts)
		run->opts = *opts;
	run->n_threads = fl_threads_resolve(run->opts.n_threads);
	if (!(run->st = calloc(r->n_steps, sizeof(*run->st))) ||
	    !(run->in_digest = calloc(r->n_inputs + 1, sizeof(*run->in_digest))) ||
	    !(run->in_done = calloc(r->n_inputs + 1, 1))) {
		fl_run_free(run);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if ((rc = open_paths(run, err)) < 0 || (rc = fl_env_record(&run->env, err)) < 0 ||
	    (rc = fl_lockfile_last_keys(run->lock_path, &run->last_keys, err)) < 0) {
		fl_run_free(run);
		return rc;
	}
	*out = run;
	return 0;
}

void fl_run_free(fl_run *run)
{
	if (!run)
		return;
	for (size_t i = 0; run->st && i < run->r->n_steps; i++) {
		json_decref(run->st[i].fields);
		json_decref(run->st[i].record);
	}
	free(run->st);
	free(run->in_digest);
	free(run->in_done);
	fl_store_free(run->store);
	fl_statcache_free(run->sc);
	json_decref(run->env);
	json_decref(run->last_keys);
	free(run->ws);
	free(run->out_root);
	free(run->lock_path);
	free(run);
}

const fl_step_status *fl_run_status(const fl_run *run, size_t s)
{
	return &run->st[s];
}

uint64_t fl_run_files_hashed(const fl_run *run)
{
	return run->hashed;
}

const char *fl_run_lock_path(const fl_run *run)
{
	return run->lock_path;
}

/* --- inputs ----------------------------------------------------------- */

static int pin_mismatch(const fl_recipe_input *in, const fl_digest *got, fl_err *err)
{
	char want[FL_SHA256_HEX_LEN + 1], have[FL_SHA256_HEX_LEN + 1];

	fl_digest_hex(&in->sha256, want);
	fl_digest_hex(got, have);
	return fl_value_error(err, in->pin, FL_EMISMATCH,
			      "input '%s' (%s) does not match its pinned sha256\n"
			      "  pinned: %s\n  actual: %s",
			      in->name, in->path, want, have);
}

/* Digest of recipe input `i` (hashed once per run, through the stat
 * cache; a link given as the input itself is followed). */
static int input_digest(fl_run *run, size_t i, fl_err *err)
{
	const fl_recipe_input *in = &run->r->inputs[i];
	char real[PATH_MAX];
	fl_hashtree_stats hs = { 0 };
	int rc;

	if (run->in_done[i])
		return 0;
	if (!realpath(in->abs_path, real)) {
		fl_err_sys(err, errno, "%s", in->abs_path);
		return fl_value_error(err, in->node, err->code, "input '%s': %s", in->name,
				      err->msg);
	}
	rc = fl_statcache_hash(run->sc, real, run->n_threads, run->opts.progress,
			       &run->in_digest[i], &hs, err);
	run->hashed += hs.hashed;
	if (rc < 0)
		return fl_value_error(err, in->node, rc, "input '%s': %s", in->name, err->msg);
	if (in->pinned && memcmp(in->sha256.b, run->in_digest[i].b, FL_SHA256_LEN))
		return pin_mismatch(in, &run->in_digest[i], err);
	run->in_done[i] = 1;
	return 0;
}

/* Digest of output `o` of step `s` as recorded, or -1 when not known. */
static int output_digest(const fl_run *run, size_t s, size_t o, fl_digest *out)
{
	const json_t *rec = run->st[s].record, *a;

	if (!rec || run->st[s].state == FL_STEP_STALE)
		return -1;
	a = json_object_get(json_object_get(rec, "outputs"), run->r->steps[s].outputs[o]);
	return a && fl_artifact_digest(a, out, NULL) == 0 ? 0 : -1;
}

/* --- the state of one step --------------------------------------------- */

static void set_reason(fl_step_status *st, fl_step_state state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_reason(fl_step_status *st, fl_step_state state, const char *fmt, ...)
{
	va_list ap;

	st->state = state;
	va_start(ap, fmt);
	vsnprintf(st->reason, sizeof(st->reason), fmt, ap);
	va_end(ap);
}

static int compute_fields(fl_run *run, size_t s, const char **upstream, fl_err *err)
{
	const fl_step_def *def = &run->r->steps[s];
	fl_digest d[64];
	const fl_digest *ptr[64];
	int rc;

	*upstream = NULL;
	if (def->n_inputs > 64)
		return fl_value_error(err, def->node, FL_EINVAL, "a step has at most 64 inputs");
	for (size_t i = 0; i < def->n_inputs; i++) {
		const fl_step_ref *x = &def->inputs[i];
		ptr[i] = &d[i];
		if (!x->is_step) {
			if ((rc = input_digest(run, x->index, err)) < 0)
				return rc;
			d[i] = run->in_digest[x->index];
		} else if (output_digest(run, x->index, x->output, &d[i]) < 0) {
			ptr[i] = NULL;
			if (!*upstream)
				*upstream = run->r->steps[x->index].name;
		}
	}
	json_decref(run->st[s].fields);
	run->st[s].fields = NULL;
	return fl_stepkey_fields(&run->st[s].fields, run->r, def, ptr,
				 json_object_get(run->env, "libraries"), err);
}

/* Why a step with no record for its key is stale: the first difference
 * from its last recorded run. */
static void stale_reason(fl_run *run, size_t s)
{
	json_t *lines = NULL;
	int has_last = 0;
	size_t n;

	if (fl_run_why(run, s, &lines, &has_last, NULL) < 0 || !has_last) {
		set_reason(&run->st[s], FL_STEP_STALE, "it has not run before");
	} else if ((n = json_array_size(lines)) == 0) {
		set_reason(&run->st[s], FL_STEP_STALE, "no record of its last run in .floe/");
	} else {
		set_reason(&run->st[s], FL_STEP_STALE, "%s%s",
			   json_string_value(json_array_get(lines, 0)),
			   n > 1 ? " (and more: floe why)" : "");
	}
	json_decref(lines);
}

/* Are the recorded outputs in place? Sets RESTORE with the first that is
 * not. */
static int check_outputs(fl_run *run, size_t s, fl_err *err)
{
	const fl_step_def *def = &run->r->steps[s];
	const json_t *outs = json_object_get(run->st[s].record, "outputs");
	int rc = 0, match;

	for (size_t o = 0; o < def->n_outputs && rc == 0; o++) {
		const json_t *a = json_object_get(outs, def->outputs[o]);
		char *p = out_path(run, s, def->outputs[o]);
		if (!p)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		rc = fl_artifact_matches(a, p, run->sc, run->n_threads, &match, err);
		free(p);
		if (rc == 0 && !match) {
			set_reason(&run->st[s], FL_STEP_RESTORE,
				   "output '%s' is missing or was changed", def->outputs[o]);
			return 0;
		}
	}
	return rc;
}

static int plan_step(fl_run *run, size_t s, fl_err *err)
{
	fl_step_status *st = &run->st[s];
	const char *upstream;
	fl_err e2 = FL_ERR_INIT;
	int rc;

	json_decref(st->record);
	st->record = NULL;
	st->key_known = 0;
	if ((rc = compute_fields(run, s, &upstream, err)) < 0)
		return rc;
	if (upstream) {
		set_reason(st, FL_STEP_STALE, "upstream step '%s' runs first", upstream);
		return 0;
	}
	if ((rc = fl_stepkey_digest(st->fields, &st->key, err)) < 0)
		return rc;
	st->key_known = 1;
	if (fl_stepcache_get(run->ws, &st->key, &st->record, &e2) < 0) {
		stale_reason(run, s);
		return 0;
	}
	const json_t *outs = json_object_get(st->record, "outputs"), *a;
	const char *name;
	json_object_foreach((json_t *)outs, name, a) {
		if (!fl_artifact_available(run->store, a)) {
			set_reason(st, FL_STEP_STALE,
				   "its stored output '%s' is gone from the store", name);
			return 0;
		}
	}
	set_reason(st, FL_STEP_UP_TO_DATE, "up to date");
	return check_outputs(run, s, err);
}

static int save_statcache(fl_run *run)
{
	fl_err e2 = FL_ERR_INIT;

	/* Only a cache: a failure to save it costs time, never correctness. */
	if (fl_statcache_save(run->sc, &e2) < 0)
		fl_log(FL_LOG_WARN, "%s", e2.msg);
	return 0;
}

int fl_run_plan(fl_run *run, fl_err *err)
{
	int rc = 0;

	for (size_t k = 0; k < run->r->n_steps && rc == 0; k++)
		rc = plan_step(run, run->r->order[k], err);
	save_statcache(run);
	return rc;
}

int fl_run_why(fl_run *run, size_t s, json_t **out, int *has_last, fl_err *err)
{
	const char *hex = json_string_value(
		json_object_get(run->last_keys, run->r->steps[s].name));
	json_t *rec = NULL;
	fl_digest key;
	fl_err e2 = FL_ERR_INIT;
	int rc;

	*out = NULL;
	*has_last = hex != NULL;
	if (!hex || fl_digest_parse(hex, &key, NULL) < 0 ||
	    fl_stepcache_get(run->ws, &key, &rec, &e2) < 0) {
		*out = json_array();
		return *out ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	rc = fl_stepkey_diff(json_object_get(rec, "fields"), run->st[s].fields, out, err);
	json_decref(rec);
	return rc;
}

/* --- executing ---------------------------------------------------------- */

/* Put staging folder `tmp` in place as out/NAME/STEP. */
static int install(fl_run *run, size_t s, const char *tmp, fl_err *err)
{
	char *dst = out_path(run, s, NULL), *old = NULL;
	int rc;

	if (!dst || asprintf(&old, "%s/tmp/old-%s-%ld", run->ws, run->r->steps[s].name,
			     (long)getpid()) < 0) {
		free(dst);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if ((rc = fl_mkdir_p(run->out_root, err)) < 0)
		goto cleanup;
	if (rename(dst, old) < 0 && errno != ENOENT) {
		rc = fl_err_sys(err, errno, "moving the old %s aside", dst);
		goto cleanup;
	}
	if (rename(tmp, dst) < 0)
		rc = fl_err_sys(err, errno, "putting %s in place", dst);
	else
		rc = rmtree(old, err);
cleanup:
	free(dst);
	free(old);
	return rc;
}

static int make_staging(fl_run *run, size_t s, char **out, fl_err *err)
{
	if (asprintf(out, "%s/tmp/step-%s-XXXXXX", run->ws, run->r->steps[s].name) < 0) {
		*out = NULL;
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if (!mkdtemp(*out)) {
		int e = errno;
		free(*out);
		*out = NULL;
		return fl_err_sys(err, e, "creating a staging folder in %s/tmp", run->ws);
	}
	return 0;
}

static int restore_step(fl_run *run, size_t s, fl_err *err)
{
	const fl_step_def *def = &run->r->steps[s];
	const json_t *outs = json_object_get(run->st[s].record, "outputs");
	char *tmp = NULL;
	int rc;

	if ((rc = make_staging(run, s, &tmp, err)) < 0)
		return rc;
	for (size_t o = 0; o < def->n_outputs && rc == 0; o++) {
		char *p = NULL;
		if (asprintf(&p, "%s/%s", tmp, def->outputs[o]) < 0)
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		else
			rc = fl_artifact_restore(run->store, json_object_get(outs, def->outputs[o]),
						 p, err);
		free(p);
	}
	if (rc == 0)
		rc = install(run, s, tmp, err);
	if (rc < 0)
		rmtree(tmp, NULL);
	free(tmp);
	return rc;
}

/* Remove what the step wrote besides its declared outputs (not tracked,
 * so it would vanish on the next restore). */
static void drop_undeclared(const fl_step_def *def, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		size_t o;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		for (o = 0; o < def->n_outputs && strcmp(def->outputs[o], de->d_name); o++)
			;
		if (o < def->n_outputs)
			continue;
		char *p = NULL;
		if (asprintf(&p, "%s/%s", dir, de->d_name) >= 0) {
			fl_log(FL_LOG_WARN, "step '%s' wrote '%s', which is not a declared "
			       "output; it is not kept", def->name, de->d_name);
			rmtree(p, NULL);
		}
		free(p);
	}
	if (d)
		closedir(d);
}

static int store_outputs(fl_run *run, size_t s, const char *tmp, json_t **out,
			 fl_err *err)
{
	const fl_step_def *def = &run->r->steps[s];
	json_t *outs = json_object();
	int rc = 0;

	if (!outs)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	drop_undeclared(def, tmp);
	for (size_t o = 0; o < def->n_outputs && rc == 0; o++) {
		char *p = NULL, what[300];
		json_t *a = NULL;
		snprintf(what, sizeof(what), "'%s'", def->outputs[o]);
		if (asprintf(&p, "%s/%s", tmp, def->outputs[o]) < 0)
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		else if ((rc = fl_artifact_store(&a, run->store, p, what, err)) == 0)
			json_object_set_new(outs, def->outputs[o], a);
		free(p);
	}
	if (rc < 0) {
		json_decref(outs);
		return rc;
	}
	*out = outs;
	return 0;
}

/* Does a step's message already say which step it is ("step 'NAME'"
 * at its start, or after a file:line:column)? */
static int names_step(const char *msg, const char *name)
{
	char needle[256];

	if (!strncmp(msg, "step '", 6))
		return 1;
	snprintf(needle, sizeof(needle), "step '%s'", name);
	return strstr(msg, needle) != NULL;
}

static int call_kind(fl_run *run, size_t s, const char *tmp, fl_err *err)
{
	const fl_step_def *def = &run->r->steps[s];
	fl_step_io io[64];
	char *paths[64] = { 0 };
	fl_step_ctx ctx = { 0 };
	int rc = 0;

	for (size_t i = 0; i < def->n_inputs && rc == 0; i++) {
		const fl_step_ref *x = &def->inputs[i];
		if (!x->is_step)
			paths[i] = strdup(run->r->inputs[x->index].abs_path);
		else
			paths[i] = out_path(run, x->index,
					    run->r->steps[x->index].outputs[x->output]);
		if (!paths[i])
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		io[i] = (fl_step_io){ x->slot, paths[i] };
	}
	ctx = (fl_step_ctx){ def->name, io, def->n_inputs,
			     (const char *const *)def->outputs, def->n_outputs,
			     def->params, def->node, run->r->seed, run->n_threads,
			     run->opts.progress, tmp, run->opts.stop };
	if (rc == 0)
		rc = def->kind->run(&ctx, err);
	for (size_t i = 0; i < def->n_inputs; i++)
		free(paths[i]);
	if (rc < 0 && rc != FL_EINTR && !names_step(err->msg, def->name))
		fl_err_wrap(err, "step '%s'", def->name);
	return rc;
}

static int run_step(fl_run *run, size_t s, fl_err *err)
{
	fl_step_status *st = &run->st[s];
	double w0 = now_s(CLOCK_MONOTONIC), c0 = cpu_s();
	char *tmp = NULL, hex[FL_SHA256_HEX_LEN + 1];
	json_t *outs = NULL, *rec = NULL;
	int rc;

	if ((rc = make_staging(run, s, &tmp, err)) < 0)
		return rc;
	if ((rc = call_kind(run, s, tmp, err)) < 0)
		goto cleanup;
	if ((rc = store_outputs(run, s, tmp, &outs, err)) < 0) {
		fl_err_wrap(err, "step '%s'", run->r->steps[s].name);
		goto cleanup;
	}
	/* milliseconds are all the precision timings deserve */
	st->wall_s = round((now_s(CLOCK_MONOTONIC) - w0) * 1000) / 1000;
	st->cpu_s = round((cpu_s() - c0) * 1000) / 1000;
	fl_digest_hex(&st->key, hex);
	rec = json_pack("{s:s, s:s, s:s, s:O, s:O, s:f, s:f}", "format",
			FL_STEPCACHE_FORMAT, "step", run->r->steps[s].name, "key", hex,
			"fields", st->fields, "outputs", outs, "wall_seconds", st->wall_s,
			"cpu_seconds", st->cpu_s);
	if (!rec) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = fl_stepcache_put(run->ws, &st->key, rec, err)) < 0 ||
	    (rc = install(run, s, tmp, err)) < 0)
		goto cleanup;
	json_decref(st->record);
	st->record = rec;
	rec = NULL;
	st->state = FL_STEP_UP_TO_DATE;
cleanup:
	if (rc < 0)
		rmtree(tmp, NULL);
	free(tmp);
	json_decref(outs);
	json_decref(rec);
	return rc;
}

static int act(fl_run *run, size_t s, fl_err *err)
{
	fl_step_status *st = &run->st[s];
	const fl_step_def *def = &run->r->steps[s];
	int rc;

	if ((rc = plan_step(run, s, err)) < 0)
		return rc;
	if (st->state == FL_STEP_UP_TO_DATE) {
		st->outcome = FL_OUTCOME_CACHED;
		return 0;
	}
	if (st->state == FL_STEP_RESTORE) {
		fl_log(FL_LOG_INFO, "restore %s (%s)", def->name, st->reason);
		if ((rc = restore_step(run, s, err)) == 0) {
			st->outcome = FL_OUTCOME_RESTORED;
			st->state = FL_STEP_UP_TO_DATE;
			return 0;
		}
		if (rc != FL_EMISMATCH && rc != FL_ENOTFOUND)
			return rc;
		fl_log(FL_LOG_WARN, "%s; running step '%s' again", err->msg, def->name);
		fl_err_clear(err);
	} else {
		fl_log(FL_LOG_INFO, "run     %s (%s): %s", def->name, def->kind->name,
		       st->reason);
	}
	if ((rc = run_step(run, s, err)) < 0) {
		st->outcome = FL_OUTCOME_FAILED;
		return rc;
	}
	st->outcome = FL_OUTCOME_RAN;
	fl_log(FL_LOG_INFO, "done    %s in %.2f s", def->name, st->wall_s);
	return 0;
}

static int clean_tmp(fl_run *run, fl_err *err)
{
	char *tmp = NULL;
	int rc;

	if (asprintf(&tmp, "%s/tmp", run->ws) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	/* Leftovers of a run that was killed: staging folders, half objects. */
	rc = rmtree(tmp, err);
	if (rc == 0)
		rc = fl_mkdir_p(tmp, err);
	free(tmp);
	return rc;
}

static json_t *inputs_entry(const fl_run *run, size_t s)
{
	const fl_step_def *def = &run->r->steps[s];
	const json_t *digests = json_object_get(run->st[s].fields, "inputs");
	json_t *o = json_object();

	for (size_t i = 0; i < def->n_inputs; i++)
		json_object_set_new(o, def->inputs[i].slot,
				    json_pack("{s:s, s:O}", "from", def->inputs[i].text, "sha256",
					      json_object_get(digests, def->inputs[i].slot)));
	return o;
}

static json_t *outputs_entry(const json_t *outs)
{
	json_t *o = json_object(), *a;
	const char *k;

	json_object_foreach((json_t *)outs, k, a)
		json_object_set_new(o, k, json_pack("{s:O, s:O}", "type", json_object_get(a, "type"),
						    "sha256", json_object_get(a, "sha256")));
	return o;
}

static const char *outcome_name(fl_step_outcome o)
{
	static const char *const names[] = { "not run", "up to date", "restored", "ran",
					     "failed" };
	return names[o];
}

/* The lock file entry of step `s`. */
static json_t *lock_entry(const fl_run *run, size_t s)
{
	const fl_step_status *st = &run->st[s];
	const fl_step_def *def = &run->r->steps[s];
	const json_t *f = st->fields, *rec = st->record;
	json_t *last = json_object_get(run->last_keys, def->name);

	if (!rec || st->state != FL_STEP_UP_TO_DATE)
		return last ? json_pack("{s:s, s:O}", "state", outcome_name(st->outcome),
					"last_key", last)
			    : json_pack("{s:s}", "state", outcome_name(st->outcome));
	return json_pack("{s:s, s:s, s:O, s:s, s:o, s:O, s:O, s:o, s:O, s:O, s:O, s:O, s:O}",
			 "state", outcome_name(st->outcome), "phase", fl_phase_name(def->phase),
			 "key", json_object_get(rec, "key"), "kind", def->kind->name,
			 "inputs", inputs_entry(run, s), "params", json_object_get(f, "params"),
			 "seed", json_object_get(f, "seed"), "outputs",
			 outputs_entry(json_object_get(rec, "outputs")), "floe",
			 json_object_get(f, "floe"), "libraries", json_object_get(f, "libraries"),
			 "container", json_object_get(f, "container"), "wall_seconds",
			 json_object_get(rec, "wall_seconds"), "cpu_seconds",
			 json_object_get(rec, "cpu_seconds"));
}

static int write_lock(fl_run *run, int rc, fl_err *err)
{
	json_t *steps = json_object();
	fl_err e2 = FL_ERR_INIT;
	int wrc;

	for (size_t k = 0; k < run->r->n_steps; k++) {
		size_t s = run->r->order[k];
		json_object_set_new(steps, run->r->steps[s].name, lock_entry(run, s));
	}
	wrc = fl_lockfile_write(run->lock_path, run->r, run->env, steps,
				rc == 0 ? "complete" : rc == FL_EINTR ? "interrupted" : "failed",
				&e2);
	json_decref(steps);
	if (wrc < 0 && rc == 0) {
		*err = e2;
		return wrc;
	}
	if (wrc < 0)
		fl_log(FL_LOG_WARN, "%s", e2.msg);
	return rc;
}

int fl_run_execute(fl_run *run, fl_err *err)
{
	fl_runlock *lock = NULL;
	char *lp = NULL;
	int rc;

	if (asprintf(&lp, "%s/run.lock", run->ws) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	rc = fl_runlock_acquire(&lock, lp, err);
	free(lp);
	if (rc < 0 || (rc = clean_tmp(run, err)) < 0) {
		fl_runlock_release(lock);
		return rc;
	}
	for (size_t k = 0; k < run->r->n_steps && rc == 0; k++) {
		if (run->opts.stop && *run->opts.stop)
			rc = fl_err_set(err, FL_EINTR, "interrupted");
		else
			rc = act(run, run->r->order[k], err);
	}
	if (rc == FL_EINTR)
		fl_err_set(err, FL_EINTR,
			   "interrupted; finished steps are cached and the next run resumes "
			   "from there");
	save_statcache(run);
	rc = write_lock(run, rc, err);
	fl_runlock_release(lock);
	return rc;
}
