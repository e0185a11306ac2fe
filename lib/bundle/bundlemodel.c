/* bundlemodel.c - find, read and load the model file a bundle holds. */
#define _GNU_SOURCE
#include "bundle/bundlemodel.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle/member.h"
#include "ml/modelfile.h"

#define MAGIC_LEN 8

static int is_model(void *ud, const char *name, uint64_t size, const unsigned char *head,
		    size_t got, fl_err *err)
{
	(void)size;
	(void)err;
	if (got == MAGIC_LEN && !memcmp(head, FL_MODELFILE_MAGIC, MAGIC_LEN))
		json_array_append_new(ud, json_string(name));
	return 0;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a),
		      json_string_value(*(json_t *const *)b));
}

int fl_bundle_model_list(const fl_bundle *b, json_t **out, fl_err *err)
{
	json_t *list = json_array();
	json_t **v = NULL;
	size_t n, i;
	int rc;

	*out = NULL;
	if (!list)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_bundle_member_scan(b, "output", MAGIC_LEN, is_model, list, err)) < 0) {
		json_decref(list);
		return rc;
	}
	/* the archive is sorted already; sort anyway, the order is promised */
	n = json_array_size(list);
	if (n > 1 && (v = malloc(n * sizeof(*v)))) {
		for (i = 0; i < n; i++)
			v[i] = json_incref(json_array_get(list, i));
		qsort(v, n, sizeof(*v), by_path);
		json_array_clear(list);
		for (i = 0; i < n; i++)
			json_array_append_new(list, v[i]);
		free(v);
	}
	*out = list;
	return 0;
}

/* `path` is `which`, or ends with "/" + `which`. */
static int matches(const char *path, const char *which)
{
	size_t n = strlen(path), w = strlen(which);

	return !strcmp(path, which) || (n > w && path[n - w - 1] == '/' &&
					 !strcmp(path + n - w, which));
}

/* "a, b, c" from a JSON array of strings. */
static char *join(const json_t *a)
{
	size_t i, len = 1;
	json_t *s;
	char *out;

	json_array_foreach(a, i, s)
		len += strlen(json_string_value(s)) + 2;
	if (!(out = calloc(1, len)))
		return NULL;
	json_array_foreach(a, i, s) {
		if (i)
			strcat(out, ", ");
		strcat(out, json_string_value(s));
	}
	return out;
}

int fl_bundle_model_choose(const fl_bundle *b, const char *which, char **entry,
			   fl_err *err)
{
	json_t *all = NULL, *hit = json_array(), *s;
	char *names = NULL;
	size_t i;
	int rc;

	*entry = NULL;
	if (!hit)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_bundle_model_list(b, &all, err)) < 0)
		goto cleanup;
	json_array_foreach(all, i, s)
		if (!which || matches(json_string_value(s), which))
			json_array_append(hit, s);
	names = join(all);
	if (json_array_size(hit) == 1)
		rc = (*entry = strdup(json_string_value(json_array_get(hit, 0))))
			     ? 0 : fl_err_set(err, FL_ENOMEM, "out of memory");
	else if (!json_array_size(all))
		rc = fl_err_set(err, FL_ENOTFOUND, "%s holds no model file (no output is a floe "
				"model)", b->path);
	else if (!json_array_size(hit))
		rc = fl_err_set(err, FL_ENOTFOUND, "%s holds no model '%s'; its models: %s",
				b->path, which, names ? names : "?");
	else
		rc = fl_err_set(err, FL_EINVAL, "%s holds several models (%s): name one", b->path,
				names ? names : "?");
cleanup:
	free(names);
	json_decref(all);
	json_decref(hit);
	return rc;
}

int fl_bundle_model_load(fl_model **out, const char *path, const char *which,
			 char **entry, fl_err *err)
{
	fl_bundle *b = NULL;
	fl_modelfile *mf = NULL;
	char *name = NULL, *buf = NULL, *label = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if (entry)
		*entry = NULL;
	if ((rc = fl_bundle_open(&b, path, NULL, err)) < 0 ||
	    (rc = fl_bundle_model_choose(b, which, &name, err)) < 0 ||
	    (rc = fl_bundle_member_read(b, name, FL_BUNDLE_MODEL_MAX, &buf, &len, err)) < 0)
		goto cleanup;
	if (asprintf(&label, "%s:%s", path, name) < 0) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = fl_modelfile_from_bytes(&mf, (const uint8_t *)buf, len, label, err)) < 0 ||
	    (rc = fl_model_from_modelfile(out, mf, err)) < 0) {
		fl_err_wrap(err, "loading model %s", label);
		goto cleanup;
	}
	if (entry) {
		*entry = name;
		name = NULL;
	}
cleanup:
	fl_modelfile_free(mf);
	fl_bundle_free(b);
	free(label);
	free(name);
	free(buf);
	return rc;
}

int fl_bundle_model_is_bundle(const char *path)
{
	static const unsigned char zstd[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	unsigned char head[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC), yes = 0;

	if (fd < 0)
		return 0;
	yes = read(fd, head, 4) == 4 && !memcmp(head, zstd, 4);
	close(fd);
	return yes;
}

int fl_bundle_model_open(fl_model **out, const char *path, fl_err *err)
{
	if (fl_bundle_model_is_bundle(path))
		return fl_bundle_model_load(out, path, NULL, NULL, err);
	return fl_model_load(out, path, err);
}
