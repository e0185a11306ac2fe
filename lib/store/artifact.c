/* artifact.c - step outputs into the store and back. */
#define _GNU_SOURCE
#include "store/artifact.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/hashtree.h"

static json_t *hex_json(const fl_digest *d)
{
	char hex[FL_SHA256_HEX_LEN + 1];

	fl_digest_hex(d, hex);
	return json_string(hex);
}

int fl_artifact_digest(const json_t *a, fl_digest *out, fl_err *err)
{
	const char *hex = json_string_value(json_object_get(a, "sha256"));

	if (!hex)
		return fl_err_set(err, FL_EINVAL, "a stored output lacks its digest");
	return fl_digest_parse(hex, out, err);
}

/* Add the entries of folder `root`/`rel` to `entries`, sorted by name. */
static int walk(fl_store *s, const char *root, const char *rel, json_t *entries,
		const char *what, fl_err *err)
{
	char *dir = NULL;
	struct dirent **names = NULL;
	int n, rc = 0;

	if (asprintf(&dir, "%s%s%s", root, *rel ? "/" : "", rel) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((n = scandir(dir, &names, NULL, alphasort)) < 0) {
		rc = fl_err_sys(err, errno, "%s", dir);
		free(dir);
		return rc;
	}
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		char *p = NULL, *r = NULL;
		struct stat st;
		fl_digest d;

		if (rc < 0 || !strcmp(nm, ".") || !strcmp(nm, ".."))
			continue;
		if (asprintf(&p, "%s/%s", dir, nm) < 0 ||
		    asprintf(&r, "%s%s%s", rel, *rel ? "/" : "", nm) < 0)
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		else if (lstat(p, &st) < 0)
			rc = fl_err_sys(err, errno, "%s", p);
		else if (S_ISDIR(st.st_mode)) {
			json_array_append_new(entries, json_pack("{s:s, s:s}", "path", r, "type", "d"));
			rc = walk(s, root, r, entries, what, err);
		} else if (S_ISREG(st.st_mode)) {
			if ((rc = fl_store_put(s, p, NULL, &d, err)) == 0)
				json_array_append_new(
					entries, json_pack("{s:s, s:s, s:s, s:o}", "path", r,
							   "type", "f", "mode",
							   (st.st_mode & S_IXUSR) ? "755" : "644",
							   "sha256", hex_json(&d)));
		} else {
			rc = fl_err_set(err, FL_EINVAL,
					"output %s holds %s, which is not a file or folder "
					"(outputs hold files and folders only)", what, r);
		}
		free(p);
		free(r);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	return rc;
}

static int store_dir(json_t **out, fl_store *s, const char *path, const char *what,
		     fl_err *err)
{
	json_t *entries = json_array();
	fl_digest d;
	int rc;

	if (!entries)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = walk(s, path, "", entries, what, err)) < 0 ||
	    (rc = fl_hash_path(path, NULL, &d, NULL, err)) < 0) {
		json_decref(entries);
		return rc;
	}
	*out = json_pack("{s:s, s:o, s:o}", "type", "dir", "sha256", hex_json(&d),
			 "entries", entries);
	return *out ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");
}

int fl_artifact_store(json_t **out, fl_store *s, const char *path, const char *what,
		      fl_err *err)
{
	struct stat st;
	fl_digest d;
	int rc;

	*out = NULL;
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return fl_err_set(err, FL_ENOTFOUND,
					  "output %s was not produced", what);
		return fl_err_sys(err, errno, "%s", path);
	}
	if (S_ISDIR(st.st_mode))
		return store_dir(out, s, path, what, err);
	if (!S_ISREG(st.st_mode))
		return fl_err_set(err, FL_EINVAL,
				  "output %s is not a file or folder", what);
	if ((rc = fl_store_put(s, path, NULL, &d, err)) < 0)
		return rc;
	*out = json_pack("{s:s, s:o, s:s}", "type", "file", "sha256", hex_json(&d), "mode",
			 (st.st_mode & S_IXUSR) ? "755" : "644");
	return *out ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");
}

int fl_artifact_matches(const json_t *a, const char *path, fl_statcache *sc,
			int n_threads, int *match, fl_err *err)
{
	struct stat st;
	fl_digest want, got;
	int rc;

	*match = 0;
	if ((rc = fl_artifact_digest(a, &want, err)) < 0)
		return rc;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : fl_err_sys(err, errno, "%s", path);
	if (S_ISDIR(st.st_mode) != !strcmp(json_string_value(json_object_get(a, "type")), "dir"))
		return 0;
	if ((rc = fl_statcache_hash(sc, path, n_threads, NULL, &got, NULL, err)) < 0)
		return rc;
	*match = !memcmp(want.b, got.b, FL_SHA256_LEN);
	return 0;
}

int fl_artifact_available(const fl_store *s, const json_t *a)
{
	const json_t *entries = json_object_get(a, "entries"), *e;
	size_t i;
	fl_digest d;

	if (!entries)
		return fl_artifact_digest(a, &d, NULL) == 0 && fl_store_has(s, &d);
	json_array_foreach(entries, i, e) {
		if (strcmp(json_string_value(json_object_get(e, "type")), "f"))
			continue;
		if (fl_artifact_digest(e, &d, NULL) < 0 || !fl_store_has(s, &d))
			return 0;
	}
	return 1;
}

static int restore_entry(fl_store *s, const json_t *e, const char *dst, fl_err *err)
{
	const char *rel = json_string_value(json_object_get(e, "path"));
	const char *type = json_string_value(json_object_get(e, "type"));
	const char *mode = json_string_value(json_object_get(e, "mode"));
	char *p = NULL;
	fl_digest d;
	int rc;

	if (!rel || !type || strstr(rel, "..") || rel[0] == '/')
		return fl_err_set(err, FL_EINVAL, "a stored output entry is malformed");
	if (asprintf(&p, "%s/%s", dst, rel) < 0)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!strcmp(type, "d"))
		rc = mkdir(p, 0755) < 0 ? fl_err_sys(err, errno, "creating %s", p) : 0;
	else if ((rc = fl_artifact_digest(e, &d, err)) == 0)
		rc = fl_store_get(s, &d, p, mode && !strcmp(mode, "755"), err);
	free(p);
	return rc;
}

int fl_artifact_restore(fl_store *s, const json_t *a, const char *dst, fl_err *err)
{
	const json_t *entries = json_object_get(a, "entries"), *e;
	const char *mode = json_string_value(json_object_get(a, "mode"));
	size_t i;
	fl_digest d;
	int rc;

	if (!entries) {
		if ((rc = fl_artifact_digest(a, &d, err)) < 0)
			return rc;
		return fl_store_get(s, &d, dst, mode && !strcmp(mode, "755"), err);
	}
	if (mkdir(dst, 0755) < 0)
		return fl_err_sys(err, errno, "creating %s", dst);
	json_array_foreach(entries, i, e)
		if ((rc = restore_entry(s, e, dst, err)) < 0)
			return rc;
	return 0;
}
