/* yaml_out.h - write a JSON value as readable block-style YAML (the lock
 * file). Strings that would read back as something else (numbers, true,
 * null, empty) are quoted, so the YAML means exactly the JSON. */
#ifndef FL_YAML_OUT_H
#define FL_YAML_OUT_H

#include <jansson.h>
#include <stdio.h>

#include "core/err.h"

/* Write `v` as one YAML document to `fp`; `name` is used in messages. */
int fl_yaml_write(FILE *fp, const json_t *v, const char *name, fl_err *err);

#endif
