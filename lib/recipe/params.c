/* params.c - schema checks, defaults and canonical JSON of step parameters. */
#include "recipe/params.h"

#include <stdlib.h>
#include <string.h>

#include "recipe/suggest.h"

const char *fl_param_type_name(fl_param_type t)
{
	switch (t) {
	case FL_PARAM_STRING: return "text";
	case FL_PARAM_INT: return "whole number";
	case FL_PARAM_FLOAT: return "number";
	case FL_PARAM_BOOL: return "true or false";
	case FL_PARAM_STRING_LIST: return "list of text";
	case FL_PARAM_INT_LIST: return "list of whole numbers";
	case FL_PARAM_FLOAT_LIST: return "list of numbers";
	case FL_PARAM_MAP: return "mapping of names to values";
	case FL_PARAM_ANY: return "any value";
	}
	return "?";
}

static const fl_param_spec *find_spec(const fl_param_spec *spec, const char *name)
{
	for (; spec && spec->name; spec++)
		if (!strcmp(spec->name, name))
			return spec;
	return NULL;
}

static fl_param_type scalar_of(fl_param_type t)
{
	return t == FL_PARAM_STRING_LIST ? FL_PARAM_STRING
	       : t == FL_PARAM_INT_LIST  ? FL_PARAM_INT
	       : t == FL_PARAM_FLOAT_LIST ? FL_PARAM_FLOAT
					  : t;
}

/* The JSON form of one scalar of type `t` (validating it). */
static int scalar_json(json_t **out, fl_param_type t, const fl_value *v,
		       const char *what, fl_err *err)
{
	int64_t i;
	double d;
	int b, rc;
	const char *s;

	*out = NULL;
	switch (t) {
	case FL_PARAM_INT:
		if ((rc = fl_value_int(v, what, &i, err)) == 0)
			*out = json_integer((json_int_t)i);
		break;
	case FL_PARAM_FLOAT:
		if ((rc = fl_value_float(v, what, &d, err)) == 0)
			*out = json_real(d);
		break;
	case FL_PARAM_BOOL:
		if ((rc = fl_value_bool(v, what, &b, err)) == 0)
			*out = json_boolean(b);
		break;
	default:
		if ((rc = fl_value_str(v, what, &s, err)) == 0)
			*out = json_string(s);
		break;
	}
	if (rc == 0 && !*out)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	return rc;
}

/* The JSON form of an ANY value: the same tree, scalars as their text
 * (null scalars as JSON null). */
static int any_json(json_t **out, const fl_value *v, fl_err *err)
{
	json_t *c;
	int rc;

	*out = NULL;
	if (v->type == FL_VALUE_SCALAR) {
		*out = !v->quoted && fl_value_is_null(v) ? json_null() : json_string(v->text);
		return *out ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if (!(c = v->type == FL_VALUE_SEQ ? json_array() : json_object()))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < v->n; i++) {
		json_t *item = NULL;
		if ((rc = any_json(&item, v->items[i], err)) < 0) {
			json_decref(c);
			return rc;
		}
		if (v->type == FL_VALUE_SEQ ? json_array_append_new(c, item)
					    : json_object_set_new(c, v->keys[i]->text, item)) {
			json_decref(c);
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		}
	}
	*out = c;
	return 0;
}

/* The JSON form of a value of type `t` (lists and maps included). */
static int value_json(json_t **out, fl_param_type t, const fl_value *v,
		      const char *name, fl_err *err)
{
	fl_value_type want = t >= FL_PARAM_STRING_LIST && t <= FL_PARAM_FLOAT_LIST
				     ? FL_VALUE_SEQ
			     : t == FL_PARAM_MAP ? FL_VALUE_MAP
						 : FL_VALUE_SCALAR;
	char what[256];
	json_t *c;
	int rc;

	if (t == FL_PARAM_ANY)
		return any_json(out, v, err);
	snprintf(what, sizeof(what), "parameter '%s'", name);
	if (v->type != want)
		return fl_value_error(err, v, FL_EINVAL, "parameter '%s' must be a %s",
				      name, fl_param_type_name(t));
	if (want == FL_VALUE_SCALAR)
		return scalar_json(out, t, v, what, err);
	c = want == FL_VALUE_SEQ ? json_array() : json_object();
	for (size_t i = 0; c && i < v->n; i++) {
		json_t *item = NULL;
		if ((rc = scalar_json(&item, scalar_of(t), v->items[i], what, err)) < 0) {
			json_decref(c);
			return rc;
		}
		if (want == FL_VALUE_SEQ)
			json_array_append_new(c, item);
		else
			json_object_set_new(c, v->keys[i]->text, item);
	}
	if (!c)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	*out = c;
	return 0;
}

