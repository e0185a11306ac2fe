/* stepkey.c - key fields, their canonical digest, and their diff. */
#define _GNU_SOURCE
#include "run/stepkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/env.h"
#include "recipe/params.h"

#define KEY_PREFIX "floe-step-key-1\n"

static json_t *hex_json(const fl_digest *d)
{
	char hex[FL_SHA256_HEX_LEN + 1];

	fl_digest_hex(d, hex);
	return json_string(hex);
}

/* A library's version for the key: the string, or for OpenBLAS its
 * config and core name (not the thread count, which floe pins). */
static json_t *lib_version(const json_t *v)
{
	json_t *c;

	if (!json_is_object(v))
		return json_deep_copy(v);
	c = json_deep_copy(v);
	json_object_del(c, "threads");
	return c;
}

static json_t *libraries(const fl_step_kind *k, const json_t *env_libs)
{
	json_t *o = json_object();

	for (size_t i = 0; k->libraries && k->libraries[i]; i++) {
		const json_t *v = json_object_get(env_libs, k->libraries[i]);
		json_object_set_new(o, k->libraries[i], v ? lib_version(v) : json_null());
	}
	return o;
}

int fl_stepkey_fields(json_t **out, const fl_recipe *r, const fl_step_def *st,
		      const fl_digest *const *inputs, const json_t *env_libs,
		      fl_err *err)
{
	json_t *f = NULL, *params = NULL, *in = json_object(), *outs = json_array();
	int rc;

	*out = NULL;
	if (!in || !outs) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = fl_params_canonical(&params, st->kind->params, st->params, err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < st->n_inputs; i++)
		json_object_set_new(in, st->inputs[i].slot,
				    inputs[i] ? hex_json(inputs[i]) : json_null());
	for (size_t i = 0; i < st->n_outputs; i++)
		json_array_append_new(outs, json_string(st->outputs[i]));
	f = json_pack("{s:s, s:O, s:O, s:O, s:I, s:s, s:o, s:o}", "kind", st->kind->name,
		      "params", params, "inputs", in, "outputs", outs, "seed",
		      (json_int_t)r->seed, "floe", fl_version(), "libraries",
		      libraries(st->kind, env_libs), "container",
		      st->container ? json_string(st->container) : json_null());
	if (!f)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	*out = f;
cleanup:
	json_decref(params);
	json_decref(in);
	json_decref(outs);
	return rc;
}

int fl_stepkey_digest(const json_t *fields, fl_digest *out, fl_err *err)
{
	char *text = json_dumps(fields, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	char *buf = NULL;
	int rc;

	if (!text || asprintf(&buf, "%s%s", KEY_PREFIX, text) < 0) {
		free(text);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	rc = fl_sha256_buf(buf, strlen(buf), out, err);
	free(text);
	free(buf);
	return rc;
}

static char *show(const json_t *v)
{
	const char *s = json_string_value(v);
	char *p = NULL;

	if (!v)
		return strdup("(none)");
	if (json_is_null(v))
		return strdup("none");
	/* a digest: its first 12 hex digits are plenty to tell two apart */
	if (s && strlen(s) == FL_SHA256_HEX_LEN &&
	    strspn(s, "0123456789abcdef") == FL_SHA256_HEX_LEN)
		return asprintf(&p, "%.12s..", s) < 0 ? NULL : p;
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

static int same(const json_t *a, const json_t *b)
{
	if (!a || !b)
		return a == b;
	return json_equal((json_t *)a, (json_t *)b);
}

static void add_line(json_t *lines, const char *fmt, const json_t *a, const json_t *b,
		     const char *name)
{
	char *sa = show(a), *sb = b ? show(b) : strdup(""), *line = NULL;

	if (sa && sb && asprintf(&line, fmt, name, sa, sb) >= 0)
		json_array_append_new(lines, json_string(line));
	free(line);
	free(sa);
	free(sb);
}

/* Differences of the members of two objects, one line each. */
static void diff_members(json_t *lines, const json_t *old, const json_t *now,
			 const char *what)
{
	const char *k;
	json_t *v;
	char fmt[128];

	json_object_foreach((json_t *)now, k, v) {
		const json_t *o = json_object_get(old, k);
		if (same(o, v) || (o && json_is_null(v)))
			continue; /* null: not known yet (an upstream step runs first) */
		if (!o)
			snprintf(fmt, sizeof(fmt), "%s '%%s' added: %%s%%s", what);
		else
			snprintf(fmt, sizeof(fmt), "%s '%%s' changed: %%s -> %%s", what);
		add_line(lines, fmt, o ? o : v, o ? v : NULL, k);
	}
	json_object_foreach((json_t *)old, k, v) {
		if (json_object_get(now, k))
			continue;
		snprintf(fmt, sizeof(fmt), "%s '%%s' removed (was %%s)%%s", what);
		add_line(lines, fmt, v, NULL, k);
	}
}

int fl_stepkey_diff(const json_t *old, const json_t *now, json_t **out, fl_err *err)
{
	static const struct {
		const char *field, *fmt;
	} scalars[] = {
		{ "kind", "%s changed: %s -> %s" },
		{ "outputs", "declared %s changed: %s -> %s" },
		{ "seed", "recipe %s changed: %s -> %s" },
		{ "floe", "%s version changed: %s -> %s" },
		{ "container", "%s image changed: %s -> %s" },
	};
	json_t *lines = json_array();

	if (!lines)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!same(json_object_get(old, "kind"), json_object_get(now, "kind")))
		add_line(lines, scalars[0].fmt, json_object_get(old, "kind"),
			 json_object_get(now, "kind"), "kind");
	diff_members(lines, json_object_get(old, "inputs"), json_object_get(now, "inputs"),
		     "input");
	diff_members(lines, json_object_get(old, "params"), json_object_get(now, "params"),
		     "parameter");
	for (size_t i = 1; i < sizeof(scalars) / sizeof(scalars[0]); i++)
		if (!same(json_object_get(old, scalars[i].field),
			  json_object_get(now, scalars[i].field)))
			add_line(lines, scalars[i].fmt, json_object_get(old, scalars[i].field),
				 json_object_get(now, scalars[i].field), scalars[i].field);
	diff_members(lines, json_object_get(old, "libraries"),
		     json_object_get(now, "libraries"), "library");
	*out = lines;
	return 0;
}
