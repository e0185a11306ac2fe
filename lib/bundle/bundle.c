/* bundle.c - pack, open, check and unpack bundle files. */
#define _GNU_SOURCE
#include "bundle/bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle/manifest.h"
#include "bundle/sign.h"
#include "bundle/tarw.h"
#include "core/atomic.h"
#include "core/parallel.h"

/* --- packing ------------------------------------------------------------- */

typedef struct hashed {
	fl_digest d;   /* content digest */
	uint64_t size; /* bytes */
} hashed;

typedef struct hash_job {
	const fl_bundle_item *items;
	hashed *out;
} hash_job;

static int hash_item(void *ud, size_t i, int worker, fl_err *err)
{
	hash_job *j = ud;
	const fl_bundle_item *it = &j->items[i];
	struct stat st;

	(void)worker;
	if (!it->src) {
		j->out[i].size = it->len;
		return fl_sha256_buf(it->buf, it->len, &j->out[i].d, err);
	}
	if (stat(it->src, &st) < 0)
		return fl_err_sys(err, errno, "%s", it->src);
	j->out[i].size = (uint64_t)st.st_size;
	if (it->sha256)
		return fl_digest_parse(it->sha256, &j->out[i].d, err);
	return fl_sha256_file(it->src, &j->out[i].d, err);
}

static int merge_part(json_t *m, const char *part, const json_t *extra, fl_err *err)
{
	if (!extra)
		return 0;
	if (!json_is_object(extra) || json_object_get(extra, "entries"))
		return fl_err_set(err, FL_EINVAL, "bad extra manifest keys for '%s'", part);
	json_object_update(fl_manifest_part(m, part), (json_t *)extra);
	return 0;
}

static int build_manifest(const fl_bundle_item *items, size_t n, const hashed *h,
			  const fl_bundle_pack_opts *o, json_t **out, fl_err *err)
{
	json_t *m = NULL;
	int rc;

	if ((rc = fl_manifest_new(&m, err)) < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!strncmp(items[i].path, FL_BUNDLE_DIR "/", strlen(FL_BUNDLE_DIR) + 1))
			rc = fl_err_set(err, FL_EINVAL, "'%s' is reserved for floe", items[i].path);
		else
			rc = fl_manifest_add_entry(m, items[i].run_specific ? "run" : "identity",
						   items[i].path, h[i].size, &h[i].d,
						   items[i].role, err);
	}
	if (rc == 0 && (rc = merge_part(m, "identity", o->identity, err)) == 0)
		rc = merge_part(m, "run", o->run, err);
	if (rc < 0) {
		json_decref(m);
		return rc;
	}
	*out = m;
	return 0;
}

size_t fl_bundle_sig_message(const fl_digest *digest, const fl_digest *manifest_sha,
			     char *msg)
{
	char a[FL_SHA256_HEX_LEN + 1], b[FL_SHA256_HEX_LEN + 1];

	fl_digest_hex(digest, a);
	fl_digest_hex(manifest_sha, b);
	return (size_t)sprintf(msg, "floe-bundle-signature-%d\n%s\n%s\n", FL_BUNDLE_SIG_FORMAT,
			       a, b);
}

