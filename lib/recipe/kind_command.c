/* kind_command.c - the `command` step kind: an external program, run by
 * /bin/sh in the step's output folder, with declared inputs and outputs
 * substituted into its command line. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "recipe/kinds.h"

#define TAIL_MAX 1400 /* bytes of the command's output kept for messages */

static const fl_param_spec params[] = {
	{ "run", FL_PARAM_STRING, 1, NULL,
	  "shell command; {in.NAME} {out.NAME} {out} {seed} {threads} are replaced" },
	{ NULL, 0, 0, NULL, NULL },
};

/* A growing string. */
typedef struct sbuf {
	char *s;
	size_t n, cap;
} sbuf;

static int sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *ns = realloc(b->s, cap);
		if (!ns)
			return -1;
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
	return 0;
}

/* Append `s` single-quoted for sh. */
static int sb_quote(sbuf *b, const char *s)
{
	if (sb_add(b, "'", 1) < 0)
		return -1;
	for (; *s; s++)
		if ((*s == '\'' ? sb_add(b, "'\\''", 4) : sb_add(b, s, 1)) < 0)
			return -1;
	return sb_add(b, "'", 1);
}

/* Length of a placeholder at `p` ("{in.x}" -> 6), or 0 when `p` does not
 * start one. Only {in.*}, {out}, {out.*}, {seed}, {threads} are
 * placeholders; other braces (awk '{print $1}', ${HOME}) stay as written. */
static size_t placeholder_len(const char *p)
{
	static const char *const heads[] = { "{in.", "{out.", "{out}", "{seed}",
					     "{threads}", NULL };
	const char *end;

	for (int i = 0; heads[i]; i++) {
		if (strncmp(p, heads[i], strlen(heads[i])))
			continue;
		if (!(end = strchr(p, '}')))
			return 0;
		return (size_t)(end - p) + 1;
	}
	return 0;
}

/* Expand one placeholder `ph` (without braces, `len` bytes) into b;
 * -2 when it names an unknown input or output. With paths NULL (check
 * time) only validates. */
static int expand_one(const fl_step_ctx *ctx, const char *ph, size_t len, sbuf *b)
{
	char name[256], num[32];

	if (len >= sizeof(name))
		return -2;
	memcpy(name, ph, len);
	name[len] = '\0';
	if (!strcmp(name, "seed") || !strcmp(name, "threads")) {
		snprintf(num, sizeof(num), "%llu",
			 name[0] == 's' ? (unsigned long long)ctx->seed
					: (unsigned long long)ctx->n_threads);
		return b ? sb_add(b, num, strlen(num)) : 0;
	}
	if (!strcmp(name, "out"))
		return b ? sb_quote(b, ctx->out_dir) : 0;
	if (!strncmp(name, "in.", 3)) {
		for (size_t i = 0; i < ctx->n_inputs; i++)
			if (!strcmp(ctx->inputs[i].name, name + 3))
				return b ? sb_quote(b, ctx->inputs[i].path) : 0;
		return -2;
	}
	for (size_t i = 0; i < ctx->n_outputs; i++) {
		if (strcmp(ctx->outputs[i], name + 4))
			continue;
		if (!b)
			return 0;
		if (sb_quote(b, ctx->out_dir) < 0 || sb_add(b, "/", 1) < 0)
			return -1;
		/* quote the name separately: 'dir'/'name' */
		return sb_quote(b, ctx->outputs[i]);
	}
	return -2;
}

/* Expand the command line (b NULL: validate only). */
static int expand(const fl_step_ctx *ctx, const fl_value *run, sbuf *b, fl_err *err)
{
	const char *p = run->text;

	while (*p) {
		size_t len = placeholder_len(p);
		int rc;
		if (len == 0) {
			if (b && sb_add(b, p, 1) < 0)
				return fl_err_set(err, FL_ENOMEM, "out of memory");
			p++;
			continue;
		}
		rc = expand_one(ctx, p + 1, len - 2, b);
		if (rc == -2)
			return fl_value_error(err, run, FL_EINVAL,
					      "step '%s': '%.*s' names no declared %s", ctx->step,
					      (int)len, p, p[1] == 'i' ? "input" : "output");
		if (rc < 0)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		p += len;
	}
	return 0;
}

static int check(const fl_step_ctx *ctx, fl_err *err)
{
	const fl_value *run = fl_value_get(ctx->params, "run");

	if (run->text[0] == '\0')
		return fl_value_error(err, run, FL_EINVAL, "'run' is empty");
	return expand(ctx, run, NULL, err);
}

