/* bundle.h - a bundle file: pack a list of files and in-memory documents
 * with a manifest (and optionally a signature) into a deterministic tar+zstd
 * archive; open one to read its manifest; check every entry against it;
 * unpack it safely. Knows nothing of recipes: the caller (lib/bundle/
 * runpack.c) decides what goes in and adds its own manifest keys.
 *
 * Archive layout (docs/bundles.md):
 *   .floe-bundle/manifest.json   first entry (the manifest, manifest.h)
 *   .floe-bundle/signature.json  second entry when signed
 *   everything else              sorted bytewise by path
 */
#ifndef FL_BUNDLE_H
#define FL_BUNDLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle/tarx.h"
#include "core/err.h"
#include "core/log.h"
#include "core/sha256.h"

#define FL_BUNDLE_DIR ".floe-bundle"
#define FL_BUNDLE_MANIFEST ".floe-bundle/manifest.json"
#define FL_BUNDLE_SIGNATURE ".floe-bundle/signature.json"
#define FL_BUNDLE_SIG_FORMAT 1
#define FL_BUNDLE_MANIFEST_MAX (64u << 20) /* largest manifest read */
#define FL_BUNDLE_ROLE_IMAGE "image" /* a `docker save` tar: checked, never unpacked */

/* One entry to pack: a file (src) or bytes (buf/len). */
typedef struct fl_bundle_item {
	const char *path;      /* in the archive */
	const char *src;       /* file to copy, or NULL */
	const void *buf;       /* content when src == NULL */
	size_t len;
	const char *role;      /* manifest role: "input", "output", "recipe"... */
	int run_specific;      /* 1: listed in run.entries (not in the digest) */
	int exec;              /* mode 0755 */
	const char *sha256;    /* known content digest (hex) or NULL; saves a
				  hashing pass, still checked while copying */
} fl_bundle_item;

typedef struct fl_bundle_pack_opts {
	const json_t *identity;      /* extra keys merged into identity (borrowed) */
	const json_t *run;           /* extra keys merged into run (borrowed) */
	const char *sign_key;        /* private key file, or NULL */
	int64_t mtime;               /* archive mtime (SOURCE_DATE_EPOCH or 0) */
	int zstd_level;              /* default 3 */
	int n_threads;               /* hashing threads, 0: all cores */
	const fl_progress *progress; /* may be NULL */
} fl_bundle_pack_opts;

#define FL_BUNDLE_PACK_OPTS_INIT { NULL, NULL, NULL, 0, 3, 0, NULL }

/* Hash the items (in parallel), build and finish the manifest, sign it if
 * asked, and write the archive. `out` is the file to write, or a folder
 * (ending in '/', or an existing folder) in which the file is named
 * "<name>-<first 16 hex digits of the digest>.floe.tar.zst". *written
 * (may be NULL) receives the path written (caller frees); *digest (may be
 * NULL) the bundle digest. */
int fl_bundle_pack(const char *out, const char *name, const fl_bundle_item *items,
		   size_t n, const fl_bundle_pack_opts *opts, char **written,
		   fl_digest *digest, fl_err *err);

/* An opened bundle: its manifest (and signature) read from the head. */
typedef struct fl_bundle {
	char *path;            /* the bundle file */
	json_t *manifest;      /* parsed, version and digest checked */
	fl_digest digest;      /* the identity digest */
	fl_digest manifest_sha; /* SHA-256 of the manifest file's bytes */
	json_t *signature;     /* parsed signature document, or NULL */
	uint64_t file_size;    /* bytes of the bundle file */
} fl_bundle;

/* Read the manifest (first entry) and the signature (if any). *out owned
 * by the caller (fl_bundle_free). */
int fl_bundle_open(fl_bundle **out, const char *path, const fl_tarx_limits *limits,
		   fl_err *err);
void fl_bundle_free(fl_bundle *b);

/* Signature state of an opened bundle. */
typedef enum fl_bundle_sig {
	FL_BUNDLE_UNSIGNED = 0,
	FL_BUNDLE_SIGNED = 1,      /* valid with the key embedded in the bundle */
	FL_BUNDLE_SIGNED_BY = 2,   /* valid, and made by the key passed in */
} fl_bundle_sig;

/* Check the signature against the manifest; when `pubkey` (a PEM file) is
 * given, the bundle must be signed by that key. FL_EMISMATCH when the
 * signature does not match or a different key signed, FL_EINVAL when a
 * key is given but the bundle is unsigned. key_id (65 bytes, may be NULL)
 * receives the signer's key id. */
int fl_bundle_check_signature(const fl_bundle *b, const char *pubkey,
			      fl_bundle_sig *state, char *key_id, fl_err *err);

/* Read every entry and check it against the manifest (nothing written). */
int fl_bundle_check_entries(const char *path, const fl_tarx_limits *limits,
			    const fl_progress *progress, fl_err *err);

/* Unpack into `dir` (must not exist or be empty), every entry checked
 * against the manifest before the folder appears. Entries of role
 * FL_BUNDLE_ROLE_IMAGE are checked but not written. `on_end` (may be NULL)
 * runs on the complete temporary tree before it is renamed into place. */
int fl_bundle_unpack(const char *path, const char *dir, const fl_tarx_limits *limits,
		     fl_tarx_end_fn on_end, void *ud, const fl_progress *progress,
		     fl_err *err);

/* The message signed: "floe-bundle-signature-1\n<identity digest hex>\n
 * <manifest file sha256 hex>\n" into `msg` (at least 160 bytes). */
size_t fl_bundle_sig_message(const fl_digest *digest, const fl_digest *manifest_sha,
			     char *msg);

#endif