/* The signature document for a manifest (malloc'd bytes in *out). */
static int make_signature(const char *key, const fl_digest *digest, const char *mbytes,
			  size_t mlen, char **out, fl_err *err)
{
	uint8_t sig[FL_SIGN_LEN], pub[FL_SIGN_PUB_LEN];
	char msg[256], sig_hex[2 * FL_SIGN_LEN + 1], pub_hex[2 * FL_SIGN_PUB_LEN + 1];
	char id[FL_SHA256_HEX_LEN + 1], dh[FL_SHA256_HEX_LEN + 1], mh[FL_SHA256_HEX_LEN + 1];
	fl_digest msha;
	json_t *doc;
	char *s;
	int rc;

	if ((rc = fl_sha256_buf(mbytes, mlen, &msha, err)) < 0)
		return rc;
	size_t len = fl_bundle_sig_message(digest, &msha, msg);
	if ((rc = fl_sign_message(key, msg, len, sig, err)) < 0 ||
	    (rc = fl_sign_public_raw(key, pub, err)) < 0 || (rc = fl_sign_key_id(pub, id, err)) < 0)
		return rc;
	fl_hex_encode(sig, FL_SIGN_LEN, sig_hex);
	fl_hex_encode(pub, FL_SIGN_PUB_LEN, pub_hex);
	fl_digest_hex(digest, dh);
	fl_digest_hex(&msha, mh);
	doc = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "floe-signature",
			FL_BUNDLE_SIG_FORMAT, "algorithm", "ed25519", "bundle_digest", dh,
			"manifest_sha256", mh, "public_key", pub_hex, "key_id", id, "signature",
			sig_hex);
	s = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	json_decref(doc);
	if (!s || asprintf(out, "%s\n", s) < 0) {
		free(s);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	free(s);
	return 0;
}

/* Where to write: `out` itself, or a digest-named file in a folder. */
static int resolve_out(const char *out, const char *name, const fl_digest *d, char **path,
		       fl_err *err)
{
	char hex[FL_SHA256_HEX_LEN + 1];
	struct stat st;
	size_t n = strlen(out);

	fl_digest_hex(d, hex);
	hex[16] = '\0';
	if ((n && out[n - 1] == '/') || (stat(out, &st) == 0 && S_ISDIR(st.st_mode))) {
		int rc = fl_mkdir_p(out, err);
		if (rc < 0)
			return rc;
		if (asprintf(path, "%s%s%s-%s.floe.tar.zst", out, out[n - 1] == '/' ? "" : "/",
			     name, hex) < 0)
			return fl_err_set(err, FL_ENOMEM, "out of memory");
	} else if (!(*path = strdup(out))) {
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	return 0;
}

static int write_archive(const char *path, const fl_bundle_item *items, size_t n,
			 const hashed *h, const char *mbytes, const char *sig,
			 const fl_bundle_pack_opts *o, fl_err *err)
{
	fl_tar_entry *e = calloc(n + 2, sizeof(*e));
	fl_tarw_opts to = FL_TARW_OPTS_INIT;
	size_t k = 0;
	int rc;

	if (!e)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	e[k++] = (fl_tar_entry){ .name = FL_BUNDLE_MANIFEST, .buf = mbytes,
				 .len = strlen(mbytes), .priority = -2 };
	if (sig)
		e[k++] = (fl_tar_entry){ .name = FL_BUNDLE_SIGNATURE, .buf = sig,
					 .len = strlen(sig), .priority = -1 };
	for (size_t i = 0; i < n; i++)
		e[k++] = (fl_tar_entry){ .name = items[i].path, .src = items[i].src,
					 .buf = items[i].buf, .len = items[i].len,
					 .exec = items[i].exec, .expect = &h[i].d };
	to.zstd_level = o->zstd_level;
	to.mtime = o->mtime;
	to.progress = o->progress;
	rc = fl_tarw_write(path, e, k, &to, err);
	free(e);
	return rc;
}

int fl_bundle_pack(const char *out, const char *name, const fl_bundle_item *items,
		   size_t n, const fl_bundle_pack_opts *opts, char **written,
		   fl_digest *digest, fl_err *err)
{
	static const fl_bundle_pack_opts defaults = FL_BUNDLE_PACK_OPTS_INIT;
	const fl_bundle_pack_opts *o = opts ? opts : &defaults;
	hashed *h = calloc(n ? n : 1, sizeof(*h));
	hash_job job = { items, h };
	json_t *m = NULL;
	char *mbytes = NULL, *sig = NULL, *path = NULL;
	fl_digest d;
	int rc;

	if (written)
		*written = NULL;
	if (!h)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_parallel_for(n, o->n_threads, hash_item, &job, err)) < 0 ||
	    (rc = build_manifest(items, n, h, o, &m, err)) < 0 ||
	    (rc = fl_manifest_finish(m, &d, err)) < 0 ||
	    (rc = fl_manifest_dump(m, &mbytes, NULL, err)) < 0)
		goto cleanup;
	if (o->sign_key && (rc = make_signature(o->sign_key, &d, mbytes, strlen(mbytes), &sig,
						err)) < 0)
		goto cleanup;
	if ((rc = resolve_out(out, name, &d, &path, err)) < 0 ||
	    (rc = write_archive(path, items, n, h, mbytes, sig, o, err)) < 0)
		goto cleanup;
	if (digest)
		*digest = d;
	if (written) {
		*written = path;
		path = NULL;
	}
