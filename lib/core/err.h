/* err.h - the error object every fallible library call takes last. */
#ifndef FL_ERR_H
#define FL_ERR_H

#include <stdarg.h>

/* Status codes. Functions return 0 on success or one of these (negative). Only
 * codes a caller may act on are distinct; everything else is FL_EFAIL. */
enum {
	FL_OK = 0,
	FL_EFAIL = -1,     /* generic failure; the message says what */
	FL_ENOTFOUND = -2, /* a file, key or object does not exist */
	FL_EINVAL = -3,    /* bad input from the user (recipe, data, option value) */
	FL_EIO = -4,       /* the system refused a read or write */
	FL_ENOMEM = -5,    /* out of memory */
	FL_ENOSPC = -6,    /* the disk is full */
	FL_EBUSY = -7,     /* something else holds a lock */
	FL_EINTR = -8,     /* interrupted by the user (SIGINT/SIGTERM) */
	FL_EMISMATCH = -9, /* content does not match its recorded digest */
};

#define FL_ERR_MSG_MAX 2048

/* A caller-owned error: `code` is the last status set, `msg` a one-line,
 * human-readable message including any context added by fl_err_wrap(). */
typedef struct fl_err {
	int code;                 /* 0 or one of the FL_E* codes */
	char msg[FL_ERR_MSG_MAX]; /* NUL-terminated message, "" when code == 0 */
} fl_err;

#define FL_ERR_INIT { 0, { 0 } }

/* Set the error and return `code`, so a callee can write
 * `return fl_err_set(err, FL_EINVAL, "bad value '%s'", s);`.
 * `err` may be NULL (the message is then dropped). */
int fl_err_set(fl_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like fl_err_set(), with the system's reason (strerror(errnum)) appended
 * after ": ". ENOSPC maps to FL_ENOSPC, ENOENT to FL_ENOTFOUND, ENOMEM to
 * FL_ENOMEM, everything else to FL_EIO. Returns the code. */
int fl_err_sys(fl_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the current message with context ("reading recipe: " + msg) and
 * return err->code (or FL_EFAIL when unset). */
int fl_err_wrap(fl_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reset to no error. */
void fl_err_clear(fl_err *err);

#endif
