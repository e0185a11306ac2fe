/* modelref.h - names in the model repository: model names, alias names and
 * references "NAME", "NAME@3", "NAME@production", "NAME@latest".
 *
 * A model name is 1 to 64 characters from [a-z0-9._-], starting with a
 * letter or a digit. An alias has the same form but starts with a letter
 * (so it can never be read as a version number) and is not "latest",
 * which always means the highest version. Rules in docs/models-repo.md. */
#ifndef FL_MODELREF_H
#define FL_MODELREF_H

#include "core/err.h"

#define FL_MODELNAME_MAX 64

/* A parsed reference. */
typedef struct fl_modelref {
	char name[FL_MODELNAME_MAX + 1];  /* model name */
	char alias[FL_MODELNAME_MAX + 1]; /* alias, or "" */
	long version;                     /* > 0: a version number; 0: the
					     alias, or the latest when alias
					     is "" */
} fl_modelref;

/* FL_EINVAL naming the first character that does not belong, when `name`
 * is not a valid model name. */
int fl_modelname_check(const char *name, fl_err *err);

/* FL_EINVAL when `alias` is not a valid alias name. */
int fl_modelalias_check(const char *alias, fl_err *err);

/* Parse "NAME", "NAME@N", "NAME@ALIAS" or "NAME@latest" into *out. */
int fl_modelref_parse(fl_modelref *out, const char *s, fl_err *err);

/* Parse a version number ("3"): > 0, or 0 when `s` is not one. */
long fl_modelref_version(const char *s);

#endif