cleanup:
	json_decref(m);
	free(mbytes);
	free(sig);
	free(path);
	free(h);
	return rc;
}

/* --- reading ------------------------------------------------------------- */

/* Read the manifest from the current (first) entry. */
static int read_manifest(fl_tarx *r, const char *path, json_t **m, fl_digest *msha,
			 fl_err *err)
{
	const char *name;
	uint64_t size;
	int is_dir, exec, rc;
	char *buf = NULL;
	size_t len;

	if ((rc = fl_tarx_next(r, &name, &size, &is_dir, &exec, err)) < 0)
		return rc;
	if (rc == 0 || strcmp(name, FL_BUNDLE_MANIFEST))
		return fl_err_set(err, FL_EINVAL, "%s: not a floe bundle (the first entry is not %s)",
				  path, FL_BUNDLE_MANIFEST);
	if ((rc = fl_tarx_read_all(r, FL_BUNDLE_MANIFEST_MAX, &buf, &len, err)) < 0)
		return rc;
	if ((rc = fl_sha256_buf(buf, len, msha, err)) == 0)
		rc = fl_manifest_parse(buf, len, FL_BUNDLE_MANIFEST, m, err);
	if (rc < 0 && err)
		fl_err_wrap(err, "%s", path);
	free(buf);
	return rc;
}

void fl_bundle_free(fl_bundle *b)
{
	if (!b)
		return;
	json_decref(b->manifest);
	json_decref(b->signature);
	free(b->path);
	free(b);
}

