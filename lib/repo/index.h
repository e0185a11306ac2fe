/* index.h - the repository's index: which models exist, their versions
 * (one small record file per version, ROOT/models/NAME/versions/N.json),
 * removed versions (N.removed, so a number is never given twice) and
 * aliases (ROOT/models/NAME/aliases/ALIAS holding "N"). Reading needs no
 * lock; the changing functions must be called with the writers' lock held
 * (fl_repo_lock). */
#ifndef FL_INDEX_H
#define FL_INDEX_H

#include <jansson.h>

#include "core/err.h"
#include "repo/modelref.h"
#include "repo/repo.h"

/* The versions of one model. */
typedef struct fl_versions {
	long *live;      /* existing versions, ascending */
	size_t n_live;
	long *removed;   /* removed versions, ascending */
	size_t n_removed;
	long highest;    /* highest number ever given (live or removed), 0: none */
} fl_versions;

/* The model names, sorted (*names: malloc'd array of malloc'd strings;
 * free with fl_index_names_free). A missing folder gives none. */
int fl_index_names(const fl_repo *r, char ***names, size_t *n, fl_err *err);
void fl_index_names_free(char **names, size_t n);

/* The versions of `name` (all zero when there is no such model). Free
 * with fl_versions_clear. */
int fl_index_versions(const fl_repo *r, const char *name, fl_versions *out, fl_err *err);
void fl_versions_clear(fl_versions *v);

/* Read the record of NAME@V (*out new reference). FL_ENOTFOUND when absent. */
int fl_index_read(const fl_repo *r, const char *name, long version, json_t **out,
		  fl_err *err);

/* The aliases of `name` as a new object {alias: version}. */
int fl_index_aliases(const fl_repo *r, const char *name, json_t **out, fl_err *err);

/* Resolve a reference to a live version. Messages: "no model named 'x' in
 * ROOT (models: a, b)", "x has no version 7 (versions: 1, 2, 4)", "x@3 was
 * removed", "x has no alias 'prod' (aliases: ...)". FL_ENOTFOUND for all. */
int fl_index_resolve(const fl_repo *r, const fl_modelref *ref, long *version, fl_err *err);

/* Lock held: publish `rec` as the next version of `name` (its "name" and
 * "version" keys are set here); *version receives the number. */
int fl_index_add(fl_repo *r, const char *name, json_t *rec, long *version, fl_err *err);

/* Lock held: point `alias` at NAME@V (replacing where it pointed). */
int fl_index_alias_set(fl_repo *r, const char *name, const char *alias, long version,
		       fl_err *err);

/* Lock held: remove an alias (FL_ENOTFOUND when absent). */
int fl_index_alias_remove(fl_repo *r, const char *name, const char *alias, fl_err *err);

/* Lock held: mark NAME@V removed (a tombstone first, then the record goes). */
int fl_index_remove(fl_repo *r, const char *name, long version, fl_err *err);

/* "1, 2, 4" (malloc'd) for messages. */
char *fl_versions_text(const fl_versions *v);

#endif
