/* test_stepkey.c - the step key changes with every field and only with
 * them; the diff names each change; the YAML writer round-trips; the
 * command kind runs, fails with its output, and stops on request. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "core/env.h"
#include "recipe/kinds.h"
#include "recipe/recipe.h"
#include "recipe/value.h"
#include "recipe/yaml_out.h"
#include "run/lockfile.h"
#include "run/stepkey.h"
#include "testutil.h"

static const char *base =
	"floe: 1\nname: k\nseed: SEED\nCONT"
	"inputs: {a: a.txt}\nprepare:\n  - name: s\n    kind: command\n"
	"    inputs: [a]\n    outputs: [OUT]\n    params: {run: 'RUN {out.o}'}\n";

/* Key of the recipe `base` with the placeholders replaced. */
static json_t *fields_of(const char *seed, const char *cont, const char *out,
			 const char *runs, const fl_digest *in, fl_digest *key)
{
	char text[2048], *p;
	fl_recipe *r = NULL;
	fl_err err = FL_ERR_INIT;
	json_t *f = NULL, *libs = json_object();
	const fl_digest *ins[1] = { in };

	snprintf(text, sizeof(text), "%s", base);
	const char *from[] = { "SEED", "CONT", "OUT", "RUN" }, *to[] = { seed, cont, out, runs };
	for (int i = 0; i < 4; i++) {
		char tmp[2048];
		p = strstr(text, from[i]);
		snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(p - text), text, to[i],
			 p + strlen(from[i]));
		strcpy(text, tmp);
	}
	if (fl_recipe_load_buf(&r, text, strlen(text), "k.yaml", "/w", &err) < 0 ||
	    fl_stepkey_fields(&f, r, &r->steps[0], ins, libs, &err) < 0 ||
	    fl_stepkey_digest(f, key, &err) < 0)
		fail_msg("%s", err.msg);
	fl_recipe_free(r);
	json_decref(libs);
	return f;
}

static void test_key_fields(void **state)
{
	fl_digest in1 = { { 1 } }, in2 = { { 2 } }, k0, k;
	const char *cont = "container: sha256:0000000000000000000000000000000000000000000000000000000000000000\n";
	json_t *f0, *f, *lines = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	f0 = fields_of("1", "", "o", "echo", &in1, &k0);
	f = fields_of("1", "", "o", "echo", &in1, &k);
	assert_memory_equal(k0.b, k.b, 32); /* deterministic */
	json_decref(f);
	/* each field changes the key, and the diff names it */
	struct {
		json_t *f;
		const char *line;
	} cases[] = {
		{ fields_of("2", "", "o", "echo", &in1, &k), "recipe seed changed: 1 -> 2" },
		{ fields_of("1", cont, "o", "echo", &in1, &k), "container image changed: none -> " },
		{ fields_of("1", "", "o, p", "echo", &in1, &k), "declared outputs changed: [\"o\"] -> [\"o\",\"p\"]" },
		{ fields_of("1", "", "o", "cat", &in1, &k), "parameter 'run' changed: \"echo {out.o}\" -> \"cat {out.o}\"" },
		{ fields_of("1", "", "o", "echo", &in2, &k), "input 'a' changed: 010000000000.. -> 020000000000.." },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fl_digest ki;
		assert_int_equal(fl_stepkey_digest(cases[i].f, &ki, &err), 0);
		assert_memory_not_equal(ki.b, k0.b, 32);
		assert_int_equal(fl_stepkey_diff(f0, cases[i].f, &lines, &err), 0);
		assert_int_equal(json_array_size(lines), 1);
		if (!strstr(json_string_value(json_array_get(lines, 0)), cases[i].line))
			fail_msg("'%s' lacks '%s'", json_string_value(json_array_get(lines, 0)),
				 cases[i].line);
		json_decref(lines);
		json_decref(cases[i].f);
	}
	/* floe's version and library versions are fields too */
	f = json_deep_copy(f0);
	json_object_set_new(f, "floe", json_string("9.9.9"));
	json_object_set_new(json_object_get(f, "libraries"), "hdf5", json_string("1.14"));
	assert_int_equal(fl_stepkey_diff(f0, f, &lines, &err), 0);
	assert_int_equal(json_array_size(lines), 2);
	assert_string_equal(json_string_value(json_array_get(lines, 0)),
			    "floe version changed: \"0.1.0\" -> \"9.9.9\"");
	assert_string_equal(json_string_value(json_array_get(lines, 1)),
			    "library 'hdf5' added: \"1.14\"");
	json_decref(lines);
	json_decref(f);
	assert_int_equal(fl_stepkey_diff(f0, f0, &lines, &err), 0);
	assert_int_equal(json_array_size(lines), 0);
	json_decref(lines);
	json_decref(f0);
}

