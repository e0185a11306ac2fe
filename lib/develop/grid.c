/* grid.c - checking and expanding candidate parameter grids (grid.h). */
#define _GNU_SOURCE
#include "develop/grid.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe/suggest.h"

/* Re-raise the current error at `at`'s position, after `prefix`. */
static int blame(fl_err *err, const fl_value *at, int rc, const char *prefix)
{
	char msg[FL_ERR_MSG_MAX];

	snprintf(msg, sizeof(msg), "%s", err->msg);
	return fl_value_error(err, at, rc, "%s%s", prefix, msg);
}

static const char *const entry_keys[] = { "kind", "params", "name", NULL };

static int check_entry_keys(const fl_value *e, fl_err *err)
{
	int rc;

	if ((rc = fl_value_expect(e, FL_VALUE_MAP, "a candidate", err)) < 0)
		return rc;
	for (size_t i = 0; i < e->n; i++) {
		const char *k = e->keys[i]->text, *near;
		size_t j = 0;
		while (entry_keys[j] && strcmp(entry_keys[j], k) != 0)
			j++;
		if (entry_keys[j])
			continue;
		near = fl_suggest(k, entry_keys);
		return fl_value_error(err, e->keys[i], FL_EINVAL,
				      "unknown key '%s' in a candidate%s%s%s", k,
				      near ? "; did you mean '" : " (known: kind, params, name)",
				      near ? near : "", near ? "'?" : "");
	}
	if (!fl_value_get(e, "kind"))
		return fl_value_error(err, e, FL_EINVAL, "a candidate needs a 'kind'");
	return 0;
}

/* Number of values a grid entry gives: a list's length, else 1. */
static size_t n_values(const fl_value *v)
{
	return v->type == FL_VALUE_SEQ ? v->n : 1;
}

static size_t mul_sat(size_t a, size_t b)
{
	return b && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

int fl_grid_count(const fl_value *candidates, size_t *out, fl_err *err)
{
	size_t total = 0;
	int rc;

	*out = 0;
	if ((rc = fl_value_expect(candidates, FL_VALUE_SEQ, "'candidates'", err)) < 0)
		return rc;
	if (candidates->n == 0)
		return fl_value_error(err, candidates, FL_EINVAL,
				      "'candidates' is empty: list at least one model");
	for (size_t i = 0; i < candidates->n; i++) {
		const fl_value *e = candidates->items[i], *p;
		size_t n = 1;
		if ((rc = check_entry_keys(e, err)) < 0)
			return rc;
		if ((p = fl_value_get(e, "params")) &&
		    (rc = fl_value_expect(p, FL_VALUE_MAP, "'params' of a candidate", err)) < 0)
			return rc;
		for (size_t j = 0; p && j < p->n; j++)
			n = mul_sat(n, n_values(p->items[j]));
		total = total > SIZE_MAX - n ? SIZE_MAX : total + n;
	}
	*out = total;
	return 0;
}

/* One value as the text fl_hparams_resolve parses (a list of scalars, for
 * list-valued parameters, joined with commas). NULL for a mapping. */
static char *value_text(const fl_value *v)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f;

	if (v->type == FL_VALUE_SCALAR)
		return strdup(!v->quoted && fl_value_is_null(v) ? "none" : v->text);
	if (v->type != FL_VALUE_SEQ || !(f = open_memstream(&s, &len)))
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		fprintf(f, "%s%s", i ? "," : "",
			v->items[i]->type == FL_VALUE_SCALAR ? v->items[i]->text : "?");
	fclose(f);
	return s;
}

/* The k-th value of grid entry `v` (a list's item, or the scalar). */
static const fl_value *value_at(const fl_value *v, size_t k)
{
	return v->type == FL_VALUE_SEQ ? v->items[k] : v;
}

/* Resolve {name: text} alone, so a bad value is blamed on its position. */
static int check_value(const fl_model_kind *kind, const char *name, const fl_value *v,
		       fl_err *err)
{
	char *text = value_text(v);
	json_t *given = json_object(), *res = NULL;
	int rc = 0;

	if (!text || !given)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0 && v->type == FL_VALUE_MAP)
		rc = fl_value_error(err, v, FL_EINVAL, "a value of '%s' cannot be a mapping",
				    name);
	if (rc == 0) {
		json_object_set_new(given, name, json_string(text));
		if ((rc = fl_hparams_resolve(kind->params, given, &res, err)) < 0)
			rc = blame(err, v, rc, "");
	}
	json_decref(res);
	json_decref(given);
	free(text);
	return rc;
}

