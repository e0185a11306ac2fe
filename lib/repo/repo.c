/* repo.c - the repository folder: location, layout, lock, publishing. */
#define _GNU_SOURCE
#include "repo/repo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic.h"

struct fl_repo {
	char *root;  /* the folder */
	int write;   /* opened for writing */
	int lock_fd; /* ROOT/lock while locked, else -1 */
};

int fl_repo_default_path(char **out, const char *dir, fl_err *err)
{
	const char *env = getenv("FLOE_MODELS"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	*out = NULL;
	if (dir && *dir)
		n = asprintf(out, "%s", dir);
	else if (env && *env)
		n = asprintf(out, "%s", env);
	else if (xdg && *xdg == '/')
		n = asprintf(out, "%s/floe/models", xdg);
	else if (home && *home)
		n = asprintf(out, "%s/.local/share/floe/models", home);
	else
		return fl_err_set(err, FL_EINVAL, "no model repository: set FLOE_MODELS or HOME, "
				  "or pass --repo DIR");
	if (n < 0) {
		*out = NULL;
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	return 0;
}

char *fl_repo_path(const fl_repo *r, const char *rel)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", r->root, rel) < 0)
		return NULL;
	return p;
}

char *fl_repo_pathf(const fl_repo *r, const char *fmt, ...)
{
	char *rel = NULL, *p;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&rel, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = fl_repo_path(r, rel);
	free(rel);
	return p;
}

const char *fl_repo_root(const fl_repo *r)
{
	return r->root;
}

/* Read ROOT/FORMAT; a missing file is fine (a new or empty folder). */
static int check_format(const fl_repo *r, fl_err *err)
{
	char *p = fl_repo_path(r, "FORMAT"), *buf = NULL;
	int rc = 0, v = 0;

	if (!p)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (access(p, F_OK) == 0) {
		if ((rc = fl_read_file(p, &buf, NULL, err)) == 0 &&
		    sscanf(buf, "floe-models %d", &v) != 1)
			rc = fl_err_set(err, FL_EINVAL, "%s is not a floe model repository (bad "
					"FORMAT file)", r->root);
		else if (rc == 0 && v > FL_REPO_FORMAT)
			rc = fl_err_set(err, FL_EINVAL, "the model repository %s has layout %d, "
					"written by a newer floe (this one knows %d)", r->root, v,
					FL_REPO_FORMAT);
	}
	free(buf);
	free(p);
	return rc;
}

static int read_only(const fl_repo *r, int e, fl_err *err)
{
	return fl_err_set(err, FL_EIO, "the model repository %s is read-only (%s): cannot "
			  "change it; ask its owner, or use another with --repo DIR or FLOE_MODELS",
			  r->root, strerror(e));
}

/* Create the layout; every folder must be writable. */
static int make_layout(fl_repo *r, fl_err *err)
{
	static const char *const dirs[] = { "objects", "models", "tmp" };
	char *p = NULL;
	int rc = 0;

	if (mkdir(r->root, 0777) < 0 && errno != EEXIST) {
		if (errno == EROFS || errno == EACCES || errno == EPERM)
			return read_only(r, errno, err);
		if ((rc = fl_mkdir_p(r->root, err)) < 0)
			return fl_err_wrap(err, "creating the model repository");
	}
	if (access(r->root, W_OK) < 0)
		return read_only(r, errno, err);
	for (size_t i = 0; i < 3 && rc == 0; i++) {
		if (!(p = fl_repo_path(r, dirs[i])))
			return fl_err_set(err, FL_ENOMEM, "out of memory");
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			rc = fl_err_sys(err, errno, "creating %s", p);
		else if (access(p, W_OK) < 0)
			rc = read_only(r, errno, err);
		free(p);
		p = NULL;
	}
	if (rc == 0 && !(p = fl_repo_path(r, "FORMAT")))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (rc == 0 && access(p, F_OK) < 0) {
		char line[32];
		int n = snprintf(line, sizeof(line), "floe-models %d\n", FL_REPO_FORMAT);
		rc = fl_write_file_atomic(p, line, (size_t)n, err);
	}
	free(p);
	return rc;
}

int fl_repo_open(fl_repo **out, const char *root, int write, fl_err *err)
{
	fl_repo *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (!r)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	r->lock_fd = -1;
	r->write = write;
	if ((rc = fl_repo_default_path(&r->root, root, err)) < 0 ||
	    (rc = check_format(r, err)) < 0 || (write && (rc = make_layout(r, err)) < 0)) {
		fl_repo_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void fl_repo_free(fl_repo *r)
{
	if (!r)
		return;
	fl_repo_unlock(r);
	free(r->root);
	free(r);
}

int fl_repo_lock(fl_repo *r, fl_err *err)
{
	char *p = fl_repo_path(r, "lock");
	int fd;

	if (!p)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (r->lock_fd >= 0) {
		free(p);
		return 0;
	}
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		int e = errno;
		free(p);
		if (e == EROFS || e == EACCES)
			return read_only(r, e, err);
		return fl_err_sys(err, e, "opening the repository lock");
	}
	while (flock(fd, LOCK_EX) < 0) {
		int e = errno;
		if (e == EINTR)
			continue;
		close(fd);
		free(p);
		return fl_err_sys(err, e, "locking %s", r->root);
	}
	free(p);
	r->lock_fd = fd;
	return 0;
}

void fl_repo_unlock(fl_repo *r)
{
	if (r->lock_fd >= 0)
		close(r->lock_fd); /* drops the flock; the kernel does so on kill -9 too */
	r->lock_fd = -1;
}

int fl_repo_sync_dir(const char *dir, fl_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return fl_err_sys(err, e, "syncing %s", dir);
	}
	close(fd);
	return 0;
}

static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

int fl_repo_publish(fl_repo *r, const char *path, const void *buf, size_t len,
		    fl_err *err)
{
	char *tmp = NULL, *dir = NULL, *slash;
	int fd = -1, rc = 0;

	if (asprintf(&tmp, "%s/tmp/rec-XXXXXX", r->root) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!(dir = strdup(path))) {
		free(tmp);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		rc = errno == EROFS || errno == EACCES ? read_only(r, errno, err)
						       : fl_err_sys(err, errno, "creating a file in %s/tmp", r->root);
		goto cleanup;
	}
	if (write_all(fd, buf, len) < 0 || fchmod(fd, 0444) < 0 || fsync(fd) < 0) {
		rc = fl_err_sys(err, errno, "writing %s", tmp);
		goto cleanup;
	}
	if (link(tmp, path) < 0)
		rc = errno == EEXIST ? fl_err_set(err, FL_EBUSY, "%s exists", path)
				     : fl_err_sys(err, errno, "publishing %s", path);
	if ((slash = strrchr(dir, '/')))
		*slash = '\0';
	if (rc == 0)
		rc = fl_repo_sync_dir(dir, err);
cleanup:
	if (fd >= 0)
		close(fd);
	if (fd >= 0 || rc == 0)
		unlink(tmp);
	free(tmp);
	free(dir);
	return rc;
}
