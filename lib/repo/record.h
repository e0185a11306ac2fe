/* record.h - the record of one model version: what `floe models show`
 * prints, built at `add` from the bundle's manifest and the model file in
 * it. Lineage: the bundle (file digest, identity digest, signer), the model
 * (object digest, entry, producing step, kind, parameters, metrics, input
 * schema), the recipe, the input digests and the environment. Keys in
 * docs/models-repo.md. */
#ifndef FL_RECORD_H
#define FL_RECORD_H

#include <jansson.h>
#include <stdint.h>

#include "bundle/bundle.h"
#include "core/err.h"
#include "core/sha256.h"
#include "ml/modelfile.h"

#define FL_RECORD_VERSION 1
#define FL_RECORD_KEY "floe-model"

/* Where a record's facts come from (all borrowed). */
typedef struct fl_record_src {
	const fl_bundle *bundle;     /* opened bundle (manifest, digest) */
	const char *source;          /* the file the user added */
	const fl_digest *bundle_obj; /* SHA-256 of the bundle file's bytes */
	uint64_t bundle_bytes;
	const char *signed_by;       /* signer key id, or NULL */
	const char *entry;           /* the model's path in the bundle */
	const fl_modelfile *mf;      /* the model file, parsed */
	const fl_digest *model_obj;  /* SHA-256 of the model file */
	uint64_t model_bytes;
} fl_record_src;

/* A new record (name and version are set when it is published). *out is a
 * new reference. */
int fl_record_build(json_t **out, const fl_record_src *s, fl_err *err);

/* The digest stored at rec[part].object ("bundle" or "model"). */
int fl_record_object(const json_t *rec, const char *part, fl_digest *out, fl_err *err);

/* Check a parsed record's version and shape; `name` for messages. */
int fl_record_check(const json_t *rec, const char *name, fl_err *err);

#endif
