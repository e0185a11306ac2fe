/* artifact.h - a step output (a file or a folder of files) described as
 * JSON, put into the object store, checked in place, and restored.
 *
 *   file:   {"type": "file", "sha256": HEX, "mode": "644"}
 *   folder: {"type": "dir", "sha256": HEX (the floe-tree-1 Merkle digest),
 *            "entries": [{"path": "a/b.csv", "type": "f", "mode": "644",
 *                         "sha256": HEX}, {"path": "a", "type": "d"}, ...]}
 * Outputs hold regular files and folders only (no links or devices). */
#ifndef FL_ARTIFACT_H
#define FL_ARTIFACT_H

#include <jansson.h>

#include "core/err.h"
#include "store/statcache.h"
#include "store/store.h"

/* Describe `path` and put every file of it into the store. *out is a new
 * reference. `what` names the output in messages. */
int fl_artifact_store(json_t **out, fl_store *s, const char *path, const char *what,
		      fl_err *err);

/* Whether `path` currently holds the artifact (*match 1) or not (0:
 * missing or different), using the stat cache so unchanged files are not
 * read. */
int fl_artifact_matches(const json_t *a, const char *path, fl_statcache *sc,
			int n_threads, int *match, fl_err *err);

/* 1 when every object the artifact needs is in the store. */
int fl_artifact_available(const fl_store *s, const json_t *a);

/* Write the artifact at `dst` (which must not exist) from the store,
 * verifying every object. */
int fl_artifact_restore(fl_store *s, const json_t *a, const char *dst, fl_err *err);

/* The artifact's digest (its "sha256"), FL_EINVAL when malformed. */
int fl_artifact_digest(const json_t *a, fl_digest *out, fl_err *err);

#endif
