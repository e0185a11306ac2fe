/* recipe_cli.c - helpers shared by the recipe commands. */
#include "recipe_cli.h"

#include <string.h>

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

int cli_parse_executor(const char *s, fl_executor *out)
{
	static const char *const names[] = { "auto", "local", "docker" };

	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*out = (fl_executor)i;
			return 0;
		}
	return -1;
}
