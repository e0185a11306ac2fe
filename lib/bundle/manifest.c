/* manifest.c - build, serialise, parse and check bundle manifests. */
#define _GNU_SOURCE
#include "bundle/manifest.h"

#include <stdlib.h>
#include <string.h>

#include "bundle/entryname.h"

int fl_manifest_new(json_t **out, fl_err *err)
{
	*out = json_pack("{s:i, s:{s:[]}, s:{s:[]}}", FL_MANIFEST_KEY, FL_MANIFEST_VERSION,
			 "identity", "entries", "run", "entries");
	return *out ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");
}

json_t *fl_manifest_part(json_t *m, const char *part)
{
	return json_object_get(m, part);
}

int fl_manifest_add_entry(json_t *m, const char *part, const char *path,
			  uint64_t size, const fl_digest *d, const char *role,
			  fl_err *err)
{
	json_t *list = json_object_get(json_object_get(m, part), "entries");
	char hex[FL_SHA256_HEX_LEN + 1];

	if (!json_is_array(list))
		return fl_err_set(err, FL_EINVAL, "manifest has no part '%s'", part);
	fl_digest_hex(d, hex);
	if (json_array_append_new(list, json_pack("{s:s, s:I, s:s, s:s}", "path", path,
						  "size", (json_int_t)size, "sha256", hex,
						  "role", role)) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	return 0;
}

static int canonical(const json_t *x, char **out, fl_err *err)
{
	*out = json_dumps(x, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	return *out ? 0 : fl_err_set(err, FL_ENOMEM, "serialising the manifest failed");
}

int fl_manifest_digest(const json_t *m, fl_digest *out, fl_err *err)
{
	const json_t *id = json_object_get(m, "identity");
	char *s = NULL;
	int rc;

	if (!json_is_object(id))
		return fl_err_set(err, FL_EINVAL, "manifest has no identity part");
	if ((rc = canonical(id, &s, err)) < 0)
		return rc;
	rc = fl_sha256_buf(s, strlen(s), out, err);
	free(s);
	return rc;
}

static int cmp_path(const void *a, const void *b)
{
	const char *pa = json_string_value(json_object_get(*(json_t *const *)a, "path"));
	const char *pb = json_string_value(json_object_get(*(json_t *const *)b, "path"));

	return strcmp(pa ? pa : "", pb ? pb : "");
}

/* Sort a JSON array of entry objects by "path" (rebuilt in place). */
static int sort_entries(json_t *list, fl_err *err)
{
	size_t n = json_array_size(list);
	json_t **v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(list, i));
	qsort(v, n, sizeof(*v), cmp_path);
	json_array_clear(list);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, v[i]);
	free(v);
	return 0;
}

int fl_manifest_finish(json_t *m, fl_digest *out, fl_err *err)
{
	char hex[FL_SHA256_HEX_LEN + 1];
	fl_digest d;
	int rc;

	if ((rc = sort_entries(json_object_get(json_object_get(m, "identity"), "entries"),
			       err)) < 0 ||
	    (rc = sort_entries(json_object_get(json_object_get(m, "run"), "entries"), err)) < 0 ||
	    (rc = fl_manifest_digest(m, &d, err)) < 0)
		return rc;
	fl_digest_hex(&d, hex);
	json_object_set_new(m, "digest", json_string(hex));
	if (out)
		*out = d;
	return 0;
}