int fl_bundle_open(fl_bundle **out, const char *path, const fl_tarx_limits *limits,
		   fl_err *err)
{
	fl_bundle *b = calloc(1, sizeof(*b));
	fl_tarx *r = NULL;
	const char *name;
	uint64_t size;
	int is_dir, exec, rc;
	char *buf = NULL;
	struct stat st;

	*out = NULL;
	if (!b || !(b->path = strdup(path))) {
		free(b);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if ((rc = fl_tarx_open(&r, path, limits, err)) < 0 ||
	    (rc = read_manifest(r, path, &b->manifest, &b->manifest_sha, err)) < 0 ||
	    (rc = fl_manifest_digest(b->manifest, &b->digest, err)) < 0)
		goto cleanup;
	if ((rc = fl_tarx_next(r, &name, &size, &is_dir, &exec, err)) < 0)
		goto cleanup;
	if (rc == 1 && !strcmp(name, FL_BUNDLE_SIGNATURE)) {
		if ((rc = fl_tarx_read_all(r, 1 << 16, &buf, NULL, err)) < 0)
			goto cleanup;
		if (!(b->signature = json_loads(buf, 0, NULL))) {
			rc = fl_err_set(err, FL_EINVAL, "%s: %s is not valid JSON", path,
					FL_BUNDLE_SIGNATURE);
			goto cleanup;
		}
	}
	b->file_size = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
	rc = 0;
	*out = b;
	b = NULL;
cleanup:
	free(buf);
	fl_tarx_close(r);
	fl_bundle_free(b);
	return rc;
}

static int sig_field(const json_t *sig, const char *key, uint8_t *b, size_t n, fl_err *err)
{
	const char *hex = json_string_value(json_object_get(sig, key));

	if (!hex || fl_hex_decode(hex, b, n, err) < 0)
		return fl_err_set(err, FL_EINVAL, "signature: '%s' missing or malformed", key);
	return 0;
}

int fl_bundle_check_signature(const fl_bundle *b, const char *pubkey,
			      fl_bundle_sig *state, char *key_id, fl_err *err)
{
	uint8_t pub[FL_SIGN_PUB_LEN], sig[FL_SIGN_LEN], want[FL_SIGN_PUB_LEN];
	char msg[256], id[FL_SHA256_HEX_LEN + 1], want_id[FL_SHA256_HEX_LEN + 1];
	const json_t *s = b->signature;
	const char *alg = json_string_value(json_object_get(s, "algorithm"));
	size_t len;
	int rc;

	*state = FL_BUNDLE_UNSIGNED;
	if (!s)
		return pubkey ? fl_err_set(err, FL_EINVAL, "%s is not signed", b->path) : 0;
	if (json_integer_value(json_object_get(s, "floe-signature")) != FL_BUNDLE_SIG_FORMAT ||
	    !alg || strcmp(alg, "ed25519"))
		return fl_err_set(err, FL_EINVAL, "%s: unknown signature format or algorithm",
				  b->path);
	if ((rc = sig_field(s, "public_key", pub, sizeof(pub), err)) < 0 ||
	    (rc = sig_field(s, "signature", sig, sizeof(sig), err)) < 0 ||
	    (rc = fl_sign_key_id(pub, id, err)) < 0)
		return rc;
	if (key_id)
		memcpy(key_id, id, sizeof(id));
	len = fl_bundle_sig_message(&b->digest, &b->manifest_sha, msg);
	if (fl_sign_verify_raw(pub, msg, len, sig, err) < 0)
		return fl_err_set(err, FL_EMISMATCH,
				  "%s: the signature does not match the manifest (changed after "
				  "signing)", b->path);
	*state = FL_BUNDLE_SIGNED;
	if (!pubkey)
		return 0;
	if ((rc = fl_sign_public_raw(pubkey, want, err)) < 0 ||
	    (rc = fl_sign_key_id(want, want_id, err)) < 0)
		return rc;
	if (memcmp(want, pub, sizeof(pub)))
		return fl_err_set(err, FL_EMISMATCH,
				  "%s was signed by key %.16s..., not by %s (key %.16s...)", b->path,
				  id, pubkey, want_id);
	*state = FL_BUNDLE_SIGNED_BY;
	return 0;
}

/* Hash the current entry's data. */
static int hash_entry(fl_tarx *r, unsigned char *buf, size_t cap, fl_sha256_ctx *h,
		      fl_digest *d, const fl_progress *p, uint64_t *done, fl_err *err)
{
	size_t got;
	int rc;

	if ((rc = fl_sha256_reset(h, err)) < 0)
		return rc;
	do {
		if ((rc = fl_tarx_read(r, buf, cap, &got, err)) < 0 ||
		    (rc = fl_sha256_update(h, buf, got, err)) < 0)
			return rc;
		*done += got;
		fl_progress_report(p, "checking", *done, 0);
	} while (got > 0);
	return fl_sha256_final(h, d, err);
}

int fl_bundle_check_entries(const char *path, const fl_tarx_limits *limits,
			    const fl_progress *progress, fl_err *err)
{
	fl_tarx *r = NULL;
	json_t *m = NULL;
	fl_manifest_check *chk = NULL;
	fl_sha256_ctx *h = NULL;
	unsigned char *buf = malloc(1 << 20);
	const char *name;
	uint64_t size, done = 0;
	int is_dir, exec, rc, idx = 1;
	fl_digest msha, d;

	if (!buf)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_tarx_open(&r, path, limits, err)) < 0 ||
	    (rc = read_manifest(r, path, &m, &msha, err)) < 0 ||
	    (rc = fl_manifest_check_new(&chk, m, err)) < 0 || (rc = fl_sha256_new(&h, err)) < 0)
		goto cleanup;
	while ((rc = fl_tarx_next(r, &name, &size, &is_dir, &exec, err)) == 1) {
		idx++;
		if (is_dir || (idx == 2 && !strcmp(name, FL_BUNDLE_SIGNATURE)))
			continue;
		if ((rc = hash_entry(r, buf, 1 << 20, h, &d, progress, &done, err)) < 0 ||
		    (rc = fl_manifest_check_entry(chk, name, size, &d, err)) < 0)
			break;
	}
	if (rc == 0)
		rc = fl_manifest_check_complete(chk, err);
	if (rc < 0 && err && !strstr(err->msg, path))
		fl_err_wrap(err, "%s", path);
