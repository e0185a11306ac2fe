/* fetch.h - taking things out of the repository: a version's bundle back
 * as a file (`floe models get`) and its model ready to apply (`floe
 * predict NAME@V`). Every object is checked against its digest on the way:
 * a tampered one is refused (FL_EMISMATCH) and nothing is written. */
#ifndef FL_REPO_FETCH_H
#define FL_REPO_FETCH_H

#include <jansson.h>

#include "core/err.h"
#include "ml/model.h"
#include "repo/repo.h"

/* Copy the bundle of `ref` into folder `dir` (created when missing) under
 * the file name it was added with. *written (may be NULL): its path
 * (caller frees). */
int fl_repo_get(const fl_repo *r, const char *ref, const char *dir, char **written,
		fl_err *err);

/* Load the model of `ref`: the object is read, checked against its digest,
 * parsed (the model file's own checksum too), and its input schema
 * compared with the one in the record. *out owned by the caller
 * (fl_model_free); *record (may be NULL) receives the record. */
int fl_repo_load_model(const fl_repo *r, const char *ref, fl_model **out, json_t **record,
		       fl_err *err);

#endif
