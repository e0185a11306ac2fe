/* test_modelfile.c - the shared model file format: round trip of every
 * field, deterministic bytes, the documented header layout, and refusal of
 * damaged, truncated, foreign and newer files; schema checks that name
 * missing, extra and reordered features. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"
#include "ml/le.h"
#include "ml/modelfile.h"
#include "testutil.h"

static fl_dataset *small_ds(const char *const *names, size_t d)
{
	fl_dataset *ds = NULL;
	fl_err err = FL_ERR_INIT;
	static const char *const cls[] = { "seal", "whale" };

	assert_int_equal(fl_dataset_new(&ds, 2, d, &err), 0);
	for (size_t j = 0; j < d; j++)
		assert_int_equal(fl_dataset_set_feature_name(ds, j, names[j], &err), 0);
	assert_int_equal(fl_dataset_set_classes(ds, 2, cls, &err), 0);
	assert_int_equal(fl_dataset_set_label_name(ds, "animal", &err), 0);
	return ds;
}

static fl_modelfile *sample(void)
{
	static const char *const names[] = { "depth", "temp", "salinity" };
	fl_dataset *ds = small_ds(names, 3);
	fl_modelfile *mf = NULL;
	fl_err err = FL_ERR_INIT;
	double coef[6] = { 1.5, -2.25, 3e-300, 0.0, -0.0, 1e300 };
	int32_t idx[3] = { -7, 0, 2147483647 };
	uint8_t bytes[2] = { 0, 255 };
	uint64_t d2[2] = { 2, 3 }, d1[1] = { 3 }, db[1] = { 2 };

	ds->feature_types[2] = FL_FEATURE_CATEGORY;
	assert_int_equal(fl_modelfile_new(&mf, "test_kind", &err), 0);
	assert_int_equal(fl_schema_from_dataset(&mf->schema, ds, &err), 0);
	mf->schema.prep_json = strdup("{\"impute\":{\"temp\":1.5}}");
	mf->params = json_pack("{s:f, s:i, s:[i,i]}", "alpha", 0.5, "max_iter", 100,
			       "hidden_layer_sizes", 64, 32);
	mf->metrics = json_pack("{s:{s:f}}", "test", "accuracy", 0.875);
	assert_int_equal(fl_modelfile_add_array(mf, "coef", FL_DTYPE_F64, 2, d2, coef, &err), 0);
	assert_int_equal(fl_modelfile_add_array(mf, "idx", FL_DTYPE_I32, 1, d1, idx, &err), 0);
	assert_int_equal(fl_modelfile_add_array(mf, "mask", FL_DTYPE_U8, 1, db, bytes, &err), 0);
	assert_int_equal(fl_modelfile_add_array(mf, "coef", FL_DTYPE_U8, 1, db, bytes, &err),
			 FL_EINVAL); /* duplicate name */
	fl_dataset_free(ds);
	return mf;
}

