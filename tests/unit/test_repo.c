/* test_repo.c - the model repository library: names and references, the
 * default folder, content-addressed objects (tampering detected), the
 * version index (numbers never reused, tombstones, aliases, messages that
 * list what exists), removal with object collection, and diff. Adding real
 * bundles is tested from the command line (tests/cli/test_models.sh). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "repo/diff.h"
#include "repo/index.h"
#include "repo/modelref.h"
#include "repo/object.h"
#include "repo/record.h"
#include "repo/remove.h"
#include "repo/repo.h"
#include "repo/tag.h"
#include "testutil.h"

static void test_names(void **state)
{
	static const char *const good[] = { "a", "seaice", "sea-ice_v2.1", "0abc" };
	static const char *const bad[] = { "", "Sea", "sea ice", "a/b", ".a", "-a", "_a", "a@b",
					   "a\xc3\xa9" };
	fl_err err = FL_ERR_INIT;
	char longname[70];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_int_equal(fl_modelname_check(good[i], &err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(fl_modelname_check(bad[i], &err), FL_EINVAL);
	assert_int_equal(fl_modelname_check("sea ice", &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "the character ' ' (position 4) does not belong"));
	memset(longname, 'a', 65);
	longname[65] = '\0';
	assert_int_equal(fl_modelname_check(longname, &err), FL_EINVAL);
	longname[64] = '\0';
	assert_int_equal(fl_modelname_check(longname, &err), 0);
	assert_int_equal(fl_modelalias_check("production", &err), 0);
	assert_int_equal(fl_modelalias_check("latest", &err), FL_EINVAL);
	assert_int_equal(fl_modelalias_check("1st", &err), FL_EINVAL);
}

static void test_refs(void **state)
{
	fl_modelref r;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_modelref_parse(&r, "m", &err), 0);
	assert_string_equal(r.name, "m");
	assert_int_equal(r.version, 0);
	assert_string_equal(r.alias, "");
	assert_int_equal(fl_modelref_parse(&r, "m@12", &err), 0);
	assert_int_equal(r.version, 12);
	assert_int_equal(fl_modelref_parse(&r, "m@latest", &err), 0);
	assert_int_equal(r.version, 0);
	assert_string_equal(r.alias, "");
	assert_int_equal(fl_modelref_parse(&r, "m@prod", &err), 0);
	assert_string_equal(r.alias, "prod");
	assert_int_equal(fl_modelref_parse(&r, "m@0", &err), FL_EINVAL);
	assert_int_equal(fl_modelref_parse(&r, "m@03", &err), FL_EINVAL);
	assert_int_equal(fl_modelref_parse(&r, "m@", &err), FL_EINVAL);
	assert_int_equal(fl_modelref_parse(&r, "M@1", &err), FL_EINVAL);
	assert_int_equal(fl_modelref_parse(&r, "m@Prod", &err), FL_EINVAL);
}

static void test_default_path(void **state)
{
	char *p = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	setenv("HOME", "/home/u", 1);
	unsetenv("FLOE_MODELS");
	unsetenv("XDG_DATA_HOME");
	assert_int_equal(fl_repo_default_path(&p, NULL, &err), 0);
	assert_string_equal(p, "/home/u/.local/share/floe/models");
	free(p);
	setenv("XDG_DATA_HOME", "/data", 1);
	assert_int_equal(fl_repo_default_path(&p, NULL, &err), 0);
	assert_string_equal(p, "/data/floe/models");
	free(p);
	setenv("FLOE_MODELS", "/shared/models", 1);
	assert_int_equal(fl_repo_default_path(&p, NULL, &err), 0);
	assert_string_equal(p, "/shared/models");
	free(p);
	assert_int_equal(fl_repo_default_path(&p, "/mine", &err), 0);
	assert_string_equal(p, "/mine");
	free(p);
	unsetenv("FLOE_MODELS");
	unsetenv("XDG_DATA_HOME");
}

static fl_repo *new_repo(char **dir)
{
	fl_repo *r = NULL;
	fl_err err = FL_ERR_INIT;
	char *root = NULL;

	*dir = tu_tmpdir();
	if (asprintf(&root, "%s/repo", *dir) < 0)
		abort();
	assert_int_equal(fl_repo_open(&r, root, 1, &err), 0);
	free(root);
	return r;
}

/* Store `text` as an object; its digest in *d. */
static void put(fl_repo *r, const char *text, fl_digest *d)
{
	fl_object_tmp *t = NULL;
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_object_begin(&t, r, &err), 0);
	assert_int_equal(fl_object_write(t, text, strlen(text), &err), 0);
	assert_int_equal(fl_object_end(t, d, NULL, &err), 0);
	assert_int_equal(fl_object_install(t, &err), 0);
}

