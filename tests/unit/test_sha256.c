/* test_sha256.c - SHA-256: published known answers, chunked equals one-shot,
 * files, hex round trip. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sha256.h"
#include "testutil.h"

static void expect_hex(const fl_digest *d, const char *hex)
{
	char got[FL_SHA256_HEX_LEN + 1];

	fl_digest_hex(d, got);
	assert_string_equal(got, hex);
}

/* FIPS 180-2 appendix B and the NIST example vectors. */
static void test_known_answers(void **state)
{
	fl_digest d;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_sha256_buf("", 0, &d, &err), 0);
	expect_hex(&d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(fl_sha256_buf("abc", 3, &d, &err), 0);
	expect_hex(&d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	assert_int_equal(fl_sha256_buf(m448, strlen(m448), &d, &err), 0);
	expect_hex(&d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a_streaming(void **state)
{
	fl_sha256_ctx *h = NULL;
	fl_err err = FL_ERR_INIT;
	fl_digest d;
	char block[1000];

	(void)state;
	memset(block, 'a', sizeof(block));
	assert_int_equal(fl_sha256_new(&h, &err), 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(fl_sha256_update(h, block, sizeof(block), &err), 0);
	assert_int_equal(fl_sha256_final(h, &d, &err), 0);
	expect_hex(&d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* reset and reuse gives the empty digest */
	assert_int_equal(fl_sha256_reset(h, &err), 0);
	assert_int_equal(fl_sha256_final(h, &d, &err), 0);
	expect_hex(&d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	fl_sha256_free(h);
}

/* Property: any split of the input into chunks gives the one-shot digest. */
static void test_chunked_equals_oneshot(void **state)
{
	enum { N = 100003 };
	uint8_t *buf = malloc(N);
	fl_err err = FL_ERR_INIT;
	fl_digest one, chunked;
	uint64_t x = 42;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		buf[i] = (uint8_t)(x >> 56);
	}
	assert_int_equal(fl_sha256_buf(buf, N, &one, &err), 0);
	for (size_t chunk = 1; chunk < 5000; chunk = chunk * 3 + 1) {
		fl_sha256_ctx *h = NULL;
		assert_int_equal(fl_sha256_new(&h, &err), 0);
		for (size_t off = 0; off < N; off += chunk) {
			size_t len = off + chunk > N ? N - off : chunk;
			assert_int_equal(fl_sha256_update(h, buf + off, len, &err), 0);
		}
		assert_int_equal(fl_sha256_final(h, &chunked, &err), 0);
		assert_memory_equal(one.b, chunked.b, FL_SHA256_LEN);
		fl_sha256_free(h);
	}
	free(buf);
}

static void test_file_and_errors(void **state)
{
	char *dir = tu_tmpdir();
	char path[4096];
	fl_err err = FL_ERR_INIT;
	fl_digest d;

	(void)state;
	snprintf(path, sizeof(path), "%s/abc.txt", dir);
	tu_write(path, "abc");
	assert_int_equal(fl_sha256_file(path, &d, &err), 0);
	expect_hex(&d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(fl_sha256_file(path, &d, &err), FL_ENOTFOUND);
	assert_non_null(strstr(err.msg, "missing: No such file or directory"));
	tu_rmrf(dir);
	free(dir);
}

static void test_hex_round_trip(void **state)
{
	fl_err err = FL_ERR_INIT;
	fl_digest d, back;
	char hex[FL_SHA256_HEX_LEN + 1];

	(void)state;
	assert_int_equal(fl_sha256_buf("abc", 3, &d, &err), 0);
	fl_digest_hex(&d, hex);
	assert_int_equal(fl_digest_parse(hex, &back, &err), 0);
	assert_memory_equal(d.b, back.b, FL_SHA256_LEN);
	assert_int_equal(fl_digest_parse("xyz", &back, &err), FL_EINVAL);
	hex[5] = 'g';
	assert_int_equal(fl_digest_parse(hex, &back, &err), FL_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_million_a_streaming),
		cmocka_unit_test(test_chunked_equals_oneshot),
		cmocka_unit_test(test_file_and_errors),
		cmocka_unit_test(test_hex_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
