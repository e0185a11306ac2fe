/* test_bundle.c - manifests (canonical digest, versions), Ed25519 signing,
 * RO-Crate metadata, and whole bundles: byte-identical packing, the digest
 * in the name, entries checked against the manifest (a changed or missing
 * entry is named), signatures checked, unpacking all or nothing. */
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

#include "bundle/bundle.h"
#include "bundle/manifest.h"
#include "bundle/rocrate.h"
#include "bundle/sign.h"
#include "bundle/tarw.h"
#include "core/atomic.h"
#include "testutil.h"

static char *cat(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		abort();
	return p;
}

/* --- manifest ------------------------------------------------------------- */

static void test_manifest_digest_and_roundtrip(void **state)
{
	json_t *m = NULL, *m2 = NULL, *p = NULL;
	fl_digest d1, d2, d3, x;
	char *s = NULL;
	size_t len;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_sha256_buf("a", 1, &x, &err), 0);
	assert_int_equal(fl_manifest_new(&m, &err), 0);
	assert_int_equal(fl_manifest_add_entry(m, "identity", "z.csv", 1, &x, "output", &err), 0);
	assert_int_equal(fl_manifest_add_entry(m, "identity", "a.csv", 1, &x, "input", &err), 0);
	json_object_set_new(fl_manifest_part(m, "identity"), "recipe", json_string("r.yaml"));
	json_object_set_new(fl_manifest_part(m, "run"), "host", json_string("alpha"));
	assert_int_equal(fl_manifest_finish(m, &d1, &err), 0);
	/* the run part is not covered by the digest */
	json_object_set_new(fl_manifest_part(m, "run"), "host", json_string("beta"));
	assert_int_equal(fl_manifest_digest(m, &d2, &err), 0);
	assert_memory_equal(d1.b, d2.b, 32);
	/* the identity part is */
	json_object_set_new(fl_manifest_part(m, "identity"), "recipe", json_string("q.yaml"));
	assert_int_equal(fl_manifest_digest(m, &d3, &err), 0);
	assert_memory_not_equal(d1.b, d3.b, 32);
	json_object_set_new(fl_manifest_part(m, "identity"), "recipe", json_string("r.yaml"));
	/* the digest is of the canonical form: key order does not matter */
	p = json_pack("{s:s, s:O}", "recipe", "r.yaml", "entries",
		      json_object_get(fl_manifest_part(m, "identity"), "entries"));
	s = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	assert_int_equal(fl_sha256_buf(s, strlen(s), &d3, &err), 0);
	assert_memory_equal(d1.b, d3.b, 32);
	free(s);
	/* entries were sorted by path */
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
		fl_manifest_part(m, "identity"), "entries"), 0), "path")), "a.csv");
	assert_int_equal(fl_manifest_dump(m, &s, &len, &err), 0);
	assert_int_equal(fl_manifest_parse(s, len, "m.json", &m2, &err), 0);
	free(s);
	json_decref(m2);
	json_decref(p);
	json_decref(m);
}

static void test_manifest_refusals(void **state)
{
	json_t *m = NULL, *out = NULL;
	fl_err err = FL_ERR_INIT;
	char *s = NULL;
	size_t len;

	(void)state;
	assert_int_equal(fl_manifest_new(&m, &err), 0);
	assert_int_equal(fl_manifest_finish(m, NULL, &err), 0);
	json_object_set_new(m, FL_MANIFEST_KEY, json_integer(2));
	assert_int_equal(fl_manifest_dump(m, &s, &len, &err), 0);
	assert_int_equal(fl_manifest_parse(s, len, "m.json", &out, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "bundle format 2 is newer than this floe reads (1)"));
	free(s);
	json_object_set_new(m, FL_MANIFEST_KEY, json_integer(1));
	json_object_set_new(fl_manifest_part(m, "identity"), "recipe", json_string("changed"));
	assert_int_equal(fl_manifest_dump(m, &s, &len, &err), 0);
	assert_int_equal(fl_manifest_parse(s, len, "m.json", &out, &err), FL_EMISMATCH);
	assert_non_null(strstr(err.msg, "does not match the recorded digest"));
	free(s);
	assert_int_equal(fl_manifest_parse("{\"a\":", 5, "m.json", &out, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "m.json:1:"));
	assert_int_equal(fl_manifest_parse("{}", 2, "m.json", &out, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "not a floe bundle manifest"));
	json_decref(m);
}

