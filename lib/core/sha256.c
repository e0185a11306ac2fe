/* sha256.c - SHA-256 on OpenSSL EVP. */
#define _GNU_SOURCE
#include "core/sha256.h"
#include "core/hex.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_BUF (1u << 20)

struct fl_sha256_ctx {
	EVP_MD_CTX *ctx;
};

static int ossl_fail(fl_err *err, const char *what)
{
	return fl_err_set(err, FL_EFAIL, "OpenSSL SHA-256 %s failed", what);
}

int fl_sha256_new(fl_sha256_ctx **out, fl_err *err)
{
	fl_sha256_ctx *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (!h || !(h->ctx = EVP_MD_CTX_new())) {
		free(h);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if (EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		fl_sha256_free(h);
		return ossl_fail(err, "init");
	}
	*out = h;
	return 0;
}

int fl_sha256_reset(fl_sha256_ctx *h, fl_err *err)
{
	if (EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
		return ossl_fail(err, "init");
	return 0;
}

int fl_sha256_update(fl_sha256_ctx *h, const void *data, size_t len, fl_err *err)
{
	if (len && EVP_DigestUpdate(h->ctx, data, len) != 1)
		return ossl_fail(err, "update");
	return 0;
}

int fl_sha256_final(fl_sha256_ctx *h, fl_digest *out, fl_err *err)
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(h->ctx, out->b, &n) != 1 || n != FL_SHA256_LEN)
		return ossl_fail(err, "final");
	return 0;
}

void fl_sha256_free(fl_sha256_ctx *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

int fl_sha256_buf(const void *data, size_t len, fl_digest *out, fl_err *err)
{
	unsigned int n = 0;

	if (EVP_Digest(data, len, out->b, &n, EVP_sha256(), NULL) != 1)
		return ossl_fail(err, "digest");
	return 0;
}

int fl_sha256_fd(int fd, const char *name, fl_digest *out, fl_err *err)
{
	fl_sha256_ctx *h = NULL;
	uint8_t *buf = malloc(READ_BUF);
	int rc;

	if (!buf)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_sha256_new(&h, err)) < 0)
		goto cleanup;
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		ssize_t n = read(fd, buf, READ_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = fl_err_sys(err, errno, "%s", name);
			goto cleanup;
		}
		if (n == 0)
			break;
		if ((rc = fl_sha256_update(h, buf, (size_t)n, err)) < 0)
			goto cleanup;
	}
	rc = fl_sha256_final(h, out, err);
cleanup:
	fl_sha256_free(h);
	free(buf);
	return rc;
}

int fl_sha256_file(const char *path, fl_digest *out, fl_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return fl_err_sys(err, errno, "%s", path);
	rc = fl_sha256_fd(fd, path, out, err);
	close(fd);
	return rc;
}

void fl_digest_hex(const fl_digest *d, char *hex)
{
	fl_hex_encode(d->b, FL_SHA256_LEN, hex);
}

int fl_digest_parse(const char *hex, fl_digest *out, fl_err *err)
{
	if (fl_hex_decode(hex, out->b, FL_SHA256_LEN, NULL) < 0)
		return fl_err_set(err, FL_EINVAL,
				  "'%s' is not a SHA-256 digest (64 hex digits)", hex);
	return 0;
}
