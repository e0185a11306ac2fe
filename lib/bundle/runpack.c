/* runpack.c - collect a run into bundle items and manifest keys; unpack a
 * bundle into a working workspace. */
#define _GNU_SOURCE
#include "bundle/runpack.h"

#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "bundle/manifest.h"
#include "bundle/rocrate.h"
#include "core/env.h"
#include "core/hashtree.h"
#include "core/log.h"
#include "exec/docker.h"
#include "recipe/recipe.h"
#include "run/lockfile.h"
#include "run/run.h"
#include "store/store.h"

/* A growing list of items whose strings the list owns. */
typedef struct items {
	fl_bundle_item *v;
	size_t n, cap;
	char **owned;      /* strings to free */
	size_t n_owned, cap_owned;
} items;

static char *own(items *l, char *s)
{
	if (!s)
		return NULL;
	if (l->n_owned == l->cap_owned) {
		size_t cap = l->cap_owned ? 2 * l->cap_owned : 64;
		char **o = realloc(l->owned, cap * sizeof(*o));
		if (!o) {
			free(s);
			return NULL;
		}
		l->owned = o;
		l->cap_owned = cap;
	}
	return l->owned[l->n_owned++] = s;
}

static int add_item(items *l, fl_bundle_item it, fl_err *err)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		fl_bundle_item *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = it;
	return 0;
}

static void items_free(items *l)
{
	for (size_t i = 0; i < l->n_owned; i++)
		free(l->owned[i]);
	free(l->owned);
	free(l->v);
}

/* --- walking a folder into items ----------------------------------------- */

static items *walk_list;
static const char *walk_root, *walk_prefix, *walk_role;
static fl_err *walk_err;

static int walk_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	char *rel;

	(void)f;
	if (flag == FTW_D || flag == FTW_DP)
		return 0;
	if (flag != FTW_F || !S_ISREG(st->st_mode)) {
		fl_err_set(walk_err, FL_EINVAL, "%s: only regular files and folders can be bundled",
			   p);
		return 1;
	}
	rel = own(walk_list, NULL);
	if (asprintf(&rel, "%s%s", walk_prefix, p + strlen(walk_root)) < 0 ||
	    !own(walk_list, rel)) {
		fl_err_set(walk_err, FL_ENOMEM, "out of memory");
		return 1;
	}
	fl_bundle_item it = { rel, own(walk_list, strdup(p)), NULL, 0, walk_role, 0,
			      (st->st_mode & S_IXUSR) != 0, NULL };
	return add_item(walk_list, it, walk_err) < 0;
}

/* Add the file or every file under folder `abs` as `rel`[/...]. */
static int add_path(items *l, const char *abs, const char *rel, const char *role,
		    fl_err *err)
{
	struct stat st;

	if (lstat(abs, &st) < 0)
		return fl_err_sys(err, errno, "%s", abs);
	if (S_ISREG(st.st_mode)) {
		fl_bundle_item it = { own(l, strdup(rel)), own(l, strdup(abs)), NULL, 0, role, 0,
				      (st.st_mode & S_IXUSR) != 0, NULL };
		return add_item(l, it, err);
	}
	walk_list = l;
	walk_root = abs;
	walk_prefix = rel;
	walk_role = role;
	walk_err = err;
	if (nftw(abs, walk_one, 32, FTW_PHYS) != 0)
		return err && err->code ? err->code : fl_err_sys(err, errno, "%s", abs);
	return 0;
}

/* `abs` relative to `dir`, refusing anything outside it. */
static int rel_to(const char *dir, const char *abs, char **out, fl_err *err)
{
	char *rd = realpath(dir, NULL), *ra = realpath(abs, NULL);
	size_t n = rd ? strlen(rd) : 0;
	int rc = 0;

	*out = NULL;
	if (!rd || !ra)
		rc = fl_err_sys(err, errno, "%s", ra ? dir : abs);
	else if (strncmp(ra, rd, n) || ra[n] != '/')
		rc = fl_err_set(err, FL_EINVAL, "input %s is outside the recipe's folder %s; "
				"bundles keep paths relative to the recipe (use --no-data, or "
				"move the input)", abs, dir);
	else if (!(*out = strdup(ra + n + 1)))
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	free(rd);
	free(ra);
	return rc;
}

/* --- the run --------------------------------------------------------------- */