/* --- signing --------------------------------------------------------------- */

static void test_sign_roundtrip(void **state)
{
	char *dir = tu_tmpdir(), *pre = cat(dir, "k"), *key = cat(dir, "k.key");
	char *pub = cat(dir, "k.pub"), *pre2 = cat(dir, "other"), *pub2 = cat(dir, "other.pub");
	uint8_t sig[FL_SIGN_LEN], sig2[FL_SIGN_LEN], raw[FL_SIGN_PUB_LEN], raw2[FL_SIGN_PUB_LEN];
	fl_err err = FL_ERR_INIT;
	struct stat st;

	(void)state;
	assert_int_equal(fl_sign_keygen(pre, &err), 0);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(fl_sign_keygen(pre, &err), FL_EINVAL); /* never overwrites */
	assert_non_null(strstr(err.msg, "already exists"));
	assert_int_equal(fl_sign_message(key, "hello", 5, sig, &err), 0);
	/* Ed25519 is deterministic: same key and message, same signature */
	assert_int_equal(fl_sign_message(key, "hello", 5, sig2, &err), 0);
	assert_memory_equal(sig, sig2, FL_SIGN_LEN);
	assert_int_equal(fl_sign_public_raw(pub, raw, &err), 0);
	assert_int_equal(fl_sign_public_raw(key, raw2, &err), 0);
	assert_memory_equal(raw, raw2, FL_SIGN_PUB_LEN);
	assert_int_equal(fl_sign_verify_raw(raw, "hello", 5, sig, &err), 0);
	assert_int_equal(fl_sign_verify_raw(raw, "hellO", 5, sig, &err), FL_EMISMATCH);
	sig[10] ^= 1;
	assert_int_equal(fl_sign_verify_raw(raw, "hello", 5, sig, &err), FL_EMISMATCH);
	sig[10] ^= 1;
	assert_int_equal(fl_sign_keygen(pre2, &err), 0);
	assert_int_equal(fl_sign_public_raw(pub2, raw2, &err), 0);
	assert_int_equal(fl_sign_verify_raw(raw2, "hello", 5, sig, &err), FL_EMISMATCH);
	/* a public key cannot sign */
	assert_true(fl_sign_message(pub, "x", 1, sig, &err) < 0);
	free(pre);
	free(key);
	free(pub);
	free(pre2);
	free(pub2);
	tu_rmrf(dir);
	free(dir);
}

/* --- RO-Crate ------------------------------------------------------------- */

static json_t *by_id(json_t *graph, const char *id)
{
	size_t i;
	json_t *e;

	json_array_foreach(graph, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "@id")), id))
			return e;
	return NULL;
}

static void test_rocrate(void **state)
{
	fl_rocrate_file in[] = { { "data/in put.csv", 10, "aa", 1, NULL },
				 { "big.h5", 99, "bb", 0, "/archive/big.h5" } };
	fl_rocrate_file out[] = { { "out/model.json", 5, "cc", 1, NULL } };
	fl_rocrate_info info = { "penguins", NULL, "penguins.yaml", 42, "dd", "0.1.0",
				 "2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", in, 2, out, 1 };
	json_t *doc = NULL, *g, *e;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_rocrate_build(&info, &doc, &err), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "@context")),
			    "https://w3id.org/ro/crate/1.1/context");
	g = json_object_get(doc, "@graph");
	e = by_id(g, "ro-crate-metadata.json");
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "about"), "@id")),
			    "./");
	e = by_id(g, "./");
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "mainEntity"),
							      "@id")), "penguins.yaml");
	assert_int_equal(json_array_size(json_object_get(e, "conformsTo")), 3);
	/* hasPart: recipe, the embedded input and the output, not the absent input */
	assert_int_equal(json_array_size(json_object_get(e, "hasPart")), 3);
	e = by_id(g, "penguins.yaml");
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "@type"), 2)),
			    "ComputationalWorkflow");
	e = by_id(g, "#run");
	assert_string_equal(json_string_value(json_object_get(e, "@type")), "CreateAction");
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "instrument"),
							      "@id")), "penguins.yaml");
	assert_int_equal(json_array_size(json_object_get(e, "object")), 2);
	assert_int_equal(json_array_size(json_object_get(e, "result")), 1);
	e = by_id(g, "data/in%20put.csv");
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "sha256")), "aa");
	assert_string_equal(json_string_value(json_object_get(e, "contentSize")), "10");
	assert_string_equal(json_string_value(json_object_get(e, "encodingFormat")), "text/csv");
	e = by_id(g, "#input:big.h5");
	assert_non_null(e);
	assert_non_null(strstr(json_string_value(json_object_get(e, "description")),
			       "/archive/big.h5"));
	json_decref(doc);
}

