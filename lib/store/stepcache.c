/* stepcache.c - step records by key, as JSON files. */
#define _GNU_SOURCE
#include "store/stepcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "core/log.h"

static char *record_path(const char *ws, const fl_digest *key)
{
	char hex[FL_SHA256_HEX_LEN + 1], *p = NULL;

	fl_digest_hex(key, hex);
	if (asprintf(&p, "%s/steps/%s.json", ws, hex) < 0)
		return NULL;
	return p;
}

int fl_stepcache_get(const char *ws, const fl_digest *key, json_t **out, fl_err *err)
{
	char *p = record_path(ws, key), *buf = NULL;
	json_error_t je;
	fl_err e2 = FL_ERR_INIT;
	int rc;

	*out = NULL;
	if (!p)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if ((rc = fl_read_file(p, &buf, NULL, &e2)) < 0) {
		fl_err_set(err, rc, "%s", e2.msg);
		free(p);
		return rc;
	}
	*out = json_loads(buf, 0, &je);
	const char *fmt = json_string_value(json_object_get(*out, "format"));
	if (!*out || !json_is_object(*out) || !fmt || strcmp(fmt, FL_STEPCACHE_FORMAT)) {
		fl_log(FL_LOG_WARN, "%s is damaged; the step will run again", p);
		json_decref(*out);
		*out = NULL;
		rc = fl_err_set(err, FL_ENOTFOUND, "%s is damaged", p);
	}
	free(buf);
	free(p);
	return rc;
}

int fl_stepcache_put(const char *ws, const fl_digest *key, const json_t *rec,
		     fl_err *err)
{
	char *p = record_path(ws, key), *dir = NULL, *text = NULL;
	int rc;

	if (!p || asprintf(&dir, "%s/steps", ws) < 0 ||
	    !(text = json_dumps(rec, JSON_INDENT(1) | JSON_SORT_KEYS))) {
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = fl_mkdir_p(dir, err)) == 0)
		rc = fl_write_file_atomic(p, text, strlen(text), err);
cleanup:
	free(p);
	free(dir);
	free(text);
	return rc;
}
