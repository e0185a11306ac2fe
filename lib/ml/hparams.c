/* hparams.c - checking model parameters against a kind's spec table and
 * filling in defaults. */
#define _GNU_SOURCE
#include "ml/hparams.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const fl_hparam_spec *find_spec(const fl_hparam_spec *specs, const char *name)
{
	for (; specs->name; specs++)
		if (strcmp(specs->name, name) == 0)
			return specs;
	return NULL;
}

static int has_choice(const char *choices, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = choices; p && *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, w, n) == 0)
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

static int parse_number(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return end != s && *end == 0 && errno == 0 && isfinite(*out);
}

static int bad(const fl_hparam_spec *sp, const char *val, const char *want, fl_err *err)
{
	return fl_err_set(err, FL_EINVAL, "parameter %s: '%s' is not %s", sp->name, val, want);
}

static int range_msg(const fl_hparam_spec *sp, const char *val, fl_err *err)
{
	char want[160];

	snprintf(want, sizeof(want), "%s in [%g, %g]%s%s",
		 sp->type == FL_HPARAM_REAL ? "a number" : "a whole number",
		 sp->min, sp->max, sp->choices ? " or one of " : "",
		 sp->choices ? sp->choices : "");
	return bad(sp, val, want, err);
}

/* A number that must lie in the spec's range (and be whole for ints). */
static json_t *number_value(const fl_hparam_spec *sp, double v, int whole)
{
	if (v < sp->min || v > sp->max)
		return NULL;
	if (whole) {
		if (v != floor(v))
			return NULL;
		return json_integer((json_int_t)v);
	}
	return json_real(v);
}

static int parse_int_list(const fl_hparam_spec *sp, const char *s, json_t **out,
			  fl_err *err)
{
	json_t *arr = json_array();
	char *copy = strdup(s), *save = NULL;

	if (!arr || !copy) {
		json_decref(arr);
		free(copy);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		double v;
		json_t *j = parse_number(tok, &v) ? number_value(sp, v, 1) : NULL;
		if (!j) {
			json_decref(arr);
			free(copy);
			return range_msg(sp, s, err);
		}
		json_array_append_new(arr, j);
	}
	free(copy);
	if (json_array_size(arr) == 0) {
		json_decref(arr);
		return bad(sp, s, "a list of whole numbers such as 100,50", err);
	}
	*out = arr;
	return 0;
}

/* Parse text as the user typed it. */
static int parse_text(const fl_hparam_spec *sp, const char *s, json_t **out, fl_err *err)
{
	double v;

	*out = NULL;
	if (sp->nullable && (strcasecmp(s, "none") == 0 || strcasecmp(s, "null") == 0))
		return (*out = json_null()) ? 0 : FL_ENOMEM;
	switch (sp->type) {
	case FL_HPARAM_INT:
	case FL_HPARAM_REAL:
		if (parse_number(s, &v) && (*out = number_value(sp, v, sp->type == FL_HPARAM_INT)))
			return 0;
		return range_msg(sp, s, err);
	case FL_HPARAM_BOOL:
		if (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "yes"))
			return (*out = json_true()) ? 0 : FL_ENOMEM;
		if (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no"))
			return (*out = json_false()) ? 0 : FL_ENOMEM;
		return bad(sp, s, "true or false", err);
	case FL_HPARAM_CHOICE:
		if (has_choice(sp->choices, s))
			return (*out = json_string(s)) ? 0 : FL_ENOMEM;
		return bad(sp, s, sp->choices, err);
	case FL_HPARAM_INT_LIST:
		return parse_int_list(sp, s, out, err);
	case FL_HPARAM_NUM_OR_CHOICE:
		if (has_choice(sp->choices, s))
			return (*out = json_string(s)) ? 0 : FL_ENOMEM;
		if (parse_number(s, &v) && (*out = number_value(sp, v, 0)))
			return 0;
		return range_msg(sp, s, err);
	}
	return fl_err_set(err, FL_EFAIL, "parameter %s: bad spec", sp->name);
}

/* A JSON value from a recipe: render it as text and parse it the same way,
 * so both routes accept exactly the same values. */
