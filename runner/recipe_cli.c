/* recipe_cli.c - helpers shared by the recipe commands. */
#include "recipe_cli.h"

#include "cli.h"

fl_recipe *cli_load_recipe(const char *path, int *code)
{
	fl_err err = FL_ERR_INIT;
	fl_recipe *r = NULL;

	if (fl_recipe_load(&r, path, &err) < 0) {
		*code = cli_fail(&err);
		return NULL;
	}
	return r;
}

const char *cli_state_word(fl_step_state s)
{
	return s == FL_STEP_UP_TO_DATE ? "up to date" : s == FL_STEP_RESTORE ? "restore" : "stale";
}
