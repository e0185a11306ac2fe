/* sign.h - Ed25519 keys and signatures through OpenSSL's EVP interface.
 * Keys are PEM files: PREFIX.key (PKCS#8 private key, mode 0600) and
 * PREFIX.pub (SubjectPublicKeyInfo). A key's id is the hex SHA-256 of its
 * 32-byte raw public key. */
#ifndef FL_SIGN_H
#define FL_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/hex.h"
#include "core/sha256.h"

#define FL_SIGN_LEN 64     /* bytes in an Ed25519 signature */
#define FL_SIGN_PUB_LEN 32 /* bytes in a raw Ed25519 public key */

/* Make a key pair and write PREFIX.key and PREFIX.pub (atomically; an
 * existing file is never overwritten: FL_EINVAL). */
int fl_sign_keygen(const char *prefix, fl_err *err);

/* Sign `msg` with the private key in `keyfile`. */
int fl_sign_message(const char *keyfile, const void *msg, size_t len,
		    uint8_t sig[FL_SIGN_LEN], fl_err *err);

/* The raw public key of a private or public key file. */
int fl_sign_public_raw(const char *keyfile, uint8_t pub[FL_SIGN_PUB_LEN], fl_err *err);

/* Verify with a raw public key: 0, or FL_EMISMATCH when the signature does
 * not match. */
int fl_sign_verify_raw(const uint8_t pub[FL_SIGN_PUB_LEN], const void *msg, size_t len,
		       const uint8_t sig[FL_SIGN_LEN], fl_err *err);

/* Key id: hex SHA-256 of the raw public key (hex holds 65 bytes). */
int fl_sign_key_id(const uint8_t pub[FL_SIGN_PUB_LEN], char *hex, fl_err *err);


#endif