typedef struct pack_ctx {
	const fl_recipe *r;
	fl_run *run;
	const fl_runpack_opts *o;
	items l;
	json_t *id;      /* identity extras */
	json_t *rs;      /* run-specific extras */
	json_t *crate_in, *crate_out; /* [path, size, sha, embedded, origin] */
	char *crate;     /* the RO-Crate bytes */
	char *tmp;       /* temporary folder for saved images, or NULL */
} pack_ctx;

static int check_up_to_date(pack_ctx *c, fl_err *err)
{
	for (size_t i = 0; i < c->r->n_steps; i++) {
		const fl_step_status *s = fl_run_status(c->run, i);
		if (s->state != FL_STEP_UP_TO_DATE)
			return fl_err_set(err, FL_EINVAL,
					  "step '%s' is not up to date (%s); run `floe run %s` "
					  "first", c->r->steps[i].name, s->reason, c->r->path);
	}
	return 0;
}

static int add_inputs(pack_ctx *c, fl_err *err)
{
	json_t *inputs = json_array(), *origins = json_object();
	int rc = 0;

	json_object_set_new(c->id, "inputs", inputs);
	json_object_set_new(c->rs, "input_origins", origins);
	for (size_t i = 0; i < c->r->n_inputs && rc == 0; i++) {
		const fl_recipe_input *in = &c->r->inputs[i];
		fl_hashtree_opts ho = FL_HASHTREE_OPTS_INIT;
		fl_hashtree_stats st;
		char hex[FL_SHA256_HEX_LEN + 1], *rel = NULL;
		fl_digest d;

		ho.n_threads = c->o->n_threads;
		if ((rc = fl_hash_path(in->abs_path, &ho, &d, &st, err)) < 0)
			break;
		if (c->o->no_data)
			rel = strdup(in->path);
		else if ((rc = rel_to(c->r->dir, in->abs_path, &rel, err)) < 0)
			break;
		fl_digest_hex(&d, hex);
		json_array_append_new(inputs, json_pack("{s:s, s:s, s:s, s:I, s:b}", "name",
							in->name, "path", rel, "sha256", hex,
							"bytes", (json_int_t)st.bytes, "embedded",
							!c->o->no_data));
		json_object_set_new(origins, in->name, json_string(in->abs_path));
		json_array_append_new(c->crate_in, json_pack("[s, I, s, b, s]", rel,
							     (json_int_t)st.bytes, hex,
							     !c->o->no_data, in->abs_path));
		if (!c->o->no_data)
			rc = add_path(&c->l, in->abs_path, own(&c->l, rel), "input", err);
		else
			free(rel);
	}
	return rc;
}

/* One output file: an item and its RO-Crate row (digest from the record). */
static int add_output_file(pack_ctx *c, char *rel, const char *sha, const char *mode,
			   fl_err *err)
{
	char *abs = NULL;
	struct stat st;

	if (!own(&c->l, rel) || asprintf(&abs, "%s/%s", c->r->dir, rel) < 0 || !own(&c->l, abs))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (stat(abs, &st) < 0)
		return fl_err_sys(err, errno, "output %s", abs);
	fl_bundle_item it = { rel, abs, NULL, 0, "output", 0, mode && !strcmp(mode, "755"), sha };
	json_array_append_new(c->crate_out, json_pack("[s, I, s, b, n]", rel,
						      (json_int_t)st.st_size, sha ? sha : "", 1));
	return add_item(&c->l, it, err);
}

