/* test_recipe.c - recipes: structure, defaults, parameter schema and
 * canonical form, references and the graph order, the kind table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "recipe/graph.h"
#include "recipe/kinds.h"
#include "recipe/params.h"
#include "recipe/recipe.h"

static fl_recipe *load(const char *text)
{
	fl_recipe *r = NULL;
	fl_err err = FL_ERR_INIT;

	if (fl_recipe_load_buf(&r, text, strlen(text), "r.yaml", "/data", &err) < 0)
		fail_msg("%s", err.msg);
	return r;
}

static const char *load_error(const char *text)
{
	static fl_err err;
	fl_recipe *r = NULL;

	fl_err_clear(&err);
	assert_true(fl_recipe_load_buf(&r, text, strlen(text), "r.yaml", "/data", &err) < 0);
	assert_null(r);
	return err.msg;
}

#define STEP(name, inputs, outs) \
	"  - name: " name "\n    kind: command\n    inputs: " inputs "\n" \
	"    outputs: " outs "\n    params: {run: 'true'}\n"

static void test_structure(void **state)
{
	fl_recipe *r = load("floe: 1\nname: demo\ndescription: d\nseed: 9\n"
			    "container: sha256:" "0123456789abcdef0123456789abcdef"
			    "0123456789abcdef0123456789abcdef\n"
			    "inputs:\n  a: x/a.csv\n  b: {path: /abs/b, sha256: "
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad}\n"
			    "implement:\n" STEP("late", "[early/o]", "[p]")
			    "prepare:\n" STEP("early", "[a, b]", "[o]"));

	(void)state;
	assert_string_equal(r->name, "demo");
	assert_int_equal(r->seed, 9);
	assert_int_equal(r->n_inputs, 2);
	assert_string_equal(r->inputs[0].abs_path, "/data/x/a.csv");
	assert_string_equal(r->inputs[1].abs_path, "/abs/b");
	assert_int_equal(r->inputs[1].pinned, 1);
	assert_int_equal(r->inputs[1].sha256.b[0], 0xba);
	assert_int_equal(r->n_steps, 2);
	/* recipe order is phase order: prepare before implement */
	assert_string_equal(r->steps[0].name, "early");
	assert_int_equal(r->steps[0].phase, FL_PHASE_PREPARE);
	assert_int_equal(r->steps[1].phase, FL_PHASE_IMPLEMENT);
	assert_string_equal(r->steps[1].container, r->container);
	assert_int_equal(r->steps[1].inputs[0].is_step, 1);
	assert_int_equal(r->steps[1].inputs[0].index, 0);
	assert_string_equal(r->steps[1].inputs[0].slot, "o");
	assert_string_equal(r->steps[0].inputs[1].slot, "b");
	assert_int_equal(r->steps[0].inputs[1].is_step, 0);
	assert_int_equal(r->steps[0].inputs[1].index, 1);
	fl_recipe_free(r);
}

static void test_topological_order(void **state)
{
	/* c is listed first but needs b, which needs a */
	fl_recipe *r = load("floe: 1\nname: t\nprepare:\n" STEP("c", "[b]", "[z]")
			    STEP("a", "[]", "[x]") STEP("b", "{in: a}", "[y]")
			    STEP("d", "[]", "[w]"));
	unsigned char down[4] = { 0 };

	(void)state;
	assert_string_equal(r->steps[r->order[0]].name, "a");
	assert_string_equal(r->steps[r->order[1]].name, "b");
	assert_string_equal(r->steps[r->order[2]].name, "c");
	assert_string_equal(r->steps[r->order[3]].name, "d");
	fl_graph_downstream(r, 1, down); /* from a */
	assert_int_equal(down[0] + down[1] + down[2] + down[3], 3);
	assert_int_equal(down[3], 0);
	fl_recipe_free(r);
}

static void test_errors(void **state)
{
	(void)state;
	assert_string_equal(load_error("floe: 1\nname: t\nprepare:\n" STEP("a", "[c/z]", "[x]")
				       STEP("b", "[a/x]", "[y]") STEP("c", "[b]", "[z]")),
			    "r.yaml:11:14: cycle: a -> c -> b -> a (each step uses the next one's output)");
	assert_string_equal(load_error("floe: 1\nname: t\nprepare:\n" STEP("a", "[a]", "[x]")),
			    "r.yaml:6:14: cycle: a -> a (each step uses the next one's output)");
	assert_string_equal(load_error("floe: 1\nname: t\nprepare:\n" STEP("a", "[]", "[x, y]")
				       STEP("b", "[a]", "[z]")),
			    "r.yaml:11:14: step 'b' input 'a': step 'a' has 2 outputs; name one, as 'a/x'");
	assert_non_null(strstr(load_error("floe: 1\nname: t\ninputs: {a: f}\nprepare:\n"
					  STEP("a", "[]", "[x]")),
			       "step name 'a' is also an input's name"));
	assert_non_null(strstr(load_error("floe: 1\nname: t\ninputs: {a: {path: f, sha256: 12}}\n"
					  "prepare:\n" STEP("s", "[a]", "[x]")),
			       "r.yaml:3:31: 'sha256' must be 64 hex digits"));
	assert_non_null(strstr(load_error("floe: 1\nname: t\nprepare:\n" STEP("s", "[]", "[../x]")),
			       "output name '../x' must be"));
	assert_non_null(strstr(load_error("floe: 1\nname: t\nprepare:\n" STEP("s", "[]", "[]")),
			       "'outputs' is empty"));
	assert_non_null(strstr(load_error("- 1\n"), "r.yaml:1:1: a recipe must be a mapping"));
}

