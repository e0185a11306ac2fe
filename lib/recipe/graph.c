/* graph.c - resolve references, check phases, find cycles, order steps. */
#include "recipe/graph.h"

#include <stdlib.h>
#include <string.h>

#include "recipe/recipe.h"
#include "recipe/suggest.h"

static int out_index(const fl_step_def *st, const char *name)
{
	for (size_t i = 0; i < st->n_outputs; i++)
		if (!strcmp(st->outputs[i], name))
			return (int)i;
	return -1;
}

static int undefined(const fl_recipe *r, const fl_step_def *st, const fl_step_ref *x,
		     const char *word, fl_err *err)
{
	const char **names = calloc(r->n_inputs + r->n_steps + 1, sizeof(*names));
	const char *near;
	size_t n = 0;
	int rc;

	if (!names)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->n_inputs; i++)
		names[n++] = r->inputs[i].name;
	for (size_t i = 0; i < r->n_steps; i++)
		names[n++] = r->steps[i].name;
	near = fl_suggest(word, names);
	rc = fl_value_error(err, x->node, FL_EINVAL,
			    "step '%s' input '%s': '%s' is not an input or a step%s%s%s",
			    st->name, x->slot, word, near ? "; did you mean '" : "",
			    near ? near : "", near ? "'?" : "");
	free(names);
	return rc;
}

static int bad_output(const fl_step_def *st, const fl_step_def *up, const fl_step_ref *x,
		      const char *name, fl_err *err)
{
	const char *near = fl_suggest(name, (const char *const *)up->outputs);

	return fl_value_error(err, x->node, FL_EINVAL,
			      "step '%s' input '%s': step '%s' has no output '%s'%s%s%s",
			      st->name, x->slot, up->name, name,
			      near ? "; did you mean '" : "", near ? near : "",
			      near ? "'?" : "");
}

/* "STEP/OUTPUT" */
static int resolve_step_output(fl_recipe *r, fl_step_def *st, fl_step_ref *x,
			       fl_err *err)
{
	char *slash = strchr(x->text, '/');
	long s;
	int o;

	*slash = '\0';
	s = fl_recipe_find_step(r, x->text);
	*slash = '/';
	if (s < 0) {
		char word[256];
		size_t n = (size_t)(slash - x->text);
		if (n >= sizeof(word))
			n = sizeof(word) - 1;
		memcpy(word, x->text, n);
		word[n] = '\0';
		return undefined(r, st, x, word, err);
	}
	if ((o = out_index(&r->steps[s], slash + 1)) < 0)
		return bad_output(st, &r->steps[s], x, slash + 1, err);
	x->is_step = 1;
	x->index = (size_t)s;
	x->output = (size_t)o;
	return 0;
}

static int resolve_ref(fl_recipe *r, fl_step_def *st, fl_step_ref *x, fl_err *err)
{
	long s;

	if (strchr(x->text, '/'))
		return resolve_step_output(r, st, x, err);
	for (size_t i = 0; i < r->n_inputs; i++) {
		if (!strcmp(r->inputs[i].name, x->text)) {
			x->is_step = 0;
			x->index = i;
			return 0;
		}
	}
	if ((s = fl_recipe_find_step(r, x->text)) < 0)
		return undefined(r, st, x, x->text, err);
	if (r->steps[s].n_outputs != 1)
		return fl_value_error(err, x->node, FL_EINVAL,
				      "step '%s' input '%s': step '%s' has %zu outputs; "
				      "name one, as '%s/%s'", st->name, x->slot, x->text,
				      r->steps[s].n_outputs, x->text, r->steps[s].outputs[0]);
	x->is_step = 1;
	x->index = (size_t)s;
	x->output = 0;
	return 0;
}

static int check_phase(const fl_recipe *r, const fl_step_def *st, const fl_step_ref *x,
		       fl_err *err)
{
	const fl_step_def *up = &r->steps[x->index];

	if (!x->is_step || up->phase <= st->phase)
		return 0;
	return fl_value_error(err, x->node, FL_EINVAL,
			      "step '%s' (%s) cannot use step '%s' (%s): a step uses "
			      "inputs, its own phase and earlier phases only",
			      st->name, fl_phase_name(st->phase), up->name,
			      fl_phase_name(up->phase));
}

