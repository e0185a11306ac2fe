/* bundlemodel.h - the model a bundle holds: the output entries that are
 * floe model files (found by their magic bytes), the one to use, read from
 * the archive, checked against the manifest and loaded. `floe predict`
 * and a published image's `predict` apply a bundle's model this way.
 *
 *   fl_model *m = NULL;
 *   char *entry = NULL;
 *   fl_bundle_model_load(&m, "run.floe.tar.zst", NULL, &entry, &err);
 *   // entry: "out/demo/fit/model.floe"
 */
#ifndef FL_BUNDLEMODEL_H
#define FL_BUNDLEMODEL_H

#include <jansson.h>

#include "bundle/bundle.h"
#include "core/err.h"
#include "ml/model.h"

#define FL_BUNDLE_MODEL_MAX (8ull << 30) /* largest model file read */

/* Every output entry of `b` that is a floe model file, sorted bytewise
 * (new JSON array of paths in *out). */
int fl_bundle_model_list(const fl_bundle *b, json_t **out, fl_err *err);

/* The entry of the model to use (*entry malloc'd, owned by the caller):
 * `which` names it (the entry's path, or its end after a '/', such as
 * "fit/model.floe"); NULL means the only model of the bundle.
 * FL_ENOTFOUND when the bundle holds no model (or none matches `which`),
 * FL_EINVAL when several match (the message lists them). */
int fl_bundle_model_choose(const fl_bundle *b, const char *which, char **entry,
			   fl_err *err);

/* Open the bundle `path` and load its model (chosen as above). *out owned
 * by the caller (fl_model_free); *entry (may be NULL) receives the entry
 * used (caller frees). */
int fl_bundle_model_load(fl_model **out, const char *path, const char *which,
			 char **entry, fl_err *err);

/* 1 when the file starts like a bundle (a zstd frame), 0 otherwise. */
int fl_bundle_model_is_bundle(const char *path);

/* A model file, or the only model of a bundle: whichever `path` is. */
int fl_bundle_model_open(fl_model **out, const char *path, fl_err *err);

#endif