int fl_manifest_dump(const json_t *m, char **out, size_t *len, fl_err *err)
{
	char *s = json_dumps(m, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	char *t = NULL;

	*out = NULL;
	if (!s || asprintf(&t, "%s\n", s) < 0) {
		free(s);
		return fl_err_set(err, FL_ENOMEM, "serialising the manifest failed");
	}
	free(s);
	*out = t;
	if (len)
		*len = strlen(t);
	return 0;
}

/* --- parsing ------------------------------------------------------------- */

static int check_version(const json_t *m, const char *name, fl_err *err)
{
	const json_t *v = json_object_get(m, FL_MANIFEST_KEY);

	if (!json_is_integer(v))
		return fl_err_set(err, FL_EINVAL, "%s: not a floe bundle manifest (no '%s' version)",
				  name, FL_MANIFEST_KEY);
	if (json_integer_value(v) > FL_MANIFEST_VERSION)
		return fl_err_set(err, FL_EINVAL,
				  "%s: bundle format %lld is newer than this floe reads (%d); "
				  "upgrade floe", name, (long long)json_integer_value(v),
				  FL_MANIFEST_VERSION);
	if (json_integer_value(v) < 1)
		return fl_err_set(err, FL_EINVAL, "%s: invalid bundle format %lld", name,
				  (long long)json_integer_value(v));
	return 0;
}

static int check_entry_shape(const json_t *e, const char *name, size_t i, fl_err *err)
{
	const char *path = json_string_value(json_object_get(e, "path"));
	const char *hex = json_string_value(json_object_get(e, "sha256"));
	const json_t *size = json_object_get(e, "size");
	fl_digest d;

	if (!path || !hex || !json_is_integer(size) || json_integer_value(size) < 0 ||
	    !json_is_string(json_object_get(e, "role")))
		return fl_err_set(err, FL_EINVAL,
				  "%s: entry %zu needs path, size, sha256 and role", name, i);
	if (fl_entryname_check(path, err) < 0 || fl_digest_parse(hex, &d, err) < 0)
		return fl_err_wrap(err, "%s: entry %zu", name, i);
	return 0;
}

static int check_part(const json_t *m, const char *part, const char *name, fl_err *err)
{
	const json_t *list = json_object_get(json_object_get(m, part), "entries");
	size_t i;
	json_t *e;
	int rc;

	if (!json_is_array(list))
		return fl_err_set(err, FL_EINVAL, "%s: '%s.entries' is missing", name, part);
	json_array_foreach(list, i, e)
		if ((rc = check_entry_shape(e, name, i, err)) < 0)
			return rc;
	return 0;
}

int fl_manifest_parse(const char *buf, size_t len, const char *name, json_t **out,
		      fl_err *err)
{
	char have[FL_SHA256_HEX_LEN + 1];
	const char *stored;
	json_error_t je;
	json_t *m;
	fl_digest d;
	int rc;

	*out = NULL;
	if (!(m = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je)))
		return fl_err_set(err, FL_EINVAL, "%s:%d:%d: %s", name, je.line, je.column, je.text);
	if ((rc = check_version(m, name, err)) < 0 || (rc = check_part(m, "identity", name, err)) < 0 ||
	    (rc = check_part(m, "run", name, err)) < 0 || (rc = fl_manifest_digest(m, &d, err)) < 0)
		goto fail;
	fl_digest_hex(&d, have);
	stored = json_string_value(json_object_get(m, "digest"));
	if (!stored || strcmp(stored, have)) {
		rc = fl_err_set(err, FL_EMISMATCH,
				"%s: the identity part does not match the recorded digest "
				"(recorded %s, computed %s)", name, stored ? stored : "none", have);
		goto fail;
	}
	*out = m;
	return 0;
fail:
	json_decref(m);
	return rc;
}

/* --- checking entries ------------------------------------------------------ */

struct fl_manifest_check {
	json_t *index; /* path -> [size, sha256, seen(bool)] */
};

static int index_part(json_t *index, const json_t *m, const char *part, fl_err *err)
{
	const json_t *list = json_object_get(json_object_get(m, part), "entries");
	size_t i;
	json_t *e;

	json_array_foreach(list, i, e) {
		const char *path = json_string_value(json_object_get(e, "path"));
		if (json_object_get(index, path))
			return fl_err_set(err, FL_EINVAL, "manifest lists '%s' twice", path);
		json_object_set_new(index, path,
				    json_pack("[O, O, b]", json_object_get(e, "size"),
					      json_object_get(e, "sha256"), 0));
	}
	return 0;
}

int fl_manifest_check_new(fl_manifest_check **out, const json_t *m, fl_err *err)
{
	fl_manifest_check *c = calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (!c || !(c->index = json_object())) {
		free(c);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if ((rc = index_part(c->index, m, "identity", err)) < 0 ||
	    (rc = index_part(c->index, m, "run", err)) < 0) {
		fl_manifest_check_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int fl_manifest_check_entry(fl_manifest_check *c, const char *path, uint64_t size,
			    const fl_digest *d, fl_err *err)
{
	json_t *rec = json_object_get(c->index, path);
	char hex[FL_SHA256_HEX_LEN + 1];
	const char *want;

	if (!rec)
		return fl_err_set(err, FL_EMISMATCH, "entry '%s' is not listed in the manifest", path);
	fl_digest_hex(d, hex);
	want = json_string_value(json_array_get(rec, 1));
	if ((uint64_t)json_integer_value(json_array_get(rec, 0)) != size || strcmp(want, hex))
		return fl_err_set(err, FL_EMISMATCH,
				  "entry '%s' does not match the manifest (sha256 %s and %llu "
				  "bytes recorded, %s and %llu bytes found)", path, want,
				  (unsigned long long)json_integer_value(json_array_get(rec, 0)),
				  hex, (unsigned long long)size);
	json_array_set_new(rec, 2, json_true());
	return 0;
}

int fl_manifest_check_complete(const fl_manifest_check *c, fl_err *err)
{
	const char *path;
	json_t *rec;

	json_object_foreach(c->index, path, rec)
		if (!json_is_true(json_array_get(rec, 2)))
			return fl_err_set(err, FL_EMISMATCH,
					  "entry '%s' is listed in the manifest but missing from "
					  "the archive", path);
	return 0;
}

void fl_manifest_check_free(fl_manifest_check *c)
{
	if (!c)
		return;
	json_decref(c->index);
	free(c);
}

json_t *fl_manifest_role_paths(const json_t *m, const char *role)
{
	static const char *const parts[] = { "identity", "run" };
	json_t *set = json_object(), *e;
	size_t i;

	for (int p = 0; p < 2 && set; p++)
		json_array_foreach(json_object_get(json_object_get(m, parts[p]), "entries"), i, e) {
			const char *path = json_string_value(json_object_get(e, "path"));
			const char *r = json_string_value(json_object_get(e, "role"));
			if (path && r && !strcmp(r, role))
				json_object_set_new(set, path, json_true());
		}
	return set;
}
