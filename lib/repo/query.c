/* query.c - list versions, show one version. */
#include "repo/query.h"

#include <string.h>

#include "repo/index.h"
#include "repo/modelref.h"

json_t *fl_repo_headline(const json_t *rec)
{
	static const char *const order[] = { "accuracy", "r2", "silhouette", "explained_variance",
					     "inertia" };
	static const char *const sets[] = { "test", "train" };
	const json_t *metrics = json_object_get(json_object_get(rec, "model"), "metrics");

	for (int s = 0; s < 2; s++) {
		const json_t *m = json_object_get(metrics, sets[s]);
		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
			json_t *v = json_object_get(m, order[i]);
			if (json_is_number(v)) {
				char name[64];
				snprintf(name, sizeof(name), "%s %s", sets[s], order[i]);
				return json_pack("{s:s, s:O}", "name", name, "value", v);
			}
		}
	}
	return NULL;
}

/* Aliases of one model inverted: version -> [alias, ...]. */
static json_t *by_version(const json_t *aliases)
{
	json_t *out = json_object(), *v;
	const char *alias;
	char key[24];

	json_object_foreach((json_t *)aliases, alias, v) {
		snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(v));
		if (!json_object_get(out, key))
			json_object_set_new(out, key, json_array());
		json_array_append_new(json_object_get(out, key), json_string(alias));
	}
	return out;
}

static json_t *summary(const json_t *rec, const json_t *inv)
{
	char key[24];
	const json_t *m = json_object_get(rec, "model");
	json_t *al;

	snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(json_object_get(rec, "version")));
	al = json_object_get(inv, key);
	return json_pack("{s:O, s:O, s:o, s:O*, s:O*, s:O*, s:O*, s:O*, s:o*}",
			 "name", json_object_get(rec, "name"),
			 "version", json_object_get(rec, "version"),
			 "aliases", al ? json_incref(al) : json_array(),
			 "kind", json_object_get(m, "kind"), "task", json_object_get(m, "task"),
			 "added", json_object_get(rec, "added"),
			 "user", json_object_get(json_object_get(rec, "added_by"), "user"),
			 "bundle_digest", json_object_get(json_object_get(rec, "bundle"), "digest"),
			 "metric", fl_repo_headline(rec));
}

static int list_one(const fl_repo *r, const char *name, json_t *out, fl_err *err)
{
	fl_versions v;
	json_t *aliases = NULL, *inv = NULL, *rec = NULL;
	int rc;

	if ((rc = fl_index_versions(r, name, &v, err)) < 0)
		return rc;
	if ((rc = fl_index_aliases(r, name, &aliases, err)) == 0)
		inv = by_version(aliases);
	for (size_t i = 0; i < v.n_live && rc == 0; i++) {
		rc = fl_index_read(r, name, v.live[i], &rec, err);
		if (rc == FL_ENOTFOUND) { /* removed while we listed */
			rc = 0;
			continue;
		}
		if (rc == 0 && json_array_append_new(out, summary(rec, inv)) < 0)
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		json_decref(rec);
	}
	json_decref(aliases);
	json_decref(inv);
	fl_versions_clear(&v);
	return rc;
}

int fl_repo_list(const fl_repo *r, const char *name, json_t **out, fl_err *err)
{
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	*out = json_array();
	if (name) {
		fl_modelref ref;
		if ((rc = fl_modelref_parse(&ref, name, err)) == 0)
			rc = list_one(r, name, *out, err);
	} else if ((rc = fl_index_names(r, &names, &n, err)) == 0) {
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = list_one(r, names[i], *out, err);
		fl_index_names_free(names, n);
	}
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int fl_repo_show(const fl_repo *r, const char *s, json_t **out, fl_err *err)
{
	fl_modelref ref;
	json_t *aliases = NULL, *mine = NULL, *v;
	const char *alias;
	long version;
	int rc;

	*out = NULL;
	if ((rc = fl_modelref_parse(&ref, s, err)) < 0 ||
	    (rc = fl_index_resolve(r, &ref, &version, err)) < 0 ||
	    (rc = fl_index_read(r, ref.name, version, out, err)) < 0 ||
	    (rc = fl_index_aliases(r, ref.name, &aliases, err)) < 0)
		goto cleanup;
	mine = json_array();
	json_object_foreach(aliases, alias, v)
		if (json_integer_value(v) == version)
			json_array_append_new(mine, json_string(alias));
	json_object_set_new(*out, "aliases", mine);
cleanup:
	json_decref(aliases);
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}
