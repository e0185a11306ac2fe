/* lockfile.c - write the YAML lock file, read last keys back. */
#define _GNU_SOURCE
#include "run/lockfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "core/env.h"
#include "recipe/value.h"
#include "recipe/yaml_out.h"

char *fl_lockfile_path(const char *recipe_path)
{
	size_t n = strlen(recipe_path);
	char *p = NULL;

	if (n > 5 && !strcmp(recipe_path + n - 5, ".yaml"))
		n -= 5;
	else if (n > 4 && !strcmp(recipe_path + n - 4, ".yml"))
		n -= 4;
	if (asprintf(&p, "%.*s.lock", (int)n, recipe_path) < 0)
		return NULL;
	return p;
}

int fl_lockfile_write(const char *path, const fl_recipe *r, const json_t *env,
		      const json_t *steps, const char *status, fl_err *err)
{
	fl_afile *f = NULL;
	fl_digest d;
	char hex[FL_SHA256_HEX_LEN + 1];
	const char *base = strrchr(r->path, '/');
	json_t *doc = NULL;
	int rc;

	if ((rc = fl_sha256_file(r->path, &d, err)) < 0)
		return rc;
	fl_digest_hex(&d, hex);
	doc = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:O, s:O}", "floe_lock",
			FL_LOCKFILE_FORMAT, "recipe", base ? base + 1 : r->path, "name",
			r->name, "recipe_sha256", hex, "floe", fl_version(), "status", status,
			"steps", steps, "environment", env);
	if (!doc)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_afile_open(&f, path, err)) < 0)
		goto cleanup;
	fputs("# floe lock file: written by `floe run`, do not edit (docs/store.md)\n",
	      fl_afile_stream(f));
	if ((rc = fl_yaml_write(fl_afile_stream(f), doc, path, err)) < 0)
		goto cleanup;
	rc = fl_afile_commit(f, err);
	f = NULL;
cleanup:
	fl_afile_abort(f);
	json_decref(doc);
	return rc;
}

int fl_lockfile_last_keys(const char *path, json_t **out, fl_err *err)
{
	fl_value *doc = NULL;
	const fl_value *steps;
	fl_err e2 = FL_ERR_INIT;
	int rc;

	if (!(*out = json_object()))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_value_parse_file(&doc, path, &e2)) < 0) {
		if (rc == FL_ENOTFOUND)
			return 0;
		json_decref(*out);
		*out = NULL;
		fl_err_set(err, rc, "%s", e2.msg);
		return fl_err_wrap(err, "reading the lock file");
	}
	steps = fl_value_get(doc, "steps");
	for (size_t i = 0; steps && steps->type == FL_VALUE_MAP && i < steps->n; i++) {
		const fl_value *k = fl_value_get(steps->items[i], "key");
		if (!k)
			k = fl_value_get(steps->items[i], "last_key");
		if (k && k->type == FL_VALUE_SCALAR)
			json_object_set_new(*out, steps->keys[i]->text, json_string(k->text));
	}
	fl_value_free(doc);
	return 0;
}
