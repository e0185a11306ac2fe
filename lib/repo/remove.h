/* remove.h - `floe models rm NAME@V`: remove one version.
 *
 * The version number is never given again (a tombstone N.removed stays),
 * so NAME@N can never come to mean another model. While aliases point at
 * the version, rm refuses and names them, unless `force`, which removes
 * those aliases too. Objects no other version uses are deleted. */
#ifndef FL_REPO_REMOVE_H
#define FL_REPO_REMOVE_H

#include <jansson.h>

#include "core/err.h"
#include "repo/repo.h"

/* Remove NAME@V (`ref` must name the version by number). *aliases (may be
 * NULL) receives the removed aliases (new array); *freed (may be NULL) the
 * number of objects deleted. */
int fl_repo_rm(fl_repo *r, const char *ref, int force, json_t **aliases, int *freed,
	       fl_err *err);

/* Lock held: delete every object that no live version names; *freed (may
 * be NULL) counts them. */
int fl_repo_collect(fl_repo *r, int *freed, fl_err *err);

#endif