/* Keep the last TAIL_MAX bytes of the command's output. */
static void tail_add(char *tail, size_t *n, const char *buf, size_t len)
{
	if (len >= TAIL_MAX) {
		memcpy(tail, buf + len - TAIL_MAX, TAIL_MAX);
		*n = TAIL_MAX;
		return;
	}
	if (*n + len > TAIL_MAX) {
		size_t drop = *n + len - TAIL_MAX;
		memmove(tail, tail + drop, *n - drop);
		*n -= drop;
	}
	memcpy(tail + *n, buf, len);
	*n += len;
}

static void child(const fl_step_ctx *ctx, const char *cmd, int out_fd)
{
	char num[32];
	int devnull = open("/dev/null", O_RDONLY);

	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    dup2(out_fd, 2) < 0 || chdir(ctx->out_dir) < 0)
		_exit(127);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)ctx->seed);
	setenv("FLOE_SEED", num, 1);
	snprintf(num, sizeof(num), "%d", ctx->n_threads);
	setenv("FLOE_THREADS", num, 1);
	setenv("FLOE_OUT", ctx->out_dir, 1);
	setpgid(0, 0); /* its own group, so stopping it stops its children too */
	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

/* Read the child's output until EOF, polling the stop flag. Returns 1
 * when stopped. */
static int pump(const fl_step_ctx *ctx, int fd, pid_t pid, char *tail, size_t *tn)
{
	char buf[4096];
	struct pollfd pfd = { fd, POLLIN, 0 };

	for (;;) {
		if (fl_step_stopped(ctx)) {
			kill(-pid, SIGTERM);
			return 1;
		}
		int pr = poll(&pfd, 1, 100);
		if (pr < 0 && errno != EINTR)
			return 0;
		if (pr <= 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		tail_add(tail, tn, buf, (size_t)n);
	}
}

static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static int report(const fl_step_ctx *ctx, int status, const char *tail, size_t tn,
		  fl_err *err)
{
	char why[64];

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(why, sizeof(why), "exited with status %d", WEXITSTATUS(status));
	else
		snprintf(why, sizeof(why), "was killed by signal %d", WTERMSIG(status));
	while (tn > 0 && (tail[tn - 1] == '\n' || tail[tn - 1] == '\r'))
		tn--;
	if (tn == 0)
		return fl_err_set(err, FL_EFAIL, "step '%s': the command %s (no output)",
				  ctx->step, why);
	return fl_err_set(err, FL_EFAIL, "step '%s': the command %s; its output:\n%.*s",
			  ctx->step, why, (int)tn, tail);
}

static int run(const fl_step_ctx *ctx, fl_err *err)
{
	const fl_value *runv = fl_value_get(ctx->params, "run");
	sbuf cmd = { 0 };
	char tail[TAIL_MAX];
	size_t tn = 0;
	int fds[2] = { -1, -1 }, status = 0, stopped, rc;
	pid_t pid;

	if ((rc = expand(ctx, runv, &cmd, err)) < 0)
		goto cleanup;
	fl_log(FL_LOG_DEBUG, "step '%s': sh -c %s", ctx->step, cmd.s);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		rc = fl_err_sys(err, errno, "step '%s': creating a pipe", ctx->step);
		goto cleanup;
	}
	if ((pid = fork()) < 0) {
		rc = fl_err_sys(err, errno, "step '%s': starting the command", ctx->step);
		goto cleanup;
	}
	if (pid == 0)
		child(ctx, cmd.s, fds[1]);
	setpgid(pid, pid); /* also here, so a stop right away finds the group */
	close(fds[1]);
	fds[1] = -1;
	stopped = pump(ctx, fds[0], pid, tail, &tn);
	if (wait_child(pid, &status) < 0)
		rc = fl_err_sys(err, errno, "step '%s': waiting for the command", ctx->step);
	else if (stopped || fl_step_stopped(ctx))
		rc = fl_err_set(err, FL_EINTR, "step '%s' interrupted", ctx->step);
	else
		rc = report(ctx, status, tail, tn, err);
cleanup:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	free(cmd.s);
	return rc;
}

const fl_step_kind fl_kind_command = {
	"command",
	"an external command with declared inputs and outputs, run by /bin/sh",
	params, NULL, NULL, NULL, check, run,
};
