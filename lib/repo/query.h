/* query.h - reading the repository: the list of versions and one version's
 * record (what `floe models list` and `floe models show` print). No lock
 * is taken; see repo.h for why readers are safe. */
#ifndef FL_REPO_QUERY_H
#define FL_REPO_QUERY_H

#include <jansson.h>

#include "core/err.h"
#include "repo/repo.h"

/* Every live version (of `name`, or of every model when NULL), sorted by
 * name then version, as a new array of {name, version, aliases:[...],
 * kind, task, added, user, bundle_digest, metric:{name, value}|null}. */
int fl_repo_list(const fl_repo *r, const char *name, json_t **out, fl_err *err);

/* The record of `ref` ("NAME", "NAME@N", "NAME@ALIAS") with "aliases": the
 * aliases pointing at it. *out new reference. */
int fl_repo_show(const fl_repo *r, const char *ref, json_t **out, fl_err *err);

#endif
