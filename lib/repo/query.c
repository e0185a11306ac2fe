/* query.c - list versions, show one version. */
#include "repo/query.h"

#include <stdio.h>
#include <string.h>

#include "repo/index.h"
#include "repo/modelref.h"
#include "repo/summary.h"

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

/* The summary with the version's aliases added (in place; new reference). */
static json_t *with_aliases(json_t *sum, const json_t *inv)
{
	char key[24];
	json_t *al;

	snprintf(key, sizeof(key), "%lld", (long long)json_integer_value(json_object_get(sum, "version")));
	al = json_object_get(inv, key);
	json_object_set_new(sum, "aliases", al ? json_incref(al) : json_array());
	return json_incref(sum);
}

/* The summary of NAME@V: from the cache, else from the record (new
 * reference, or NULL when the version went away meanwhile). */
static int summary_of(const fl_repo *r, const char *name, long v, const json_t *cache,
		      json_t **out, fl_err *err)
{
	char key[24];
	json_t *rec = NULL;
	int rc;

	snprintf(key, sizeof(key), "%ld", v);
	if ((*out = json_object_get(cache, key))) {
		json_incref(*out);
		return 0;
	}
	rc = fl_index_read(r, name, v, &rec, err);
	if (rc == FL_ENOTFOUND) /* removed while we listed */
		return 0;
	if (rc == 0)
		*out = fl_summary_of(rec);
	json_decref(rec);
	return rc;
}

static int list_one(const fl_repo *r, const char *name, json_t *out, fl_err *err)
{
	fl_versions v;
	json_t *aliases = NULL, *inv = NULL, *cache = fl_summary_read(r, name), *sum = NULL;
	int rc;

	if ((rc = fl_index_versions(r, name, &v, err)) < 0) {
		json_decref(cache);
		return rc;
	}
	if ((rc = fl_index_aliases(r, name, &aliases, err)) == 0)
		inv = by_version(aliases);
	for (size_t i = 0; i < v.n_live && rc == 0; i++) {
		if ((rc = summary_of(r, name, v.live[i], cache, &sum, err)) < 0 || !sum)
			continue;
		if (json_array_append_new(out, with_aliases(sum, inv)) < 0)
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		json_decref(sum);
	}
	json_decref(aliases);
	json_decref(inv);
	json_decref(cache);
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
		fl_versions v;
		long ver;
		if ((rc = fl_modelname_check(name, err)) == 0 &&
		    (rc = fl_modelref_parse(&ref, name, err)) == 0 &&
		    (rc = fl_index_versions(r, name, &v, err)) == 0) {
			/* an unknown name: the resolver's message lists the models */
			if (!v.highest)
				rc = fl_index_resolve(r, &ref, &ver, err);
			fl_versions_clear(&v);
		}
		if (rc == 0)
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
