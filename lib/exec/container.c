/* container.c - run one recipe step inside a pinned image (the docker executor). */
#define _GNU_SOURCE
#include "exec/container.h"

#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/log.h"

#define MAX_INPUTS 64
#define MAX_ARGS 400

/* Strings the argument vector points into, freed together. */
typedef struct strs {
	char *s[160];
	size_t n;
} strs;

static const char *keep(strs *k, char *s)
{
	if (!s || k->n == sizeof(k->s) / sizeof(k->s[0])) {
		free(s);
		return NULL;
	}
	return k->s[k->n++] = s;
}

static void strs_free(strs *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->s[i]);
}

/* A bind mount of host `src` at `dst`; docker's --mount syntax cannot carry
 * a comma or a quote in a path. */
static int mount_arg(strs *k, const char **args, size_t *n, const char *src,
		     const char *dst, int ro, fl_err *err)
{
	char *m = NULL;

	if (strpbrk(src, ",\"\n"))
		return fl_err_set(err, FL_EINVAL, "cannot mount '%s' into a container: a path "
				  "with a comma, quote or newline", src);
	if (asprintf(&m, "type=bind,source=%s,target=%s%s", src, dst, ro ? ",readonly" : "") < 0 ||
	    !keep(k, m))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	args[(*n)++] = "--mount";
	args[(*n)++] = m;
	return 0;
}

/* Container path of input i: /floe/in/i/BASENAME (the name kept, since a
 * kind may look at it). */
static char *input_target(const char *host, size_t i)
{
	char *copy = strdup(host), *t = NULL;

	if (copy && asprintf(&t, "/floe/in/%zu/%s", i, basename(copy)) < 0)
		t = NULL;
	free(copy);
	return t;
}

static int build_args(const fl_container_step *s, const char *name, strs *k,
		      const char **args, fl_err *err)
{
	char real[PATH_MAX], *rcopy = NULL, *s1 = NULL, *s2 = NULL, *s3 = NULL;
	const char *targets[MAX_INPUTS];
	const char *mem = getenv("FLOE_CONTAINER_MEMORY");
	size_t n = 0;
	int rc;
	uid_t uid = getuid();

	if (!keep(k, asprintf(&s1, "%u:%u", uid ? (unsigned)uid : FL_CONTAINER_UID,
			      uid ? (unsigned)getgid() : FL_CONTAINER_UID) < 0 ? NULL : s1) ||
	    !keep(k, asprintf(&s2, "%d", s->n_threads) < 0 ? NULL : s2) ||
	    !(rcopy = strdup(s->recipe_path)) ||
	    !keep(k, asprintf(&s3, "/floe/recipe/%s", basename(rcopy)) < 0 ? NULL : s3)) {
		free(rcopy);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	free(rcopy);
	const char *head[] = { "run", "--name", name, "--network", "none", "--read-only",
			       "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
			       "--user", s1, "--tmpfs", "/tmp", "--workdir", "/floe/out",
			       "--entrypoint", "/usr/local/bin/floe", NULL };
	for (size_t i = 0; head[i]; i++)
		args[n++] = head[i];
	if (mem && *mem) {
		args[n++] = "--memory";
		args[n++] = mem;
		args[n++] = "--memory-swap";
		args[n++] = mem;
	}
	fl_docker_env_args(args, &n, MAX_ARGS - 200);
	if (!realpath(s->recipe_path, real))
		return fl_err_sys(err, errno, "%s", s->recipe_path);
	if ((rc = mount_arg(k, args, &n, real, s3, 1, err)) < 0 ||
	    (rc = mount_arg(k, args, &n, s->out_dir, "/floe/out", 0, err)) < 0)
		return rc;
	if (s->n_inputs > MAX_INPUTS)
		return fl_err_set(err, FL_EINVAL, "step '%s' has more than %d inputs", s->step,
				  MAX_INPUTS);
	for (size_t i = 0; i < s->n_inputs; i++) {
		if (!realpath(s->inputs[i], real))
			return fl_err_sys(err, errno, "input %s", s->inputs[i]);
		if (!(targets[i] = keep(k, input_target(real, i))))
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		if ((rc = mount_arg(k, args, &n, real, targets[i], 1, err)) < 0)
			return rc;
	}
	args[n++] = s->image;
	const char *tail[] = { "exec-step", "--threads", s2, s3, s->step, "/floe/out", NULL };
	for (size_t i = 0; tail[i]; i++)
		args[n++] = tail[i];
	for (size_t i = 0; i < s->n_inputs; i++) /* the targets, in order */
		args[n++] = targets[i];
	args[n] = NULL;
	return 0;
}

/* --- after the container ------------------------------------------------ */

/* The container's state: exit code and whether the kernel killed it for
 * memory. -1 when it cannot be inspected (it never started). */
static int inspect(fl_docker *d, const char *name, int *code, int *oom)
{
	const char *args[] = { "inspect", "--format", "{{.State.ExitCode}} {{.State.OOMKilled}}",
			       name, NULL };
	fl_docker_result res;
	char word[16] = "";
	int ok = -1;

	if (fl_docker_exec(d, args, NULL, NULL, &res, NULL) == 0 && WIFEXITED(res.status) &&
	    WEXITSTATUS(res.status) == 0 && sscanf(res.out, "%d %15s", code, word) == 2) {
		*oom = !strcmp(word, "true");
		ok = 0;
	}
	free(res.out);
	return ok;
}

static void remove_container(fl_docker *d, const char *name)
{
	const char *args[] = { "rm", "-f", "-v", name, NULL };
	fl_docker_result res;

	fl_docker_exec(d, args, NULL, NULL, &res, NULL);
	free(res.out);
}

/* The message floe printed inside ("floe: ..."), else the last line. */
static void step_message(const char *text, char *out, size_t cap)
{
	const char *p = text, *best = NULL;

	for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, "floe: ", 6))
			best = p + 6;
	if (!best) {
		const char *end = text + strlen(text);
		while (end > text && end[-1] == '\n')
			end--;
		for (best = end; best > text && best[-1] != '\n'; best--)
			;
	}
	snprintf(out, cap, "%.*s", (int)strcspn(best, "\n"), best);
}