static int parse_json(const fl_hparam_spec *sp, const json_t *v, json_t **out, fl_err *err)
{
	char *text = NULL;
	int rc;

	if (json_is_string(v))
		return parse_text(sp, json_string_value(v), out, err);
	if (json_is_null(v))
		text = strdup("none");
	else if (json_is_array(v)) {
		size_t len = 0, i;
		json_t *e;
		text = calloc(1, 32 * json_array_size(v) + 1);
		json_array_foreach(v, i, e) {
			if (!json_is_integer(e) || !text) {
				free(text);
				return bad(sp, "[...]", "a list of whole numbers", err);
			}
			len += (size_t)sprintf(text + len, "%s%lld", i ? "," : "",
					       (long long)json_integer_value(e));
		}
	} else
		text = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
	if (!text)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	rc = parse_text(sp, text, out, err);
	free(text);
	return rc;
}

static int unknown(const fl_hparam_spec *specs, const char *name, fl_err *err)
{
	char list[512] = "";
	size_t len = 0;

	for (const fl_hparam_spec *s = specs; s->name && len < sizeof(list); s++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					s == specs ? "" : ", ", s->name);
	return fl_err_set(err, FL_EINVAL, "unknown parameter '%s' (known: %s)", name,
			  specs->name ? list : "none");
}

int fl_hparams_resolve(const fl_hparam_spec *specs, const json_t *given,
		      json_t **out, fl_err *err)
{
	json_t *res = json_object(), *v;
	const char *key;
	int rc = 0;

	*out = NULL;
	if (!res)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (given && !json_is_object(given))
		rc = fl_err_set(err, FL_EINVAL, "parameters must be a mapping of names to values");
	json_object_foreach((json_t *)given, key, v)
		if (rc == 0 && !find_spec(specs, key))
			rc = unknown(specs, key, err);
	for (const fl_hparam_spec *sp = specs; rc == 0 && sp->name; sp++) {
		json_t *val = NULL;
		json_t *g = given ? json_object_get(given, sp->name) : NULL;
		rc = g ? parse_json(sp, g, &val, err) : parse_text(sp, sp->def, &val, err);
		if (rc == 0)
			json_object_set_new(res, sp->name, val);
	}
	if (rc < 0) {
		json_decref(res);
		return rc;
	}
	*out = res;
	return 0;
}

int fl_hparams_from_args(const fl_hparam_spec *specs, const char *const *assign,
			size_t n, json_t **out, fl_err *err)
{
	json_t *given = json_object();
	int rc = 0;

	*out = NULL;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *eq = strchr(assign[i], '=');
		if (!eq || eq == assign[i]) {
			rc = fl_err_set(err, FL_EINVAL, "parameter '%s' is not NAME=VALUE", assign[i]);
			break;
		}
		char *name = strndup(assign[i], (size_t)(eq - assign[i]));
		if (!name)
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		else if (json_object_get(given, name))
			rc = fl_err_set(err, FL_EINVAL, "parameter %s given twice", name);
		else
			json_object_set_new(given, name, json_string(eq + 1));
		free(name);
	}
	if (rc == 0)
		rc = fl_hparams_resolve(specs, given, out, err);
	json_decref(given);
	return rc;
}

int64_t fl_hparam_int(const json_t *p, const char *name)
{
	json_t *v = json_object_get(p, name);

	return json_is_integer(v) ? (int64_t)json_integer_value(v)
				  : (int64_t)json_number_value(v);
}

double fl_hparam_real(const json_t *p, const char *name)
{
	return json_number_value(json_object_get(p, name));
}

int fl_hparam_bool(const json_t *p, const char *name)
{
	return json_is_true(json_object_get(p, name));
}

const char *fl_hparam_str(const json_t *p, const char *name)
{
	return json_string_value(json_object_get(p, name));
}

int fl_hparam_is_null(const json_t *p, const char *name)
{
	return json_is_null(json_object_get(p, name));
}

size_t fl_hparam_list_len(const json_t *p, const char *name)
{
	return json_array_size(json_object_get(p, name));
}

int64_t fl_hparam_list_at(const json_t *p, const char *name, size_t i)
{
	return (int64_t)json_integer_value(json_array_get(json_object_get(p, name), i));
}
