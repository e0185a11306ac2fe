/* rocrate.h - the Workflow Run RO-Crate description of a run
 * (ro-crate-metadata.json at the archive root): RO-Crate 1.1 with the
 * Process Run Crate 0.1, Workflow Run Crate 0.1 and Workflow RO-Crate 1.0
 * profiles. The recipe is the crate's mainEntity, a ComputationalWorkflow;
 * one CreateAction has it as instrument, the inputs as object and the
 * outputs as result, each a File entity with contentSize and sha256. */
#ifndef FL_ROCRATE_H
#define FL_ROCRATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define FL_ROCRATE_FILE "ro-crate-metadata.json"

/* A file the run read or wrote. Strings borrowed. */
typedef struct fl_rocrate_file {
	const char *path;   /* path in the crate (inside the archive) */
	uint64_t size;      /* bytes */
	const char *sha256; /* hex digest */
	int embedded;       /* 0: not in the crate (bundle made with --no-data) */
	const char *origin; /* where it came from when not embedded; may be NULL */
} fl_rocrate_file;

/* What the crate describes. Strings borrowed; times may be NULL. */
typedef struct fl_rocrate_info {
	const char *name;          /* recipe name */
	const char *description;   /* recipe description (NULL: generated) */
	const char *recipe_path;   /* the recipe file in the crate */
	uint64_t recipe_size;
	const char *recipe_sha256;
	const char *floe_version;  /* the engine's version */
	const char *start_time;    /* ISO 8601 or NULL */
	const char *end_time;      /* ISO 8601 or NULL */
	const fl_rocrate_file *inputs;
	size_t n_inputs;
	const fl_rocrate_file *outputs;
	size_t n_outputs;
} fl_rocrate_info;

/* Build the JSON-LD document (new reference in *out). */
int fl_rocrate_build(const fl_rocrate_info *info, json_t **out, fl_err *err);

/* The @id of a path: percent-encoded except unreserved characters and '/'
 * (malloc'd, caller frees). */
char *fl_rocrate_id(const char *path);

#endif