static void test_objects(void **state)
{
	char *dir, *obj, *dst = NULL, hex[65];
	fl_repo *r = new_repo(&dir);
	fl_err err = FL_ERR_INIT;
	fl_digest d, want, missing;
	uint8_t *buf = NULL;
	size_t len;
	struct stat st;

	(void)state;
	put(r, "abc", &d);
	fl_sha256_buf("abc", 3, &want, &err);
	assert_memory_equal(d.b, want.b, 32);
	obj = fl_object_path(r, &d);
	assert_non_null(strstr(obj, "/objects/ba/7816bf8f"));
	assert_int_equal(stat(obj, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0444);
	assert_int_equal(fl_object_check(r, &d, &err), 0);
	assert_int_equal(fl_object_read(r, &d, 100, &buf, &len, &err), 0);
	assert_int_equal(len, 3);
	free(buf);
	put(r, "abc", &d); /* the same content again: fine */
	/* tampering */
	chmod(obj, 0644);
	tu_write(obj, "abd");
	assert_int_equal(fl_object_check(r, &d, &err), FL_EMISMATCH);
	fl_digest_hex(&d, hex);
	assert_non_null(strstr(err.msg, hex));
	assert_non_null(strstr(err.msg, "tampered"));
	assert_int_equal(fl_object_read(r, &d, 100, &buf, &len, &err), FL_EMISMATCH);
	if (asprintf(&dst, "%s/out.bin", dir) < 0)
		abort();
	assert_int_equal(fl_object_copy_out(r, &d, dst, &err), FL_EMISMATCH);
	assert_int_equal(access(dst, F_OK), -1);
	/* putting the right content again heals it */
	put(r, "abc", &d);
	assert_int_equal(fl_object_check(r, &d, &err), 0);
	assert_int_equal(fl_object_copy_out(r, &d, dst, &err), 0);
	missing = d;
	missing.b[5] ^= 1;
	assert_int_equal(fl_object_check(r, &missing, &err), FL_ENOTFOUND);
	free(dst);
	free(obj);
	fl_repo_free(r);
	tu_rmrf(dir);
	free(dir);
}

/* A minimal valid record naming two objects. */
static json_t *record(const fl_digest *bundle, const fl_digest *model, double c)
{
	char b[65], m[65];

	fl_digest_hex(bundle, b);
	fl_digest_hex(model, m);
	return json_pack("{s:i, s:{s:s, s:s}, s:{s:s, s:s, s:{s:f}, s:{s:{s:f}}}, s:[], s:{}}",
			 FL_RECORD_KEY, 1, "bundle", "object", b, "digest", b, "model", "object",
			 m, "kind", "ridge", "params", "alpha", c, "metrics", "test", "r2", 0.5,
			 "inputs", "environment");
}

static long add(fl_repo *r, const char *name, json_t *rec)
{
	fl_err err = FL_ERR_INIT;
	long v = 0;

	assert_int_equal(fl_repo_lock(r, &err), 0);
	assert_int_equal(fl_index_add(r, name, rec, &v, &err), 0);
	fl_repo_unlock(r);
	json_decref(rec);
	return v;
}

static void test_index(void **state)
{
	char *dir;
	fl_repo *r = new_repo(&dir);
	fl_err err = FL_ERR_INIT;
	fl_digest b, m;
	fl_modelref ref;
	fl_versions v;
	json_t *rec = NULL, *gone = NULL;
	long ver, prev;
	char **names;
	size_t n;

	(void)state;
	put(r, "bundle", &b);
	put(r, "model", &m);
	assert_int_equal(add(r, "m", record(&b, &m, 1)), 1);
	assert_int_equal(add(r, "m", record(&b, &m, 2)), 2);
	assert_int_equal(add(r, "m", record(&b, &m, 3)), 3);
	assert_int_equal(add(r, "other", record(&b, &m, 1)), 1);
	assert_int_equal(fl_index_names(r, &names, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "m");
	fl_index_names_free(names, n);
	assert_int_equal(fl_index_read(r, "m", 2, &rec, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(rec, "version")), 2);
	json_decref(rec);

	/* aliases; rm refuses while one points at the version */
	assert_int_equal(fl_repo_tag(r, "m@2", "prod", &ver, &prev, &err), 0);
	assert_int_equal(ver, 2);
	assert_int_equal(prev, 0);
	assert_int_equal(fl_repo_rm(r, "m@2", 0, NULL, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "alias prod"));
	assert_int_equal(fl_repo_rm(r, "m@prod", 1, NULL, NULL, &err), FL_EINVAL);
	assert_int_equal(fl_repo_rm(r, "m@2", 1, &gone, NULL, &err), 0);
	assert_int_equal(json_array_size(gone), 1);
	json_decref(gone);

	/* a removed number is never given again */
	assert_int_equal(fl_index_versions(r, "m", &v, &err), 0);
	assert_int_equal(v.n_live, 2);
	assert_int_equal(v.n_removed, 1);
	assert_int_equal(v.highest, 3);
	fl_versions_clear(&v);
	assert_int_equal(add(r, "m", record(&b, &m, 4)), 4);
	fl_modelref_parse(&ref, "m@2", &err);
	assert_int_equal(fl_index_resolve(r, &ref, &ver, &err), FL_ENOTFOUND);
	assert_non_null(strstr(err.msg, "m@2 was removed"));
	fl_modelref_parse(&ref, "m@9", &err);
	assert_int_equal(fl_index_resolve(r, &ref, &ver, &err), FL_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no version 9 (versions: 1, 3, 4)"));
	fl_modelref_parse(&ref, "m", &err);
	assert_int_equal(fl_index_resolve(r, &ref, &ver, &err), 0);
	assert_int_equal(ver, 4);
	fl_modelref_parse(&ref, "nope", &err);
	assert_int_equal(fl_index_resolve(r, &ref, &ver, &err), FL_ENOTFOUND);
	assert_non_null(strstr(err.msg, "(models: m, other)"));
	fl_modelref_parse(&ref, "m@prod", &err);
	assert_int_equal(fl_index_resolve(r, &ref, &ver, &err), FL_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no alias 'prod'"));

	/* a moved alias reports where it was */
	assert_int_equal(fl_repo_tag(r, "m@1", "prod", &ver, &prev, &err), 0);
	assert_int_equal(fl_repo_tag(r, "m@latest", "prod", &ver, &prev, &err), 0);
	assert_int_equal(ver, 4);
	assert_int_equal(prev, 1);
	assert_int_equal(fl_repo_untag(r, "m@prod", &err), 0);
	assert_int_equal(fl_repo_untag(r, "m@prod", &err), FL_ENOTFOUND);
	fl_repo_free(r);
	tu_rmrf(dir);
	free(dir);
}

static void test_collect(void **state)
{
	char *dir, *pa, *pb;
	fl_repo *r = new_repo(&dir);
	fl_err err = FL_ERR_INIT;
	fl_digest b1, b2, m;
	int freed = -1;

	(void)state;
	put(r, "bundle one", &b1);
	put(r, "bundle two", &b2);
	put(r, "shared model", &m);
	add(r, "m", record(&b1, &m, 1));
	add(r, "m", record(&b2, &m, 1));
	pa = fl_object_path(r, &b1);
	pb = fl_object_path(r, &m);
	assert_int_equal(fl_repo_rm(r, "m@1", 0, NULL, &freed, &err), 0);
	assert_int_equal(freed, 1); /* bundle one; the model is still used by m@2 */
	assert_int_equal(access(pa, F_OK), -1);
	assert_int_equal(access(pb, F_OK), 0);
	free(pa);
	free(pb);
	fl_repo_free(r);
	tu_rmrf(dir);
	free(dir);
}

static void test_diff(void **state)
{
	fl_digest b = { { 1 } }, m = { { 2 } };
	json_t *a = record(&b, &m, 1.0), *c = record(&b, &m, 10.0), *d = NULL, *sec, *row;
	fl_err err = FL_ERR_INIT;
	size_t i, k;
	int seen = 0;

	(void)state;
	assert_int_equal(fl_repo_diff(a, c, &d, &err), 0);
	json_array_foreach(d, i, sec)
		json_array_foreach(json_object_get(sec, "rows"), k, row) {
			const char *key = json_string_value(json_object_get(row, "key"));
			if (!strcmp(json_string_value(json_object_get(sec, "section")), "parameters") &&
			    !strcmp(key, "alpha")) {
				assert_false(json_is_true(json_object_get(row, "same")));
				assert_string_equal(json_string_value(json_object_get(row, "b")), "10.0");
				seen++;
			}
			if (!strcmp(key, "test.r2")) {
				assert_true(json_is_true(json_object_get(row, "same")));
				seen++;
			}
		}
	assert_int_equal(seen, 2);
	json_decref(a);
	json_decref(c);
	json_decref(d);
}

static void test_newer_format(void **state)
{
	char *dir = tu_tmpdir(), *f = NULL;
	fl_repo *r = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	if (asprintf(&f, "%s/FORMAT", dir) < 0)
		abort();
	tu_write(f, "floe-models 99\n");
	assert_int_equal(fl_repo_open(&r, dir, 0, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "newer floe"));
	free(f);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_refs),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_collect),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_newer_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