static const fl_param_spec spec[] = {
	{ "n", FL_PARAM_INT, 1, NULL, "count" },
	{ "alpha", FL_PARAM_FLOAT, 0, "1.0", "strength" },
	{ "fit", FL_PARAM_BOOL, 0, NULL, "fit it" },
	{ "sizes", FL_PARAM_INT_LIST, 0, NULL, "layer sizes" },
	{ "cols", FL_PARAM_MAP, 0, NULL, "per column" },
	{ "grid", FL_PARAM_ANY, 0, NULL, "nested" },
	{ NULL, 0, 0, NULL, NULL },
};

/* Canonical JSON text of params given as YAML. */
static char *canon(const char *yaml, fl_err *err)
{
	fl_value *v = NULL, *checked = NULL;
	json_t *j = NULL;
	char *s = NULL;

	if (fl_value_parse_buf(&v, yaml, strlen(yaml), "p.yaml", err) < 0)
		return NULL;
	if (fl_params_check(&checked, spec, v, v, err) == 0 &&
	    fl_params_canonical(&j, spec, checked, err) == 0)
		s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	fl_value_free(checked);
	fl_value_free(v);
	return s;
}

static void test_params(void **state)
{
	fl_err err = FL_ERR_INIT;
	char *a, *b;

	(void)state;
	a = canon("n: 3\nsizes: [128, 64]\ncols: {age: mean}\n", &err);
	assert_non_null(a);
	assert_string_equal(a, "{\"alpha\":1.0,\"cols\":{\"age\":\"mean\"},\"n\":3,\"sizes\":[128,64]}");
	b = canon("sizes: ['128', 64]\nalpha: 1\ncols: {age: mean}\nn: '3'\n", &err);
	assert_non_null(b);
	assert_string_equal(a, b); /* same meaning, same canonical form */
	free(a);
	free(b);
	assert_null(canon("alpha: 2\n", &err));
	assert_string_equal(err.msg, "p.yaml:1:1: missing parameter 'n' (whole number: count)");
	assert_null(canon("n: 1\nalhpa: 2\n", &err));
	assert_string_equal(err.msg, "p.yaml:2:1: unknown parameter 'alhpa'; did you mean 'alpha'?");
	assert_null(canon("n: 1.5\n", &err));
	assert_string_equal(err.msg, "p.yaml:1:4: parameter 'n' must be a whole number, not '1.5'");
	assert_null(canon("n: 1\nfit: yes\n", &err));
	assert_string_equal(err.msg, "p.yaml:2:6: parameter 'fit' must be true or false, not 'yes'");
	assert_null(canon("n: 1\nsizes: 3\n", &err));
	assert_string_equal(err.msg, "p.yaml:2:8: parameter 'sizes' must be a list of whole numbers");
}

/* ANY: any nesting, scalars as text, the kind checks the content. */
static void test_params_any(void **state)
{
	fl_err err = FL_ERR_INIT;
	char *a, *b, *c;

	(void)state;
	a = canon("n: 1\ngrid:\n  - {kind: ridge, params: {alpha: [1, 10], x: ~}}\n  - kmeans\n",
		  &err);
	assert_non_null(a);
	assert_string_equal(a, "{\"alpha\":1.0,\"grid\":[{\"kind\":\"ridge\",\"params\":"
			       "{\"alpha\":[\"1\",\"10\"],\"x\":null}},\"kmeans\"],\"n\":1}");
	b = canon("n: 1\ngrid: [{params: {x: null, alpha: ['1', \"10\"]}, kind: ridge}, kmeans]\n",
		  &err);
	assert_non_null(b);
	assert_string_equal(a, b); /* flow or block, quoted or not, key order */
	c = canon("n: 1\ngrid: [{kind: ridge, params: {alpha: [1, 100]}}, kmeans]\n", &err);
	assert_non_null(c);
	assert_string_not_equal(a, c); /* a different value, a different key */
	free(a);
	free(b);
	free(c);
	a = canon("n: 1\ngrid: 3\n", &err); /* a scalar is a value too */
	assert_non_null(a);
	assert_string_equal(a, "{\"alpha\":1.0,\"grid\":\"3\",\"n\":1}");
	free(a);
	assert_string_equal(fl_param_type_name(FL_PARAM_ANY), "any value");
}

static void test_kind_table(void **state)
{
	(void)state;
	assert_ptr_equal(fl_step_kind_find("command"), &fl_kind_command);
	assert_null(fl_step_kind_find("nope"));
	for (const fl_step_kind *const *k = fl_step_kinds; *k; k++) {
		assert_non_null((*k)->run);
		assert_ptr_equal(fl_step_kind_find((*k)->name), *k); /* names unique */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_topological_order),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_params_any),
		cmocka_unit_test(test_kind_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
