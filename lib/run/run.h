/* run.h - a recipe in its workspace: the status of every step (up to
 * date, restorable from the store, or stale and why), running what is
 * stale, restoring what was deleted, and the lock file.
 *
 * Layout beside the recipe (docs/store.md):
 *   .floe/objects/    content-addressed store     .floe/steps/  step records
 *   .floe/statcache-NAME  stat cache              .floe/tmp/    staging
 *   .floe/run.lock    one run at a time           out/NAME/STEP/OUTPUT  outputs
 *   NAME.lock         the lock file (YAML)
 *
 *   fl_run *run = NULL;
 *   fl_run_opts o = FL_RUN_OPTS_INIT;
 *   if (fl_run_open(&run, recipe, &o, &err) < 0 || fl_run_execute(run, &err) < 0) ...
 *   for each step s: fl_run_status(run, s)->outcome
 *   fl_run_free(run);
 */
#ifndef FL_RUN_H
#define FL_RUN_H

#include <jansson.h>
#include <signal.h>

#include "core/err.h"
#include "core/log.h"
#include "core/sha256.h"
#include "recipe/recipe.h"

typedef enum fl_step_state {
	FL_STEP_UP_TO_DATE = 0, /* cached and its outputs are in place */
	FL_STEP_RESTORE = 1,    /* cached; an output is missing or changed */
	FL_STEP_STALE = 2,      /* must run */
} fl_step_state;

typedef enum fl_step_outcome {
	FL_OUTCOME_NONE = 0,     /* not reached (or a plan only) */
	FL_OUTCOME_CACHED = 1,   /* nothing to do */
	FL_OUTCOME_RESTORED = 2, /* outputs restored from the store */
	FL_OUTCOME_RAN = 3,      /* ran and was stored */
	FL_OUTCOME_FAILED = 4,   /* ran and failed (nothing stored) */
} fl_step_outcome;

typedef struct fl_step_status {
	fl_step_state state;     /* from the last plan */
	char reason[768];        /* why it is stale or restorable */
	int key_known;           /* 0 while an upstream step is stale */
	fl_digest key;           /* valid when key_known */
	json_t *fields;          /* key fields (owned by the run) */
	json_t *record;          /* the step record when cached (owned) */
	fl_step_outcome outcome; /* what fl_run_execute did */
	double wall_s, cpu_s;    /* time spent by this run on it */
} fl_step_status;

/* Where steps run (docs/containers.md). */
typedef enum fl_executor {
	FL_EXEC_AUTO = 0,   /* in this process; a step with `container:` in it */
	FL_EXEC_LOCAL = 1,  /* every step in this process, `container:` ignored */
	FL_EXEC_DOCKER = 2, /* every step in a container: its `container:` or
			       the run's image */
} fl_executor;

typedef struct fl_run_opts {
	int n_threads;                     /* 0: all cores */
	const fl_progress *progress;       /* may be NULL */
	const volatile sig_atomic_t *stop; /* Ctrl-C flag; may be NULL */
	fl_executor executor;              /* FL_EXEC_AUTO by default */
	const char *image;                 /* image (ID or name) for steps without
					      `container:` under FL_EXEC_DOCKER */
} fl_run_opts;

#define FL_RUN_OPTS_INIT { 0, NULL, NULL, FL_EXEC_AUTO, NULL }

typedef struct fl_run fl_run;

/* Open `r`'s workspace (creating .floe/ if needed). `r` and `opts` must
 * outlive the run. *out owned by the caller (fl_run_free). */
int fl_run_open(fl_run **out, const fl_recipe *r, const fl_run_opts *opts,
		fl_err *err);

/* Work out every step's state without changing anything but the stat
 * cache. A missing input, or one that does not match its pinned sha256,
 * is an error. */
int fl_run_plan(fl_run *run, fl_err *err);

/* Take the workspace lock, then for each step in order: nothing when up
 * to date, restore from the store, or run. Stops at the first failure or
 * on Ctrl-C (FL_EINTR); what finished stays cached. Writes the lock file
 * in every case. */
int fl_run_execute(fl_run *run, fl_err *err);

/* The status of step `s` (recipe index). Borrowed. */
const fl_step_status *fl_run_status(const fl_run *run, size_t s);

/* What changed for step `s` since its last recorded run, one line each
 * (new JSON array of strings in *out; empty when nothing changed). Call
 * after fl_run_plan. *has_last is 0 when the step never ran. */
int fl_run_why(fl_run *run, size_t s, json_t **out, int *has_last, fl_err *err);

/* Files read for hashing (not answered by the stat cache) so far. */
uint64_t fl_run_files_hashed(const fl_run *run);

/* Path of the lock file (borrowed). */
const char *fl_run_lock_path(const fl_run *run);

void fl_run_free(fl_run *run);

#endif
