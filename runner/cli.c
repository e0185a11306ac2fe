/* cli.c - shared command-line helpers: options, messages, progress bar. */
#define _GNU_SOURCE
#include "cli.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

void cli_reset(void)
{
	optind = 0; /* glibc: 0 also reinitialises getopt's internal state */
	opterr = 0;
}

static void print_help(const fl_cmd *cmd)
{
	printf("usage: %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->help && *cmd->help)
		printf("\n%s", cmd->help);
}

int cli_usage_error(const fl_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "floe %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n", cmd->usage);
	return FL_EXIT_USAGE;
}

int cli_getopt(const fl_cmd *cmd, int argc, char **argv, const char *shortopts,
	       const struct option *longopts, int *exit_code)
{
	struct option all[64];
	char sopts[128];
	size_t n = 0;
	int c;

	for (; longopts && longopts[n].name && n < 62; n++)
		all[n] = longopts[n];
	all[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	all[n] = (struct option){ 0, 0, 0, 0 };
	/* Leading ':' makes getopt return ':' for a missing argument. */
	snprintf(sopts, sizeof(sopts), ":h%s", shortopts ? shortopts : "");
	c = getopt_long(argc, argv, sopts, all, NULL);
	if (c == 'h') {
		print_help(cmd);
		*exit_code = FL_EXIT_OK;
		return '?';
	}
	if (c == '?') {
		if (optopt)
			*exit_code = cli_usage_error(cmd, "unknown option '-%c'", optopt);
		else
			*exit_code = cli_usage_error(cmd, "unknown option '%s'",
						     argv[optind - 1]);
	} else if (c == ':') {
		*exit_code = cli_usage_error(cmd, "option '%s' needs a value",
					     argv[optind - 1]);
		c = '?';
	}
	return c;
}

int cli_fail(const fl_err *err)
{
	fprintf(stderr, "floe: %s\n", err->msg[0] ? err->msg : "failed");
	return err->code == FL_EINTR ? FL_EXIT_INTERRUPTED : FL_EXIT_FAIL;
}

int cli_parse_threads(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < 1 || n > 4096)
		return 0;
	return (int)n;
}

static void log_to_stderr(void *ud, fl_log_level level, const char *msg)
{
	int quiet = *(int *)ud;

	if (level == FL_LOG_WARN)
		fprintf(stderr, "floe: warning: %s\n", msg);
	else if (level == FL_LOG_INFO && !quiet)
		fprintf(stderr, "%s\n", msg);
}

void cli_install_log(int quiet)
{
	static int q;

	q = quiet;
	fl_log_set_handler(log_to_stderr, &q);
}

static int bar_drawn;

static void draw_bar(void *ud, const char *what, uint64_t done, uint64_t total)
{
	char bar[31];
	int fill;

	(void)ud;
	if (total == 0) {
		fprintf(stderr, "\r\033[K%s %llu", what, (unsigned long long)done);
	} else {
		fill = (int)(30 * done / total);
		memset(bar, '#', (size_t)fill);
		memset(bar + fill, '.', (size_t)(30 - fill));
		bar[30] = '\0';
		fprintf(stderr, "\r\033[K%s [%s] %llu/%llu", what, bar,
			(unsigned long long)done, (unsigned long long)total);
	}
	bar_drawn = 1;
}

const struct fl_progress *cli_progress(int quiet)
{
	static const fl_progress tty = { draw_bar, NULL };

	if (quiet || !isatty(STDERR_FILENO))
		return NULL;
	return &tty;
}

void cli_progress_done(void)
{
	if (bar_drawn)
		fprintf(stderr, "\r\033[K");
	bar_drawn = 0;
}

static volatile sig_atomic_t stop_flag;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

const volatile sig_atomic_t *cli_stop_on_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return &stop_flag;
}
