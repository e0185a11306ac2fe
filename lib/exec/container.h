/* container.h - the docker executor: run one recipe step inside a pinned
 * image, as `floe exec-step` in that image, with no network, a read-only
 * root, no capabilities, a non-root user, and only the recipe file, the
 * step's inputs (read-only) and its output folder mounted.
 *
 * Mounts: the recipe at /floe/recipe/NAME, input i at /floe/in/i/BASENAME,
 * the (empty, private) output folder at /floe/out. The host's OPENBLAS_*
 * variables are passed in so that kernels match the in-process run.
 * FLOE_CONTAINER_MEMORY (e.g. "512m") caps the container's memory. */
#ifndef FL_CONTAINER_H
#define FL_CONTAINER_H

#include <signal.h>
#include <stddef.h>

#include "core/err.h"
#include "exec/docker.h"

/* The user a container runs as when floe itself runs as root (the image's
 * `floe` user); otherwise floe's own uid:gid, so outputs belong to the user. */
#define FL_CONTAINER_UID 10001

typedef struct fl_container_step {
	const char *image;                 /* image ID, "sha256:<64 hex>" */
	const char *recipe_path;           /* the recipe file on the host */
	const char *step;                  /* the step's name */
	const char *const *inputs;         /* host paths, in the step's input order */
	size_t n_inputs;
	const char *out_dir;               /* empty host folder for the outputs */
	int n_threads;                     /* >= 1 */
	const volatile sig_atomic_t *stop; /* Ctrl-C; may be NULL */
} fl_container_step;

/* Run the step. 0 once the container exited 0 (its outputs are in
 * out_dir and belong to floe's user); FL_EINTR when stopped; otherwise an
 * error that says why: the step's own message, killed by a signal, out of
 * memory, the image missing. On failure out_dir may hold partial files:
 * the caller discards it. */
int fl_container_run_step(fl_docker *d, const fl_container_step *s, fl_err *err);

#endif