/* --- bundles --------------------------------------------------------------- */

typedef struct fx {
	char *dir, *a, *b, *outdir;
} fx;

static fx fx_make(void)
{
	fx f;

	f.dir = tu_tmpdir();
	f.a = cat(f.dir, "a.csv");
	f.b = cat(f.dir, "b.bin");
	f.outdir = cat(f.dir, "out");
	tu_write(f.a, "x,y\n1,2\n");
	tu_write(f.b, "binary\001\002");
	assert_int_equal(mkdir(f.outdir, 0755), 0);
	return f;
}

static void fx_free(fx *f)
{
	tu_rmrf(f->dir);
	free(f->dir);
	free(f->a);
	free(f->b);
	free(f->outdir);
}

static int pack(fx *f, const char *out, const char *key, char **written, fl_digest *d)
{
	static const char timing[] = "{\"wall_s\": 1.5}\n";
	fl_bundle_item items[] = {
		{ "data/a.csv", f->a, NULL, 0, "input", 0, 0 },
		{ "out/b.bin", f->b, NULL, 0, "output", 0, 0 },
		{ "timings.json", NULL, timing, sizeof(timing) - 1, "timings", 1, 0 },
	};
	fl_bundle_pack_opts o = FL_BUNDLE_PACK_OPTS_INIT;
	json_t *id = json_pack("{s:s}", "recipe", "r.yaml");
	fl_err err = FL_ERR_INIT;
	int rc;

	o.identity = id;
	o.sign_key = key;
	o.n_threads = 2;
	rc = fl_bundle_pack(out, "demo", items, 3, &o, written, d, &err);
	if (rc < 0)
		print_message("pack: %s\n", err.msg);
	json_decref(id);
	return rc;
}

static void test_pack_deterministic_and_named(void **state)
{
	fx f = fx_make();
	char *w1 = NULL, *w2 = NULL, *b1 = NULL, *b2 = NULL, hex[65];
	size_t l1, l2;
	fl_digest d1, d2;
	fl_err err = FL_ERR_INIT;
	fl_bundle *b = NULL;

	(void)state;
	assert_int_equal(pack(&f, f.outdir, NULL, &w1, &d1), 0);
	fl_digest_hex(&d1, hex);
	hex[16] = '\0';
	assert_non_null(strstr(w1, "/demo-"));
	assert_non_null(strstr(w1, hex));
	assert_int_equal(fl_read_file(w1, &b1, &l1, &err), 0);
	assert_int_equal(unlink(w1), 0);
	assert_int_equal(pack(&f, f.outdir, NULL, &w2, &d2), 0);
	assert_string_equal(w1, w2);
	assert_int_equal(fl_read_file(w2, &b2, &l2, &err), 0);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	assert_memory_equal(d1.b, d2.b, 32);
	/* open: the manifest and its entries */
	assert_int_equal(fl_bundle_open(&b, w1, NULL, &err), 0);
	assert_memory_equal(b->digest.b, d1.b, 32);
	assert_null(b->signature);
	assert_int_equal(json_array_size(json_object_get(fl_manifest_part(b->manifest, "identity"),
							 "entries")), 2);
	assert_int_equal(json_array_size(json_object_get(fl_manifest_part(b->manifest, "run"),
							 "entries")), 1);
	assert_int_equal(fl_bundle_check_entries(w1, NULL, NULL, &err), 0);
	fl_bundle_free(b);
	free(b1);
	free(b2);
	free(w1);
	free(w2);
	fx_free(&f);
}

