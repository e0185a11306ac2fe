/* test_store.c - the object store (put, verified get, damage), artifacts
 * (files and folders into the store and back), step records, the run
 * lock. */
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

#include "core/atomic.h"
#include "core/hashtree.h"
#include "store/artifact.h"
#include "store/runlock.h"
#include "store/stepcache.h"
#include "store/store.h"
#include "testutil.h"

static char *path_in(const char *dir, const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	return p;
}

static void test_put_get(void **state)
{
	char *dir = tu_tmpdir(), *ws = path_in(dir, ".floe"), *src = path_in(dir, "src");
	char *dst = path_in(dir, "dst"), *obj, *text = NULL;
	fl_store *s = NULL;
	fl_digest d, d2, want;
	fl_err err = FL_ERR_INIT;
	struct stat st;

	(void)state;
	tu_write(src, "abc");
	assert_int_equal(fl_store_open(&s, ws, &err), 0);
	assert_int_equal(fl_store_put(s, src, NULL, &d, &err), 0);
	fl_sha256_buf("abc", 3, &want, &err);
	assert_memory_equal(d.b, want.b, 32);
	assert_int_equal(fl_store_has(s, &d), 1);
	obj = fl_store_path(s, &d);
	assert_non_null(strstr(obj, "/objects/ba/7816bf8f"));
	stat(obj, &st);
	assert_int_equal(st.st_mode & 0777, 0444);
	/* putting with a known digest that is stored copies nothing */
	assert_int_equal(fl_store_put(s, src, &d, &d2, &err), 0);
	/* a known digest that does not match: FL_EMISMATCH, nothing stored */
	tu_write(src, "abd");
	assert_int_equal(fl_store_put(s, src, &want, &d2, &err), 0); /* stored: no copy */
	fl_digest other = want;
	other.b[0] ^= 1;
	assert_int_equal(fl_store_put(s, src, &other, &d2, &err), FL_EMISMATCH);
	assert_int_equal(fl_store_has(s, &other), 0);
	/* get: content and mode */
	assert_int_equal(fl_store_get(s, &d, dst, 1, &err), 0);
	assert_int_equal(fl_read_file(dst, &text, NULL, &err), 0);
	assert_string_equal(text, "abc");
	stat(dst, &st);
	assert_int_equal(st.st_mode & 0111, 0111);
	free(text);
	/* a damaged object is refused and moved aside */
	chmod(obj, 0644);
	tu_write(obj, "abX");
	unlink(dst);
	assert_int_equal(fl_store_get(s, &d, dst, 0, &err), FL_EMISMATCH);
	assert_non_null(strstr(err.msg, "in the store is damaged"));
	assert_int_equal(access(dst, F_OK), -1);
	assert_int_equal(fl_store_has(s, &d), 0);
	/* a missing object */
	assert_int_equal(fl_store_get(s, &d, dst, 0, &err), FL_ENOTFOUND);
	fl_store_free(s);
	free(obj);
	free(ws);
	free(src);
	free(dst);
	tu_rmrf(dir);
	free(dir);
}

static void test_artifacts(void **state)
{
	char *dir = tu_tmpdir(), *ws = path_in(dir, ".floe"), *out = path_in(dir, "out");
	char *back = path_in(dir, "back"), *cf = path_in(dir, "cache"), *p;
	fl_store *s = NULL;
	fl_statcache *sc = NULL;
	fl_err err = FL_ERR_INIT;
	json_t *a = NULL;
	fl_digest d1, d2;
	int match;

	(void)state;
	assert_int_equal(fl_store_open(&s, ws, &err), 0);
	assert_int_equal(fl_statcache_open(&sc, cf, &err), 0);
	mkdir(out, 0755);
	p = path_in(out, "sub");
	mkdir(p, 0755);
	free(p);
	p = path_in(out, "sub/x.txt");
	tu_write(p, "x");
	free(p);
	p = path_in(out, "run.sh");
	tu_write(p, "#!/bin/sh\n");
	chmod(p, 0755);
	free(p);
	assert_int_equal(fl_artifact_store(&a, s, out, "'out'", &err), 0);
	assert_string_equal(json_string_value(json_object_get(a, "type")), "dir");
	assert_int_equal(json_array_size(json_object_get(a, "entries")), 3);
	assert_int_equal(fl_artifact_available(s, a), 1);
	assert_int_equal(fl_artifact_matches(a, out, sc, 1, &match, &err), 0);
	assert_int_equal(match, 1);
	assert_int_equal(fl_artifact_restore(s, a, back, &err), 0);
	assert_int_equal(fl_hash_path(out, NULL, &d1, NULL, &err), 0);
	assert_int_equal(fl_hash_path(back, NULL, &d2, NULL, &err), 0);
	assert_memory_equal(d1.b, d2.b, 32); /* names, modes and content */
	p = path_in(back, "sub/x.txt");
	tu_write(p, "y");
	free(p);
	assert_int_equal(fl_artifact_matches(a, back, sc, 1, &match, &err), 0);
	assert_int_equal(match, 0);
	json_decref(a);
	p = path_in(dir, "missing");
	assert_int_equal(fl_artifact_store(&a, s, p, "'missing'", &err), FL_ENOTFOUND);
	assert_string_equal(err.msg, "output 'missing' was not produced");
	free(p);
	p = path_in(out, "link");
	assert_int_equal(symlink("run.sh", p), 0);
	assert_int_equal(fl_artifact_store(&a, s, out, "'out'", &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "holds link, which is not a file or folder"));
	free(p);
	fl_statcache_free(sc);
	fl_store_free(s);
	free(ws);
	free(out);
	free(back);
	free(cf);
	tu_rmrf(dir);
	free(dir);
}

static void test_step_records(void **state)
{
	char *dir = tu_tmpdir(), *p;
	fl_err err = FL_ERR_INIT;
	fl_digest key = { { 0xab } };
	json_t *rec = json_pack("{s:s, s:i}", "format", FL_STEPCACHE_FORMAT, "x", 5), *got;

	(void)state;
	assert_int_equal(fl_stepcache_get(dir, &key, &got, &err), FL_ENOTFOUND);
	assert_int_equal(fl_stepcache_put(dir, &key, rec, &err), 0);
	assert_int_equal(fl_stepcache_get(dir, &key, &got, &err), 0);
	assert_true(json_equal(rec, got));
	json_decref(got);
	p = path_in(dir, "steps/ab00000000000000000000000000000000000000000000000000000000000000.json");
	tu_write(p, "{\"format\": \"other\"}");
	assert_int_equal(fl_stepcache_get(dir, &key, &got, &err), FL_ENOTFOUND);
	free(p);
	json_decref(rec);
	tu_rmrf(dir);
	free(dir);
}

static void test_run_lock(void **state)
{
	char *dir = tu_tmpdir(), *p = path_in(dir, "run.lock"), buf[64];
	fl_runlock *a = NULL, *b = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_runlock_acquire(&a, p, &err), 0);
	/* flock is per open file: a second acquisition fails, even here */
	assert_int_equal(fl_runlock_acquire(&b, p, &err), FL_EBUSY);
	snprintf(buf, sizeof(buf), "in use by floe process %ld", (long)getpid());
	assert_non_null(strstr(err.msg, buf));
	fl_runlock_release(a);
	assert_int_equal(fl_runlock_acquire(&b, p, &err), 0);
	fl_runlock_release(b);
	free(p);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_artifacts),
		cmocka_unit_test(test_step_records),
		cmocka_unit_test(test_run_lock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
