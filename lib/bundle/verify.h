/* verify.h - `floe verify`: check a bundle's signature and entries, re-run
 * every step from the bundle's own inputs in a fresh temporary workspace,
 * and compare every output with its recorded digest (bitwise, or within a
 * numeric tolerance for CSV outputs); also list how the environment differs
 * from the recorded one. */
#ifndef FL_VERIFY_H
#define FL_VERIFY_H

#include <jansson.h>

#include "bundle/bundle.h"
#include "core/err.h"
#include "core/log.h"
#include "run/run.h"

typedef struct fl_verify_opts {
	const char *pubkey;          /* required signer (PEM public key) or NULL */
	double rel, abs;             /* tolerance (default 1e-9, 1e-12) */
	int n_threads;               /* 0: all cores */
	const fl_progress *progress; /* may be NULL */
	fl_executor executor;        /* FL_EXEC_AUTO: every step where it ran (its
					recorded image); FL_EXEC_LOCAL: all in
					this process (inside a published image) */
} fl_verify_opts;

#define FL_VERIFY_OPTS_INIT { NULL, 1e-9, 1e-12, 0, NULL, FL_EXEC_AUTO }

typedef enum fl_verify_verdict {
	FL_VERIFY_BITWISE = 0,   /* every output reproduced bit for bit */
	FL_VERIFY_TOLERANCE = 1, /* some only within the tolerance */
	FL_VERIFY_DIFFERENT = 2, /* some output differs */
} fl_verify_verdict;

typedef struct fl_verify_result {
	fl_verify_verdict verdict;
	json_t *outputs;   /* [{path, result: bitwise|tolerance|different|missing,
			       max_abs, max_rel}] (owned) */
	json_t *env_diffs; /* ["libraries.openssl: recorded X, here Y", ...] (owned) */
	json_t *images_loaded; /* ["sha256:..."]: images loaded from the bundle
				  because they were not on this machine (owned) */
	fl_bundle_sig sig; /* signature state */
	char key_id[65];   /* signer's key id when signed */
} fl_verify_result;

/* Verify `path`. Errors (damaged or tampered bundle, bad signature, a step
 * that fails) return < 0; otherwise *res says what was reproduced. Steps
 * re-run where they ran: a step recorded in an image runs in it (under
 * FL_EXEC_AUTO), and an image the bundle holds (`floe bundle
 * --with-image`) is loaded into Docker first when it is not on this
 * machine. */
int fl_verify_bundle(const char *path, const fl_verify_opts *o, fl_verify_result *res,
		     fl_err *err);

void fl_verify_result_clear(fl_verify_result *res);

#endif