/* Rebuild a bundle with one entry's content changed or one entry left out,
 * keeping the original manifest. */
static void forge(const char *good, const char *bad, const char *change, const char *drop)
{
	fl_bundle *b = NULL;
	fl_err err = FL_ERR_INIT;
	char *mbytes = NULL;
	size_t mlen;
	fl_tar_entry e[4];
	size_t n = 0;

	assert_int_equal(fl_bundle_open(&b, good, NULL, &err), 0);
	assert_int_equal(fl_manifest_dump(b->manifest, &mbytes, &mlen, &err), 0);
	e[n++] = (fl_tar_entry){ .name = FL_BUNDLE_MANIFEST, .buf = mbytes, .len = mlen,
				 .priority = -1 };
	static const char *names[] = { "data/a.csv", "out/b.bin", "timings.json" };
	static const char *content[] = { "x,y\n1,2\n", "binary\001\002", "{\"wall_s\": 1.5}\n" };
	for (int i = 0; i < 3; i++) {
		if (drop && !strcmp(drop, names[i]))
			continue;
		const char *c = (change && !strcmp(change, names[i])) ? "tampered" : content[i];
		e[n++] = (fl_tar_entry){ .name = names[i], .buf = c, .len = strlen(c) };
	}
	assert_int_equal(fl_tarw_write(bad, e, n, NULL, &err), 0);
	free(mbytes);
	fl_bundle_free(b);
}

static void test_tampered_entries_named(void **state)
{
	fx f = fx_make();
	char *w = NULL, *bad = cat(f.dir, "bad.tar.zst"), *target = cat(f.dir, "unpacked");
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(pack(&f, f.outdir, NULL, &w, NULL), 0);
	forge(w, bad, "out/b.bin", NULL);
	assert_int_equal(fl_bundle_check_entries(bad, NULL, NULL, &err), FL_EMISMATCH);
	assert_non_null(strstr(err.msg, "entry 'out/b.bin' does not match the manifest"));
	fl_err_clear(&err);
	assert_int_equal(fl_bundle_unpack(bad, target, NULL, NULL, NULL, NULL, &err), FL_EMISMATCH);
	assert_non_null(strstr(err.msg, "'out/b.bin'"));
	assert_int_equal(access(target, F_OK), -1);
	/* the run part's entries are checked too */
	forge(w, bad, "timings.json", NULL);
	assert_int_equal(fl_bundle_check_entries(bad, NULL, NULL, &err), FL_EMISMATCH);
	assert_non_null(strstr(err.msg, "'timings.json'"));
	forge(w, bad, NULL, "data/a.csv");
	assert_int_equal(fl_bundle_unpack(bad, target, NULL, NULL, NULL, NULL, &err), FL_EMISMATCH);
	assert_non_null(strstr(err.msg, "'data/a.csv' is listed in the manifest but missing"));
	assert_int_equal(access(target, F_OK), -1);
	/* the untouched bundle unpacks */
	assert_int_equal(fl_bundle_unpack(w, target, NULL, NULL, NULL, NULL, &err), 0);
	free(w);
	w = cat(target, "out/b.bin");
	assert_int_equal(access(w, F_OK), 0);
	free(w);
	free(bad);
	free(target);
	fx_free(&f);
}

