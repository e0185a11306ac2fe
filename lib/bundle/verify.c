/* verify.c - re-run a bundle's recipe in a temporary workspace and compare. */
#define _GNU_SOURCE
#include "bundle/verify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle/manifest.h"
#include "bundle/images.h"
#include "bundle/numdiff.h"
#include "bundle/runpack.h"
#include "core/env.h"
#include "exec/docker.h"
#include "recipe/recipe.h"
#include "run/run.h"

void fl_verify_result_clear(fl_verify_result *res)
{
	json_decref(res->outputs);
	json_decref(res->env_diffs);
	json_decref(res->images_loaded);
	memset(res, 0, sizeof(*res));
}

/* Compare two JSON values' leaves, appending "path: recorded X, here Y". */
static void env_diff(const char *where, const json_t *a, const json_t *b, json_t *out)
{
	const char *k;
	json_t *v;
	char *sa, *sb, *sub;

	if (json_is_object(a) && json_is_object(b)) {
		json_object_foreach((json_t *)a, k, v) {
			if (!strcmp(k, "threads") || !strcmp(k, "commit"))
				continue; /* differ without changing results we pin */
			if (asprintf(&sub, "%s%s%s", where, *where ? "." : "", k) < 0)
				return;
			env_diff(sub, v, json_object_get(b, k), out);
			free(sub);
		}
		return;
	}
	if (json_equal((json_t *)a, (json_t *)b))
		return;
	sa = json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT);
	sb = b ? json_dumps(b, JSON_ENCODE_ANY | JSON_COMPACT) : strdup("absent");
	json_array_append_new(out, json_sprintf("%s: recorded %s, here %s", where, sa ? sa : "?",
						sb ? sb : "?"));
	free(sa);
	free(sb);
}

/* Under FL_EXEC_AUTO, a run made with `--executor docker --image X`
 * recorded X for steps whose recipe names no container: run those in X
 * again (one image, as --image is one). */
static void recorded_executor(const fl_recipe *r, const json_t *id, fl_run_opts *ro)
{
	const json_t *steps = json_object_get(id, "steps");
	const char *image = NULL;

	for (size_t i = 0; i < r->n_steps; i++) {
		const char *c = json_string_value(json_object_get(
			json_object_get(steps, r->steps[i].name), "container"));
		if (!r->steps[i].container && c) {
			if (image && strcmp(image, c))
				return; /* not one run's --image: leave it to the recipe */
			image = c;
		}
	}
	if (image) {
		ro->executor = FL_EXEC_DOCKER;
		ro->image = image;
	}
}

static int rerun(const char *ws, const char *recipe_rel, const json_t *id,
		 const fl_verify_opts *o, fl_err *err)
{
	char *recipe = NULL, *cmd = NULL;
	fl_recipe *r = NULL;
	fl_run *run = NULL;
	fl_run_opts ro = FL_RUN_OPTS_INIT;
	int rc;

	/* a fresh workspace: no store, no step records, no outputs */
	if (asprintf(&recipe, "%s/%s", ws, recipe_rel) < 0 ||
	    asprintf(&cmd, "%s/.floe", ws) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	fl_tarx_rmtree(cmd);
	free(cmd);
	if (asprintf(&cmd, "%s/out", ws) < 0) {
		free(recipe);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	fl_tarx_rmtree(cmd);
	ro.n_threads = o->n_threads;
	ro.progress = o->progress;
	ro.executor = o->executor;
	if ((rc = fl_recipe_load(&r, recipe, err)) < 0)
		goto cleanup;
	if (o->executor == FL_EXEC_AUTO)
		recorded_executor(r, id, &ro);
	if ((rc = fl_run_open(&run, r, &ro, err)) == 0)
		rc = fl_run_execute(run, err);
cleanup:
	if (rc < 0)
		fl_err_wrap(err, "re-running the recipe");
	fl_run_free(run);
	fl_recipe_free(r);
	free(recipe);
	free(cmd);
	return rc;
}

static const char *compare_output(const char *file, const char *want, const char *path,
				  const fl_verify_opts *o, json_t *row, const char *ref)
{
	fl_digest d;
	fl_err e = FL_ERR_INIT;
	fl_numdiff nd;
	char hex[FL_SHA256_HEX_LEN + 1];
	size_t n = strlen(path);

	if (fl_sha256_file(file, &d, &e) < 0)
		return "missing";
	fl_digest_hex(&d, hex);
	if (!strcmp(hex, want))
		return "bitwise";
	if (ref && n > 4 && !strcmp(path + n - 4, ".csv") &&
	    fl_numdiff_csv(ref, file, o->rel, o->abs, &nd, &e) == 0 && nd.comparable) {
		json_object_set_new(row, "max_abs", json_real(nd.max_abs));
		json_object_set_new(row, "max_rel", json_real(nd.max_rel));
		return nd.within ? "tolerance" : "different";
	}
	return "different";
}

/* Compare every output entry of the manifest. `orig` holds the bundle's
 * copies (unpacked), `ws` the re-run. */
static void compare_all(const json_t *m, const char *orig, const char *ws,
			const fl_verify_opts *o, fl_verify_result *res)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(json_object_get(m, "identity"), "entries"), i, e) {
		const char *path = json_string_value(json_object_get(e, "path"));
		const char *role = json_string_value(json_object_get(e, "role"));
		char *file = NULL, *ref = NULL;
		if (strcmp(role, "output") || asprintf(&file, "%s/%s", ws, path) < 0)
			continue;
		if (asprintf(&ref, "%s/%s", orig, path) < 0)
			ref = NULL;
		json_t *row = json_pack("{s:s}", "path", path);
		const char *r = compare_output(file, json_string_value(json_object_get(e, "sha256")),
					       path, o, row, ref);
		json_object_set_new(row, "result", json_string(r));
		json_array_append_new(res->outputs, row);
		if (!strcmp(r, "tolerance") && res->verdict == FL_VERIFY_BITWISE)
			res->verdict = FL_VERIFY_TOLERANCE;
		else if (strcmp(r, "bitwise") && strcmp(r, "tolerance"))
			res->verdict = FL_VERIFY_DIFFERENT;
		free(file);
		free(ref);
	}
}