static int explain(const fl_container_step *s, int code, int oom, const char *text,
		   fl_err *err)
{
	char msg[1024];
	const char *img = s->image;

	if (oom)
		return fl_err_set(err, FL_EFAIL, "step '%s' ran out of memory in container %.19s "
				  "(killed by the kernel); nothing was kept", s->step, img);
	if (code == 130 && s->stop && *s->stop)
		return fl_err_set(err, FL_EINTR, "interrupted");
	if (code > 128 && code < 160)
		return fl_err_set(err, FL_EFAIL, "step '%s' was killed by signal %d (%s) in "
				  "container %.19s%s; nothing was kept", s->step, code - 128,
				  strsignal(code - 128), img,
				  code == 137 ? ": out of memory, or stopped from outside" : "");
	step_message(text, msg, sizeof(msg));
	if (code == 1 || code == 2)
		return fl_err_set(err, FL_EFAIL, "%s (in container %.19s)",
				  msg[0] ? msg : "the step failed", img);
	return fl_err_set(err, FL_EFAIL, "step '%s': the container %.19s failed (exit %d): %s",
			  s->step, img, code, msg[0] ? msg : "no message");
}

/* Give the outputs back to floe's user (when root ran the container as
 * the image's user). */
static int chown_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return lchown(p, 0, 0) < 0 ? -1 : 0;
}

static int prepare_out(const char *dir, fl_err *err)
{
	if (getuid() == 0 && chown(dir, FL_CONTAINER_UID, FL_CONTAINER_UID) < 0)
		return fl_err_sys(err, errno, "handing %s to the container's user", dir);
	return 0;
}

static int restore_owner(const char *dir, fl_err *err)
{
	if (getuid() == 0 && nftw(dir, chown_one, 32, FTW_PHYS) < 0)
		return fl_err_sys(err, errno, "taking back the outputs in %s", dir);
	return 0;
}

int fl_container_run_step(fl_docker *d, const fl_container_step *s, fl_err *err)
{
	static unsigned counter;
	const char *args[MAX_ARGS];
	strs k = { { 0 }, 0 };
	fl_docker_result res = { 0 };
	char name[96];
	int rc, code = 0, oom = 0, exists;

	if ((exists = fl_docker_image_exists(d, s->image, NULL, err)) <= 0)
		return exists < 0 ? exists : fl_docker_missing_image(s->image, err);
	snprintf(name, sizeof(name), "floe-step-%ld-%u", (long)getpid(), counter++);
	if ((rc = build_args(s, name, &k, args, err)) < 0 || (rc = prepare_out(s->out_dir, err)) < 0)
		goto cleanup;
	if ((rc = fl_docker_exec(d, args, NULL, s->stop, &res, err)) < 0)
		goto cleanup;
	if (inspect(d, name, &code, &oom) < 0)
		code = WIFEXITED(res.status) ? WEXITSTATUS(res.status) : 128 + WTERMSIG(res.status);
	if (code != 0 || oom) {
		char both[4096];
		snprintf(both, sizeof(both), "%s", res.err);
		rc = explain(s, code, oom, both, err);
	}
	if (res.out && res.out[0])
		fl_log(FL_LOG_INFO, "step '%s' printed: %.*s", s->step,
		       (int)strcspn(res.out, "\n"), res.out);
	if (rc == 0)
		rc = restore_owner(s->out_dir, err);
cleanup:
	remove_container(d, name);
	restore_owner(s->out_dir, NULL);
	free(res.out);
	strs_free(&k);
	return rc;
}