/* The media and netCDF step kinds put their readers' run-time versions
 * (from the environment record) into their keys: a new libpng, libtiff,
 * libsndfile, FFTW or netCDF reruns exactly the steps that use it. */
static void test_media_keys_carry_libraries(void **state)
{
	static const char *text =
		"floe: 1\nname: m\nseed: 1\ninputs: {im: im, au: au, grid: g.nc}\nprepare:\n"
		"  - name: i\n    kind: image_features\n    inputs: {images: im}\n"
		"  - name: a\n    kind: audio_features\n    inputs: {audio: au}\n"
		"  - name: g\n    kind: load\n    inputs: [grid]\n";
	static const char *const want[3][3] = {
		{ "libpng", "libtiff", NULL }, { "libsndfile", "fftw", NULL }, { "netcdf", NULL, NULL },
	};
	fl_digest in = { { 7 } }, k0, k1;
	const fl_digest *ins[1] = { &in };
	fl_recipe *r = NULL;
	fl_err err = FL_ERR_INIT;
	json_t *env = NULL, *libs, *f = NULL;

	(void)state;
	assert_int_equal(fl_env_record(&env, &err), 0);
	libs = json_object_get(env, "libraries");
	if (fl_recipe_load_buf(&r, text, strlen(text), "m.yaml", "/w", &err) < 0)
		fail_msg("%s", err.msg);
	for (size_t s = 0; s < 3; s++) {
		assert_int_equal(fl_stepkey_fields(&f, r, &r->steps[s], ins, libs, &err), 0);
		assert_int_equal(fl_stepkey_digest(f, &k0, &err), 0);
		for (size_t i = 0; want[s][i]; i++) {
			json_t *v = json_object_get(json_object_get(f, "libraries"), want[s][i]), *l2;
			if (!json_is_string(v) || !json_string_length(v))
				fail_msg("step %zu: no %s version in its key", s, want[s][i]);
			assert_true(json_equal(v, json_object_get(libs, want[s][i])));
			/* another version of that library: another key */
			l2 = json_deep_copy(libs);
			json_object_set_new(l2, want[s][i], json_string("0.0.0"));
			json_decref(f);
			assert_int_equal(fl_stepkey_fields(&f, r, &r->steps[s], ins, l2, &err), 0);
			assert_int_equal(fl_stepkey_digest(f, &k1, &err), 0);
			assert_memory_not_equal(k0.b, k1.b, 32);
			json_decref(l2);
			json_decref(f);
			assert_int_equal(fl_stepkey_fields(&f, r, &r->steps[s], ins, libs, &err), 0);
		}
		json_decref(f);
	}
	fl_recipe_free(r);
	json_decref(env);
}

