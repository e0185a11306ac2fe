/* cmd_dag.c - `floe dag RECIPE`: the step graph, as text or Graphviz. */
#include <stdio.h>

#include "cli.h"
#include "recipe_cli.h"

static void print_text(const fl_recipe *r)
{
	for (size_t i = 0; i < r->n_inputs; i++)
		printf("input %s (%s)\n", r->inputs[i].name, r->inputs[i].path);
	for (size_t k = 0; k < r->n_steps; k++) {
		const fl_step_def *st = &r->steps[r->order[k]];
		printf("%s %s [%s]\n", fl_phase_name(st->phase), st->name, st->kind->name);
		for (size_t i = 0; i < st->n_inputs; i++)
			printf("  <- %s (as %s)\n", st->inputs[i].text, st->inputs[i].slot);
	}
}

static void print_dot(const fl_recipe *r)
{
	printf("digraph \"%s\" {\n  rankdir=LR;\n", r->name);
	for (size_t i = 0; i < r->n_inputs; i++)
		printf("  \"in:%s\" [shape=note, label=\"%s\"];\n", r->inputs[i].name,
		       r->inputs[i].name);
	for (size_t s = 0; s < r->n_steps; s++)
		printf("  \"%s\" [shape=box, label=\"%s\\n%s\"];\n", r->steps[s].name,
		       r->steps[s].name, r->steps[s].kind->name);
	for (size_t s = 0; s < r->n_steps; s++) {
		const fl_step_def *st = &r->steps[s];
		for (size_t i = 0; i < st->n_inputs; i++) {
			const fl_step_ref *x = &st->inputs[i];
			if (x->is_step)
				printf("  \"%s\" -> \"%s\" [label=\"%s\"];\n",
				       r->steps[x->index].name, st->name,
				       r->steps[x->index].outputs[x->output]);
			else
				printf("  \"in:%s\" -> \"%s\";\n", r->inputs[x->index].name,
				       st->name);
		}
	}
	printf("}\n");
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = { { "dot", no_argument, NULL, 'd' },
					      { 0, 0, 0, 0 } };
	fl_recipe *r;
	int c, code = 0, dot = 0;

	while ((c = cli_getopt(cmd, argc, argv, "", opts, &code)) != -1) {
		if (c == '?')
			return code;
		dot = 1;
	}
	if (optind + 1 != argc)
		return cli_usage_error(cmd, optind == argc ? "no recipe given"
							   : "give exactly one recipe");
	if (!(r = cli_load_recipe(argv[optind], &code)))
		return code;
	if (dot)
		print_dot(r);
	else
		print_text(r);
	fl_recipe_free(r);
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_dag = {
	"dag", "print the step graph of a recipe",
	"floe dag [--dot] RECIPE",
	"Prints the inputs, then each step in the order it runs with what it\n"
	"reads (an input, or STEP/OUTPUT).\n"
	"\noptions:\n"
	"  --dot   print Graphviz instead (floe dag --dot r.yaml | dot -Tsvg)\n",
	run,
};
