/* remove.c - remove a version; delete objects no version uses. */
#define _GNU_SOURCE
#include "repo/remove.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "repo/index.h"
#include "repo/modelref.h"
#include "repo/record.h"
#include "repo/summary.h"

/* Object digests (hex) named by live records, as a set. */
static int referenced(const fl_repo *r, json_t *set, fl_err *err)
{
	char **names = NULL;
	size_t n = 0;
	int rc;

	if ((rc = fl_index_names(r, &names, &n, err)) < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		fl_versions v;
		if ((rc = fl_index_versions(r, names[i], &v, err)) < 0)
			break;
		for (size_t k = 0; k < v.n_live && rc == 0; k++) {
			json_t *rec = NULL;
			if ((rc = fl_index_read(r, names[i], v.live[k], &rec, err)) < 0)
				break;
			json_object_set(set, json_string_value(json_object_get(
				json_object_get(rec, "bundle"), "object")), json_true());
			json_object_set(set, json_string_value(json_object_get(
				json_object_get(rec, "model"), "object")), json_true());
			json_decref(rec);
		}
		fl_versions_clear(&v);
	}
	fl_index_names_free(names, n);
	return rc;
}

static int collect_dir(const fl_repo *r, const char *sub, const json_t *keep, int *freed,
		       fl_err *err)
{
	char *dir = fl_repo_pathf(r, "objects/%s", sub), hex[FL_SHA256_HEX_LEN + 1];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (!dir)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!(d = opendir(dir))) {
		free(dir);
		return 0;
	}
	while ((e = readdir(d)) && rc == 0) {
		if (strlen(e->d_name) != FL_SHA256_HEX_LEN - 2)
			continue;
		/* sub is the 2-digit fan-out folder, d_name the other 62 digits */
		memcpy(hex, sub, 2);
		memcpy(hex + 2, e->d_name, FL_SHA256_HEX_LEN - 2);
		hex[FL_SHA256_HEX_LEN] = '\0';
		if (json_object_get(keep, hex))
			continue;
		char *p = fl_repo_pathf(r, "objects/%s/%s", sub, e->d_name);
		if (!p)
			rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		else if (unlink(p) < 0 && errno != ENOENT)
			rc = fl_err_sys(err, errno, "removing %s", p);
		else
			(*freed)++;
		free(p);
	}
	closedir(d);
	if (rc == 0)
		rc = fl_repo_sync_dir(dir, err);
	free(dir);
	return rc;
}

int fl_repo_collect(fl_repo *r, int *freed, fl_err *err)
{
	json_t *keep = json_object();
	char *objects = fl_repo_path(r, "objects");
	struct dirent *e;
	DIR *d = NULL;
	int rc, count = 0;

	if (!keep || !objects) {
		json_decref(keep);
		free(objects);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	if ((rc = referenced(r, keep, err)) == 0 && (d = opendir(objects)))
		while ((e = readdir(d)) && rc == 0)
			if (strlen(e->d_name) == 2 && e->d_name[0] != '.')
				rc = collect_dir(r, e->d_name, keep, &count, err);
	if (d)
		closedir(d);
	if (freed)
		*freed = count;
	json_decref(keep);
	free(objects);
	return rc;
}

/* The aliases pointing at `version`, as a new array. */
static json_t *pointing(const json_t *aliases, long version)
{
	json_t *out = json_array(), *v;
	const char *alias;

	json_object_foreach((json_t *)aliases, alias, v)
		if (json_integer_value(v) == version)
			json_array_append_new(out, json_string(alias));
	return out;
}

static int remove_locked(fl_repo *r, const fl_modelref *ref, int force, json_t **gone,
			 int *freed, fl_err *err)
{
	json_t *aliases = NULL, *a;
	long version;
	size_t i;
	int rc;

	if ((rc = fl_index_resolve(r, ref, &version, err)) < 0 ||
	    (rc = fl_index_aliases(r, ref->name, &aliases, err)) < 0)
		return rc;
	*gone = pointing(aliases, version);
	json_decref(aliases);
	if (json_array_size(*gone) && !force) {
		char list[512] = "";
		size_t len = 0;
		json_array_foreach(*gone, i, a)
			if (len + 80 < sizeof(list))
				len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
							len ? ", " : "", json_string_value(a));
		return fl_err_set(err, FL_EINVAL, "%s@%ld is still what alias%s %s point%s at: move "
				  "%s first (floe models tag %s@N ALIAS) or pass --force to remove "
				  "%s too", ref->name, version, json_array_size(*gone) > 1 ? "es" : "",
				  list, json_array_size(*gone) > 1 ? "" : "s",
				  json_array_size(*gone) > 1 ? "them" : "it", ref->name,
				  json_array_size(*gone) > 1 ? "them" : "it");
	}
	json_array_foreach(*gone, i, a)
		if ((rc = fl_index_alias_remove(r, ref->name, json_string_value(a), err)) < 0)
			return rc;
	if ((rc = fl_index_remove(r, ref->name, version, err)) < 0 ||
	    (rc = fl_summary_update(r, ref->name, version, NULL, err)) < 0)
		return rc;
	return fl_repo_collect(r, freed, err);
}

int fl_repo_rm(fl_repo *r, const char *s, int force, json_t **aliases, int *freed,
	       fl_err *err)
{
	fl_modelref ref;
	json_t *gone = NULL;
	int rc;

	if (aliases)
		*aliases = NULL;
	if ((rc = fl_modelref_parse(&ref, s, err)) < 0)
		return rc;
	if (ref.version <= 0)
		return fl_err_set(err, FL_EINVAL, "rm removes one version: name it by number "
				  "(NAME@3), not '%s'", s);
	if ((rc = fl_repo_lock(r, err)) < 0)
		return rc;
	rc = remove_locked(r, &ref, force, &gone, freed, err);
	fl_repo_unlock(r);
	if (rc == 0 && aliases)
		*aliases = json_incref(gone);
	json_decref(gone);
	return rc;
}