/* Every image the bundle holds that is not on this machine: loaded. */
static int load_images(const fl_bundle *b, const char *tmp, const fl_verify_opts *o,
		       fl_verify_result *res, fl_err *err)
{
	fl_docker *d = NULL;
	int rc;

	if (o->executor == FL_EXEC_LOCAL || !fl_images_embedded(b))
		return 0;
	if ((rc = fl_docker_open(&d, err)) == 0)
		rc = fl_images_load(d, b, tmp, o->progress, res->images_loaded, err);
	fl_docker_free(d);
	return rc;
}

static int verify_in(const fl_bundle *b, const char *tmp, const fl_verify_opts *o,
		     fl_verify_result *res, fl_err *err)
{
	const json_t *id = json_object_get(b->manifest, "identity");
	const char *recipe = json_string_value(json_object_get(json_object_get(id, "recipe"), "path"));
	char *orig = NULL, *ws = NULL;
	json_t *env = NULL;
	int rc;

	if (!recipe)
		return fl_err_set(err, FL_EINVAL, "%s: the manifest names no recipe", b->path);
	if (json_is_false(json_object_get(id, "data_embedded")))
		return fl_err_set(err, FL_EINVAL, "%s was made with --no-data: its inputs are not "
				  "inside, so it cannot be re-run", b->path);
	if (asprintf(&orig, "%s/bundle", tmp) < 0 || asprintf(&ws, "%s/rerun", tmp) < 0) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	/* Two copies: the recorded outputs (for numeric comparison) and the
	 * workspace that re-runs from the inputs. */
	if ((rc = fl_bundle_unpack(b->path, orig, NULL, NULL, NULL, o->progress, err)) < 0 ||
	    (rc = fl_bundle_unpack(b->path, ws, NULL, NULL, NULL, o->progress, err)) < 0 ||
	    (rc = load_images(b, tmp, o, res, err)) < 0 ||
	    (rc = rerun(ws, recipe, id, o, err)) < 0 || (rc = fl_env_record(&env, err)) < 0)
		goto cleanup;
	compare_all(b->manifest, orig, ws, o, res);
	env_diff("", json_object_get(id, "environment"), env, res->env_diffs);
cleanup:
	json_decref(env);
	free(orig);
	free(ws);
	return rc;
}

int fl_verify_bundle(const char *path, const fl_verify_opts *o, fl_verify_result *res,
		     fl_err *err)
{
	fl_bundle *b = NULL;
	char *tmp = NULL;
	const char *base = getenv("TMPDIR");
	int rc;

	memset(res, 0, sizeof(*res));
	res->outputs = json_array();
	res->env_diffs = json_array();
	res->images_loaded = json_array();
	if ((rc = fl_bundle_open(&b, path, NULL, err)) < 0 ||
	    (rc = fl_bundle_check_signature(b, o->pubkey, &res->sig, res->key_id, err)) < 0)
		goto cleanup;
	if (asprintf(&tmp, "%s/floe-verify-XXXXXX", base ? base : "/tmp") < 0 || !mkdtemp(tmp)) {
		rc = fl_err_sys(err, errno, "creating a temporary workspace");
		goto cleanup;
	}
	rc = verify_in(b, tmp, o, res, err);
	fl_tarx_rmtree(tmp);
cleanup:
	free(tmp);
	fl_bundle_free(b);
	return rc;
}
