/* spool.c - a stream copied into a temporary file. */
#define _GNU_SOURCE
#include "core/spool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int write_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int fl_spool_fd(int fd, char **path, uint64_t *bytes, fl_err *err)
{
	const char *base = getenv("TMPDIR");
	char *p = NULL, buf[1 << 16];
	uint64_t total = 0;
	int out = -1, rc = 0;
	ssize_t n;

	*path = NULL;
	if (asprintf(&p, "%s/floe-stdin-XXXXXX", base && *base ? base : "/tmp") < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((out = mkstemp(p)) < 0) {
		rc = fl_err_sys(err, errno, "creating a temporary file for standard input (%s)", p);
		free(p);
		return rc;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = fl_err_sys(err, errno, "reading standard input");
			break;
		}
		if (write_all(out, buf, (size_t)n) < 0) {
			rc = fl_err_sys(err, errno, "writing %s", p);
			break;
		}
		total += (uint64_t)n;
	}
	if (close(out) < 0 && rc == 0)
		rc = fl_err_sys(err, errno, "writing %s", p);
	if (rc < 0) {
		unlink(p);
		free(p);
		return rc;
	}
	*path = p;
	if (bytes)
		*bytes = total;
	return 0;
}
