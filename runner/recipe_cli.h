/* recipe_cli.h - what the recipe commands (check, run, status, why, dag)
 * share: loading the recipe with a uniform message, and step-state words. */
#ifndef FL_RECIPE_CLI_H
#define FL_RECIPE_CLI_H

#include "recipe/recipe.h"
#include "run/run.h"

/* Load `path`; on failure print the error and return NULL (*code = 1). */
fl_recipe *cli_load_recipe(const char *path, int *code);

/* Parse --executor (auto, local, docker); -1 when unknown. */
int cli_parse_executor(const char *s, fl_executor *out);

/* "up to date", "restore", "stale". */
const char *cli_state_word(fl_step_state s);

#endif
