/* test_exec.c - lib/exec without a Docker engine: the client's absence and
 * a stopped engine, the argument vector of a step's container (isolation
 * flags and mounts, recorded by a fake client), the reading of a killed or
 * out-of-memory container, and one step run in this process. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/atomic.h"
#include "exec/container.h"
#include "exec/docker.h"
#include "exec/stepexec.h"
#include "recipe/recipe.h"
#include "testutil.h"

/* A fake docker client: logs its arguments (one per line, then "--") to
 * $dir/log and answers like the engine would; `run` exits with $RUN_EXIT
 * and `inspect` reports "$RUN_EXIT $OOM". */
static char *fake_client(const char *dir, const char *run_exit, const char *oom)
{
	char *path = NULL, *script = NULL;

	assert_true(asprintf(&path, "%s/docker", dir) > 0);
	assert_true(asprintf(&script,
			     "#!/bin/sh\n"
			     "for a in \"$@\"; do echo \"$a\"; done >> %s/log\n"
			     "echo -- >> %s/log\n"
			     "case \"$1 $2\" in\n"
			     "'version '*) echo 20.10.24 ;;\n"
			     "'image inspect') echo sha256:%064d ;;\n"
			     "'run '*) echo 'floe: step '\"'\"'s'\"'\"': no such thing' >&2; exit %s ;;\n"
			     "'inspect '*) echo '%s %s' ;;\n"
			     "esac\nexit 0\n",
			     dir, dir, 0, run_exit, run_exit, oom) > 0);
	tu_write(path, script);
	assert_int_equal(chmod(path, 0755), 0);
	setenv("FLOE_DOCKER", path, 1);
	free(script);
	return path;
}

static void test_not_installed(void **state)
{
	fl_docker *d = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	setenv("FLOE_DOCKER", "/nonexistent/docker", 1);
	assert_int_equal(fl_docker_open(&d, &err), FL_ENOTFOUND);
	assert_null(d);
	assert_non_null(strstr(err.msg, "Docker is not installed (no /nonexistent/docker)"));
	assert_non_null(strstr(err.msg, "scripts/start-dockerd"));
}

static void test_engine_down(void **state)
{
	char *dir = tu_tmpdir(), *client = NULL, *script = NULL;
	fl_docker *d = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_true(asprintf(&client, "%s/docker", dir) > 0);
	script = "#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2\nexit 1\n";
	tu_write(client, script);
	assert_int_equal(chmod(client, 0755), 0);
	setenv("FLOE_DOCKER", client, 1);
	assert_int_equal(fl_docker_open(&d, &err), FL_EFAIL);
	assert_non_null(strstr(err.msg, "the Docker engine is not running (Cannot connect"));
	free(client);
	tu_rmrf(dir);
	free(dir);
}

/* Run a one-input step through the fake client; returns the status. */
static int run_fake(const char *dir, const char *run_exit, const char *oom, fl_err *err)
{
	char *client = fake_client(dir, run_exit, oom), *recipe = NULL, *in = NULL, *out = NULL;
	const char *inputs[1];
	fl_docker *d = NULL;
	int rc;

	assert_true(asprintf(&recipe, "%s/r.yaml", dir) > 0);
	assert_true(asprintf(&in, "%s/data.csv", dir) > 0);
	assert_true(asprintf(&out, "%s/out", dir) > 0);
	tu_write(recipe, "floe: 1\n");
	tu_write(in, "a\n");
	assert_int_equal(mkdir(out, 0700), 0);
	inputs[0] = in;
	fl_container_step s = { "sha256:abc", recipe, "s", inputs, 1, out, 2, NULL };
	assert_int_equal(fl_docker_open(&d, err), 0);
	rc = fl_container_run_step(d, &s, err);
	fl_docker_free(d);
	free(client);
	free(recipe);
	free(in);
	free(out);
	return rc;
}