static int unknown_param(const fl_param_spec *spec, const fl_value *key, fl_err *err)
{
	const char *names[128];
	size_t n = 0;
	const char *near;

	for (; spec && spec->name && n < 127; spec++)
		names[n++] = spec->name;
	names[n] = NULL;
	near = fl_suggest(key->text, names);
	if (near)
		return fl_value_error(err, key, FL_EINVAL,
				      "unknown parameter '%s'; did you mean '%s'?", key->text,
				      near);
	return fl_value_error(err, key, FL_EINVAL, "unknown parameter '%s'%s", key->text,
			      n ? "" : " (this kind of step takes no parameters)");
}

/* Check the given keys: known and well typed. */
static int check_given(const fl_param_spec *spec, const fl_value *given, fl_err *err)
{
	for (size_t i = 0; given && i < given->n; i++) {
		const fl_param_spec *s = find_spec(spec, given->keys[i]->text);
		json_t *j = NULL;
		int rc;

		if (!s)
			return unknown_param(spec, given->keys[i], err);
		if ((rc = value_json(&j, s->type, given->items[i], s->name, err)) < 0)
			return rc;
		json_decref(j);
	}
	return 0;
}

static int add_param(fl_value *map, const char *name, fl_value *val, fl_err *err)
{
	fl_value *key = fl_value_new_scalar(name, val ? val->pos : map->pos);

	if (!key || !val || fl_value_append(map, key, val) < 0) {
		fl_value_free(key);
		fl_value_free(val);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	return 0;
}

int fl_params_check(fl_value **out, const fl_param_spec *spec,
		    const fl_value *given, const fl_value *at, fl_err *err)
{
	fl_value *map = NULL;
	int rc;

	*out = NULL;
	if (given && (rc = fl_value_expect(given, FL_VALUE_MAP, "'params'", err)) < 0)
		return rc;
	if ((rc = check_given(spec, given, err)) < 0)
		return rc;
	if (!(map = fl_value_new_map(given ? given->pos : at->pos)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (; spec && spec->name; spec++) {
		const fl_value *v = fl_value_get(given, spec->name);
		fl_value *copy = NULL;

		if (v)
			copy = fl_value_copy(v);
		else if (spec->def)
			copy = fl_value_new_scalar(spec->def, at->pos);
		else if (spec->required) {
			fl_value_free(map);
			return fl_value_error(err, at, FL_EINVAL,
					      "missing parameter '%s' (%s: %s)", spec->name,
					      fl_param_type_name(spec->type),
					      spec->help ? spec->help : "");
		} else
			continue;
		if ((rc = add_param(map, spec->name, copy, err)) < 0) {
			fl_value_free(map);
			return rc;
		}
	}
	*out = map;
	return 0;
}

int fl_params_canonical(json_t **out, const fl_param_spec *spec,
			const fl_value *params, fl_err *err)
{
	json_t *obj = json_object();
	int rc;

	*out = NULL;
	if (!obj)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; params && i < params->n; i++) {
		const fl_param_spec *s = find_spec(spec, params->keys[i]->text);
		json_t *j = NULL;

		if (!s) {
			json_decref(obj);
			return unknown_param(spec, params->keys[i], err);
		}
		if ((rc = value_json(&j, s->type, params->items[i], s->name, err)) < 0) {
			json_decref(obj);
			return rc;
		}
		json_object_set_new(obj, s->name, j);
	}
	*out = obj;
	return 0;
}
