/* summary.h - what `floe models list` shows of a version, and the
 * per-model cache of it, ROOT/models/NAME/list.json, so that listing reads
 * one small file per model instead of every record:
 *
 *   {"floe-model-list": 1, "versions": {"1": {summary}, "2": {...}}}
 *
 * The records stay the truth. Writers rewrite the cache (atomically, under
 * the writers' lock) after each add and rm; a reader uses the cache only
 * for versions the versions folder says are live, and reads the record of
 * any live version the cache lacks (an add killed between linking its
 * record and updating the cache). fsck compares the cache with the
 * records. */
#ifndef FL_SUMMARY_H
#define FL_SUMMARY_H

#include <jansson.h>

#include "core/err.h"
#include "repo/repo.h"

/* The summary of a record as a new object: {name, version, kind, task,
 * added, user, bundle_digest, metric: {name, value} | null}. */
json_t *fl_summary_of(const json_t *rec);

/* The headline metric of a record's model: held-out (else training)
 * accuracy, r2, silhouette, explained variance or inertia, as a new
 * {name, value} object, or NULL when it has none of them. */
json_t *fl_summary_headline(const json_t *rec);

/* The cached summaries of `name` keyed by version ("3"), as a new object;
 * an absent or unreadable cache gives an empty one (it is only a cache). */
json_t *fl_summary_read(const fl_repo *r, const char *name);

/* Lock held: set (rec != NULL) or drop (rec == NULL) the summary of
 * NAME@version in the cache. */
int fl_summary_update(fl_repo *r, const char *name, long version, const json_t *rec,
		      fl_err *err);

#endif
