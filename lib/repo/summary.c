/* summary.c - list summaries of versions and their per-model cache. */
#include "repo/summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "repo/index.h"

#define LIST_KEY "floe-model-list"

json_t *fl_summary_headline(const json_t *rec)
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

json_t *fl_summary_of(const json_t *rec)
{
	const json_t *m = json_object_get(rec, "model");

	return json_pack("{s:O, s:O, s:O*, s:O*, s:O*, s:O*, s:O*, s:o*}",
			 "name", json_object_get(rec, "name"),
			 "version", json_object_get(rec, "version"),
			 "kind", json_object_get(m, "kind"), "task", json_object_get(m, "task"),
			 "added", json_object_get(rec, "added"),
			 "user", json_object_get(json_object_get(rec, "added_by"), "user"),
			 "bundle_digest", json_object_get(json_object_get(rec, "bundle"), "digest"),
			 "metric", fl_summary_headline(rec));
}

json_t *fl_summary_read(const fl_repo *r, const char *name)
{
	char *p = fl_repo_pathf(r, "models/%s/list.json", name), *buf = NULL;
	json_t *doc = NULL, *out = NULL;
	size_t len;

	if (p && fl_read_file(p, &buf, &len, NULL) == 0 && (doc = json_loadb(buf, len, 0, NULL)) &&
	    json_integer_value(json_object_get(doc, LIST_KEY)) == 1 &&
	    json_is_object(json_object_get(doc, "versions")))
		out = json_incref(json_object_get(doc, "versions"));
	json_decref(doc);
	free(buf);
	free(p);
	return out ? out : json_object();
}

/* The cache made whole: entries of versions that are gone dropped, live
 * versions it lacks read from their records. */
static int complete(const fl_repo *r, const char *name, json_t *old, json_t **out, fl_err *err)
{
	fl_versions v;
	char key[24];
	int rc;

	*out = json_object();
	if ((rc = fl_index_versions(r, name, &v, err)) < 0)
		return rc;
	for (size_t i = 0; i < v.n_live && rc == 0; i++) {
		json_t *s, *rec = NULL;
		snprintf(key, sizeof(key), "%ld", v.live[i]);
		if ((s = json_object_get(old, key))) {
			json_object_set(*out, key, s);
		} else if ((rc = fl_index_read(r, name, v.live[i], &rec, err)) == 0) {
			json_object_set_new(*out, key, fl_summary_of(rec));
			json_decref(rec);
		}
	}
	fl_versions_clear(&v);
	return rc;
}

int fl_summary_update(fl_repo *r, const char *name, long version, const json_t *rec,
		      fl_err *err)
{
	char key[24], *p = fl_repo_pathf(r, "models/%s/list.json", name), *text = NULL;
	json_t *old = fl_summary_read(r, name), *vs = NULL, *doc = NULL;
	int rc;

	snprintf(key, sizeof(key), "%ld", version);
	if (rec)
		json_object_set_new(old, key, fl_summary_of(rec));
	if ((rc = complete(r, name, old, &vs, err)) < 0) {
		json_decref(old);
		json_decref(vs);
		free(p);
		return rc;
	}
	json_decref(old);
	doc = json_pack("{s:i, s:o}", LIST_KEY, 1, "versions", vs);
	if (!p || !doc || !(text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS)))
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	else
		rc = fl_write_file_atomic(p, text, strlen(text), err);
	json_decref(doc);
	free(text);
	free(p);
	return rc;
}