static int check_params(const fl_model_kind *kind, const fl_value *p, fl_err *err)
{
	int rc;

	for (size_t j = 0; p && j < p->n; j++) {
		const fl_value *v = p->items[j];
		if (v->type == FL_VALUE_SEQ && v->n == 0)
			return fl_value_error(err, v, FL_EINVAL,
					      "'%s' has no values: an empty grid runs nothing",
					      p->keys[j]->text);
		for (size_t k = 0; k < n_values(v); k++)
			if ((rc = check_value(kind, p->keys[j]->text, value_at(v, k), err)) < 0)
				return rc;
	}
	return 0;
}

static int entry_kind(const fl_value *e, fl_task task, const fl_model_kind **out,
		      fl_err *err)
{
	const fl_value *kv = fl_value_get(e, "kind");
	const char *name;
	int rc;

	if ((rc = fl_value_str(kv, "'kind'", &name, err)) < 0)
		return rc;
	if ((rc = fl_model_kind_get(out, name, err)) < 0)
		return blame(err, kv, rc, "");
	if ((*out)->task != task)
		return fl_value_error(err, kv, FL_EINVAL,
				      "model kind '%s' does %s, but this step's task is %s",
				      name, fl_task_name((*out)->task), fl_task_name(task));
	return 0;
}

/* Candidate number `k` (mixed radix, last parameter fastest) of entry e. */
static int expand_one(fl_candidate *c, const fl_value *e, size_t k, fl_err *err)
{
	const fl_value *p = fl_value_get(e, "params");
	int rc;

	if (!(c->chosen = json_object()))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t j = p ? p->n : 0; j-- > 0;) {
		size_t nv = n_values(p->items[j]);
		char *text = value_text(value_at(p->items[j], k % nv));
		if (!text)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		json_object_set_new(c->chosen, p->keys[j]->text, json_string(text));
		free(text);
		k /= nv;
	}
	if ((rc = fl_hparams_resolve(c->kind->params, c->chosen, &c->params, err)) < 0)
		return blame(err, e, rc, "a combination of this candidate's values: ");
	return 0;
}

/* Rebuild `chosen` in the order written (expand_one filled it backwards). */
static int order_chosen(fl_candidate *c, const fl_value *e, fl_err *err)
{
	const fl_value *p = fl_value_get(e, "params");
	json_t *o = json_object();

	if (!o)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t j = 0; p && j < p->n; j++)
		json_object_set(o, p->keys[j]->text, json_object_get(c->chosen, p->keys[j]->text));
	json_decref(c->chosen);
	c->chosen = o;
	return 0;
}

static int expand_entry(fl_grid *g, const fl_value *e, size_t entry, fl_task task,
			fl_err *err)
{
	const fl_value *p = fl_value_get(e, "params");
	const fl_model_kind *kind = NULL;
	size_t n = 1;
	int rc;

	if ((rc = entry_kind(e, task, &kind, err)) < 0 || (rc = check_params(kind, p, err)) < 0)
		return rc;
	for (size_t j = 0; p && j < p->n; j++)
		n *= n_values(p->items[j]);
	for (size_t k = 0; k < n; k++) {
		fl_candidate *c = &g->c[g->n++];
		c->kind = kind;
		c->entry = entry;
		if ((rc = expand_one(c, e, k, err)) < 0 || (rc = order_chosen(c, e, err)) < 0)
			return rc;
	}
	return 0;
}

int fl_grid_parse(fl_grid **out, const fl_value *candidates, fl_task task, size_t max,
		  fl_err *err)
{
	fl_grid *g = NULL;
	size_t total;
	int rc;

	*out = NULL;
	if ((rc = fl_grid_count(candidates, &total, err)) < 0)
		return rc;
	if (total > max)
		return fl_value_error(err, candidates, FL_EINVAL,
				      "the candidates expand to %zu models, more than max_candidates "
				      "(%zu); shrink the grid or raise max_candidates",
				      total, max);
	if (!(g = calloc(1, sizeof(*g))) || !(g->c = calloc(total + 1, sizeof(fl_candidate)))) {
		free(g);
		return fl_err_set(err, FL_ENOMEM, "out of memory for %zu candidates", total);
	}
	for (size_t i = 0; rc == 0 && i < candidates->n; i++)
		rc = expand_entry(g, candidates->items[i], i, task, err);
	if (rc < 0) {
		fl_grid_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

char *fl_candidate_label(const fl_candidate *c)
{
	char *s = NULL;
	size_t len = 0;
	const char *k;
	json_t *v;
	FILE *f = open_memstream(&s, &len);
	int first = 1;

	if (!f)
		return NULL;
	json_object_foreach(c->chosen, k, v) {
		fprintf(f, "%s%s=%s", first ? "" : " ", k, json_string_value(v));
		first = 0;
	}
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

void fl_grid_free(fl_grid *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		json_decref(g->c[i].params);
		json_decref(g->c[i].chosen);
	}
	free(g->c);
	free(g);
}
