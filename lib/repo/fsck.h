/* fsck.h - `floe models fsck`: check the whole repository. Every object is
 * hashed and compared with its name; every record is read and must name
 * objects that exist; every alias must point at a live version. Problems
 * name the file and the versions concerned; notes (not problems) count
 * objects no version uses and leftover temporary files of interrupted adds. */
#ifndef FL_REPO_FSCK_H
#define FL_REPO_FSCK_H

#include <jansson.h>

#include "core/err.h"
#include "core/log.h"
#include "repo/repo.h"

/* Check `r` with `n_threads` hashing threads (0: all cores). *report (new
 * reference): {objects, versions, aliases: counts, problems: [{path,
 * problem}], unreferenced: [hex], temporary: [path]}. Returns 0 when the
 * check ran (problems or not); negative only when it could not. */
int fl_repo_fsck(const fl_repo *r, int n_threads, const fl_progress *progress,
		 json_t **report, fl_err *err);

#endif