static void test_signed_bundles(void **state)
{
	fx f = fx_make();
	char *pre = cat(f.dir, "me"), *key = cat(f.dir, "me.key"), *pub = cat(f.dir, "me.pub");
	char *pre2 = cat(f.dir, "you"), *pub2 = cat(f.dir, "you.pub");
	char *file = cat(f.dir, "signed.tar.zst"), *plain = cat(f.dir, "plain.tar.zst");
	char *bad = cat(f.dir, "bad.tar.zst"), id[65];
	fl_err err = FL_ERR_INIT;
	fl_bundle *b = NULL;
	fl_bundle_sig st;

	(void)state;
	assert_int_equal(fl_sign_keygen(pre, &err), 0);
	assert_int_equal(fl_sign_keygen(pre2, &err), 0);
	assert_int_equal(pack(&f, file, key, NULL, NULL), 0);
	assert_int_equal(fl_bundle_open(&b, file, NULL, &err), 0);
	assert_non_null(b->signature);
	assert_int_equal(fl_bundle_check_signature(b, NULL, &st, id, &err), 0);
	assert_int_equal(st, FL_BUNDLE_SIGNED);
	assert_int_equal(fl_bundle_check_signature(b, pub, &st, id, &err), 0);
	assert_int_equal(st, FL_BUNDLE_SIGNED_BY);
	assert_int_equal(fl_bundle_check_signature(b, pub2, &st, id, &err), FL_EMISMATCH);
	assert_non_null(strstr(err.msg, "was signed by key"));
	assert_int_equal(fl_bundle_check_entries(file, NULL, NULL, &err), 0);
	/* a changed manifest (run part, not in the digest) breaks the signature */
	json_object_set_new(fl_manifest_part(b->manifest, "run"), "host", json_string("forged"));
	{
		char *m = NULL, *sig = NULL;
		size_t ml, sl;
		fl_bundle *src = NULL;
		assert_int_equal(fl_bundle_open(&src, file, NULL, &err), 0);
		sig = json_dumps(src->signature, JSON_INDENT(2) | JSON_SORT_KEYS);
		sl = strlen(sig);
		assert_int_equal(fl_manifest_dump(b->manifest, &m, &ml, &err), 0);
		fl_tar_entry e[] = {
			{ .name = FL_BUNDLE_MANIFEST, .buf = m, .len = ml, .priority = -2 },
			{ .name = FL_BUNDLE_SIGNATURE, .buf = sig, .len = sl, .priority = -1 },
		};
		assert_int_equal(fl_tarw_write(bad, e, 2, NULL, &err), 0);
		free(m);
		free(sig);
		fl_bundle_free(src);
	}
	fl_bundle_free(b);
	b = NULL;
	assert_int_equal(fl_bundle_open(&b, bad, NULL, &err), 0);
	assert_int_equal(fl_bundle_check_signature(b, NULL, &st, id, &err), FL_EMISMATCH);
	assert_non_null(strstr(err.msg, "signature does not match"));
	fl_bundle_free(b);
	b = NULL;
	/* an unsigned bundle checked with a key */
	assert_int_equal(pack(&f, plain, NULL, NULL, NULL), 0);
	assert_int_equal(fl_bundle_open(&b, plain, NULL, &err), 0);
	assert_int_equal(fl_bundle_check_signature(b, pub, &st, id, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "is not signed"));
	fl_bundle_free(b);
	free(pre);
	free(key);
	free(pub);
	free(pre2);
	free(pub2);
	free(file);
	free(plain);
	free(bad);
	fx_free(&f);
}

static void test_reserved_and_not_a_bundle(void **state)
{
	fx f = fx_make();
	char *file = cat(f.dir, "x.tar.zst");
	fl_bundle_item it = { ".floe-bundle/evil", NULL, "x", 1, "input", 0, 0 };
	fl_tar_entry e = { .name = "just-a-file", .buf = "x", .len = 1 };
	fl_bundle *b = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_bundle_pack(file, "x", &it, 1, NULL, NULL, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "reserved"));
	assert_int_equal(fl_tarw_write(file, &e, 1, NULL, &err), 0);
	assert_int_equal(fl_bundle_open(&b, file, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "not a floe bundle"));
	free(file);
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_digest_and_roundtrip),
		cmocka_unit_test(test_manifest_refusals),
		cmocka_unit_test(test_sign_roundtrip),
		cmocka_unit_test(test_rocrate),
		cmocka_unit_test(test_pack_deterministic_and_named),
		cmocka_unit_test(test_tampered_entries_named),
		cmocka_unit_test(test_signed_bundles),
		cmocka_unit_test(test_reserved_and_not_a_bundle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