cleanup:
	fl_sha256_free(h);
	fl_manifest_check_free(chk);
	json_decref(m);
	fl_tarx_close(r);
	free(buf);
	return rc;
}

/* --- unpacking ------------------------------------------------------------ */

typedef struct unpack_ctx {
	json_t *m;                 /* manifest, once read */
	json_t *skip;              /* {path: true}: entries of role "image" */
	fl_manifest_check *chk;    /* its checker */
	int files;                 /* regular files seen */
	fl_tarx_end_fn on_end;     /* the caller's hook */
	void *ud;
} unpack_ctx;

/* Image tars are checked, not written: Docker loads them from the bundle. */
static int unpack_skip(void *ud, const char *name)
{
	unpack_ctx *u = ud;

	return u->skip && json_object_get(u->skip, name) != NULL;
}

static int unpack_entry(void *ud, const char *name, uint64_t size, const fl_digest *d,
			const char *file, fl_err *err)
{
	unpack_ctx *u = ud;
	char *buf = NULL;
	size_t len;
	int rc;

	if (++u->files == 1) {
		if (strcmp(name, FL_BUNDLE_MANIFEST))
			return fl_err_set(err, FL_EINVAL, "not a floe bundle (the first entry is "
					  "not %s)", FL_BUNDLE_MANIFEST);
		if ((rc = fl_read_file(file, &buf, &len, err)) < 0)
			return rc;
		rc = fl_manifest_parse(buf, len, FL_BUNDLE_MANIFEST, &u->m, err);
		free(buf);
		if (rc == 0 && !(u->skip = fl_manifest_role_paths(u->m, FL_BUNDLE_ROLE_IMAGE)))
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		return rc < 0 ? rc : fl_manifest_check_new(&u->chk, u->m, err);
	}
	if (u->files == 2 && !strcmp(name, FL_BUNDLE_SIGNATURE))
		return 0;
	return fl_manifest_check_entry(u->chk, name, size, d, err);
}

static int unpack_end(void *ud, const char *root, fl_err *err)
{
	unpack_ctx *u = ud;
	int rc;

	if (!u->chk)
		return fl_err_set(err, FL_EINVAL, "not a floe bundle (no manifest)");
	if ((rc = fl_manifest_check_complete(u->chk, err)) < 0)
		return rc;
	return u->on_end ? u->on_end(u->ud, root, err) : 0;
}

int fl_bundle_unpack(const char *path, const char *dir, const fl_tarx_limits *limits,
		     fl_tarx_end_fn on_end, void *ud, const fl_progress *progress,
		     fl_err *err)
{
	fl_tarx_opts o = FL_TARX_OPTS_INIT;
	unpack_ctx u = { NULL, NULL, NULL, 0, on_end, ud };
	int rc;

	if (limits)
		o.limits = *limits;
	o.on_entry = unpack_entry;
	o.on_end = unpack_end;
	o.skip = unpack_skip;
	o.ud = &u;
	o.progress = progress;
	rc = fl_tarx_extract(path, dir, &o, err);
	if (rc < 0 && err && !strstr(err->msg, path))
		fl_err_wrap(err, "%s", path);
	fl_manifest_check_free(u.chk);
	json_decref(u.skip);
	json_decref(u.m);
	return rc;
}
