/* value.c - libyaml events into a positioned tree, and typed scalar reads. */
#define _GNU_SOURCE
#include "recipe/value.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/atomic.h"

typedef struct builder {
	yaml_parser_t parser; /* libyaml state */
	const char *file;     /* name for positions */
	fl_err *err;
} builder;

void fl_value_free(fl_value *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		fl_value_free(v->items[i]);
		if (v->keys)
			fl_value_free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
	free(v->file_owned);
	free(v);
}

static fl_value *node_new(fl_value_type type, const char *file, yaml_mark_t m)
{
	fl_value *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->type = type;
	v->pos.file = file;
	v->pos.line = (int)m.line + 1;
	v->pos.col = (int)m.column + 1;
	return v;
}

fl_value *fl_value_new_scalar(const char *text, fl_pos pos)
{
	fl_value *v = calloc(1, sizeof(*v));

	if (!v || !(v->text = strdup(text))) {
		free(v);
		return NULL;
	}
	v->type = FL_VALUE_SCALAR;
	v->pos = pos;
	return v;
}

fl_value *fl_value_new_map(fl_pos pos)
{
	fl_value *v = calloc(1, sizeof(*v));

	if (v) {
		v->type = FL_VALUE_MAP;
		v->pos = pos;
	}
	return v;
}

fl_value *fl_value_copy(const fl_value *v)
{
	fl_value *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->type = v->type;
	c->quoted = v->quoted;
	c->pos = v->pos;
	if (v->text && !(c->text = strdup(v->text)))
		goto oom;
	for (size_t i = 0; i < v->n; i++) {
		fl_value *k = v->keys ? fl_value_copy(v->keys[i]) : NULL;
		fl_value *it = fl_value_copy(v->items[i]);
		if (!it || (v->keys && !k) || fl_value_append(c, k, it) < 0) {
			fl_value_free(k);
			fl_value_free(it);
			goto oom;
		}
	}
	return c;
oom:
	fl_value_free(c);
	return NULL;
}

int fl_value_error(fl_err *err, const fl_value *at, int code, const char *fmt, ...)
{
	char msg[FL_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!at)
		return fl_err_set(err, code, "%s", msg);
	return fl_err_set(err, code, "%s:%d:%d: %s", at->pos.file, at->pos.line,
			  at->pos.col, msg);
}

static int mark_error(builder *b, yaml_mark_t m, const char *fmt, const char *what)
{
	return fl_err_set(b->err, FL_EINVAL, "%s:%zu:%zu: %s%s", b->file, m.line + 1,
			  m.column + 1, fmt, what ? what : "");
}

static int next_event(builder *b, yaml_event_t *ev)
{
	if (yaml_parser_parse(&b->parser, ev))
		return 0;
	return fl_err_set(b->err, FL_EINVAL, "%s:%zu:%zu: %s%s%s", b->file,
			  b->parser.problem_mark.line + 1,
			  b->parser.problem_mark.column + 1,
			  b->parser.problem ? b->parser.problem : "invalid YAML",
			  b->parser.context ? " " : "",
			  b->parser.context ? b->parser.context : "");
}

int fl_value_append(fl_value *parent, fl_value *key, fl_value *item)
{
	size_t n = parent->n + 1;
	fl_value **items = realloc(parent->items, n * sizeof(*items));

	if (!items)
		return -1;
	parent->items = items;
	if (parent->type == FL_VALUE_MAP) {
		fl_value **keys = realloc(parent->keys, n * sizeof(*keys));
		if (!keys)
			return -1;
		parent->keys = keys;
		keys[n - 1] = key;
	}
	items[n - 1] = item;
	parent->n = n;
	return 0;
}

static int parse_node(builder *b, yaml_event_t *ev, fl_value **out);

static int parse_scalar(builder *b, yaml_event_t *ev, fl_value **out)
{
	fl_value *v;

	if (ev->data.scalar.tag)
		return mark_error(b, ev->start_mark, "explicit tags are not supported: ",
				  (const char *)ev->data.scalar.tag);
	if (!(v = node_new(FL_VALUE_SCALAR, b->file, ev->start_mark)) ||
	    !(v->text = strndup((const char *)ev->data.scalar.value,
				ev->data.scalar.length))) {
		fl_value_free(v);
		return fl_err_set(b->err, FL_ENOMEM, "out of memory");
	}
	if (strlen(v->text) != ev->data.scalar.length) {
		fl_value_free(v);
		return mark_error(b, ev->start_mark, "NUL character in a value", NULL);
	}
	v->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
	*out = v;
	return 0;
}

