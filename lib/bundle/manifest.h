/* manifest.h - the bundle manifest (.floe-bundle/manifest.json): a versioned
 * JSON document with an identity part, whose canonical serialisation's
 * SHA-256 is the bundle digest, and a run-specific part it does not cover.
 *
 *   {
 *     "floe-bundle": 1,
 *     "digest": "<hex SHA-256 of canonical(identity)>",
 *     "identity": { "entries": [ {path, size, sha256, role}, ... ], ... },
 *     "run":      { "entries": [ ... ], "host": ..., "timings": ... }
 *   }
 *
 * canonical(x): JSON with object keys sorted bytewise, no whitespace,
 * non-ASCII escaped as \uXXXX (jansson JSON_COMPACT | JSON_SORT_KEYS |
 * JSON_ENSURE_ASCII). Every archive entry except the manifest and the
 * signature is listed in identity.entries or run.entries, and its content is
 * checked against the listing when the bundle is read. The manifest is a
 * plain jansson object: callers add their own keys to "identity" and "run". */
#ifndef FL_MANIFEST_H
#define FL_MANIFEST_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "core/sha256.h"

#define FL_MANIFEST_VERSION 1
#define FL_MANIFEST_KEY "floe-bundle"

/* A new, empty manifest (new reference in *out, json_decref()). */
int fl_manifest_new(json_t **out, fl_err *err);

/* The identity ("identity") or run-specific ("run") part (borrowed). */
json_t *fl_manifest_part(json_t *m, const char *part);

/* List an entry in part's "entries": its path in the archive, size, content
 * digest and role ("recipe", "lock", "input", "output", "model",
 * "metadata", "environment"...). */
int fl_manifest_add_entry(json_t *m, const char *part, const char *path,
			  uint64_t size, const fl_digest *d, const char *role,
			  fl_err *err);

/* SHA-256 of canonical(identity). */
int fl_manifest_digest(const json_t *m, fl_digest *out, fl_err *err);

/* Sort both entry lists by path, compute the digest and store it under
 * "digest"; *out (may be NULL) receives it. Call before dumping. */
int fl_manifest_finish(json_t *m, fl_digest *out, fl_err *err);

/* The file's bytes: indented, keys sorted, final newline (*out malloc'd,
 * owned by caller). Deterministic for a given manifest. */
int fl_manifest_dump(const json_t *m, char **out, size_t *len, fl_err *err);

/* Parse and check a manifest: JSON, the version (a newer one is refused
 * with both numbers named), the shape of both entry lists, and that the
 * stored digest matches canonical(identity) (FL_EMISMATCH otherwise).
 * *out: new reference. `name` is used in messages. */
int fl_manifest_parse(const char *buf, size_t len, const char *name, json_t **out,
		      fl_err *err);

/* The paths of every entry (both lists) whose role is `role`, as a new
 * object {path: true}; NULL when out of memory. */
json_t *fl_manifest_role_paths(const json_t *m, const char *role);

/* Checks archive entries against a parsed manifest. */
typedef struct fl_manifest_check fl_manifest_check;

/* *out owned by caller (fl_manifest_check_free). `m` is borrowed and must
 * outlive the checker. */
int fl_manifest_check_new(fl_manifest_check **out, const json_t *m, fl_err *err);

/* One archive entry: FL_EMISMATCH naming it when it is not listed or its
 * size or digest differ (both digests shown). */
int fl_manifest_check_entry(fl_manifest_check *c, const char *path, uint64_t size,
			    const fl_digest *d, fl_err *err);

/* After the last entry: FL_EMISMATCH naming the first listed entry that
 * was not seen (a truncated or stripped archive). */
int fl_manifest_check_complete(const fl_manifest_check *c, fl_err *err);

void fl_manifest_check_free(fl_manifest_check *c);

#endif
