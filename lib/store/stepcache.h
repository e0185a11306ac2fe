/* stepcache.h - the step cache: one JSON record per step key in
 * <workspace>/steps/<key>.json, holding the key's fields (so `floe why`
 * can diff them), the outputs (artifacts in the store) and the timings.
 * A record is written only after all its objects are safely stored. */
#ifndef FL_STEPCACHE_H
#define FL_STEPCACHE_H

#include <jansson.h>

#include "core/err.h"
#include "core/sha256.h"

#define FL_STEPCACHE_FORMAT "floe-step-record-1"

/* The record for `key` (new reference), FL_ENOTFOUND when there is none.
 * A damaged record counts as none (with a warning). */
int fl_stepcache_get(const char *ws, const fl_digest *key, json_t **out, fl_err *err);

/* Write the record for `key` atomically. */
int fl_stepcache_put(const char *ws, const fl_digest *key, const json_t *rec,
		     fl_err *err);

#endif
