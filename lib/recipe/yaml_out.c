/* yaml_out.c - JSON values to YAML through libyaml's emitter. */
#include "recipe/yaml_out.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* 1 when a plain scalar `s` would not read back as this string. */
static int needs_quotes(const char *s)
{
	static const char *const words[] = { "true", "false", "null", "~", "yes", "no",
					     "on", "off", "True", "False", "Null",
					     "TRUE", "FALSE", "NULL", "Yes", "No", NULL };
	char *end;

	if (!*s)
		return 1;
	for (int i = 0; words[i]; i++)
		if (!strcmp(s, words[i]))
			return 1;
	strtod(s, &end);
	return *end == '\0' || strchr("0123456789+-.", s[0]) != NULL;
}

static int scalar(yaml_emitter_t *e, const char *text, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text,
					  (int)strlen(text), 1, 1, style))
		return -1;
	return yaml_emitter_emit(e, &ev) ? 0 : -1;
}

static int emit(yaml_emitter_t *e, const json_t *v)
{
	yaml_event_t ev;
	char num[64];
	const char *k;
	json_t *x;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
							 YAML_BLOCK_MAPPING_STYLE) ||
		    !yaml_emitter_emit(e, &ev))
			return -1;
		json_object_foreach((json_t *)v, k, x)
			if (scalar(e, k, needs_quotes(k) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
							 : YAML_ANY_SCALAR_STYLE) < 0 ||
			    emit(e, x) < 0)
				return -1;
		return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev) ? 0 : -1;
	case JSON_ARRAY:
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							  json_array_size(v) ? YAML_BLOCK_SEQUENCE_STYLE
									     : YAML_FLOW_SEQUENCE_STYLE) ||
		    !yaml_emitter_emit(e, &ev))
			return -1;
		json_array_foreach((json_t *)v, i, x)
			if (emit(e, x) < 0)
				return -1;
		return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev) ? 0 : -1;
	case JSON_STRING:
		return scalar(e, json_string_value(v),
			      needs_quotes(json_string_value(v)) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
								 : YAML_ANY_SCALAR_STYLE);
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return scalar(e, num, YAML_PLAIN_SCALAR_STYLE);
	case JSON_REAL:
		/* the shortest text that reads back as the same double */
		for (int prec = 6; prec <= 17; prec++) {
			snprintf(num, sizeof(num), "%.*g", prec, json_real_value(v));
			if (strtod(num, NULL) == json_real_value(v))
				break;
		}
		return scalar(e, num, YAML_PLAIN_SCALAR_STYLE);
	case JSON_TRUE:
		return scalar(e, "true", YAML_PLAIN_SCALAR_STYLE);
	case JSON_FALSE:
		return scalar(e, "false", YAML_PLAIN_SCALAR_STYLE);
	default:
		return scalar(e, "null", YAML_PLAIN_SCALAR_STYLE);
	}
}

static int write_handler(void *data, unsigned char *buf, size_t size)
{
	return fwrite(buf, 1, size, data) == size;
}

int fl_yaml_write(FILE *fp, const json_t *v, const char *name, fl_err *err)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	int ok;

	if (!yaml_emitter_initialize(&e))
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	yaml_emitter_set_output(&e, write_handler, fp);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, 100);
	ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
	     yaml_emitter_emit(&e, &ev) &&
	     yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
	     yaml_emitter_emit(&e, &ev) && emit(&e, v) == 0 &&
	     yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&e, &ev) &&
	     yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&e, &ev) &&
	     yaml_emitter_flush(&e);
	if (!ok) {
		int rc = fl_err_set(err, ferror(fp) ? FL_EIO : FL_EFAIL, "writing %s: %s", name,
				    e.problem ? e.problem : "write error");
		yaml_emitter_delete(&e);
		return rc;
	}
	yaml_emitter_delete(&e);
	return 0;
}