static void test_yaml_roundtrip(void **state)
{
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:i, s:f, s:b, s:n, s:[s,i], s:{}, s:s}",
				"plain", "hello", "num", "42", "yes", "true", "empty", "",
				"int", 7, "real", 0.1, "flag", 1, "nothing", "list", "a", 2,
				"obj", "multi", "line one\nline two");
	char *dir = tu_tmpdir(), path[4096], *text = NULL;
	fl_value *v = NULL;
	fl_err err = FL_ERR_INIT;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/x.yaml", dir);
	fp = fopen(path, "w");
	assert_int_equal(fl_yaml_write(fp, doc, path, &err), 0);
	fclose(fp);
	assert_int_equal(fl_value_parse_file(&v, path, &err), 0);
	assert_int_equal(fl_value_get(v, "num")->quoted, 1); /* "42" stays a string */
	assert_int_equal(fl_value_get(v, "yes")->quoted, 1);
	assert_int_equal(fl_value_get(v, "empty")->quoted, 1);
	assert_int_equal(fl_value_get(v, "int")->quoted, 0);
	assert_string_equal(fl_value_get(v, "real")->text, "0.1");
	assert_string_equal(fl_value_get(v, "multi")->text, "line one\nline two");
	assert_string_equal(fl_value_get(v, "list")->items[1]->text, "2");
	fl_value_free(v);
	fl_read_file(path, &text, NULL, &err);
	assert_non_null(strstr(text, "plain: hello\n"));
	free(text);
	json_decref(doc);
	tu_rmrf(dir);
	free(dir);
	char *lp = fl_lockfile_path("dir/penguins.yaml");
	assert_string_equal(lp, "dir/penguins.lock");
	free(lp);
	lp = fl_lockfile_path("r.recipe");
	assert_string_equal(lp, "r.recipe.lock");
	free(lp);
}

static int run_command(const char *cmd, volatile sig_atomic_t *stop, fl_err *err,
		       char **out_text)
{
	char *dir = tu_tmpdir(), in[4096], out[4096], yaml[512];
	fl_value *params = NULL;
	fl_step_io io = { "x", in };
	const char *outs[] = { "o.txt", NULL };
	int rc;

	snprintf(in, sizeof(in), "%s/in.txt", dir);
	tu_write(in, "b\na\n");
	snprintf(yaml, sizeof(yaml), "run: \"%s\"\n", cmd);
	if (fl_value_parse_buf(&params, yaml, strlen(yaml), "p.yaml", err) < 0)
		fail_msg("%s", err->msg);
	fl_step_ctx ctx = { "s", &io, 1, outs, 1, params, params, 5, 2, NULL, dir, stop };
	rc = fl_kind_command.check(&ctx, err);
	if (rc == 0)
		rc = fl_kind_command.run(&ctx, err);
	snprintf(out, sizeof(out), "%s/o.txt", dir);
	*out_text = NULL;
	fl_read_file(out, out_text, NULL, NULL);
	fl_value_free(params);
	tu_rmrf(dir);
	free(dir);
	return rc;
}

static void test_command_kind(void **state)
{
	fl_err err = FL_ERR_INIT;
	volatile sig_atomic_t stop = 0;
	char *text;

	(void)state;
	assert_int_equal(run_command("sort {in.x} > {out.o.txt}; echo $FLOE_SEED {seed} {threads} "
				     ">> {out.o.txt}; awk '{print 1}' /dev/null",
				     &stop, &err, &text),
			 0);
	assert_string_equal(text, "a\nb\n5 5 2\n");
	free(text);
	assert_int_equal(run_command("echo oops >&2; exit 4", &stop, &err, &text), FL_EFAIL);
	assert_string_equal(err.msg, "step 's': the command exited with status 4; its output:\noops");
	free(text);
	assert_int_equal(run_command("cat {in.y}", &stop, &err, &text), FL_EINVAL);
	assert_string_equal(err.msg, "p.yaml:1:6: step 's': '{in.y}' names no declared input");
	free(text);
	stop = 1; /* a stop request ends the command and reports FL_EINTR */
	assert_int_equal(run_command("sleep 20", &stop, &err, &text), FL_EINTR);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_fields),
		cmocka_unit_test(test_media_keys_carry_libraries),
		cmocka_unit_test(test_yaml_roundtrip),
		cmocka_unit_test(test_command_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
