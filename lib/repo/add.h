/* add.h - `floe models add`: store a bundle and the model file in it as a
 * new, immutable version of a model, with its lineage.
 *
 * The bundle is read once (it may be a pipe) into a temporary object while
 * being hashed; its manifest and signature are checked, then every entry is
 * read and checked against the manifest, and the output entries that are
 * floe model files are kept as temporary objects. Only then, under the
 * writers' lock, are the objects renamed into place and the version record
 * linked in: a process killed at any point leaves no half version (at most
 * files in ROOT/tmp, which fsck reports). */
#ifndef FL_REPO_ADD_H
#define FL_REPO_ADD_H

#include <jansson.h>

#include "bundle/tarx.h"
#include "core/err.h"
#include "core/log.h"
#include "repo/repo.h"

typedef struct fl_repo_add_opts {
	const char *model;           /* which model when the bundle holds several:
				      * its entry path, file name or step name;
				      * NULL: the bundle must hold exactly one */
	const fl_tarx_limits *limits; /* NULL: the defaults */
	const fl_progress *progress; /* may be NULL */
	int n_threads;               /* 0: all cores; hashing the bundle file and
				      * checking its entries run side by side */
} fl_repo_add_opts;

#define FL_REPO_ADD_OPTS_INIT { NULL, NULL, NULL, 0 }

/* Add `bundle` as the next version of `name` (a valid model name). `r` must
 * be opened for writing. *version receives the new number; *record (may be
 * NULL) the stored record (new reference). */
int fl_repo_add(fl_repo *r, const char *bundle, const char *name,
		const fl_repo_add_opts *opts, long *version, json_t **record, fl_err *err);

#endif
