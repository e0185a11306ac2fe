/* kinds.c - the one table of step kinds: later issues add rows here. */
#include "recipe/kinds.h"

#include <string.h>

const fl_step_kind *const fl_step_kinds[] = {
	&fl_kind_command,
	&fl_kind_develop,
	&fl_kind_implement,
	/* add new kinds here, one row each: &fl_kind_<name>, */
	NULL,
};

const fl_step_kind *fl_step_kind_find(const char *name)
{
	for (const fl_step_kind *const *k = fl_step_kinds; *k; k++)
		if (!strcmp((*k)->name, name))
			return *k;
	return NULL;
}