static void test_round_trip(void **state)
{
	char *dir = tu_tmpdir(), path[512];
	fl_modelfile *mf = sample(), *back = NULL;
	fl_err err = FL_ERR_INIT;
	uint8_t *a = NULL, *b = NULL;
	size_t la, lb;
	const double *coef;
	uint64_t dims[2];

	(void)state;
	snprintf(path, sizeof(path), "%s/m.floe", dir);
	assert_int_equal(fl_modelfile_write(mf, path, &err), 0);
	assert_int_equal(fl_modelfile_read(&back, path, &err), 0);
	assert_string_equal(back->kind, "test_kind");
	assert_int_equal(back->schema.n_features, 3);
	assert_string_equal(back->schema.feature_names[1], "temp");
	assert_int_equal(back->schema.feature_types[2], FL_FEATURE_CATEGORY);
	assert_string_equal(back->schema.label_name, "animal");
	assert_int_equal(back->schema.n_classes, 2);
	assert_string_equal(back->schema.class_names[1], "whale");
	assert_string_equal(back->schema.prep_json, "{\"impute\":{\"temp\":1.5}}");
	assert_true(json_equal(back->params, mf->params));
	assert_true(json_equal(back->metrics, mf->metrics));
	assert_int_equal(fl_modelfile_get(back, "coef", FL_DTYPE_F64, 2, dims,
					  (const void **)&coef, &err), 0);
	assert_int_equal(dims[1], 3);
	assert_memory_equal(coef, mf->arrays[0].data, 6 * sizeof(double));
	assert_memory_equal(fl_modelfile_find(back, "idx")->data, mf->arrays[1].data, 12);
	/* wrong type or missing array: clear message */
	assert_int_equal(fl_modelfile_get(back, "idx", FL_DTYPE_F64, 1, NULL,
					  (const void **)&coef, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "array 'idx' is i32"));
	assert_int_equal(fl_modelfile_get(back, "nope", FL_DTYPE_F64, 1, NULL,
					  (const void **)&coef, &err), FL_EINVAL);
	/* the same content gives the same bytes */
	assert_int_equal(fl_modelfile_to_bytes(mf, &a, &la, &err), 0);
	assert_int_equal(fl_modelfile_to_bytes(back, &b, &lb, &err), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
	fl_modelfile_free(back);
	fl_modelfile_free(mf);
	tu_rmrf(dir);
	free(dir);
}

/* docs/models.md: magic, u32 version, u32 flags, u64 total length, and a
 * SHA-256 of everything before it at the end; strings are u32 + bytes. */
static void test_layout(void **state)
{
	fl_modelfile *mf = sample();
	fl_err err = FL_ERR_INIT;
	uint8_t *b = NULL;
	size_t len;
	fl_digest d;

	(void)state;
	assert_int_equal(fl_modelfile_to_bytes(mf, &b, &len, &err), 0);
	assert_memory_equal(b, "FLOEMODL", 8);
	assert_int_equal(fl_le_load_u32(b + 8), FL_MODELFILE_VERSION);
	assert_int_equal(fl_le_load_u32(b + 12), 0);
	assert_int_equal(fl_le_load_u64(b + 16), len);
	assert_int_equal(fl_le_load_u32(b + 24), 9); /* strlen("test_kind") */
	assert_memory_equal(b + 28, "test_kind", 9);
	assert_int_equal(fl_le_load_u32(b + 37), 3); /* n_features */
	assert_int_equal(fl_sha256_buf(b, len - 32, &d, &err), 0);
	assert_memory_equal(d.b, b + len - 32, 32);
	free(b);
	fl_modelfile_free(mf);
}

static int parse(const uint8_t *b, size_t len, fl_err *err)
{
	fl_modelfile *mf = NULL;
	int rc = fl_modelfile_from_bytes(&mf, b, len, "m.floe", err);

	fl_modelfile_free(mf);
	return rc;
}

static void test_refusals(void **state)
{
	fl_modelfile *mf = sample();
	fl_err err = FL_ERR_INIT;
	uint8_t *b = NULL;
	size_t len;
	fl_digest d;

	(void)state;
	assert_int_equal(fl_modelfile_to_bytes(mf, &b, &len, &err), 0);
	/* flipped payload byte: checksum */
	b[len - 40] ^= 1;
	assert_int_equal(parse(b, len, &err), FL_EMISMATCH);
	assert_non_null(strstr(err.msg, "m.floe: model file checksum mismatch"));
	b[len - 40] ^= 1;
	assert_int_equal(parse(b, len, &err), 0);
	/* truncated */
	assert_int_equal(parse(b, len - 10, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
	assert_int_equal(parse(b, 12, &err), FL_EINVAL);
	/* not a model */
	assert_int_equal(parse((const uint8_t *)"hello, world, this is text", 26, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "not a floe model file"));
	/* a newer format version: a clear error, before the checksum */
	fl_le_store_u32(b + 8, FL_MODELFILE_VERSION + 1);
	assert_int_equal(parse(b, len, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "format version 2 was written by a newer floe"));
	fl_le_store_u32(b + 8, FL_MODELFILE_VERSION);
	/* a damaged structure under a valid checksum (a lying length field) */
	fl_le_store_u32(b + 37, 1000000);
	assert_int_equal(fl_sha256_buf(b, len - 32, &d, &err), 0);
	memcpy(b + len - 32, d.b, 32);
	assert_int_equal(parse(b, len, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "damaged"));
	free(b);
	fl_modelfile_free(mf);
}

static void test_schema_check(void **state)
{
	static const char *const trained[] = { "depth", "temp", "salinity" };
	static const char *const missing[] = { "depth", "salinity" };
	static const char *const extra[] = { "depth", "temp", "salinity", "oxygen" };
	static const char *const swapped[] = { "depth", "salinity", "temp" };
	static const char *const both[] = { "depth", "temp", "chl" };
	fl_dataset *ds = small_ds(trained, 3), *o;
	fl_schema s = { 0 };
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(fl_schema_from_dataset(&s, ds, &err), 0);
	assert_int_equal(fl_schema_check(&s, ds, &err), 0);
	o = small_ds(missing, 2);
	assert_int_equal(fl_schema_check(&s, o, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "missing features 'temp'"));
	fl_dataset_free(o);
	o = small_ds(extra, 4);
	assert_int_equal(fl_schema_check(&s, o, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "extra features 'oxygen'"));
	fl_dataset_free(o);
	o = small_ds(swapped, 3);
	assert_int_equal(fl_schema_check(&s, o, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "another order: at position 2 the model expects 'temp', "
					"the data has 'salinity'"));
	fl_dataset_free(o);
	o = small_ds(both, 3);
	assert_int_equal(fl_schema_check(&s, o, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "missing features 'salinity'; extra features 'chl'"));
	fl_dataset_free(o);
	o = small_ds(trained, 3);
	o->feature_types[1] = FL_FEATURE_CATEGORY;
	assert_int_equal(fl_schema_check(&s, o, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "feature 'temp' is category in the data but f64"));
	fl_dataset_free(o);
	fl_schema_clear(&s);
	fl_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_schema_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
