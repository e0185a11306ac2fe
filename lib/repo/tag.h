/* tag.h - movable aliases: `floe models tag NAME@V ALIAS` points ALIAS at
 * a version (moving it when it pointed elsewhere); untag removes it.
 * Versions never change; aliases are the only thing that moves. */
#ifndef FL_REPO_TAG_H
#define FL_REPO_TAG_H

#include "core/err.h"
#include "repo/repo.h"

/* Point `alias` at the version `ref` resolves to (under the writers'
 * lock). *version receives it; *previous the version the alias pointed at
 * before (0: it is new). */
int fl_repo_tag(fl_repo *r, const char *ref, const char *alias, long *version,
		long *previous, fl_err *err);

/* Remove NAME@ALIAS (FL_ENOTFOUND naming the aliases that exist). */
int fl_repo_untag(fl_repo *r, const char *ref, fl_err *err);

#endif
