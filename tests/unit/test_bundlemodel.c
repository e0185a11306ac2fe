/* test_bundlemodel.c - one bundle entry read by name and checked against
 * the manifest (lib/bundle/member.c), a bundle's model found by its magic,
 * chosen and loaded (lib/bundle/bundlemodel.c), image entries left out by
 * unpack, and standard input spooled to a file (lib/core/spool.c). */
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

#include "bundle/bundle.h"
#include "bundle/bundlemodel.h"
#include "bundle/member.h"
#include "core/atomic.h"
#include "core/spool.h"
#include "mlfixture.h"
#include "testutil.h"

typedef struct fx {
	char *dir, *model, *bundle;
	uint8_t *bytes; /* the model file's bytes */
	size_t len;
} fx;

static char *cat(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		abort();
	return p;
}

/* A ridge model of penguins' body mass, saved to dir/model.floe. */
static void make_model(fx *f)
{
	static const char *const cols[] = { "bill_length_mm", "flipper_length_mm", NULL };
	const fl_model_kind *k = fl_model_kind_find("ridge");
	fl_dataset *ds = mlf_load_csv("tests/data/penguins.csv", "body_mass_g", FL_TARGET_REAL,
				      cols);
	fl_fit_opts o = FL_FIT_OPTS_INIT;
	fl_model *m = NULL;
	fl_modelfile *mf = NULL;
	json_t *p = NULL;
	fl_err err = FL_ERR_INIT;

	o.n_threads = 1;
	assert_int_equal(fl_hparams_from_args(k->params, NULL, 0, &p, &err), 0);
	assert_int_equal(fl_model_fit(&m, k, ds, p, &o, &err), 0);
	f->model = cat(f->dir, "model.floe");
	assert_int_equal(fl_model_save(m, f->model, &err), 0);
	assert_int_equal(fl_model_to_modelfile(m, &mf, &err), 0);
	assert_int_equal(fl_modelfile_to_bytes(mf, &f->bytes, &f->len, &err), 0);
	fl_modelfile_free(mf);
	fl_model_free(m);
	fl_dataset_free(ds);
	json_decref(p);
}

/* A bundle with `n` items; returns its path. */
static char *pack(fx *f, const char *name, const fl_bundle_item *items, size_t n)
{
	char *out = cat(f->dir, name);
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_bundle_pack(out, "t", items, n, NULL, NULL, NULL, &err), 0);
	return out;
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));

	f->dir = tu_tmpdir();
	make_model(f);
	fl_bundle_item items[] = {
		{ "data.csv", NULL, "a,b\n1,2\n", 8, "input", 0, 0, NULL },
		{ "out/t/fit/model.floe", f->model, NULL, 0, "output", 0, 0, NULL },
		{ "out/t/fit/metrics.csv", NULL, "n\n1\n", 4, "output", 0, 0, NULL },
		{ ".floe/images/abc.tar", NULL, "not really a tar", 16, "image", 1, 0, NULL },
	};
	f->bundle = pack(f, "one.floe.tar.zst", items, 4);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;

	tu_rmrf(f->dir);
	free(f->dir);
	free(f->model);
	free(f->bundle);
	free(f->bytes);
	free(f);
	return 0;
}

static fl_bundle *open_bundle(const char *path)
{
	fl_bundle *b = NULL;
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_bundle_open(&b, path, NULL, &err), 0);
	return b;
}

static void test_member_read_extract(void **state)
{
	fx *f = *state;
	fl_bundle *b = open_bundle(f->bundle);
	fl_err err = FL_ERR_INIT;
	char *buf = NULL, *file = cat(f->dir, "x.csv");
	const char *role;
	uint64_t size;
	size_t len;

	assert_int_equal(fl_bundle_member_find(b, "out/t/fit/metrics.csv", &size, NULL, &role,
					       &err), 0);
	assert_int_equal(size, 4);
	assert_string_equal(role, "output");
	assert_int_equal(fl_bundle_member_read(b, "data.csv", 1024, &buf, &len, &err), 0);
	assert_int_equal(len, 8);
	assert_string_equal(buf, "a,b\n1,2\n");
	free(buf);
	/* a limit smaller than the entry is refused */
	assert_int_equal(fl_bundle_member_read(b, "data.csv", 4, &buf, &len, &err), FL_EINVAL);
	/* a name the manifest does not list */
	assert_int_equal(fl_bundle_member_read(b, "nope.csv", 1024, &buf, &len, &err),
			 FL_ENOTFOUND);
	assert_non_null(strstr(err.msg, "lists no entry 'nope.csv'"));
	assert_int_equal(fl_bundle_member_extract(b, ".floe/images/abc.tar", file, NULL, &err), 0);
	assert_int_equal(fl_read_file(file, &buf, &len, &err), 0);
	assert_string_equal(buf, "not really a tar");
	free(buf);
	free(file);
	fl_bundle_free(b);
}

