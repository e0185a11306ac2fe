/* docker.h - the Docker engine, seen through its command-line client: is it
 * there, is an image there, what does floe inside an image report, save and
 * load images, and run the client with an argument vector (never a shell).
 *
 *   fl_docker *d = NULL;
 *   const json_t *env;
 *   if (fl_docker_open(&d, &err) < 0 ||                    // installed? running?
 *       fl_docker_image_env(d, "sha256:...", &env, &err) < 0) ...   // missing image
 *   fl_docker_free(d);
 *
 * The client is /usr/bin/docker (the `docker` first on PATH may be another
 * client); FLOE_DOCKER names a different one (tests use it to play "not
 * installed"). */
#ifndef FL_DOCKER_H
#define FL_DOCKER_H

#include <jansson.h>
#include <signal.h>

#include "core/err.h"

typedef struct fl_docker fl_docker;

/* What one run of the client gave back. */
typedef struct fl_docker_result {
	int status;     /* wait() status of the client */
	char *out;      /* all of stdout, NUL-terminated (owned; free()) */
	char err[2048]; /* the last bytes of stderr, NUL-terminated */
} fl_docker_result;

/* Find the client and check that the engine answers. FL_ENOTFOUND when
 * Docker is not installed, FL_EFAIL when its engine is not running; both
 * messages say what to do. *out owned by the caller (fl_docker_free). */
int fl_docker_open(fl_docker **out, fl_err *err);

void fl_docker_free(fl_docker *d);

/* Run the client with `args` (NULL-terminated, without the program name).
 * stdin from `in_path` (NULL: /dev/null). When *stop becomes nonzero the
 * client gets SIGINT once (it passes it to the container). res->out must be
 * freed by the caller, whatever the return. Returns 0 once the client ran
 * (look at res->status), < 0 when it could not be started. */
int fl_docker_exec(fl_docker *d, const char *const *args, const char *in_path,
		   const volatile sig_atomic_t *stop, fl_docker_result *res, fl_err *err);

/* Run the client like fl_docker_exec, but 0 only when it exited 0;
 * otherwise FL_EFAIL "WHAT failed: <its last line of stderr>". With
 * `out`, *out receives all of stdout (caller frees). */
int fl_docker_run_ok(fl_docker *d, const char *const *args, const char *in_path, char **out,
		     const char *what, fl_err *err);

/* Whether `image` (an ID or a name) is on this machine: 1 yes, 0 no. With
 * `id_out` (65+7 bytes) the full ID "sha256:<64 hex>" is copied there. */
int fl_docker_image_exists(fl_docker *d, const char *image, char *id_out, fl_err *err);

/* The error for an image that is not on this machine: how to build or load it. */
int fl_docker_missing_image(const char *image, fl_err *err);

/* floe's environment record as `floe version --json` prints it inside
 * `image` (no network, read-only, no capabilities, non-root), cached per
 * image for the life of `d`. FL_ENOTFOUND when the image is absent.
 * *out borrowed from `d`. */
int fl_docker_image_env(fl_docker *d, const char *image, const json_t **out, fl_err *err);

/* `docker save` of `image` into the file `path` (written atomically). */
int fl_docker_save(fl_docker *d, const char *image, const char *path, fl_err *err);

/* `docker load` from the file `path`. */
int fl_docker_load(fl_docker *d, const char *path, fl_err *err);

/* `docker build` of the context folder `dir` (its Dockerfile) tagged
 * `tag`, with no network (`--network none`: only COPY and metadata
 * instructions belong in such a build). `id_out` (72 bytes) receives
 * the new image's ID. */
int fl_docker_build(fl_docker *d, const char *dir, const char *tag, char *id_out,
		    fl_err *err);

/* The environment variables a container gets from the host so that it
 * computes the same bits: every OPENBLAS_* variable that is set, as
 * "NAME=value" strings appended as "-e", "NAME=value" pairs to `args`
 * from index *n (capacity `cap`). Returns -1 when `args` is full. */
int fl_docker_env_args(const char **args, size_t *n, size_t cap);

#endif
