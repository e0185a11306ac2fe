/* log.h - how the library talks to the user: a log and a progress callback
 * that the runner installs. The library never prints and never exits. */
#ifndef FL_LOG_H
#define FL_LOG_H

#include <stdint.h>

typedef enum fl_log_level {
	FL_LOG_DEBUG = 0,
	FL_LOG_INFO = 1,
	FL_LOG_WARN = 2,
} fl_log_level;

/* Receives one message (no trailing newline). `ud` is the pointer given to
 * fl_log_set_handler(). Must be thread-safe: workers may log. */
typedef void (*fl_log_fn)(void *ud, fl_log_level level, const char *msg);

/* Install the process-wide log handler (NULL: drop messages). Set it once,
 * before starting work; like libgit2's trace callback, it is configuration,
 * not run state. */
void fl_log_set_handler(fl_log_fn fn, void *ud);

/* Send a formatted message to the handler, if any. */
void fl_log(fl_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Progress of one long task: `done` of `total` units (total 0 when unknown).
 * `what` names the task ("hashing", "epoch 3/20 loss 0.21"). */
typedef void (*fl_progress_fn)(void *ud, const char *what, uint64_t done,
			       uint64_t total);

/* A progress sink passed by pointer in the options of long operations.
 * A NULL sink, or one with fn == NULL, is silent. */
typedef struct fl_progress {
	fl_progress_fn fn; /* callback, may be NULL */
	void *ud;          /* passed back to fn */
} fl_progress;

/* Report progress through `p` if it has a callback. */
void fl_progress_report(const fl_progress *p, const char *what, uint64_t done,
			uint64_t total);

#endif
