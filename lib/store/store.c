/* store.c - content-addressed objects: atomic put, verified get. */
#define _GNU_SOURCE
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic.h"
#include "core/log.h"

#define BUF_SIZE (1 << 20)

struct fl_store {
	char *root;    /* the workspace folder */
	char *objects; /* root/objects */
	char *tmp;     /* root/tmp: temporary objects, same file system */
};

int fl_store_open(fl_store **out, const char *root, fl_err *err)
{
	fl_store *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s || !(s->root = strdup(root)) ||
	    asprintf(&s->objects, "%s/objects", root) < 0 ||
	    asprintf(&s->tmp, "%s/tmp", root) < 0) {
		fl_store_free(s);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if ((rc = fl_mkdir_p(s->objects, err)) < 0 || (rc = fl_mkdir_p(s->tmp, err)) < 0) {
		fl_store_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void fl_store_free(fl_store *s)
{
	if (!s)
		return;
	free(s->root);
	free(s->objects);
	free(s->tmp);
	free(s);
}

char *fl_store_path(const fl_store *s, const fl_digest *d)
{
	char hex[FL_SHA256_HEX_LEN + 1], *p = NULL;

	fl_digest_hex(d, hex);
	if (asprintf(&p, "%s/%.2s/%s", s->objects, hex, hex + 2) < 0)
		return NULL;
	return p;
}

int fl_store_has(const fl_store *s, const fl_digest *d)
{
	char *p = fl_store_path(s, d);
	int ok = p && access(p, F_OK) == 0;

	free(p);
	return ok;
}

static int write_all(int fd, const unsigned char *buf, size_t n)
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

/* Copy fd `in` to fd `out`, hashing into *d; messages name `rname` or
 * `wname`, whichever failed. */
static int copy_hash(int in, int out, fl_digest *d, const char *rname,
		     const char *wname, fl_err *err)
{
	unsigned char *buf = malloc(BUF_SIZE);
	fl_sha256_ctx *h = NULL;
	int rc;

	if (!buf)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_sha256_new(&h, err)) < 0)
		goto cleanup;
	for (;;) {
		ssize_t n = read(in, buf, BUF_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = fl_err_sys(err, errno, "reading %s", rname);
			goto cleanup;
		}
		if (n == 0)
			break;
		if ((rc = fl_sha256_update(h, buf, (size_t)n, err)) < 0)
			goto cleanup;
		if (write_all(out, buf, (size_t)n) < 0) {
			rc = fl_err_sys(err, errno, "writing %s", wname);
			goto cleanup;
		}
	}
	rc = fl_sha256_final(h, d, err);
cleanup:
	fl_sha256_free(h);
	free(buf);
	return rc;
}

static int sync_dir(const char *dir, fl_err *err)
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

/* Move the finished temporary object `tmp` to its place. */
static int install(fl_store *s, const char *tmp, const fl_digest *d, fl_err *err)
{
	char *dst = fl_store_path(s, d), *dir = NULL;
	int rc = 0;

	if (!dst || !(dir = strndup(dst, strlen(s->objects) + 3))) {
		free(dst);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		rc = fl_err_sys(err, errno, "creating %s", dir);
	else if (rename(tmp, dst) < 0)
		rc = fl_err_sys(err, errno, "storing object %s", dst);
	else
		rc = sync_dir(dir, err);
	free(dst);
	free(dir);
	return rc;
}

int fl_store_put(fl_store *s, const char *src, const fl_digest *known, fl_digest *out,
		 fl_err *err)
{
	char *tmp = NULL;
	int in = -1, fd = -1, rc;

	if (known && fl_store_has(s, known)) {
		*out = *known;
		return 0;
	}
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return fl_err_sys(err, errno, "%s", src);
	if (asprintf(&tmp, "%s/obj-XXXXXX", s->tmp) < 0) {
		tmp = NULL;
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		rc = fl_err_sys(err, errno, "storing %s: creating a temporary object", src);
		free(tmp);
		tmp = NULL;
		goto cleanup;
	}
	if ((rc = copy_hash(in, fd, out, src, "an object into the store", err)) < 0)
		goto cleanup;
	if (fsync(fd) < 0 || fchmod(fd, 0444) < 0 || close(fd) < 0) {
		fd = -1;
		rc = fl_err_sys(err, errno, "writing an object into the store");
		goto cleanup;
	}
	fd = -1;
	if (known && memcmp(known->b, out->b, FL_SHA256_LEN)) {
		rc = fl_err_set(err, FL_EMISMATCH, "%s changed while it was being stored", src);
		goto cleanup;
	}
	if ((rc = install(s, tmp, out, err)) == 0) {
		free(tmp);
		tmp = NULL;
	}
cleanup:
	if (fd >= 0)
		close(fd);
	if (in >= 0)
		close(in);
	if (tmp)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Move a damaged object out of the way so the next run rebuilds it. */
static void quarantine(fl_store *s, const char *obj, const char *hex)
{
	char *dir = NULL, *dst = NULL;

	if (asprintf(&dir, "%s/corrupt", s->root) < 0)
		dir = NULL;
	if (dir)
		(void)mkdir(dir, 0755); /* may exist; rename tells if it is usable */
	if (dir && asprintf(&dst, "%s/%s", dir, hex) >= 0 && rename(obj, dst) == 0)
		fl_log(FL_LOG_WARN, "moved damaged object %s to %s", hex, dst);
	else
		unlink(obj);
	free(dir);
	free(dst);
}

int fl_store_get(fl_store *s, const fl_digest *d, const char *dst, int executable,
		 fl_err *err)
{
	char *obj = fl_store_path(s, d), hex[FL_SHA256_HEX_LEN + 1];
	char got[FL_SHA256_HEX_LEN + 1];
	fl_afile *f = NULL;
	fl_digest actual;
	int in = -1, rc;

	fl_digest_hex(d, hex);
	if (!obj)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((in = open(obj, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = fl_err_sys(err, errno, "object %s", hex);
		goto cleanup;
	}
	if ((rc = fl_afile_open(&f, dst, err)) < 0)
		goto cleanup;
	fflush(fl_afile_stream(f));
	if ((rc = copy_hash(in, fileno(fl_afile_stream(f)), &actual, obj, dst, err)) < 0)
		goto cleanup;
	if (memcmp(actual.b, d->b, FL_SHA256_LEN)) {
		fl_digest_hex(&actual, got);
		quarantine(s, obj, hex);
		rc = fl_err_set(err, FL_EMISMATCH,
				"object %s in the store is damaged (its content hashes to %s)",
				hex, got);
		goto cleanup;
	}
	if (fchmod(fileno(fl_afile_stream(f)), executable ? 0755 : 0644) < 0) {
		rc = fl_err_sys(err, errno, "restoring %s", dst);
		goto cleanup;
	}
	rc = fl_afile_commit(f, err);
	f = NULL;
cleanup:
	fl_afile_abort(f);
	if (in >= 0)
		close(in);
	free(obj);
	return rc;
}
