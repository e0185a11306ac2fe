/* member.c - read one bundle entry by name, checked against the manifest. */
#define _GNU_SOURCE
#include "bundle/member.h"

#include <stdlib.h>
#include <string.h>

#include "bundle/manifest.h"
#include "core/atomic.h"

#define COPY_BUF (1u << 20)

/* The manifest row [size, sha256 hex, role] of `name`, or NULL. */
static const json_t *row_of(const fl_bundle *b, const char *name, const char **part_role)
{
	static const char *const parts[] = { "identity", "run" };
	size_t i;
	json_t *e;

	for (int p = 0; p < 2; p++)
		json_array_foreach(json_object_get(json_object_get(b->manifest, parts[p]), "entries"),
				   i, e) {
			const char *path = json_string_value(json_object_get(e, "path"));
			if (path && !strcmp(path, name)) {
				if (part_role)
					*part_role = json_string_value(json_object_get(e, "role"));
				return e;
			}
		}
	return NULL;
}

int fl_bundle_member_find(const fl_bundle *b, const char *name, uint64_t *size,
			  fl_digest *digest, const char **role, fl_err *err)
{
	const char *r = NULL;
	const json_t *e = row_of(b, name, &r);
	int rc;

	if (!e)
		return fl_err_set(err, FL_ENOTFOUND, "%s: the manifest lists no entry '%s'",
				  b->path, name);
	if (size)
		*size = (uint64_t)json_integer_value(json_object_get(e, "size"));
	if (digest && (rc = fl_digest_parse(json_string_value(json_object_get(e, "sha256")),
					    digest, err)) < 0)
		return rc;
	if (role)
		*role = r;
	return 0;
}

/* Open the archive and move to entry `name`. */
static int seek(const fl_bundle *b, const char *name, fl_tarx **out, uint64_t *size,
		fl_err *err)
{
	fl_tarx *r = NULL;
	const char *n;
	int is_dir, exec, rc;

	*out = NULL;
	if ((rc = fl_bundle_member_find(b, name, NULL, NULL, NULL, err)) < 0 ||
	    (rc = fl_tarx_open(&r, b->path, NULL, err)) < 0)
		return rc;
	while ((rc = fl_tarx_next(r, &n, size, &is_dir, &exec, err)) == 1)
		if (!is_dir && !strcmp(n, name))
			break;
	if (rc == 0)
		rc = fl_err_set(err, FL_EMISMATCH, "%s: entry '%s' is listed in the manifest but "
				"missing from the archive", b->path, name);
	if (rc < 0) {
		fl_tarx_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* Check what was read against the manifest. */
static int check(const fl_bundle *b, const char *name, uint64_t size, const fl_digest *d,
		 fl_err *err)
{
	fl_manifest_check *c = NULL;
	int rc;

	if ((rc = fl_manifest_check_new(&c, b->manifest, err)) == 0)
		rc = fl_manifest_check_entry(c, name, size, d, err);
	fl_manifest_check_free(c);
	return rc < 0 ? fl_err_wrap(err, "%s", b->path) : 0;
}

int fl_bundle_member_read(const fl_bundle *b, const char *name, size_t max, char **out,
			  size_t *len, fl_err *err)
{
	fl_tarx *r = NULL;
	uint64_t size;
	size_t n = 0;
	fl_digest d;
	int rc;

	*out = NULL;
	if ((rc = seek(b, name, &r, &size, err)) < 0)
		return rc;
	if ((rc = fl_tarx_read_all(r, max, out, &n, err)) == 0 &&
	    (rc = fl_sha256_buf(*out, n, &d, err)) == 0)
		rc = check(b, name, n, &d, err);
	fl_tarx_close(r);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		return rc;
	}
	if (len)
		*len = n;
	return 0;
}

/* Copy the current entry to `f`, hashing it. */
static int copy_out(fl_tarx *r, FILE *f, const char *name, uint64_t total,
		    const fl_progress *p, uint64_t *n, fl_digest *d, fl_err *err)
{
	unsigned char *buf = malloc(COPY_BUF);
	fl_sha256_ctx *h = NULL;
	size_t got;
	int rc;

	*n = 0;
	if (!buf)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_sha256_new(&h, err)) < 0)
		goto cleanup;
	for (;;) {
		if ((rc = fl_tarx_read(r, buf, COPY_BUF, &got, err)) < 0 || got == 0)
			break;
		if ((rc = fl_sha256_update(h, buf, got, err)) < 0)
			break;
		if (fwrite(buf, 1, got, f) != got) {
			rc = fl_err_set(err, FL_EIO, "writing entry '%s' out", name);
			break;
		}
		*n += got;
		fl_progress_report(p, "extracting", *n, total);
	}
	if (rc == 0)
		rc = fl_sha256_final(h, d, err);
cleanup:
	fl_sha256_free(h);
	free(buf);
	return rc;
}

int fl_bundle_member_extract(const fl_bundle *b, const char *name, const char *dest,
			     const fl_progress *progress, fl_err *err)
{
	fl_tarx *r = NULL;
	fl_afile *f = NULL;
	uint64_t size, n;
	fl_digest d;
	int rc;

	if ((rc = seek(b, name, &r, &size, err)) < 0)
		return rc;
	if ((rc = fl_afile_open(&f, dest, err)) == 0 &&
	    (rc = copy_out(r, fl_afile_stream(f), name, size, progress, &n, &d, err)) == 0 &&
	    (rc = check(b, name, n, &d, err)) == 0) {
		rc = fl_afile_commit(f, err);
		f = NULL;
	}
	fl_afile_abort(f);
	fl_tarx_close(r);
	return rc;
}

int fl_bundle_member_scan(const fl_bundle *b, const char *role, size_t head,
			  fl_bundle_member_fn fn, void *ud, fl_err *err)
{
	unsigned char *buf = malloc(head ? head : 1);
	json_t *want = fl_manifest_role_paths(b->manifest, role);
	fl_tarx *r = NULL;
	const char *name;
	uint64_t size;
	int is_dir, exec, rc;

	if (!buf || !want) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = fl_tarx_open(&r, b->path, NULL, err)) < 0)
		goto cleanup;
	while ((rc = fl_tarx_next(r, &name, &size, &is_dir, &exec, err)) == 1) {
		size_t got = 0, g;
		if (is_dir || !json_object_get(want, name))
			continue;
		while (got < head && (rc = fl_tarx_read(r, buf + got, head - got, &g, err)) == 0 &&
		       g > 0)
			got += g;
		if (rc < 0 || (rc = fn(ud, name, size, buf, got, err)) != 0)
			break;
	}
cleanup:
	fl_tarx_close(r);
	json_decref(want);
	free(buf);
	return rc < 0 ? rc : 0;
}
