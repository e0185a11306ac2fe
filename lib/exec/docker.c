/* docker.c - the Docker engine through its command-line client. */
#define _GNU_SOURCE
#include "exec/docker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/atomic.h"

#define OUT_MAX (16u << 20) /* stdout kept: enough for any `version --json` */

extern char **environ;

struct fl_docker {
	char *client;  /* path of the docker client */
	json_t *envs;  /* {image: environment record} */
};

static const char *client_path(void)
{
	const char *p = getenv("FLOE_DOCKER");

	return p && *p ? p : "/usr/bin/docker";
}

/* The last line of `s` with text, for one-line messages. */
static void last_line(const char *s, char *out, size_t cap)
{
	const char *end = s + strlen(s), *b;

	while (end > s && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	for (b = end; b > s && b[-1] != '\n'; b--)
		;
	snprintf(out, cap, "%.*s", (int)(end - b), b);
}

/* --- running the client ------------------------------------------------ */

static void child(const char *client, const char *const *args, const char *in_path,
		  int out_fd, int err_fd)
{
	const char *argv[256];
	size_t n = 0;
	int in = open(in_path ? in_path : "/dev/null", O_RDONLY);

	argv[n++] = "docker";
	for (; args[n - 1] && n < 255; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	if (in < 0 || dup2(in, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(127);
	/* A fresh process group: a Ctrl-C at the terminal reaches floe, which
	 * passes it on once (the client forwards it to the container). */
	setpgid(0, 0);
	execv(client, (char *const *)argv);
	_exit(127);
}

static int append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = (*len + n + 1) * 2;
		char *b = realloc(*buf, c);
		if (!b)
			return -1;
		*buf = b;
		*cap = c;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

static void keep_tail(char *tail, size_t cap, const char *s, size_t n)
{
	size_t have = strlen(tail);

	if (n >= cap - 1) {
		memcpy(tail, s + n - (cap - 1), cap - 1);
		tail[cap - 1] = '\0';
		return;
	}
	if (have + n >= cap) {
		size_t drop = have + n - (cap - 1);
		memmove(tail, tail + drop, have - drop + 1);
		have -= drop;
	}
	memcpy(tail + have, s, n);
	tail[have + n] = '\0';
}

/* Read both pipes until they close, passing on a stop request once. */
static int pump(int fo, int fe, pid_t pid, const volatile sig_atomic_t *stop,
		fl_docker_result *res)
{
	struct pollfd p[2] = { { fo, POLLIN, 0 }, { fe, POLLIN, 0 } };
	size_t len = 0, cap = 0;
	int open_n = 2, stopped = 0;
	char buf[8192];

	while (open_n > 0) {
		if (stop && *stop && !stopped) {
			kill(pid, SIGINT);
			stopped = 1;
		}
		if (poll(p, 2, 200) < 0 && errno != EINTR)
			return -1;
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(p[i].fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				p[i].fd = -1;
				open_n--;
			} else if (i == 1) {
				keep_tail(res->err, sizeof(res->err), buf, (size_t)n);
			} else if (len + (size_t)n > OUT_MAX ||
				   append(&res->out, &len, &cap, buf, (size_t)n) < 0) {
				return -1;
			}
		}
	}
	if (!res->out && !(res->out = calloc(1, 1)))
		return -1;
	return 0;
}

int fl_docker_exec(fl_docker *d, const char *const *args, const char *in_path,
		   const volatile sig_atomic_t *stop, fl_docker_result *res, fl_err *err)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, rc = 0;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		rc = fl_err_sys(err, errno, "creating a pipe for docker");
		goto cleanup;
	}
	if ((pid = fork()) < 0) {
		rc = fl_err_sys(err, errno, "starting %s", d->client);
		goto cleanup;
	}
	if (pid == 0)
		child(d->client, args, in_path, po[1], pe[1]);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	if (pump(po[0], pe[0], pid, stop, res) < 0)
		rc = fl_err_set(err, FL_ENOMEM, "reading what docker printed: out of memory");
	while (waitpid(pid, &res->status, 0) < 0)
		if (errno != EINTR) {
			rc = fl_err_sys(err, errno, "waiting for docker");
			break;
		}
	if (rc == 0 && WIFEXITED(res->status) && WEXITSTATUS(res->status) == 127 &&
	    !res->err[0])
		rc = fl_err_set(err, FL_EFAIL, "could not run %s", d->client);
cleanup:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	return rc;
}

/* Run the client; 0 when it exited 0, otherwise an error naming `what`
 * with its last line of stderr. */
static int exec_ok(fl_docker *d, const char *const *args, const char *in_path,
		   char **out, const char *what, fl_err *err)
{
	fl_docker_result res;
	char line[512];
	int rc = fl_docker_exec(d, args, in_path, NULL, &res, err);

	if (rc == 0 && !(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0)) {
		last_line(res.err, line, sizeof(line));
		rc = fl_err_set(err, FL_EFAIL, "%s failed: %s", what,
				line[0] ? line : "docker exited with an error");
	}
	if (rc == 0 && out)
		*out = res.out;
	else
		free(res.out);
	return rc;
}

int fl_docker_run_ok(fl_docker *d, const char *const *args, const char *in_path, char **out,
		     const char *what, fl_err *err)
{
	if (out)
		*out = NULL;
	return exec_ok(d, args, in_path, out, what, err);
}

/* --- the engine ------------------------------------------------------- */

int fl_docker_open(fl_docker **out, fl_err *err)
{
	static const char *const args[] = { "version", "--format", "{{.Server.Version}}",
					    NULL };
	fl_docker *d = calloc(1, sizeof(*d));
	fl_docker_result res;
	char line[512];
	int rc;

	*out = NULL;
	if (!d || !(d->client = strdup(client_path())) || !(d->envs = json_object())) {
		fl_docker_free(d);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if (access(d->client, X_OK) < 0) {
		rc = fl_err_set(err, FL_ENOTFOUND,
				"Docker is not installed (no %s): install it (apt-get install "
				"docker.io) and start its engine (scripts/start-dockerd), or run "
				"without containers (--executor local)", d->client);
		fl_docker_free(d);
		return rc;
	}
	if ((rc = fl_docker_exec(d, args, NULL, NULL, &res, err)) == 0 &&
	    !(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0)) {
		last_line(res.err, line, sizeof(line));
		rc = fl_err_set(err, FL_EFAIL,
				"the Docker engine is not running (%s): start it "
				"(scripts/start-dockerd), or run without containers "
				"(--executor local)", line[0] ? line : "no answer");
	}
	free(res.out);
	if (rc < 0) {
		fl_docker_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void fl_docker_free(fl_docker *d)
{
	if (!d)
		return;
	free(d->client);
	json_decref(d->envs);
	free(d);
}

/* --- images ----------------------------------------------------------- */

int fl_docker_missing_image(const char *image, fl_err *err)
{
	return fl_err_set(err, FL_ENOTFOUND,
			  "container image %s is not on this machine: build it "
			  "(containers/build-base.sh, then containers/build-image.sh prints the "
			  "ID) or load it (docker load -i IMAGE.tar; `floe verify` loads the "
			  "image of a bundle made with --with-image)", image);
}

int fl_docker_image_exists(fl_docker *d, const char *image, char *id_out, fl_err *err)
{
	const char *args[] = { "image", "inspect", "--format", "{{.Id}}", image, NULL };
	fl_docker_result res;
	int rc = fl_docker_exec(d, args, NULL, NULL, &res, err);

	if (rc < 0) {
		free(res.out);
		return rc;
	}
	rc = WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0;
	if (rc && id_out)
		last_line(res.out, id_out, 72);
	free(res.out);
	return rc;
}

int fl_docker_env_args(const char **args, size_t *n, size_t cap)
{
	for (char **e = environ; e && *e; e++) {
		if (strncmp(*e, "OPENBLAS_", 9))
			continue;
		if (*n + 2 >= cap)
			return -1;
		args[(*n)++] = "-e";
		args[(*n)++] = *e;
	}
	return 0;
}

int fl_docker_image_env(fl_docker *d, const char *image, const json_t **out, fl_err *err)
{
	const char *args[64] = { "run", "--rm", "--network", "none", "--read-only",
				 "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
				 "--user", "10001:10001", "--entrypoint",
				 "/usr/local/bin/floe" };
	size_t n = 13;
	json_t *env;
	char *text = NULL;
	int rc;

	if ((*out = json_object_get(d->envs, image)))
		return 0;
	if ((rc = fl_docker_image_exists(d, image, NULL, err)) <= 0)
		return rc < 0 ? rc : fl_docker_missing_image(image, err);
	fl_docker_env_args(args, &n, 60);
	args[n++] = image;
	args[n++] = "version";
	args[n++] = "--json";
	args[n] = NULL;
	if ((rc = exec_ok(d, args, NULL, &text, "running `floe version` in the image", err)) < 0)
		return fl_err_wrap(err, "container image %s (does it hold floe at "
				   "/usr/local/bin/floe?)", image);
	env = json_loads(text, 0, NULL);
	free(text);
	if (!json_is_object(env) || !json_is_object(json_object_get(env, "libraries"))) {
		json_decref(env);
		return fl_err_set(err, FL_EFAIL, "container image %s: `floe version --json` "
				  "printed no environment record", image);
	}
	json_object_set_new(d->envs, image, env);
	*out = env;
	return 0;
}

int fl_docker_save(fl_docker *d, const char *image, const char *path, fl_err *err)
{
	char *tmp = NULL;
	int rc;

	if (asprintf(&tmp, "%s.tmp-%ld", path, (long)getpid()) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	const char *args[] = { "save", "-o", tmp, image, NULL };
	rc = exec_ok(d, args, NULL, NULL, "docker save", err);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = fl_err_sys(err, errno, "putting %s in place", path);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int fl_docker_load(fl_docker *d, const char *path, fl_err *err)
{
	const char *args[] = { "load", "-i", path, NULL };

	return exec_ok(d, args, NULL, NULL, "docker load", err);
}

int fl_docker_build(fl_docker *d, const char *dir, const char *tag, char *id_out,
		    fl_err *err)
{
	const char *args[] = { "build", "--quiet", "--network", "none", "--force-rm", "--tag", tag,
			       dir, NULL };
	char *out = NULL;
	int rc = exec_ok(d, args, NULL, &out, "docker build", err);

	if (rc == 0) {
		last_line(out, id_out, 72);
		if (strncmp(id_out, "sha256:", 7))
			rc = fl_err_set(err, FL_EFAIL, "docker build printed no image ID ('%s')",
					id_out);
	}
	free(out);
	return rc;
}
