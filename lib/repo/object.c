/* object.c - content-addressed objects of the model repository. */
#define _GNU_SOURCE
#include "repo/object.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic.h"

#define BUF_SIZE (1 << 20)

struct fl_object_tmp {
	fl_repo *repo;        /* borrowed */
	char *path;           /* ROOT/tmp/obj-XXXXXX */
	int fd;               /* open while writing, else -1 */
	fl_sha256_ctx *h;     /* running digest */
	uint64_t size;        /* bytes written */
	fl_digest digest;     /* after fl_object_end */
	int ended;
	int copied;           /* filled by copy_file_range: hash it at the end */
};

int fl_object_begin(fl_object_tmp **out, fl_repo *r, fl_err *err)
{
	fl_object_tmp *t = calloc(1, sizeof(*t));
	int rc;

	*out = NULL;
	if (!t)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	t->repo = r;
	t->fd = -1;
	if (asprintf(&t->path, "%s/tmp/obj-XXXXXX", fl_repo_root(r)) < 0) {
		free(t);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if ((t->fd = mkostemp(t->path, O_CLOEXEC)) < 0) {
		rc = fl_err_sys(err, errno, "creating a temporary object in %s/tmp", fl_repo_root(r));
		free(t->path);
		free(t);
		return rc;
	}
	if ((rc = fl_sha256_new(&t->h, err)) < 0) {
		fl_object_discard(t);
		return rc;
	}
	*out = t;
	return 0;
}

int fl_object_write(fl_object_tmp *t, const void *buf, size_t n, fl_err *err)
{
	const char *p = buf;
	int rc;

	if ((rc = fl_sha256_update(t->h, buf, n, err)) < 0)
		return rc;
	t->size += n;
	while (n > 0) {
		ssize_t w = write(t->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return fl_err_sys(err, errno, "writing an object in %s/tmp",
					  fl_repo_root(t->repo));
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Let the kernel copy a regular file (no trip through user space; a
 * reflink where the file system can). 1: done; 0: not possible here (the
 * caller copies by hand); negative: failed. */
static int kernel_copy(fl_object_tmp *t, int fd, const char *name, fl_err *err)
{
	struct stat st;
	ssize_t n;

	if (t->size || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	while ((n = copy_file_range(fd, NULL, t->fd, NULL, (size_t)1 << 30, 0)) > 0)
		t->size += (uint64_t)n;
	if (n == 0) {
		t->copied = 1;
		return 1;
	}
	if (t->size == 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
			     errno == EOPNOTSUPP || errno == EBADF))
		return 0;
	return fl_err_sys(err, errno, "copying %s", name);
}

int fl_object_write_fd(fl_object_tmp *t, int fd, const char *name, fl_err *err)
{
	unsigned char *buf = NULL;
	int rc = kernel_copy(t, fd, name, err);

	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (!(buf = malloc(BUF_SIZE)))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	for (;;) {
		ssize_t n = read(fd, buf, BUF_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = fl_err_sys(err, errno, "reading %s", name);
			break;
		}
		if (n == 0 || (rc = fl_object_write(t, buf, (size_t)n, err)) < 0)
			break;
	}
	free(buf);
	return rc;
}

int fl_object_end(fl_object_tmp *t, fl_digest *digest, uint64_t *size, fl_err *err)
{
	int rc;

	/* What the kernel copied is hashed from the copy itself, so the name
	 * always matches the content stored, even if the source changed. */
	if (t->copied && lseek(t->fd, 0, SEEK_SET) == 0)
		rc = fl_sha256_fd(t->fd, t->path, &t->digest, err);
	else if (t->copied)
		rc = fl_err_sys(err, errno, "reading %s", t->path);
	else
		rc = fl_sha256_final(t->h, &t->digest, err);
	if (rc < 0)
		return rc;
	if (fchmod(t->fd, 0444) < 0 || fsync(t->fd) < 0 || close(t->fd) < 0) {
		t->fd = -1;
		return fl_err_sys(err, errno, "writing %s", t->path);
	}
	t->fd = -1;
	t->ended = 1;
	if (digest)
		*digest = t->digest;
	if (size)
		*size = t->size;
	return 0;
}

const char *fl_object_tmp_path(const fl_object_tmp *t)
{
	return t->path;
}

char *fl_object_path(const fl_repo *r, const fl_digest *d)
{
	char hex[FL_SHA256_HEX_LEN + 1], *p = NULL;

	fl_digest_hex(d, hex);
	if (asprintf(&p, "%s/objects/%.2s/%s", fl_repo_root(r), hex, hex + 2) < 0)
		return NULL;
	return p;
}

int fl_object_install(fl_object_tmp *t, fl_err *err)
{
	char *dst = fl_object_path(t->repo, &t->digest), *dir = NULL;
	int rc = 0;

	if (!t->ended)
		rc = fl_err_set(err, FL_EFAIL, "object installed before it was finished");
	else if (!dst || !(dir = strndup(dst, strlen(dst) - (FL_SHA256_HEX_LEN - 2) - 1)))
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
	else if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		rc = fl_err_sys(err, errno, "creating %s", dir);
	else if (rename(t->path, dst) < 0)
		rc = fl_err_sys(err, errno, "storing object %s", dst);
	else
		rc = fl_repo_sync_dir(dir, err);
	free(dst);
	free(dir);
	if (rc == 0)
		fl_object_discard(t);
	return rc;
}

void fl_object_discard(fl_object_tmp *t)
{
	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	unlink(t->path); /* after install the name is gone: ENOENT, harmless */
	fl_sha256_free(t->h);
	free(t->path);
	free(t);
}

/* Copy fd `in` to `out` (may be NULL: hash only) and compare with `d`. */
static int hash_copy(const fl_repo *r, const fl_digest *d, int in, FILE *out,
		     const char *what, fl_err *err)
{
	char want[FL_SHA256_HEX_LEN + 1], got[FL_SHA256_HEX_LEN + 1];
	unsigned char *buf = malloc(BUF_SIZE);
	fl_sha256_ctx *h = NULL;
	fl_digest actual;
	int rc;

	if (!buf)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_sha256_new(&h, err)) < 0)
		goto cleanup;
	fl_digest_hex(d, want);
	for (;;) {
		ssize_t n = read(in, buf, BUF_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = fl_err_sys(err, errno, "reading object %s", want);
			goto cleanup;
		}
		if (n == 0)
			break;
		if ((rc = fl_sha256_update(h, buf, (size_t)n, err)) < 0)
			goto cleanup;
		if (out && fwrite(buf, 1, (size_t)n, out) != (size_t)n) {
			rc = fl_err_sys(err, errno, "writing %s", what);
			goto cleanup;
		}
	}
	if ((rc = fl_sha256_final(h, &actual, err)) == 0 && memcmp(actual.b, d->b, FL_SHA256_LEN)) {
		fl_digest_hex(&actual, got);
		rc = fl_err_set(err, FL_EMISMATCH, "object %s in %s is damaged or was tampered "
				"with: its content hashes to %s", want, fl_repo_root(r), got);
	}
cleanup:
	fl_sha256_free(h);
	free(buf);
	return rc;
}

static int open_object(const fl_repo *r, const fl_digest *d, int *fd, fl_err *err)
{
	char *p = fl_object_path(r, d), hex[FL_SHA256_HEX_LEN + 1];
	int rc = 0;

	if (!p)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((*fd = open(p, O_RDONLY | O_CLOEXEC)) < 0) {
		fl_digest_hex(d, hex);
		rc = errno == ENOENT ? fl_err_set(err, FL_ENOTFOUND, "object %s is missing from %s",
						  hex, fl_repo_root(r))
				     : fl_err_sys(err, errno, "opening %s", p);
	}
	free(p);
	return rc;
}

int fl_object_check(const fl_repo *r, const fl_digest *d, fl_err *err)
{
	int fd, rc;

	if ((rc = open_object(r, d, &fd, err)) < 0)
		return rc;
	rc = hash_copy(r, d, fd, NULL, NULL, err);
	close(fd);
	return rc;
}

int fl_object_read(const fl_repo *r, const fl_digest *d, size_t max, uint8_t **out,
		   size_t *len, fl_err *err)
{
	char *p = fl_object_path(r, d), hex[FL_SHA256_HEX_LEN + 1];
	char *buf = NULL;
	fl_digest actual;
	int rc;

	*out = NULL;
	if (!p)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	fl_digest_hex(d, hex);
	rc = fl_read_file(p, &buf, len, err);
	free(p);
	if (rc == FL_ENOTFOUND)
		return fl_err_set(err, FL_ENOTFOUND, "object %s is missing from %s", hex,
				  fl_repo_root(r));
	if (rc < 0)
		return rc;
	if (*len > max)
		rc = fl_err_set(err, FL_EINVAL, "object %s is larger than %zu bytes", hex, max);
	else if ((rc = fl_sha256_buf(buf, *len, &actual, err)) == 0 &&
		 memcmp(actual.b, d->b, FL_SHA256_LEN)) {
		char got[FL_SHA256_HEX_LEN + 1];
		fl_digest_hex(&actual, got);
		rc = fl_err_set(err, FL_EMISMATCH, "object %s in %s is damaged or was tampered "
				"with: its content hashes to %s", hex, fl_repo_root(r), got);
	}
	if (rc < 0)
		free(buf);
	else
		*out = (uint8_t *)buf;
	return rc;
}

int fl_object_copy_out(const fl_repo *r, const fl_digest *d, const char *dst,
		       fl_err *err)
{
	fl_afile *f = NULL;
	int fd, rc;

	if ((rc = open_object(r, d, &fd, err)) < 0)
		return rc;
	if ((rc = fl_afile_open(&f, dst, err)) == 0 &&
	    (rc = hash_copy(r, d, fd, fl_afile_stream(f), dst, err)) == 0)
		rc = fl_afile_commit(f, err);
	else
		fl_afile_abort(f);
	close(fd);
	return rc;
}
