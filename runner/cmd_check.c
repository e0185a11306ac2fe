/* cmd_check.c - `floe check RECIPE`: validate a recipe and list its steps;
 * `floe check --kinds`: list the step kinds and their parameters. */
#include <stdio.h>

#include "cli.h"
#include "recipe/kinds.h"
#include "recipe/params.h"
#include "recipe_cli.h"

static void print_kinds(void)
{
	for (const fl_step_kind *const *k = fl_step_kinds; *k; k++) {
		printf("%s: %s\n", (*k)->name, (*k)->summary);
		for (const fl_param_spec *p = (*k)->params; p && p->name; p++)
			printf("  %-20s %s%s, %s%s%s\n", p->name, fl_param_type_name(p->type),
			       p->required ? ", required" : "", p->help ? p->help : "",
			       p->def ? "; default " : "", p->def ? p->def : "");
		for (const fl_slot *s = (*k)->inputs; s && s->name; s++)
			printf("  input %s%s\n", s->name, s->optional ? " (optional)" : "");
		for (const char *const *o = (*k)->outputs; o && *o; o++)
			if ((*o)[0] == '*')
				printf("  outputs: one per input, SLOT%s\n", *o + 1);
			else
				printf("  output %s\n", *o);
		if (!(*k)->outputs)
			printf("  outputs: declared in the recipe\n");
	}
}

static void print_step(const fl_step_def *st)
{
	printf("  %-9s %-20s %s", fl_phase_name(st->phase), st->name, st->kind->name);
	for (size_t i = 0; i < st->n_inputs; i++)
		printf("%s%s=%s", i ? ", " : "  <- ", st->inputs[i].slot, st->inputs[i].text);
	for (size_t o = 0; o < st->n_outputs; o++)
		printf("%s%s", o ? ", " : "  -> ", st->outputs[o]);
	putchar('\n');
}

static int run(const fl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = { { "kinds", no_argument, NULL, 'k' },
					      { 0, 0, 0, 0 } };
	fl_recipe *r;
	int c, code = 0, kinds = 0;

	while ((c = cli_getopt(cmd, argc, argv, "", opts, &code)) != -1) {
		if (c == '?')
			return code;
		kinds = 1;
	}
	if (kinds && optind == argc) {
		print_kinds();
		return FL_EXIT_OK;
	}
	if (optind + 1 != argc)
		return cli_usage_error(cmd, optind == argc ? "no recipe given"
							   : "give exactly one recipe");
	if (!(r = cli_load_recipe(argv[optind], &code)))
		return code;
	printf("%s: recipe '%s' is valid: %zu inputs, %zu steps\n", r->path, r->name,
	       r->n_inputs, r->n_steps);
	for (size_t k = 0; k < r->n_steps; k++)
		print_step(&r->steps[r->order[k]]);
	fl_recipe_free(r);
	return FL_EXIT_OK;
}

const fl_cmd fl_cmd_check = {
	"check", "validate a recipe and list its steps",
	"floe check RECIPE | floe check --kinds",
	"Reads the recipe strictly: an unknown key, a wrong type, a missing field,\n"
	"a reference to an undefined input or step, or a cycle is an error with\n"
	"file:line:column (and the nearest valid key for a misspelt one). Input\n"
	"files are not read. The steps are listed in the order they run.\n"
	"\noptions:\n"
	"  --kinds   list the step kinds, their parameters, inputs and outputs\n",
	run,
};