/* Parse children until the end event of a sequence or mapping. */
static int parse_children(builder *b, fl_value *v, yaml_event_type_t end)
{
	for (;;) {
		yaml_event_t ev;
		fl_value *key = NULL, *item = NULL;
		int rc;

		if ((rc = next_event(b, &ev)) < 0)
			return rc;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return 0;
		}
		rc = parse_node(b, &ev, v->type == FL_VALUE_MAP ? &key : &item);
		yaml_event_delete(&ev);
		if (rc == 0 && v->type == FL_VALUE_MAP) {
			if (key->type != FL_VALUE_SCALAR)
				rc = fl_value_error(b->err, key, FL_EINVAL,
						    "a key must be a plain name");
			else if (fl_value_key(v, key->text))
				rc = fl_value_error(b->err, key, FL_EINVAL,
						    "duplicate key '%s' (first at line %d)",
						    key->text,
						    fl_value_key(v, key->text)->pos.line);
			else if ((rc = next_event(b, &ev)) == 0) {
				rc = parse_node(b, &ev, &item);
				yaml_event_delete(&ev);
			}
		}
		if (rc == 0 && fl_value_append(v, key, item) < 0)
			rc = fl_err_set(b->err, FL_ENOMEM, "out of memory");
		if (rc < 0) {
			fl_value_free(key);
			fl_value_free(item);
			return rc;
		}
	}
}

static int parse_node(builder *b, yaml_event_t *ev, fl_value **out)
{
	fl_value *v = NULL;
	int rc;

	*out = NULL;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return parse_scalar(b, ev, out);
	case YAML_ALIAS_EVENT:
		return mark_error(b, ev->start_mark, "aliases (*name) are not supported", NULL);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (ev->data.sequence_start.anchor || ev->data.mapping_start.anchor)
			return mark_error(b, ev->start_mark,
					  "anchors (&name) are not supported", NULL);
		v = node_new(ev->type == YAML_SEQUENCE_START_EVENT ? FL_VALUE_SEQ
								   : FL_VALUE_MAP,
			     b->file, ev->start_mark);
		if (!v)
			return fl_err_set(b->err, FL_ENOMEM, "out of memory");
		rc = parse_children(b, v, ev->type == YAML_SEQUENCE_START_EVENT
						  ? YAML_SEQUENCE_END_EVENT
						  : YAML_MAPPING_END_EVENT);
		if (rc < 0) {
			fl_value_free(v);
			return rc;
		}
		*out = v;
		return 0;
	default:
		return mark_error(b, ev->start_mark, "unexpected YAML structure", NULL);
	}
}

/* Expect an event of `type`, else fail with `what`. */
static int expect_event(builder *b, yaml_event_type_t type, const char *what)
{
	yaml_event_t ev;
	int rc;

	if ((rc = next_event(b, &ev)) < 0)
		return rc;
	if (ev.type != type)
		rc = mark_error(b, ev.start_mark, what, NULL);
	yaml_event_delete(&ev);
	return rc;
}

static int parse_stream(builder *b, fl_value **out)
{
	yaml_event_t ev;
	int rc;

	if ((rc = expect_event(b, YAML_STREAM_START_EVENT, "not a YAML stream")) < 0 ||
	    (rc = next_event(b, &ev)) < 0)
		return rc;
	if (ev.type == YAML_STREAM_END_EVENT) { /* empty file */
		yaml_event_delete(&ev);
		yaml_mark_t m = { 0, 0, 0 };
		*out = node_new(FL_VALUE_MAP, b->file, m);
		return *out ? 0 : fl_err_set(b->err, FL_ENOMEM, "out of memory");
	}
	yaml_event_delete(&ev); /* document start */
	if ((rc = next_event(b, &ev)) < 0)
		return rc;
	rc = parse_node(b, &ev, out);
	yaml_event_delete(&ev);
	if (rc == 0)
		rc = expect_event(b, YAML_DOCUMENT_END_EVENT, "expected the end of the document");
	if (rc == 0)
		rc = expect_event(b, YAML_STREAM_END_EVENT,
				  "more than one YAML document in the file");
	if (rc < 0) {
		fl_value_free(*out);
		*out = NULL;
	}
	return rc;
}

