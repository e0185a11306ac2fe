/* diff.c - compare two version records section by section. */
#define _GNU_SOURCE
#include "repo/diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A scalar (or a small array) as text: strings as they are, numbers in
 * their shortest JSON form, everything else compact JSON. */
static json_t *as_text(const json_t *v)
{
	char *s;
	json_t *t;

	if (json_is_string(v))
		return json_string(json_string_value(v));
	if (!(s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY |
				JSON_REAL_PRECISION(10))))
		return json_null();
	t = json_string(s);
	free(s);
	return t;
}

/* Flatten objects into out[prefix.key] = text. */
static void flatten(const json_t *v, const char *prefix, json_t *out)
{
	const char *k;
	json_t *x;

	if (!json_is_object(v)) {
		json_object_set_new(out, *prefix ? prefix : "value", as_text(v));
		return;
	}
	json_object_foreach((json_t *)v, k, x) {
		size_t n = strlen(prefix) + strlen(k) + 2;
		char *key = malloc(n);
		if (!key)
			return;
		snprintf(key, n, "%s%s%s", prefix, *prefix ? "." : "", k);
		flatten(x, key, out);
		free(key);
	}
}

/* Inputs [{name, sha256, bytes, path, embedded}] keyed by name. */
static json_t *inputs_by_name(const json_t *inputs)
{
	json_t *out = json_object(), *e;
	size_t i;

	json_array_foreach((json_t *)inputs, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		json_t *c = json_deep_copy(e);
		json_object_del(c, "name");
		json_object_set_new(out, name ? name : "?", c);
	}
	return out;
}

/* The schema with its feature list as "name:type, ..." text. */
static json_t *schema_view(const json_t *schema)
{
	json_t *out = json_deep_copy(schema), *f;
	size_t i, len = 0;
	char *s = NULL;
	FILE *fp = open_memstream(&s, &len);

	if (!out)
		out = json_object();
	json_array_foreach(json_object_get(schema, "features"), i, f)
		if (fp)
			fprintf(fp, "%s%s:%s", i ? ", " : "",
				json_string_value(json_object_get(f, "name")),
				json_string_value(json_object_get(f, "type")));
	if (fp && fclose(fp) == 0)
		json_object_set_new(out, "features", json_string(s));
	free(s);
	json_object_set_new(out, "n_features", json_integer((json_int_t)json_array_size(
		json_object_get(schema, "features"))));
	if (json_is_null(json_object_get(out, "preparation")))
		json_object_del(out, "preparation");
	else if (json_object_get(out, "preparation"))
		json_object_set_new(out, "preparation", json_string("recorded"));
	return out;
}

static json_t *model_view(const json_t *rec)
{
	const json_t *m = json_object_get(rec, "model"), *b = json_object_get(rec, "bundle");
	const json_t *r = json_object_get(rec, "recipe");

	return json_pack("{s:O*, s:O*, s:O*, s:O*, s:O*, s:O*, s:O*, s:O*, s:O*, s:O*, s:O*}",
			 "kind", json_object_get(m, "kind"), "task", json_object_get(m, "task"),
			 "entry", json_object_get(m, "entry"), "step", json_object_get(m, "step"),
			 "model_sha256", json_object_get(m, "object"),
			 "bundle_digest", json_object_get(b, "digest"),
			 "bundle_signed_by", json_object_get(b, "signed_by"),
			 "recipe", json_object_get(r, "name"),
			 "recipe_sha256", json_object_get(r, "sha256"),
			 "added", json_object_get(rec, "added"),
			 "added_by", json_object_get(json_object_get(rec, "added_by"), "user"));
}

/* The view of one section of a record (new reference). */
static json_t *view(const json_t *rec, const char *section)
{
	const json_t *m = json_object_get(rec, "model");

	if (!strcmp(section, "model"))
		return model_view(rec);
	if (!strcmp(section, "parameters"))
		return json_deep_copy(json_object_get(m, "params"));
	if (!strcmp(section, "metrics"))
		return json_deep_copy(json_object_get(m, "metrics"));
	if (!strcmp(section, "inputs"))
		return inputs_by_name(json_object_get(rec, "inputs"));
	if (!strcmp(section, "schema"))
		return schema_view(json_object_get(m, "schema"));
	return json_deep_copy(json_object_get(rec, "environment"));
}

static int cmp_key(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Rows for the union of both sides' keys, sorted. */
static json_t *rows(const json_t *fa, const json_t *fb)
{
	json_t *all = json_object(), *out = json_array(), *v;
	const char *k, **keys;
	size_t n = 0;

	json_object_foreach((json_t *)fa, k, v)
		json_object_set(all, k, json_true());
	json_object_foreach((json_t *)fb, k, v)
		json_object_set(all, k, json_true());
	if ((keys = malloc((json_object_size(all) + 1) * sizeof(*keys)))) {
		json_object_foreach(all, k, v)
			keys[n++] = k;
		qsort(keys, n, sizeof(*keys), cmp_key);
		for (size_t i = 0; i < n; i++) {
			json_t *a = json_object_get(fa, keys[i]), *b = json_object_get(fb, keys[i]);
			json_array_append_new(out, json_pack("{s:s, s:O*, s:O*, s:b}", "key", keys[i],
							     "a", a, "b", b, "same",
							     a && b && json_equal(a, b)));
		}
		free(keys);
	}
	json_decref(all);
	return out;
}

int fl_repo_diff(const json_t *a, const json_t *b, json_t **out, fl_err *err)
{
	static const char *const sections[] = { "model", "parameters", "metrics", "inputs",
						"schema", "environment" };

	if (!(*out = json_array()))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		json_t *va = view(a, sections[i]), *vb = view(b, sections[i]);
		json_t *fa = json_object(), *fb = json_object();
		if (va)
			flatten(va, "", fa);
		if (vb)
			flatten(vb, "", fb);
		json_array_append_new(*out, json_pack("{s:s, s:o}", "section", sections[i],
						      "rows", rows(fa, fb)));
		json_decref(va);
		json_decref(vb);
		json_decref(fa);
		json_decref(fb);
	}
	return 0;
}