/* Depth-first search; on a back edge, report the cycle. color: 0 new,
 * 1 on the stack, 2 done. stack holds the current path. */
static int dfs(const fl_recipe *r, size_t s, unsigned char *color, size_t *stack,
	       size_t depth, fl_err *err)
{
	const fl_step_def *st = &r->steps[s];
	int rc;

	color[s] = 1;
	stack[depth] = s;
	for (size_t i = 0; i < st->n_inputs; i++) {
		const fl_step_ref *x = &st->inputs[i];
		if (!x->is_step || color[x->index] == 2)
			continue;
		if (color[x->index] == 1) {
			char path[1024] = "";
			size_t k = depth + 1;
			while (k > 0 && stack[k - 1] != x->index)
				k--;
			for (size_t j = k - 1; j <= depth; j++) {
				strncat(path, r->steps[stack[j]].name, sizeof(path) - strlen(path) - 5);
				strncat(path, " -> ", sizeof(path) - strlen(path) - 1);
			}
			strncat(path, r->steps[x->index].name, sizeof(path) - strlen(path) - 1);
			/* stack order is consumer -> producer; say it as data flows. */
			return fl_value_error(err, x->node, FL_EINVAL,
					      "cycle: %s (each step uses the next one's output)",
					      path);
		}
		if ((rc = dfs(r, x->index, color, stack, depth + 1, err)) < 0)
			return rc;
	}
	color[s] = 2;
	return 0;
}

static int find_cycles(const fl_recipe *r, fl_err *err)
{
	unsigned char *color = calloc(r->n_steps, 1);
	size_t *stack = calloc(r->n_steps + 1, sizeof(*stack));
	int rc = 0;

	if (!color || !stack)
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	for (size_t s = 0; rc == 0 && s < r->n_steps; s++)
		if (!color[s])
			rc = dfs(r, s, color, stack, 0, err);
	free(color);
	free(stack);
	return rc;
}

/* Kahn's algorithm, always taking the lowest ready index: recipe order
 * whenever dependencies allow it. */
static int topo_order(fl_recipe *r, fl_err *err)
{
	unsigned char *done = calloc(r->n_steps, 1);
	size_t n = 0;

	if (!done || !(r->order = calloc(r->n_steps, sizeof(*r->order)))) {
		free(done);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	while (n < r->n_steps) {
		size_t s;
		for (s = 0; s < r->n_steps; s++) {
			size_t i;
			const fl_step_def *st = &r->steps[s];
			if (done[s])
				continue;
			for (i = 0; i < st->n_inputs; i++)
				if (st->inputs[i].is_step && !done[st->inputs[i].index])
					break;
			if (i == st->n_inputs)
				break;
		}
		done[s] = 1; /* acyclic, so s < n_steps */
		r->order[n++] = s;
	}
	free(done);
	return 0;
}

int fl_graph_resolve(fl_recipe *r, fl_err *err)
{
	int rc;

	for (size_t s = 0; s < r->n_steps; s++) {
		fl_step_def *st = &r->steps[s];
		for (size_t i = 0; i < st->n_inputs; i++)
			if ((rc = resolve_ref(r, st, &st->inputs[i], err)) < 0 ||
			    (rc = check_phase(r, st, &st->inputs[i], err)) < 0)
				return rc;
	}
	if ((rc = find_cycles(r, err)) < 0)
		return rc;
	return topo_order(r, err);
}

void fl_graph_downstream(const fl_recipe *r, size_t s, unsigned char *out)
{
	out[s] = 1;
	for (size_t k = 0; k < r->n_steps; k++) {
		size_t t = r->order[k];
		for (size_t i = 0; i < r->steps[t].n_inputs; i++) {
			const fl_step_ref *x = &r->steps[t].inputs[i];
			if (x->is_step && out[x->index])
				out[t] = 1;
		}
	}
}