int fl_value_parse_buf(fl_value **out, const char *buf, size_t len,
		       const char *name, fl_err *err)
{
	builder b = { .file = NULL, .err = err };
	char *file = strdup(name);
	int rc;

	*out = NULL;
	if (!file)
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	if (!yaml_parser_initialize(&b.parser)) {
		free(file);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	b.file = file;
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)buf, len);
	rc = parse_stream(&b, out);
	yaml_parser_delete(&b.parser);
	if (rc < 0) {
		free(file);
		return rc;
	}
	(*out)->file_owned = file;
	return 0;
}

int fl_value_parse_file(fl_value **out, const char *path, fl_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = fl_read_file(path, &buf, &len, err)) < 0)
		return rc;
	rc = fl_value_parse_buf(out, buf, len, path, err);
	free(buf);
	return rc;
}

const fl_value *fl_value_key(const fl_value *v, const char *key)
{
	if (!v || v->type != FL_VALUE_MAP)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->keys[i]->text, key))
			return v->keys[i];
	return NULL;
}

const fl_value *fl_value_get(const fl_value *v, const char *key)
{
	if (!v || v->type != FL_VALUE_MAP)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->keys[i]->text, key))
			return v->items[i];
	return NULL;
}

static const char *type_name(fl_value_type t)
{
	return t == FL_VALUE_SCALAR ? "a single value"
	       : t == FL_VALUE_SEQ  ? "a list"
				    : "a mapping";
}

int fl_value_expect(const fl_value *v, fl_value_type type, const char *what,
		    fl_err *err)
{
	if (v->type == type)
		return 0;
	return fl_value_error(err, v, FL_EINVAL, "%s must be %s, not %s", what,
			      type_name(type), type_name(v->type));
}

int fl_value_str(const fl_value *v, const char *what, const char **out, fl_err *err)
{
	int rc = fl_value_expect(v, FL_VALUE_SCALAR, what, err);

	if (rc == 0)
		*out = v->text;
	return rc;
}

int fl_value_int(const fl_value *v, const char *what, int64_t *out, fl_err *err)
{
	char *end;
	long long x;
	int rc;

	if ((rc = fl_value_expect(v, FL_VALUE_SCALAR, what, err)) < 0)
		return rc;
	errno = 0;
	x = strtoll(v->text, &end, 10);
	if (v->text[0] == '\0' || *end != '\0' || errno == ERANGE)
		return fl_value_error(err, v, FL_EINVAL, "%s must be a whole number, not '%s'",
				      what, v->text);
	*out = x;
	return 0;
}

int fl_value_float(const fl_value *v, const char *what, double *out, fl_err *err)
{
	char *end;
	double x;
	int rc;

	if ((rc = fl_value_expect(v, FL_VALUE_SCALAR, what, err)) < 0)
		return rc;
	errno = 0;
	x = strtod(v->text, &end);
	if (v->text[0] == '\0' || *end != '\0' || errno == ERANGE || !isfinite(x))
		return fl_value_error(err, v, FL_EINVAL, "%s must be a finite number, not '%s'",
				      what, v->text);
	*out = x;
	return 0;
}

int fl_value_bool(const fl_value *v, const char *what, int *out, fl_err *err)
{
	int rc;

	if ((rc = fl_value_expect(v, FL_VALUE_SCALAR, what, err)) < 0)
		return rc;
	if (!strcmp(v->text, "true")) {
		*out = 1;
	} else if (!strcmp(v->text, "false")) {
		*out = 0;
	} else {
		return fl_value_error(err, v, FL_EINVAL, "%s must be true or false, not '%s'",
				      what, v->text);
	}
	return 0;
}

int fl_value_is_null(const fl_value *v)
{
	return v->type == FL_VALUE_SCALAR && !v->quoted &&
	       (!strcmp(v->text, "") || !strcmp(v->text, "~") || !strcmp(v->text, "null"));
}
