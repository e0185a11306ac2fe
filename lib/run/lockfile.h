/* lockfile.h - the lock file beside the recipe (<recipe>.lock, YAML),
 * rewritten atomically after every run: per step its state, key, key
 * fields (kind, params, input digests, seed, versions, container), output
 * digests and times, and the environment record. `floe why` reads the
 * last key of each step back from it. Format in docs/store.md. */
#ifndef FL_LOCKFILE_H
#define FL_LOCKFILE_H

#include <jansson.h>

#include "core/err.h"
#include "recipe/recipe.h"

#define FL_LOCKFILE_FORMAT 1

/* The lock file's path for a recipe: its path with .yaml/.yml replaced by
 * .lock (or .lock appended). Caller frees. */
char *fl_lockfile_path(const char *recipe_path);

/* Write the lock: `steps` maps step names to their entries, `status` is
 * "complete", "failed" or "interrupted". */
int fl_lockfile_write(const char *path, const fl_recipe *r, const json_t *env,
		      const json_t *steps, const char *status, fl_err *err);

/* {step name: key hex} of the last successful run of each step recorded
 * in the lock at `path` (an empty object when there is no lock). */
int fl_lockfile_last_keys(const char *path, json_t **out, fl_err *err);

#endif
