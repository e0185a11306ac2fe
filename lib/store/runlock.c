/* runlock.c - the workspace run lock (flock + PID). */
#define _GNU_SOURCE
#include "store/runlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct fl_runlock {
	int fd; /* open, flock()ed */
};

static long read_pid(int fd)
{
	char buf[32] = { 0 };
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	return n > 0 ? strtol(buf, NULL, 10) : 0;
}

int fl_runlock_acquire(fl_runlock **out, const char *path, fl_err *err)
{
	fl_runlock *l = NULL;
	char pid[32];
	int fd, n;

	*out = NULL;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return fl_err_sys(err, errno, "opening the run lock %s", path);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		long holder = read_pid(fd);
		close(fd);
		if (e == EWOULDBLOCK)
			return fl_err_set(err, FL_EBUSY,
					  "the workspace is in use by floe process %ld "
					  "(lock %s); wait for it to finish", holder, path);
		return fl_err_sys(err, e, "locking %s", path);
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		int e = errno;
		close(fd);
		return fl_err_sys(err, e, "writing the run lock %s", path);
	}
	if (!(l = malloc(sizeof(*l)))) {
		close(fd);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	l->fd = fd;
	*out = l;
	return 0;
}

void fl_runlock_release(fl_runlock *l)
{
	if (!l)
		return;
	if (ftruncate(l->fd, 0) < 0) {
		/* harmless: the PID of a finished process is just stale text */
	}
	close(l->fd); /* drops the flock */
	free(l);
}