/* The files of one step's outputs, as its record lists them. */
static int add_step_outputs(pack_ctx *c, const char *step, const json_t *outs, fl_err *err)
{
	const char *oname;
	json_t *o;
	int rc = 0;

	json_object_foreach((json_t *)outs, oname, o) {
		const char *type = json_string_value(json_object_get(o, "type"));
		char *rel = NULL;
		if (type && !strcmp(type, "file")) {
			if (asprintf(&rel, "out/%s/%s/%s", c->r->name, step, oname) < 0)
				return fl_err_set(err, FL_ENOMEM, "out of memory");
			rc = add_output_file(c, rel, json_string_value(json_object_get(o, "sha256")),
					     json_string_value(json_object_get(o, "mode")), err);
		} else {
			size_t i;
			json_t *e;
			json_array_foreach(json_object_get(o, "entries"), i, e) {
				const char *t = json_string_value(json_object_get(e, "type"));
				if (!t || strcmp(t, "f"))
					continue;
				if (asprintf(&rel, "out/%s/%s/%s/%s", c->r->name, step, oname,
					     json_string_value(json_object_get(e, "path"))) < 0)
					return fl_err_set(err, FL_ENOMEM, "out of memory");
				if ((rc = add_output_file(c, rel,
						json_string_value(json_object_get(e, "sha256")),
						json_string_value(json_object_get(e, "mode")), err)) < 0)
					return rc;
			}
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static json_t *or_null(json_t *x)
{
	return x ? x : json_null();
}

/* Outputs (out/NAME/STEP/...), step keys and records, timings. */
static int add_steps(pack_ctx *c, fl_err *err)
{
	json_t *steps = json_object(), *timings = json_object();
	int rc = 0;

	json_object_set_new(c->id, "steps", steps);
	json_object_set_new(c->rs, "timings", timings);
	for (size_t i = 0; i < c->r->n_steps && rc == 0; i++) {
		const fl_step_status *s = fl_run_status(c->run, i);
		const char *name = c->r->steps[i].name;
		const json_t *rec = s->record, *outs = json_object_get(rec, "outputs");
		char key[FL_SHA256_HEX_LEN + 1], *rel = NULL, *abs = NULL;
		const char *oname;
		json_t *o, *digests = json_object();

		fl_digest_hex(&s->key, key);
		json_object_foreach((json_t *)outs, oname, o)
			json_object_set(digests, oname, json_object_get(o, "sha256"));
		json_t *row = json_pack("{s:s, s:s, s:o}", "key", key, "phase",
					fl_phase_name(c->r->steps[i].phase), "outputs", digests);
		json_t *image = json_object_get(s->fields, "container");
		if (json_is_string(image))
			json_object_set(row, "container", image);
		json_object_set_new(steps, name, row);
		json_object_set_new(timings, name, json_pack("{s:O, s:O}", "wall_seconds",
			or_null(json_object_get(rec, "wall_seconds")), "cpu_seconds",
			or_null(json_object_get(rec, "cpu_seconds"))));
		if (asprintf(&rel, ".floe/steps/%s.json", key) < 0 || !own(&c->l, rel) ||
		    asprintf(&abs, "%s/%s", c->r->dir, rel) < 0 || !own(&c->l, abs))
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		fl_bundle_item it = { rel, abs, NULL, 0, "step-record", 1, 0, NULL };
		if ((rc = add_item(&c->l, it, err)) == 0)
			rc = add_step_outputs(c, name, outs, err);
	}
	return rc;
}

/* RO-Crate rows [path, size, sha, embedded, origin] to files. */
static fl_rocrate_file *crate_files(const json_t *rows)
{
	size_t n = json_array_size(rows), i;
	fl_rocrate_file *f = calloc(n ? n : 1, sizeof(*f));
	json_t *row;

	if (!f)
		return NULL;
	json_array_foreach(rows, i, row)
		f[i] = (fl_rocrate_file){ json_string_value(json_array_get(row, 0)),
					  (uint64_t)json_integer_value(json_array_get(row, 1)),
					  json_string_value(json_array_get(row, 2)),
					  json_is_true(json_array_get(row, 3)),
					  json_string_value(json_array_get(row, 4)) };
	return f;
}

static int add_crate(pack_ctx *c, const char *recipe_rel, fl_err *err)
{
	fl_rocrate_file *in = crate_files(c->crate_in), *out = crate_files(c->crate_out);
	fl_rocrate_info info = { c->r->name, c->r->description, recipe_rel, 0, NULL,
				 fl_version(), NULL, NULL, in, json_array_size(c->crate_in),
				 out, json_array_size(c->crate_out) };
	char hex[FL_SHA256_HEX_LEN + 1];
	json_t *doc = NULL, *rec = json_object_get(c->id, "recipe");
	int rc;

	if (!in || !out) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	snprintf(hex, sizeof(hex), "%s", json_string_value(json_object_get(rec, "sha256")));
	info.recipe_sha256 = hex;
	info.recipe_size = (uint64_t)json_integer_value(json_object_get(rec, "bytes"));
	if ((rc = fl_rocrate_build(&info, &doc, err)) < 0)
		goto cleanup;
	c->crate = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	fl_bundle_item it = { FL_ROCRATE_FILE, NULL, c->crate, c->crate ? strlen(c->crate) : 0,
			      "metadata", 1, 0, NULL };
	rc = c->crate ? add_item(&c->l, it, err) : fl_err_set(err, FL_ENOMEM, "out of memory");
cleanup:
	json_decref(doc);
	free(in);
	free(out);
	return rc;
}

/* The recipe and the lock. */
static int add_recipe(pack_ctx *c, char **recipe_rel, fl_err *err)
{
	char *lock = own(&c->l, fl_lockfile_path(c->r->path)), *lock_rel = NULL;
	char hex[FL_SHA256_HEX_LEN + 1];
	fl_digest d;
	struct stat st;
	int rc;

	if (!lock)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = rel_to(c->r->dir, c->r->path, recipe_rel, err)) < 0 ||
	    (rc = fl_sha256_file(c->r->path, &d, err)) < 0)
		return rc;
	own(&c->l, *recipe_rel);
	if (stat(c->r->path, &st) < 0)
		return fl_err_sys(err, errno, "%s", c->r->path);
	fl_digest_hex(&d, hex);
	json_object_set_new(c->id, "recipe", json_pack("{s:s, s:s, s:s, s:I}", "path", *recipe_rel,
						      "name", c->r->name, "sha256", hex, "bytes",
						      (json_int_t)st.st_size));
	fl_bundle_item r = { *recipe_rel, c->r->path, NULL, 0, "recipe", 0, 0, NULL };
	if ((rc = add_item(&c->l, r, err)) < 0)
		return rc;
	if (access(lock, F_OK) < 0)
		return fl_err_set(err, FL_EINVAL, "%s has no lock file (%s); run `floe run %s` first",
				  c->r->path, lock, c->r->path);
	if ((rc = rel_to(c->r->dir, lock, &lock_rel, err)) < 0)
		return rc;
	fl_bundle_item l = { own(&c->l, lock_rel), lock, NULL, 0, "lock", 1, 0, NULL };
	return add_item(&c->l, l, err);
}

/* --- images ------------------------------------------------------------------ */

/* `docker save` one image into the temporary folder, as a bundle item. */
static int save_image(pack_ctx *c, fl_docker *d, const char *id, const char *step,
		      fl_err *err)
{
	const char *hex = strncmp(id, "sha256:", 7) ? id : id + 7;
	char *tar = NULL, *rel = NULL;
	int rc;

	if ((rc = fl_docker_image_exists(d, id, NULL, err)) <= 0)
		return rc < 0 ? rc : fl_err_set(err, FL_ENOTFOUND,
				"step '%s' ran in image %s, which is not on this machine: "
				"--with-image cannot store it (load it with docker load, or "
				"bundle without --with-image)", step, id);
	if (asprintf(&tar, "%s/%s.tar", c->tmp, hex) < 0 || !own(&c->l, tar) ||
	    asprintf(&rel, FL_RUNPACK_IMAGE_DIR "/%s.tar", hex) < 0 || !own(&c->l, rel))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	fl_log(FL_LOG_INFO, "saving image %.19s... (docker save)", id);
	if ((rc = fl_docker_save(d, id, tar, err)) < 0)
		return fl_err_wrap(err, "storing image %s in the bundle", id);
	fl_bundle_item it = { rel, tar, NULL, 0, FL_BUNDLE_ROLE_IMAGE, 1, 0, NULL };
	return add_item(&c->l, it, err);
}

/* identity.images: the distinct images the steps ran in, in step order;
 * with --with-image each one saved into the bundle. */
static int add_images(pack_ctx *c, fl_err *err)
{
	json_t *images = json_array(), *seen = json_object();
	fl_docker *d = NULL;
	const char *base = getenv("TMPDIR");
	int rc = 0;

	for (size_t i = 0; i < c->r->n_steps; i++) {
		const char *id = json_string_value(json_object_get(fl_run_status(c->run, i)->fields,
								   "container"));
		if (!id || json_object_get(seen, id))
			continue;
		json_object_set_new(seen, id, json_string(c->r->steps[i].name));
		json_array_append_new(images, json_pack("{s:s, s:b}", "id", id, "embedded",
							c->o->with_image));
	}
	if (json_array_size(images))
		json_object_set(c->id, "images", images);
	if (!c->o->with_image)
		goto cleanup;
	if (!json_array_size(images)) {
		rc = fl_err_set(err, FL_EINVAL, "--with-image: no step of %s ran in a container, "
				"so there is no image to store", c->r->path);
		goto cleanup;
	}
	if (asprintf(&c->tmp, "%s/floe-bundle-XXXXXX", base && *base ? base : "/tmp") < 0 ||
	    !mkdtemp(c->tmp)) {
		free(c->tmp);
		c->tmp = NULL;
		rc = fl_err_sys(err, errno, "creating a temporary folder for the images");
		goto cleanup;
	}
	if ((rc = fl_docker_open(&d, err)) < 0)
		goto cleanup;
	size_t k;
	json_t *img;
	json_array_foreach(images, k, img) {
		const char *id = json_string_value(json_object_get(img, "id"));
		if ((rc = save_image(c, d, id, json_string_value(json_object_get(seen, id)), err)) < 0)
			break;
	}
cleanup:
	fl_docker_free(d);
	json_decref(images);
	json_decref(seen);
	return rc;
}

static int collect(pack_ctx *c, fl_err *err)
{
	char host[256] = "unknown", *recipe_rel = NULL;
	json_t *env = NULL;
	int rc;

	gethostname(host, sizeof(host) - 1);
	json_object_set_new(c->rs, "host", json_string(host));
	if ((rc = fl_run_plan(c->run, err)) < 0 || (rc = check_up_to_date(c, err)) < 0 ||
	    (rc = add_recipe(c, &recipe_rel, err)) < 0 || (rc = add_inputs(c, err)) < 0 ||
	    (rc = add_steps(c, err)) < 0 || (rc = add_images(c, err)) < 0 ||
	    (rc = fl_env_record(&env, err)) < 0)
		return rc;
	json_object_set_new(c->id, "environment", env);
	json_object_set_new(c->id, "data_embedded", json_boolean(!c->o->no_data));
	return add_crate(c, recipe_rel, err);
}

int fl_runpack_bundle(const char *recipe, const fl_runpack_opts *opts, char **written,
		      fl_digest *digest, fl_err *err)
{
	static const fl_runpack_opts defaults = FL_RUNPACK_OPTS_INIT;
	pack_ctx c = { 0 };
	fl_recipe *r = NULL;
	fl_run_opts ro = FL_RUN_OPTS_INIT;
	fl_bundle_pack_opts po = FL_BUNDLE_PACK_OPTS_INIT;
	fl_recipe *rp = NULL;
	int rc;

	c.o = opts ? opts : &defaults;
	c.id = json_object();
	c.rs = json_object();
	c.crate_in = json_array();
	c.crate_out = json_array();
	ro.n_threads = c.o->n_threads;
	ro.executor = c.o->executor;
	ro.image = c.o->image;
	if ((rc = fl_recipe_load(&r, recipe, err)) < 0 || (rc = fl_run_open(&c.run, r, &ro, err)) < 0)
		goto cleanup;
	c.r = rp = r;
	if ((rc = collect(&c, err)) < 0)
		goto cleanup;
	po.identity = c.id;
	po.run = c.rs;
	po.sign_key = c.o->sign_key;
	po.mtime = c.o->mtime;
	po.n_threads = c.o->n_threads;
	po.progress = c.o->progress;
	rc = fl_bundle_pack(c.o->out ? c.o->out : r->dir, r->name, c.l.v, c.l.n, &po, written,
			    digest, err);
cleanup:
	fl_run_free(c.run);
	fl_recipe_free(rp ? rp : r);
	items_free(&c.l);
	json_decref(c.id);
	json_decref(c.rs);
	json_decref(c.crate_in);
	json_decref(c.crate_out);
	free(c.crate);
	if (c.tmp)
		fl_tarx_rmtree(c.tmp);
	free(c.tmp);
	return rc;
}

/* --- unpacking --------------------------------------------------------------- */

static fl_store *import_store;
static fl_err *import_err;

static int import_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	fl_digest d;

	(void)f;
	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	return fl_store_put(import_store, p, NULL, &d, import_err) < 0;
}

/* Put every output file into <root>/.floe's store. */
static int import_outputs(void *ud, const char *root, fl_err *err)
{
	char *ws = NULL, *out = NULL;
	fl_store *s = NULL;
	int rc = 0;

	(void)ud;
	if (asprintf(&ws, "%s/.floe", root) < 0 || asprintf(&out, "%s/out", root) < 0) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = fl_store_open(&s, ws, err)) < 0)
		goto cleanup;
	import_store = s;
	import_err = err;
	if (access(out, F_OK) == 0 && nftw(out, import_one, 32, FTW_PHYS) != 0)
		rc = err->code ? err->code : fl_err_sys(err, errno, "%s", out);
cleanup:
	fl_store_free(s);
	free(ws);
	free(out);
	return rc;
}

int fl_runpack_unpack(const char *bundle, const char *dir, const fl_tarx_limits *limits,
		      const fl_progress *progress, fl_err *err)
{
	return fl_bundle_unpack(bundle, dir, limits, import_outputs, NULL, progress, err);
}
