/* cli.h - what every command shares: the command table entry, exit codes,
 * option parsing with uniform messages, and printing library errors. */
#ifndef FL_CLI_H
#define FL_CLI_H

#include <getopt.h>
#include <signal.h>

#include "core/err.h"

/* Exit codes (docs/exit-codes.md). Later commands add theirs here. */
enum {
	FL_EXIT_OK = 0,          /* success */
	FL_EXIT_FAIL = 1,        /* the command ran and failed */
	FL_EXIT_USAGE = 2,       /* unknown command or option, bad arguments */
	FL_EXIT_DRIFT = 3,       /* verify: reproduced only within tolerance */
	FL_EXIT_MISMATCH = 4,    /* verify: an output was not reproduced */
	FL_EXIT_INTERRUPTED = 130, /* stopped by Ctrl-C (128 + SIGINT) */
};

typedef struct fl_cmd fl_cmd;

/* A subcommand: one source file each (runner/cmd_<name>.c). */
struct fl_cmd {
	const char *name;    /* as typed: "hash" */
	const char *summary; /* one line for `floe --help` */
	const char *usage;   /* "floe hash [--threads N] PATH..." */
	const char *help;    /* the options and details, printed by --help */
	int (*run)(const fl_cmd *cmd, int argc, char **argv);
};

/* The table, NULL-terminated (runner/commands.c). */
extern const fl_cmd *const fl_commands[];

/* getopt_long() with floe's conventions: "--help"/"-h" prints the command's
 * help and makes the command exit 0; an unknown option or a missing
 * argument prints one line naming it and the usage line. Returns the
 * option character, -1 at the end of options, or '?' after printing the
 * message (the command then returns *exit_code). Call with optind reset
 * by cli_reset(). */
int cli_getopt(const fl_cmd *cmd, int argc, char **argv, const char *shortopts,
	       const struct option *longopts, int *exit_code);
void cli_reset(void);

/* Print "floe CMD: <message>" and the usage line to stderr; return 2. */
int cli_usage_error(const fl_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "floe: <err->msg>" to stderr; return FL_EXIT_INTERRUPTED for
 * FL_EINTR and FL_EXIT_FAIL otherwise. */
int cli_fail(const fl_err *err);

/* Parse a positive thread count for --threads; 0 on a bad value. */
int cli_parse_threads(const char *s);

/* Catch SIGINT and SIGTERM: the first sets the returned flag (the library
 * polls it and stops cleanly); the handler then resets, so a second one
 * kills. Returns the flag for the options' `stop` field. */
const volatile sig_atomic_t *cli_stop_on_signals(void);

/* Install the log handler (warnings to stderr; info unless quiet). */
void cli_install_log(int quiet);

/* A progress sink that draws a bar on stderr when it is a TTY and prints
 * nothing otherwise. */
struct fl_progress;
const struct fl_progress *cli_progress(int quiet);
/* Clear the bar line (call before printing results). */
void cli_progress_done(void);

#endif
