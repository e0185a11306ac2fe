/* test_value.c - the positioned YAML tree: structure, positions, strict
 * refusals, typed reads; and the nearest-name suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "recipe/suggest.h"
#include "recipe/value.h"

static fl_value *parse(const char *text)
{
	fl_value *v = NULL;
	fl_err err = FL_ERR_INIT;

	if (fl_value_parse_buf(&v, text, strlen(text), "t.yaml", &err) < 0)
		fail_msg("%s", err.msg);
	return v;
}

static void expect_error(const char *text, const char *msg)
{
	fl_value *v = NULL;
	fl_err err = FL_ERR_INIT;

	assert_int_equal(fl_value_parse_buf(&v, text, strlen(text), "t.yaml", &err), FL_EINVAL);
	assert_null(v);
	if (!strstr(err.msg, msg))
		fail_msg("'%s' lacks '%s'", err.msg, msg);
}

static void test_tree_and_positions(void **state)
{
	fl_value *v = parse("a: 1\nb:\n  - x\n  - 'y'\nc: {d: e}\n");
	const fl_value *b, *c;

	(void)state;
	assert_int_equal(v->type, FL_VALUE_MAP);
	assert_int_equal(v->n, 3);
	assert_string_equal(fl_value_get(v, "a")->text, "1");
	b = fl_value_get(v, "b");
	assert_int_equal(b->type, FL_VALUE_SEQ);
	assert_int_equal(b->items[1]->quoted, 1);
	assert_int_equal(b->items[0]->quoted, 0);
	assert_int_equal(b->items[1]->pos.line, 4);
	assert_int_equal(b->items[1]->pos.col, 5);
	c = fl_value_get(v, "c");
	assert_string_equal(fl_value_get(c, "d")->text, "e");
	assert_int_equal(fl_value_key(v, "c")->pos.line, 5);
	assert_int_equal(fl_value_key(v, "c")->pos.col, 1);
	assert_null(fl_value_get(v, "zz"));
	assert_string_equal(v->pos.file, "t.yaml");
	fl_value_free(v);
}

static void test_strict_refusals(void **state)
{
	(void)state;
	expect_error("a: 1\na: 2\n", "t.yaml:2:1: duplicate key 'a' (first at line 1)");
	expect_error("a: &x 1\nb: *x\n", "aliases");
	expect_error("a: !!str 1\n", "explicit tags");
	expect_error("a: 1\n---\nb: 2\n", "more than one YAML document");
	expect_error("a: [1, 2\n", "t.yaml:2:1:");
	expect_error("? [a, b]\n: 1\n", "a key must be a plain name");
}

static void test_typed_reads(void **state)
{
	fl_value *v = parse("i: 42\nn: -3\nf: 0.5\nb: true\ns: abc\nbig: 99999999999999999999\n");
	fl_err err = FL_ERR_INIT;
	int64_t i;
	double f;
	int b;

	(void)state;
	assert_int_equal(fl_value_int(fl_value_get(v, "i"), "'i'", &i, &err), 0);
	assert_int_equal(i, 42);
	assert_int_equal(fl_value_int(fl_value_get(v, "n"), "'n'", &i, &err), 0);
	assert_int_equal(i, -3);
	assert_int_equal(fl_value_float(fl_value_get(v, "f"), "'f'", &f, &err), 0);
	assert_true(f == 0.5);
	assert_int_equal(fl_value_bool(fl_value_get(v, "b"), "'b'", &b, &err), 0);
	assert_int_equal(b, 1);
	assert_int_equal(fl_value_int(fl_value_get(v, "s"), "'s'", &i, &err), FL_EINVAL);
	assert_string_equal(err.msg, "t.yaml:5:4: 's' must be a whole number, not 'abc'");
	assert_int_equal(fl_value_int(fl_value_get(v, "big"), "'big'", &i, &err), FL_EINVAL);
	assert_int_equal(fl_value_float(fl_value_get(v, "s"), "'s'", &f, &err), FL_EINVAL);
	assert_int_equal(fl_value_bool(fl_value_get(v, "i"), "'i'", &b, &err), FL_EINVAL);
	assert_int_equal(fl_value_expect(v, FL_VALUE_SEQ, "it", &err), FL_EINVAL);
	assert_string_equal(err.msg, "t.yaml:1:1: it must be a list, not a mapping");
	fl_value_free(v);
}

static void test_copy_and_empty(void **state)
{
	fl_value *v = parse("a: [1, {b: c}]\n"), *c = fl_value_copy(v), *e = parse("");

	(void)state;
	assert_non_null(c);
	assert_string_equal(fl_value_get(fl_value_get(c, "a")->items[1], "b")->text, "c");
	assert_int_equal(fl_value_get(c, "a")->pos.line, 1);
	assert_int_equal(e->type, FL_VALUE_MAP);
	assert_int_equal(e->n, 0);
	fl_value_free(c);
	fl_value_free(v);
	fl_value_free(e);
}

static void test_suggest(void **state)
{
	const char *const keys[] = { "params", "inputs", "outputs", "name", "kind", NULL };

	(void)state;
	assert_int_equal(fl_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(fl_edit_distance("ab", "ba"), 1); /* a swap is one edit */
	assert_int_equal(fl_edit_distance("", "abc"), 3);
	assert_string_equal(fl_suggest("parms", keys), "params");
	assert_string_equal(fl_suggest("ouptuts", keys), "outputs");
	assert_string_equal(fl_suggest("knid", keys), "kind");
	assert_null(fl_suggest("zzzzzzzz", keys));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_and_positions),
		cmocka_unit_test(test_strict_refusals),
		cmocka_unit_test(test_typed_reads),
		cmocka_unit_test(test_copy_and_empty),
		cmocka_unit_test(test_suggest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
