/* sha256.h - SHA-256 through OpenSSL's EVP interface: streaming, one-shot,
 * whole files, and hex conversion. */
#ifndef FL_SHA256_H
#define FL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define FL_SHA256_LEN 32
#define FL_SHA256_HEX_LEN 64

/* A digest. Plain bytes, comparable with memcmp(). */
typedef struct fl_digest {
	uint8_t b[FL_SHA256_LEN];
} fl_digest;

/* A streaming hash. Create with fl_sha256_new(), feed with
 * fl_sha256_update(), finish with fl_sha256_final() (which may be followed
 * by fl_sha256_reset() to reuse it), free with fl_sha256_free(). */
typedef struct fl_sha256_ctx fl_sha256_ctx;

int fl_sha256_new(fl_sha256_ctx **out, fl_err *err);
int fl_sha256_reset(fl_sha256_ctx *h, fl_err *err);
int fl_sha256_update(fl_sha256_ctx *h, const void *data, size_t len, fl_err *err);
int fl_sha256_final(fl_sha256_ctx *h, fl_digest *out, fl_err *err);
void fl_sha256_free(fl_sha256_ctx *h);

/* One-shot digest of a buffer. */
int fl_sha256_buf(const void *data, size_t len, fl_digest *out, fl_err *err);

/* Digest of a file's content, read with a 1 MiB buffer (or of an open file
 * descriptor, read from its current offset to the end; the fd stays open). */
int fl_sha256_file(const char *path, fl_digest *out, fl_err *err);
int fl_sha256_fd(int fd, const char *name, fl_digest *out, fl_err *err);

/* Lower-case hex: `hex` must hold FL_SHA256_HEX_LEN + 1 bytes. */
void fl_digest_hex(const fl_digest *d, char *hex);

/* Parse 64 hex digits (either case). Returns FL_EINVAL otherwise. */
int fl_digest_parse(const char *hex, fl_digest *out, fl_err *err);

#endif
