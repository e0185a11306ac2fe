/* kinds.h - the one table of step kinds. A new kind adds its extern line
 * here and its row in kinds.c (see recipe/step.h for the interface). */
#ifndef FL_KINDS_H
#define FL_KINDS_H

#include "recipe/step.h"

/* --- every kind, one line each (keep in the order of kinds.c) --- */
extern const fl_step_kind fl_kind_command; /* recipe/kind_command.c */
extern const fl_step_kind fl_kind_load; /* data/kind_load.c */
extern const fl_step_kind fl_kind_select; /* data/kind_columns.c */
extern const fl_step_kind fl_kind_drop; /* data/kind_columns.c */
extern const fl_step_kind fl_kind_dropna; /* data/kind_dropna.c */
extern const fl_step_kind fl_kind_filter; /* data/kind_filter.c */
extern const fl_step_kind fl_kind_impute; /* data/kind_impute.c */
extern const fl_step_kind fl_kind_encode; /* data/kind_encode.c */
extern const fl_step_kind fl_kind_scale; /* data/kind_scale.c */
extern const fl_step_kind fl_kind_split; /* data/kind_split.c */
extern const fl_step_kind fl_kind_kfold; /* data/kind_kfold.c */
extern const fl_step_kind fl_kind_rebalance; /* data/kind_rebalance.c */
extern const fl_step_kind fl_kind_develop; /* develop/kind_develop.c */
extern const fl_step_kind fl_kind_implement; /* develop/kind_implement.c */
extern const fl_step_kind fl_kind_image_features; /* media/kind_image_features.c */
extern const fl_step_kind fl_kind_audio_features; /* media/kind_audio_features.c */
extern const fl_step_kind fl_kind_detect; /* media/kind_detect.c */

/* The table, NULL-terminated. */
extern const fl_step_kind *const fl_step_kinds[];

/* The kind called `name`, or NULL. */
const fl_step_kind *fl_step_kind_find(const char *name);

#endif
