/* record.c - the record of a model version, built from a bundle. */
#define _GNU_SOURCE
#include "repo/record.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ml/model.h"

static json_t *get_or_null(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return v ? json_deep_copy(v) : json_null();
}

/* "out/NAME/STEP/OUTPUT..." -> STEP (malloc'd), or NULL. */
static char *step_of(const char *entry)
{
	const char *a = strchr(entry, '/'), *b = a ? strchr(a + 1, '/') : NULL;
	const char *c = b ? strchr(b + 1, '/') : NULL;

	if (strncmp(entry, "out/", 4) || !c)
		return NULL;
	return strndup(b + 1, (size_t)(c - b - 1));
}

static json_t *who(void)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *user = pw ? pw->pw_name : getenv("USER");
	char host[256] = "";

	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';
	return json_pack("{s:s, s:s}", "user", user ? user : "unknown", "host", host);
}

static json_t *now_utc(void)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

static json_t *model_part(const fl_record_src *s, const json_t *id, fl_err *err)
{
	char hex[FL_SHA256_HEX_LEN + 1], *step = step_of(s->entry);
	json_t *info = NULL, *st = json_object_get(json_object_get(id, "steps"), step ? step : "");
	json_t *m = NULL;

	if (fl_modelfile_info(s->mf, &info, err) < 0) {
		free(step);
		return NULL;
	}
	fl_digest_hex(s->model_obj, hex);
	m = json_pack("{s:s, s:I, s:s, s:s?, s:O?, s:O?, s:O, s:O, s:O, s:O, s:O, s:O}",
		      "object", hex, "bytes", (json_int_t)s->model_bytes, "entry", s->entry,
		      "step", step, "phase", json_object_get(st, "phase"),
		      "step_key", json_object_get(st, "key"),
		      "kind", json_object_get(info, "kind"), "task", json_object_get(info, "task"),
		      "format_version", json_object_get(info, "format_version"),
		      "params", json_object_get(info, "params"),
		      "metrics", json_object_get(info, "metrics"),
		      "schema", json_object_get(info, "schema"));
	json_decref(info);
	free(step);
	if (!m)
		fl_err_set(err, FL_ENOMEM, "building the model record");
	return m;
}

int fl_record_build(json_t **out, const fl_record_src *s, fl_err *err)
{
	const json_t *id = json_object_get(s->bundle->manifest, "identity");
	char bobj[FL_SHA256_HEX_LEN + 1], bdig[FL_SHA256_HEX_LEN + 1];
	const char *base = strrchr(s->source, '/');
	json_t *model, *rec;

	*out = NULL;
	if (!(model = model_part(s, id, err)))
		return err ? err->code : FL_EFAIL;
	fl_digest_hex(s->bundle_obj, bobj);
	fl_digest_hex(&s->bundle->digest, bdig);
	rec = json_pack("{s:i, s:o, s:o, s:{s:s, s:s, s:I, s:s, s:s?, s:o}, s:o, s:o, s:o, s:o}",
			FL_RECORD_KEY, FL_RECORD_VERSION, "added", now_utc(), "added_by", who(),
			"bundle", "object", bobj, "digest", bdig, "bytes",
			(json_int_t)s->bundle_bytes, "file", base ? base + 1 : s->source,
			"signed_by", s->signed_by, "data_embedded",
			get_or_null(id, "data_embedded"),
			"model", model, "recipe", get_or_null(id, "recipe"),
			"inputs", get_or_null(id, "inputs"),
			"environment", get_or_null(id, "environment"));
	if (!rec)
		return fl_err_set(err, FL_ENOMEM, "building the version record");
	*out = rec;
	return 0;
}

int fl_record_object(const json_t *rec, const char *part, fl_digest *out, fl_err *err)
{
	const char *hex = json_string_value(json_object_get(json_object_get(rec, part), "object"));

	if (!hex)
		return fl_err_set(err, FL_EINVAL, "the record names no %s object", part);
	return fl_digest_parse(hex, out, err);
}

int fl_record_check(const json_t *rec, const char *name, fl_err *err)
{
	json_int_t v = json_integer_value(json_object_get(rec, FL_RECORD_KEY));
	fl_digest d;

	if (!json_is_object(rec) || v < 1)
		return fl_err_set(err, FL_EINVAL, "%s is not a model version record", name);
	if (v > FL_RECORD_VERSION)
		return fl_err_set(err, FL_EINVAL, "%s: record format %lld is newer than this floe "
				  "knows (%d)", name, (long long)v, FL_RECORD_VERSION);
	if (fl_record_object(rec, "bundle", &d, err) < 0 ||
	    fl_record_object(rec, "model", &d, err) < 0 ||
	    !json_is_string(json_object_get(rec, "name")) ||
	    json_integer_value(json_object_get(rec, "version")) < 1)
		return fl_err_set(err, FL_EINVAL, "%s: a damaged record (bad name, version or "
				  "object digests)", name);
	return 0;
}
