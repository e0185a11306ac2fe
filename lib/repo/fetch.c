/* fetch.c - a version's bundle back; its model loaded and checked. */
#define _GNU_SOURCE
#include "repo/fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "ml/modelfile.h"
#include "repo/object.h"
#include "repo/query.h"
#include "repo/record.h"

#define MODEL_MAX ((size_t)16 << 30)

static int safe_file_name(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

int fl_repo_get(const fl_repo *r, const char *ref, const char *dir, char **written,
		fl_err *err)
{
	json_t *rec = NULL;
	char *dst = NULL;
	const char *file;
	fl_digest d;
	int rc;

	if (written)
		*written = NULL;
	if ((rc = fl_repo_show(r, ref, &rec, err)) < 0 ||
	    (rc = fl_record_object(rec, "bundle", &d, err)) < 0 || (rc = fl_mkdir_p(dir, err)) < 0)
		goto cleanup;
	file = json_string_value(json_object_get(json_object_get(rec, "bundle"), "file"));
	if (!safe_file_name(file))
		file = "bundle.floe.tar.zst";
	if (asprintf(&dst, "%s/%s", dir, file) < 0) {
		dst = NULL;
		rc = fl_err_set(err, FL_ENOMEM, "out of memory");
		goto cleanup;
	}
	if ((rc = fl_object_copy_out(r, &d, dst, err)) < 0) {
		fl_err_wrap(err, "%s", ref);
		goto cleanup;
	}
	if (written) {
		*written = dst;
		dst = NULL;
	}
cleanup:
	free(dst);
	json_decref(rec);
	return rc;
}

static int same_schema(const fl_model *m, const json_t *rec, const char *ref, fl_err *err)
{
	json_t *have = fl_schema_to_json(&m->schema);
	const json_t *want = json_object_get(json_object_get(rec, "model"), "schema");
	int same = have && json_equal(have, (json_t *)want);

	json_decref(have);
	if (!same)
		return fl_err_set(err, FL_EMISMATCH, "%s: the model's input schema differs from the "
				  "one recorded for it (the record was changed)", ref);
	return 0;
}

int fl_repo_load_model(const fl_repo *r, const char *ref, fl_model **out, json_t **record,
		       fl_err *err)
{
	json_t *rec = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	fl_modelfile *mf = NULL;
	fl_digest d;
	int rc;

	*out = NULL;
	if (record)
		*record = NULL;
	if ((rc = fl_repo_show(r, ref, &rec, err)) < 0 ||
	    (rc = fl_record_object(rec, "model", &d, err)) < 0)
		goto cleanup;
	if ((rc = fl_object_read(r, &d, MODEL_MAX, &buf, &len, err)) < 0 ||
	    (rc = fl_modelfile_from_bytes(&mf, buf, len, ref, err)) < 0 ||
	    (rc = fl_model_from_modelfile(out, mf, err)) < 0) {
		fl_err_wrap(err, "refusing %s", ref);
		goto cleanup;
	}
	if ((rc = same_schema(*out, rec, ref, err)) < 0) {
		fl_model_free(*out);
		*out = NULL;
		goto cleanup;
	}
	if (record)
		*record = json_incref(rec);
cleanup:
	fl_modelfile_free(mf);
	free(buf);
	json_decref(rec);
	return rc;
}
