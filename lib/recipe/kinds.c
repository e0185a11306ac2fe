/* kinds.c - the one table of step kinds: later issues add rows here. */
#include "recipe/kinds.h"

#include <string.h>

const fl_step_kind *const fl_step_kinds[] = {
	&fl_kind_command,
	&fl_kind_load,
	&fl_kind_select,
	&fl_kind_drop,
	&fl_kind_dropna,
	&fl_kind_filter,
	&fl_kind_impute,
	&fl_kind_encode,
	&fl_kind_scale,
	&fl_kind_split,
	&fl_kind_kfold,
	&fl_kind_rebalance,
	&fl_kind_develop,
	&fl_kind_implement,
	&fl_kind_image_features,
	&fl_kind_audio_features,
	&fl_kind_detect,
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