static char *read_log(const char *dir)
{
	char *p = NULL, *text = NULL;
	FILE *f;
	long n;

	assert_true(asprintf(&p, "%s/log", dir) > 0);
	assert_non_null(f = fopen(p, "r"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	free(p);
	return text;
}

static void test_container_args(void **state)
{
	char *dir = tu_tmpdir(), *log, *want = NULL;
	fl_err err = FL_ERR_INIT;

	(void)state;
	assert_int_equal(run_fake(dir, "0", "false", &err), 0);
	log = read_log(dir);
	/* isolation: each flag followed by its value, one per line */
	assert_non_null(strstr(log, "\n--network\nnone\n"));
	assert_non_null(strstr(log, "\n--read-only\n"));
	assert_non_null(strstr(log, "\n--cap-drop\nALL\n"));
	assert_non_null(strstr(log, "\n--security-opt\nno-new-privileges\n"));
	assert_non_null(strstr(log, getuid() ? "\n--user\n" : "\n--user\n10001:10001\n"));
	/* mounts: the recipe and the input read-only, the output folder not */
	assert_true(asprintf(&want, "type=bind,source=%s/data.csv,target=/floe/in/0/data.csv,readonly\n",
			     dir) > 0);
	assert_non_null(strstr(log, want));
	free(want);
	assert_true(asprintf(&want, "type=bind,source=%s/out,target=/floe/out\n", dir) > 0);
	assert_non_null(strstr(log, want));
	free(want);
	assert_non_null(strstr(log, "target=/floe/recipe/r.yaml,readonly\n"));
	assert_non_null(strstr(log, "\nsha256:abc\nexec-step\n--threads\n2\n/floe/recipe/r.yaml\ns\n"
				    "/floe/out\n/floe/in/0/data.csv\n--\n"));
	/* the container is removed afterwards */
	assert_non_null(strstr(log, "\nrm\n-f\n-v\nfloe-step-"));
	free(log);
	tu_rmrf(dir);
	free(dir);
}

static void test_container_faults(void **state)
{
	char *dir;
	fl_err err = FL_ERR_INIT;

	(void)state;
	dir = tu_tmpdir();
	assert_int_equal(run_fake(dir, "137", "true", &err), FL_EFAIL);
	assert_non_null(strstr(err.msg, "step 's' ran out of memory in container sha256:abc"));
	tu_rmrf(dir);
	free(dir);

	dir = tu_tmpdir();
	fl_err_clear(&err);
	assert_int_equal(run_fake(dir, "137", "false", &err), FL_EFAIL);
	assert_non_null(strstr(err.msg, "step 's' was killed by signal 9"));
	tu_rmrf(dir);
	free(dir);

	dir = tu_tmpdir();
	fl_err_clear(&err);
	assert_int_equal(run_fake(dir, "1", "false", &err), FL_EFAIL);
	/* floe's own message from inside, with the image */
	assert_non_null(strstr(err.msg, "step 's': no such thing (in container sha256:abc)"));
	tu_rmrf(dir);
	free(dir);
}

static void test_stepexec(void **state)
{
	char *dir = tu_tmpdir(), *rp = NULL, *in = NULL, *out = NULL, *got = NULL;
	const char *inputs[1];
	fl_recipe *r = NULL;
	fl_err err = FL_ERR_INIT;
	size_t len;

	(void)state;
	assert_true(asprintf(&rp, "%s/r.yaml", dir) > 0);
	assert_true(asprintf(&in, "%s/a.txt", dir) > 0);
	assert_true(asprintf(&out, "%s/o", dir) > 0);
	tu_write(in, "2\n1\n");
	tu_write(rp, "floe: 1\nname: t\ninputs:\n  a: a.txt\nprepare:\n  - name: s\n"
		     "    kind: command\n    inputs: [a]\n    outputs: [x.txt]\n"
		     "    params: {run: \"sort {in.a} > {out.x.txt}\"}\n");
	assert_int_equal(mkdir(out, 0700), 0);
	assert_int_equal(fl_recipe_load(&r, rp, &err), 0);
	inputs[0] = in;
	assert_int_equal(fl_stepexec_run(r, "s", inputs, 1, out, NULL, &err), 0);
	free(out);
	assert_true(asprintf(&out, "%s/o/x.txt", dir) > 0);
	assert_int_equal(fl_read_file(out, &got, &len, &err), 0);
	assert_string_equal(got, "1\n2\n");
	assert_int_equal(fl_stepexec_run(r, "nope", inputs, 1, out, NULL, &err), FL_ENOTFOUND);
	assert_int_equal(fl_stepexec_run(r, "s", inputs, 0, out, NULL, &err), FL_EINVAL);
	assert_non_null(strstr(err.msg, "takes 1 inputs, 0 given"));
	free(got);
	fl_recipe_free(r);
	free(rp);
	free(in);
	free(out);
	tu_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_installed),
		cmocka_unit_test(test_engine_down),
		cmocka_unit_test(test_container_args),
		cmocka_unit_test(test_container_faults),
		cmocka_unit_test(test_stepexec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
