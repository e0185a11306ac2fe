/* sign.c - Ed25519 key generation, signing and verification (libcrypto). */
#define _GNU_SOURCE
#include "bundle/sign.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic.h"

static int ossl_fail(fl_err *err, const char *what)
{
	char buf[256];
	unsigned long e = ERR_get_error();

	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return fl_err_set(err, FL_EFAIL, "%s: %s", what, e ? buf : "OpenSSL error");
}

/* Write a key with PEM_write_PrivateKey/PUBKEY into an atomic file. */
static int write_pem(const char *path, EVP_PKEY *k, int private, fl_err *err)
{
	fl_afile *f = NULL;
	int rc;

	if (access(path, F_OK) == 0)
		return fl_err_set(err, FL_EINVAL, "%s already exists; not overwriting a key", path);
	if ((rc = fl_afile_open(&f, path, err)) < 0)
		return rc;
	if (private && chmod(fl_afile_tmp_path(f), 0600) < 0) {
		rc = fl_err_sys(err, errno, "%s", path);
		fl_afile_abort(f);
		return rc;
	}
	if (!(private ? PEM_write_PrivateKey(fl_afile_stream(f), k, NULL, NULL, 0, NULL, NULL)
		      : PEM_write_PUBKEY(fl_afile_stream(f), k))) {
		fl_afile_abort(f);
		return ossl_fail(err, path);
	}
	return fl_afile_commit(f, err);
}

int fl_sign_keygen(const char *prefix, fl_err *err)
{
	EVP_PKEY *k = NULL;
	char *priv = NULL, *pub = NULL;
	int rc;

	if (asprintf(&priv, "%s.key", prefix) < 0 || asprintf(&pub, "%s.pub", prefix) < 0) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (access(pub, F_OK) == 0) {
		rc = fl_err_set(err, FL_EINVAL, "%s already exists; not overwriting a key", pub);
		goto cleanup;
	}
	if (!(k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"))) {
		rc = ossl_fail(err, "generating an Ed25519 key");
		goto cleanup;
	}
	if ((rc = write_pem(priv, k, 1, err)) < 0)
		goto cleanup;
	if ((rc = write_pem(pub, k, 0, err)) < 0)
		unlink(priv); /* do not leave half a pair */
cleanup:
	EVP_PKEY_free(k);
	free(priv);
	free(pub);
	return rc;
}

/* Read a private key, or (private == 0) a public or private key. */
static int load_key(const char *path, int private, EVP_PKEY **out, fl_err *err)
{
	FILE *fp = fopen(path, "r");
	EVP_PKEY *k = NULL;

	*out = NULL;
	if (!fp)
		return fl_err_sys(err, errno, "%s", path);
	k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	if (!k && !private) {
		ERR_clear_error();
		rewind(fp);
		k = PEM_read_PUBKEY(fp, NULL, NULL, NULL);
	}
	fclose(fp);
	if (!k)
		return ossl_fail(err, private ? "reading private key" : "reading key");
	if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(k);
		return fl_err_set(err, FL_EINVAL, "%s: not an Ed25519 key", path);
	}
	*out = k;
	return 0;
}

int fl_sign_message(const char *keyfile, const void *msg, size_t len,
		    uint8_t sig[FL_SIGN_LEN], fl_err *err)
{
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *ctx = NULL;
	size_t slen = FL_SIGN_LEN;
	int rc;

	if ((rc = load_key(keyfile, 1, &k, err)) < 0)
		return fl_err_wrap(err, "%s", keyfile);
	if (!(ctx = EVP_MD_CTX_new()) || EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) != 1 ||
	    EVP_DigestSign(ctx, sig, &slen, msg, len) != 1 || slen != FL_SIGN_LEN)
		rc = ossl_fail(err, "signing");
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return rc;
}

int fl_sign_public_raw(const char *keyfile, uint8_t pub[FL_SIGN_PUB_LEN], fl_err *err)
{
	EVP_PKEY *k = NULL;
	size_t n = FL_SIGN_PUB_LEN;
	int rc;

	if ((rc = load_key(keyfile, 0, &k, err)) < 0)
		return fl_err_wrap(err, "%s", keyfile);
	if (EVP_PKEY_get_raw_public_key(k, pub, &n) != 1 || n != FL_SIGN_PUB_LEN)
		rc = ossl_fail(err, keyfile);
	EVP_PKEY_free(k);
	return rc;
}

int fl_sign_verify_raw(const uint8_t pub[FL_SIGN_PUB_LEN], const void *msg, size_t len,
		       const uint8_t sig[FL_SIGN_LEN], fl_err *err)
{
	EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, FL_SIGN_PUB_LEN);
	EVP_MD_CTX *ctx = NULL;
	int rc = 0, ok;

	if (!k)
		return ossl_fail(err, "loading the public key");
	if (!(ctx = EVP_MD_CTX_new()) || EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) != 1) {
		rc = ossl_fail(err, "verifying");
		goto cleanup;
	}
	ok = EVP_DigestVerify(ctx, sig, FL_SIGN_LEN, msg, len);
	ERR_clear_error();
	if (ok != 1)
		rc = fl_err_set(err, FL_EMISMATCH, "the signature does not match");
cleanup:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return rc;
}

int fl_sign_key_id(const uint8_t pub[FL_SIGN_PUB_LEN], char *hex, fl_err *err)
{
	fl_digest d;
	int rc = fl_sha256_buf(pub, FL_SIGN_PUB_LEN, &d, err);

	if (rc == 0)
		fl_digest_hex(&d, hex);
	return rc;
}