static void test_unpack_leaves_images_out(void **state)
{
	fx *f = *state;
	char *dir = cat(f->dir, "u"), *img = cat(dir, ".floe/images/abc.tar");
	char *in = cat(dir, "data.csv");
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_bundle_unpack(f->bundle, dir, NULL, NULL, NULL, NULL, &err), 0);
	assert_int_equal(access(in, F_OK), 0);
	assert_int_not_equal(access(img, F_OK), 0);
	free(in);
	free(img);
	free(dir);
}

static void test_model_found_and_loaded(void **state)
{
	fx *f = *state;
	fl_bundle *b = open_bundle(f->bundle);
	fl_err err = FL_ERR_INIT;
	json_t *list = NULL;
	fl_model *m = NULL;
	fl_modelfile *mf = NULL;
	char *entry = NULL;
	uint8_t *bytes = NULL;
	size_t len;

	assert_int_equal(fl_bundle_model_is_bundle(f->bundle), 1);
	assert_int_equal(fl_bundle_model_is_bundle(f->model), 0);
	assert_int_equal(fl_bundle_model_list(b, &list, &err), 0);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_array_get(list, 0)), "out/t/fit/model.floe");
	assert_int_equal(fl_bundle_model_load(&m, f->bundle, NULL, &entry, &err), 0);
	assert_string_equal(entry, "out/t/fit/model.floe");
	/* the model loaded from the bundle is the one saved, byte for byte */
	assert_int_equal(fl_model_to_modelfile(m, &mf, &err), 0);
	assert_int_equal(fl_modelfile_to_bytes(mf, &bytes, &len, &err), 0);
	assert_int_equal(len, f->len);
	assert_memory_equal(bytes, f->bytes, len);
	fl_model_free(m);
	m = NULL;
	/* open takes either a model file or a bundle */
	assert_int_equal(fl_bundle_model_open(&m, f->model, &err), 0);
	fl_model_free(m);
	m = NULL;
	assert_int_equal(fl_bundle_model_open(&m, f->bundle, &err), 0);
	fl_model_free(m);
	free(bytes);
	free(entry);
	fl_modelfile_free(mf);
	json_decref(list);
	fl_bundle_free(b);
}

static void test_model_choice(void **state)
{
	fx *f = *state;
	fl_bundle_item two[] = {
		{ "out/t/a/model.floe", f->model, NULL, 0, "output", 0, 0, NULL },
		{ "out/t/b/model.floe", f->model, NULL, 0, "output", 0, 0, NULL },
		/* a model file that is an input is not a model of the run */
		{ "in/model.floe", f->model, NULL, 0, "input", 0, 0, NULL },
	};
	fl_bundle_item none[] = { { "out/t/x.csv", NULL, "x\n", 2, "output", 0, 0, NULL } };
	char *p2 = pack(f, "two.floe.tar.zst", two, 3), *p0 = pack(f, "none.floe.tar.zst", none, 1);
	fl_bundle *b2 = open_bundle(p2), *b0 = open_bundle(p0);
	fl_err err = FL_ERR_INIT;
	char *entry = NULL;

	assert_int_equal(fl_bundle_model_choose(b2, NULL, &entry, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "several models (out/t/a/model.floe, out/t/b/model.floe)"));
	assert_int_equal(fl_bundle_model_choose(b2, "b/model.floe", &entry, &err), 0);
	assert_string_equal(entry, "out/t/b/model.floe");
	free(entry);
	assert_int_equal(fl_bundle_model_choose(b2, "out/t/a/model.floe", &entry, &err), 0);
	assert_string_equal(entry, "out/t/a/model.floe");
	free(entry);
	/* a tail must end at a '/': "model.floe" matches both, "odel.floe" neither */
	assert_int_equal(fl_bundle_model_choose(b2, "model.floe", &entry, &err), FL_EINVAL);
	assert_int_equal(fl_bundle_model_choose(b2, "odel.floe", &entry, &err), FL_ENOTFOUND);
	assert_non_null(strstr(err.msg, "holds no model 'odel.floe'; its models: "));
	assert_int_equal(fl_bundle_model_choose(b0, NULL, &entry, &err), FL_ENOTFOUND);
	assert_non_null(strstr(err.msg, "holds no model file"));
	fl_bundle_free(b2);
	fl_bundle_free(b0);
	free(p2);
	free(p0);
}

static void test_spool(void **state)
{
	int fds[2];
	char *path = NULL, *buf = NULL;
	uint64_t bytes = 0;
	size_t len;
	fl_err err = FL_ERR_INIT;
	static const char text[] = "x,y\n1,2\n3,4\n";

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
	close(fds[1]);
	assert_int_equal(fl_spool_fd(fds[0], &path, &bytes, &err), 0);
	close(fds[0]);
	assert_int_equal(bytes, strlen(text));
	assert_int_equal(fl_read_file(path, &buf, &len, &err), 0);
	assert_string_equal(buf, text);
	unlink(path);
	free(path);
	free(buf);
	/* a bad descriptor is an error, and no file is left */
	assert_true(fl_spool_fd(-1, &path, &bytes, &err) < 0);
	assert_null(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_member_read_extract, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unpack_leaves_images_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_found_and_loaded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_choice, setup, teardown),
		cmocka_unit_test(test_spool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
