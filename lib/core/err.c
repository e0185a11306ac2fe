/* err.c - error object: set, add system reason, wrap with context. */
#include "core/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int vset(fl_err *err, int code, const char *fmt, va_list ap)
{
	if (err) {
		err->code = code;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	}
	return code;
}

int fl_err_set(fl_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

static int code_of_errno(int errnum)
{
	switch (errnum) {
	case ENOSPC:
	case EDQUOT:
		return FL_ENOSPC;
	case ENOENT:
		return FL_ENOTFOUND;
	case ENOMEM:
		return FL_ENOMEM;
	case EINTR:
		return FL_EINTR;
	default:
		return FL_EIO;
	}
}

int fl_err_sys(fl_err *err, int errnum, const char *fmt, ...)
{
	int code = code_of_errno(errnum);
	va_list ap;
	va_start(ap, fmt);
	vset(err, code, fmt, ap);
	va_end(ap);
	if (err) {
		size_t n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(errnum));
	}
	return code;
}

int fl_err_wrap(fl_err *err, const char *fmt, ...)
{
	char prefix[FL_ERR_MSG_MAX];
	size_t plen, mlen;
	va_list ap;

	if (!err)
		return FL_EFAIL;
	if (err->code == 0)
		err->code = FL_EFAIL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
	va_end(ap);
	strcat(prefix, ": ");
	plen = strlen(prefix);
	mlen = strlen(err->msg);
	/* Shift the old message right, truncating its tail if needed. */
	if (plen + mlen >= FL_ERR_MSG_MAX)
		mlen = FL_ERR_MSG_MAX - 1 - plen;
	memmove(err->msg + plen, err->msg, mlen);
	err->msg[plen + mlen] = '\0';
	memcpy(err->msg, prefix, plen);
	return err->code;
}

void fl_err_clear(fl_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
