/* recipe.c - read a recipe: top-level keys, inputs and steps, strictly. */
#define _GNU_SOURCE
#include "recipe/recipe.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/atomic.h"
#include "recipe/graph.h"
#include "recipe/kinds.h"
#include "recipe/params.h"
#include "recipe/suggest.h"

static const char *const top_keys[] = { "floe", "name", "description", "seed",
					"container", "inputs", "prepare", "develop",
					"implement", NULL };
static const char *const step_keys[] = { "name", "kind", "description", "inputs",
					 "outputs", "params", "container", NULL };
static const char *const input_keys[] = { "path", "sha256", NULL };
static const char *const phase_keys[] = { "prepare", "develop", "implement", NULL };

const char *fl_phase_name(fl_phase p)
{
	return phase_keys[p];
}

/* Every key of `map` must be in `allowed`; suggest the nearest otherwise. */
static int check_keys(const fl_value *map, const char *const *allowed,
		      const char *where, fl_err *err)
{
	for (size_t i = 0; i < map->n; i++) {
		const char *k = map->keys[i]->text, *near;
		size_t j;

		for (j = 0; allowed[j] && strcmp(allowed[j], k); j++)
			;
		if (allowed[j])
			continue;
		near = fl_suggest(k, allowed);
		if (near)
			return fl_value_error(err, map->keys[i], FL_EINVAL,
					      "unknown key '%s' in %s; did you mean '%s'?", k,
					      where, near);
		return fl_value_error(err, map->keys[i], FL_EINVAL, "unknown key '%s' in %s",
				      k, where);
	}
	return 0;
}

static int require(const fl_value *map, const char *key, const char *where,
		   const fl_value **out, fl_err *err)
{
	*out = fl_value_get(map, key);
	if (!*out)
		return fl_value_error(err, map, FL_EINVAL, "missing key '%s' in %s", key,
				      where);
	return 0;
}

/* Names of inputs, steps and outputs: letters, digits, '_', '-', '.';
 * not starting with '.', at most 128 characters. */
static int check_name(const fl_value *v, const char *what, fl_err *err)
{
	const char *s = v->text;
	size_t n = strlen(s);

	if (n == 0 || n > 128 || s[0] == '.')
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_-.", s[i]))
			goto bad;
	return 0;
bad:
	return fl_value_error(err, v, FL_EINVAL,
			      "%s '%s' must be 1 to 128 letters, digits, '_', '-' or '.', "
			      "not starting with '.'", what, s);
}

