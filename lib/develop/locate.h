/* locate.h - a recipe's develop steps found in its workspace: their
 * output folders, whether they are up to date, their reports (for
 * `floe report`) and their chosen models (for `floe predict RECIPE`). */
#ifndef FL_LOCATE_H
#define FL_LOCATE_H

#include <jansson.h>

#include "core/err.h"
#include "core/log.h"

/* Split "RECIPE[:STEP]" (the recipe's name ends in .yaml or .yml; a
 * colon after it starts the step name). *recipe and *step are new strings
 * (caller frees; *step NULL when absent). 1 when `spec` names a recipe,
 * 0 when it does not (a model file), negative on failure. */
int fl_locate_parse(const char *spec, char **recipe, char **step, fl_err *err);

/* The reports of the develop steps of `recipe` (all, or only `step`), as
 * a new JSON object {recipe, name, steps: [{step, state ("up to date",
 * "restore", "stale"), reason, dir, report: <report.json> | null}]}.
 * A step that is not a develop step, or a recipe without one, is
 * FL_EINVAL; a step that never ran has "report": null. */
int fl_locate_reports(const char *recipe, const char *step, int n_threads,
		      const fl_progress *progress, json_t **out, fl_err *err);

/* The chosen model of `recipe`'s develop step `step` (NULL: the recipe's
 * only develop step), as a new path (caller frees). The step must be up to
 * date: stale or never run is FL_EINVAL saying to run the recipe first. */
int fl_locate_model(const char *recipe, const char *step, int n_threads,
		    char **path, fl_err *err);

#endif