static int dup_str(char **out, const char *s, fl_err *err)
{
	if (!(*out = strdup(s)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	return 0;
}

/* A scalar string field (optional when `out` may stay NULL). */
static int opt_str(const fl_value *map, const char *key, char **out, fl_err *err)
{
	const fl_value *v = fl_value_get(map, key);
	char what[64];
	const char *s;
	int rc;

	if (!v)
		return 0;
	snprintf(what, sizeof(what), "'%s'", key);
	if ((rc = fl_value_str(v, what, &s, err)) < 0)
		return rc;
	return dup_str(out, s, err);
}

static int check_image_id(const fl_value *v, fl_err *err)
{
	const char *s = v->text;

	if (v->type == FL_VALUE_SCALAR && !strncmp(s, "sha256:", 7) && strlen(s) == 71 &&
	    strspn(s + 7, "0123456789abcdef") == 64)
		return 0;
	return fl_value_error(err, v, FL_EINVAL,
			      "'container' must be an image ID, sha256: and 64 "
			      "lower-case hex digits (see `docker images --no-trunc`)");
}

static int opt_container(const fl_value *map, char **out, fl_err *err)
{
	const fl_value *v = fl_value_get(map, "container");
	int rc;

	if (!v)
		return 0;
	if ((rc = check_image_id(v, err)) < 0)
		return rc;
	free(*out);
	*out = NULL;
	return dup_str(out, v->text, err);
}

static char *join_path(const char *dir, const char *path)
{
	char *p = NULL;

	if (path[0] == '/')
		return strdup(path);
	if (asprintf(&p, "%s/%s", dir, path) < 0)
		return NULL;
	return p;
}

static int parse_input(fl_recipe *r, fl_recipe_input *in, const fl_value *key,
		       const fl_value *v, fl_err *err)
{
	const fl_value *path = v;
	int rc;

	in->node = key;
	if ((rc = check_name(key, "input name", err)) < 0 ||
	    (rc = dup_str(&in->name, key->text, err)) < 0)
		return rc;
	if (v->type == FL_VALUE_MAP) {
		if ((rc = check_keys(v, input_keys, "an input", err)) < 0 ||
		    (rc = require(v, "path", "an input", &path, err)) < 0)
			return rc;
		if ((in->pin = fl_value_get(v, "sha256"))) {
			if (in->pin->type != FL_VALUE_SCALAR ||
			    fl_digest_parse(in->pin->text, &in->sha256, NULL) < 0)
				return fl_value_error(err, in->pin, FL_EINVAL,
						      "'sha256' must be 64 hex digits");
			in->pinned = 1;
		}
	} else if (v->type != FL_VALUE_SCALAR) {
		return fl_value_error(err, v, FL_EINVAL,
				      "input '%s' must be a path or a mapping with "
				      "'path' (and 'sha256')", key->text);
	}
	if ((rc = fl_value_expect(path, FL_VALUE_SCALAR, "'path'", err)) < 0)
		return rc;
	if (path->text[0] == '\0')
		return fl_value_error(err, path, FL_EINVAL, "'path' is empty");
	if ((rc = dup_str(&in->path, path->text, err)) < 0)
		return rc;
	if (!(in->abs_path = join_path(r->dir, in->path)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	return 0;
}

static int parse_inputs(fl_recipe *r, fl_err *err)
{
	const fl_value *m = fl_value_get(r->doc, "inputs");
	int rc;

	if (!m)
		return 0;
	if ((rc = fl_value_expect(m, FL_VALUE_MAP, "'inputs'", err)) < 0)
		return rc;
	if (!(r->inputs = calloc(m->n ? m->n : 1, sizeof(*r->inputs))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < m->n; i++) {
		r->n_inputs++; /* counted first, so a half-parsed one is freed too */
		if ((rc = parse_input(r, &r->inputs[i], m->keys[i], m->items[i], err)) < 0)
			return rc;
	}
	return 0;
}

/* The slot name a list-form reference gets: the part after the last '/'. */
static const char *default_slot(const char *ref)
{
	const char *s = strrchr(ref, '/');
	return s ? s + 1 : ref;
}

static int add_ref(fl_step_def *st, const char *slot, const fl_value *ref,
		   fl_err *err)
{
	fl_step_ref *x = &st->inputs[st->n_inputs];
	int rc;

	if ((rc = fl_value_expect(ref, FL_VALUE_SCALAR, "an input reference", err)) < 0)
		return rc;
	for (size_t i = 0; i < st->n_inputs; i++)
		if (!strcmp(st->inputs[i].slot, slot))
			return fl_value_error(err, ref, FL_EINVAL,
					      "step '%s' has two inputs named '%s'", st->name,
					      slot);
	x->node = ref;
	st->n_inputs++; /* counted first, so a half-made one is freed too */
	if ((rc = dup_str(&x->slot, slot, err)) < 0)
		return rc;
	return dup_str(&x->text, ref->text, err);
}

static int parse_step_inputs(fl_step_def *st, fl_err *err)
{
	const fl_value *v = fl_value_get(st->node, "inputs");
	int rc = 0;

	if (!v)
		return 0;
	if (v->type == FL_VALUE_SCALAR)
		return fl_value_error(err, v, FL_EINVAL,
				      "'inputs' must be a list of references or a mapping "
				      "of names to references");
	if (!(st->inputs = calloc(v->n ? v->n : 1, sizeof(*st->inputs))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < v->n && rc == 0; i++) {
		if (v->type == FL_VALUE_MAP)
			rc = check_name(v->keys[i], "input name", err);
		if (rc == 0 && v->type == FL_VALUE_SEQ &&
		    v->items[i]->type != FL_VALUE_SCALAR)
			rc = fl_value_expect(v->items[i], FL_VALUE_SCALAR,
					     "an input reference", err);
		if (rc == 0)
			rc = add_ref(st,
				     v->type == FL_VALUE_MAP ? v->keys[i]->text
							     : default_slot(v->items[i]->text),
				     v->items[i], err);
	}
	return rc;
}

static int check_slots(const fl_step_def *st, fl_err *err)
{
	const fl_slot *slots = st->kind->inputs;
	const char *names[64];
	size_t n = 0;

	if (!slots)
		return 0;
	for (; slots[n].name && n < 63; n++)
		names[n] = slots[n].name;
	names[n] = NULL;
	for (size_t i = 0; i < st->n_inputs; i++) {
		size_t j;
		for (j = 0; j < n && strcmp(names[j], st->inputs[i].slot); j++)
			;
		if (j < n)
			continue;
		const char *near = fl_suggest(st->inputs[i].slot, names);
		return fl_value_error(err, st->inputs[i].node, FL_EINVAL,
				      "kind '%s' has no input '%s'%s%s%s", st->kind->name,
				      st->inputs[i].slot, near ? "; did you mean '" : "",
				      near ? near : "", near ? "'?" : "");
	}
	for (size_t j = 0; j < n; j++) {
		size_t i;
		for (i = 0; i < st->n_inputs && strcmp(names[j], st->inputs[i].slot); i++)
			;
		if (i == st->n_inputs && !slots[j].optional)
			return fl_value_error(err, st->node, FL_EINVAL,
					      "step '%s' lacks input '%s' (kind '%s' needs it)",
					      st->name, names[j], st->kind->name);
	}
	return 0;
}

static int add_output(fl_step_def *st, const char *name, fl_err *err)
{
	char **o = realloc(st->outputs, (st->n_outputs + 2) * sizeof(*o));

	if (!o)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	st->outputs = o;
	if (!(o[st->n_outputs] = strdup(name)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	o[++st->n_outputs] = NULL;
	return 0;
}

/* A kind's output "*.EXT": one output per input slot, in input order,
 * named SLOT when the slot already ends with EXT, else SLOT.EXT. */
static int add_per_input(fl_step_def *st, const char *ext, fl_err *err)
{
	char name[512];
	size_t le = strlen(ext);
	int rc;

	for (size_t i = 0; i < st->n_inputs; i++) {
		const char *slot = st->inputs[i].slot;
		size_t ls = strlen(slot);
		int has = ls > le && !strcmp(slot + ls - le, ext);
		snprintf(name, sizeof(name), "%s%s", slot, has ? "" : ext);
		for (size_t j = 0; j < st->n_outputs; j++)
			if (!strcmp(st->outputs[j], name))
				return fl_value_error(err, st->inputs[i].node, FL_EINVAL,
						      "step '%s': input '%s' would write '%s', "
						      "as another input does; rename one",
						      st->name, slot, name);
		if ((rc = add_output(st, name, err)) < 0)
			return rc;
	}
	return 0;
}

static int parse_outputs(fl_step_def *st, fl_err *err)
{
	const fl_value *v = fl_value_get(st->node, "outputs");
	int rc;

	if (st->kind->outputs) {
		if (v)
			return fl_value_error(err, fl_value_key(st->node, "outputs"), FL_EINVAL,
					      "kind '%s' names its own outputs; remove 'outputs'",
					      st->kind->name);
		for (size_t i = 0; st->kind->outputs[i]; i++)
			if ((rc = st->kind->outputs[i][0] == '*'
					  ? add_per_input(st, st->kind->outputs[i] + 1, err)
					  : add_output(st, st->kind->outputs[i], err)) < 0)
				return rc;
		return 0;
	}
	if (!v)
		return fl_value_error(err, st->node, FL_EINVAL,
				      "step '%s' must declare its 'outputs' (kind '%s')",
				      st->name, st->kind->name);
	if ((rc = fl_value_expect(v, FL_VALUE_SEQ, "'outputs'", err)) < 0)
		return rc;
	if (v->n == 0)
		return fl_value_error(err, v, FL_EINVAL, "'outputs' is empty");
	for (size_t i = 0; i < v->n; i++) {
		if ((rc = fl_value_expect(v->items[i], FL_VALUE_SCALAR, "an output", err)) < 0 ||
		    (rc = check_name(v->items[i], "output name", err)) < 0)
			return rc;
		for (size_t j = 0; j < st->n_outputs; j++)
			if (!strcmp(st->outputs[j], v->items[i]->text))
				return fl_value_error(err, v->items[i], FL_EINVAL,
						      "output '%s' is declared twice",
						      v->items[i]->text);
		if ((rc = add_output(st, v->items[i]->text, err)) < 0)
			return rc;
	}
	return 0;
}

static int parse_kind(fl_step_def *st, fl_err *err)
{
	const char *names[128];
	const fl_value *v;
	size_t n = 0;
	int rc;

	if ((rc = require(st->node, "kind", "a step", &v, err)) < 0 ||
	    (rc = fl_value_expect(v, FL_VALUE_SCALAR, "'kind'", err)) < 0)
		return rc;
	if ((st->kind = fl_step_kind_find(v->text)))
		return 0;
	for (; fl_step_kinds[n] && n < 127; n++)
		names[n] = fl_step_kinds[n]->name;
	names[n] = NULL;
	const char *near = fl_suggest(v->text, names);
	if (near)
		return fl_value_error(err, v, FL_EINVAL,
				      "unknown step kind '%s'; did you mean '%s'?", v->text, near);
	return fl_value_error(err, v, FL_EINVAL,
			      "unknown step kind '%s' (`floe check --kinds` lists them)",
			      v->text);
}

/* Let the kind check what the schema cannot (placeholders, maps). */
static int kind_check(const fl_recipe *r, const fl_step_def *st, fl_err *err)
{
	fl_step_io io[64];
	fl_step_ctx ctx = { 0 };

	if (!st->kind->check)
		return 0;
	for (size_t i = 0; i < st->n_inputs && i < 64; i++)
		io[i] = (fl_step_io){ st->inputs[i].slot, NULL };
	ctx.step = st->name;
	ctx.inputs = io;
	ctx.n_inputs = st->n_inputs < 64 ? st->n_inputs : 64;
	ctx.outputs = (const char *const *)st->outputs;
	ctx.n_outputs = st->n_outputs;
	ctx.params = st->params;
	ctx.node = st->node;
	ctx.seed = r->seed;
	ctx.n_threads = 1;
	return st->kind->check(&ctx, err);
}

static int parse_step(fl_recipe *r, fl_step_def *st, const fl_value *v, fl_phase ph,
		      fl_err *err)
{
	const fl_value *name;
	int rc;

	st->node = v;
	st->phase = ph;
	if ((rc = fl_value_expect(v, FL_VALUE_MAP, "a step", err)) < 0 ||
	    (rc = check_keys(v, step_keys, "a step", err)) < 0 ||
	    (rc = require(v, "name", "a step", &name, err)) < 0 ||
	    (rc = fl_value_expect(name, FL_VALUE_SCALAR, "'name'", err)) < 0 ||
	    (rc = check_name(name, "step name", err)) < 0 ||
	    (rc = dup_str(&st->name, name->text, err)) < 0)
		return rc;
	for (size_t i = 0; i + 1 < r->n_steps; i++)
		if (!strcmp(r->steps[i].name, st->name))
			return fl_value_error(err, name, FL_EINVAL,
					      "step name '%s' is used twice (first at line %d)",
					      st->name, r->steps[i].node->pos.line);
	for (size_t i = 0; i < r->n_inputs; i++)
		if (!strcmp(r->inputs[i].name, st->name))
			return fl_value_error(err, name, FL_EINVAL,
					      "step name '%s' is also an input's name", st->name);
	if (r->container && (rc = dup_str(&st->container, r->container, err)) < 0)
		return rc;
	if ((rc = parse_kind(st, err)) < 0 || (rc = opt_str(v, "description", &st->description, err)) < 0 ||
	    (rc = opt_container(v, &st->container, err)) < 0 ||
	    (rc = parse_step_inputs(st, err)) < 0 || (rc = check_slots(st, err)) < 0 ||
	    (rc = parse_outputs(st, err)) < 0 ||
	    (rc = fl_params_check(&st->params, st->kind->params, fl_value_get(v, "params"),
				  v, err)) < 0)
		return rc;
	return 0;
}

static int parse_phases(fl_recipe *r, fl_err *err)
{
	size_t total = 0;
	int rc;

	for (int p = 0; p < 3; p++) {
		const fl_value *s = fl_value_get(r->doc, phase_keys[p]);
		if (s && (rc = fl_value_expect(s, FL_VALUE_SEQ, phase_keys[p], err)) < 0)
			return rc;
		total += s ? s->n : 0;
	}
	if (total == 0)
		return fl_value_error(err, r->doc, FL_EINVAL,
				      "the recipe has no steps (give 'prepare', 'develop' or "
				      "'implement' a list of steps)");
	if (!(r->steps = calloc(total, sizeof(*r->steps))))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (int p = 0; p < 3; p++) {
		const fl_value *s = fl_value_get(r->doc, phase_keys[p]);
		for (size_t i = 0; s && i < s->n; i++) {
			r->n_steps++;
			if ((rc = parse_step(r, &r->steps[r->n_steps - 1], s->items[i],
					     (fl_phase)p, err)) < 0)
				return rc;
			if ((rc = kind_check(r, &r->steps[r->n_steps - 1], err)) < 0)
				return rc;
		}
	}
	return 0;
}

static int parse_header(fl_recipe *r, fl_err *err)
{
	const fl_value *v;
	int64_t ver, seed;
	int rc;

	if ((rc = fl_value_expect(r->doc, FL_VALUE_MAP, "a recipe", err)) < 0 ||
	    (rc = check_keys(r->doc, top_keys, "the recipe", err)) < 0 ||
	    (rc = require(r->doc, "floe", "the recipe (the format version, 'floe: 1')", &v,
			  err)) < 0 ||
	    (rc = fl_value_int(v, "'floe'", &ver, err)) < 0)
		return rc;
	if (ver != FL_RECIPE_FORMAT)
		return fl_value_error(err, v, FL_EINVAL,
				      "recipe format %lld is not supported; this floe reads 'floe: %d'",
				      (long long)ver, FL_RECIPE_FORMAT);
	if ((rc = require(r->doc, "name", "the recipe", &v, err)) < 0 ||
	    (rc = fl_value_expect(v, FL_VALUE_SCALAR, "'name'", err)) < 0 ||
	    (rc = check_name(v, "recipe name", err)) < 0 ||
	    (rc = dup_str(&r->name, v->text, err)) < 0 ||
	    (rc = opt_str(r->doc, "description", &r->description, err)) < 0 ||
	    (rc = opt_container(r->doc, &r->container, err)) < 0)
		return rc;
	if ((v = fl_value_get(r->doc, "seed"))) {
		if ((rc = fl_value_int(v, "'seed'", &seed, err)) < 0)
			return rc;
		if (seed < 0)
			return fl_value_error(err, v, FL_EINVAL, "'seed' must be 0 or more");
		r->seed = (uint64_t)seed;
	}
	return 0;
}

static int set_paths(fl_recipe *r, const char *name, const char *dir, fl_err *err)
{
	char cwd[PATH_MAX];
	int rc;

	if ((rc = dup_str(&r->path, name, err)) < 0)
		return rc;
	if (dir[0] == '/')
		return dup_str(&r->dir, dir, err);
	if (!getcwd(cwd, sizeof(cwd)))
		return fl_err_sys(err, 0, "finding the current folder");
	if (!strcmp(dir, "."))
		return dup_str(&r->dir, cwd, err);
	if (asprintf(&r->dir, "%s/%s", cwd, dir) < 0) {
		r->dir = NULL;
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	return 0;
}

int fl_recipe_load_buf(fl_recipe **out, const char *buf, size_t len,
		       const char *name, const char *dir, fl_err *err)
{
	fl_recipe *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (!r)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = set_paths(r, name, dir, err)) < 0 ||
	    (rc = fl_value_parse_buf(&r->doc, buf, len, name, err)) < 0 ||
	    (rc = parse_header(r, err)) < 0 || (rc = parse_inputs(r, err)) < 0 ||
	    (rc = parse_phases(r, err)) < 0 || (rc = fl_graph_resolve(r, err)) < 0) {
		fl_recipe_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int fl_recipe_load(fl_recipe **out, const char *path, fl_err *err)
{
	char *buf = NULL, *copy = NULL, *slash;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = fl_read_file(path, &buf, &len, err)) < 0)
		return rc;
	if (!(copy = strdup(path))) {
		free(buf);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	slash = strrchr(copy, '/');
	if (slash == copy)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	rc = fl_recipe_load_buf(out, buf, len, path, slash ? copy : ".", err);
	free(copy);
	free(buf);
	return rc;
}

long fl_recipe_find_step(const fl_recipe *r, const char *name)
{
	for (size_t i = 0; i < r->n_steps; i++)
		if (!strcmp(r->steps[i].name, name))
			return (long)i;
	return -1;
}

static void step_free(fl_step_def *st)
{
	free(st->name);
	free(st->description);
	for (size_t i = 0; i < st->n_inputs; i++) {
		free(st->inputs[i].slot);
		free(st->inputs[i].text);
	}
	free(st->inputs);
	for (size_t i = 0; i < st->n_outputs; i++)
		free(st->outputs[i]);
	free(st->outputs);
	fl_value_free(st->params);
	free(st->container);
}

void fl_recipe_free(fl_recipe *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_inputs; i++) {
		free(r->inputs[i].name);
		free(r->inputs[i].path);
		free(r->inputs[i].abs_path);
	}
	free(r->inputs);
	for (size_t i = 0; i < r->n_steps; i++)
		step_free(&r->steps[i]);
	free(r->steps);
	free(r->order);
	free(r->name);
	free(r->description);
	free(r->container);
	free(r->path);
	free(r->dir);
	fl_value_free(r->doc);
	free(r);
}
