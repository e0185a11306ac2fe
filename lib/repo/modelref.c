/* modelref.c - model names, alias names and references. */
#include "repo/modelref.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '-';
}

/* Shared checks; `what` is "model name" or "alias". */
static int check(const char *s, const char *what, fl_err *err)
{
	size_t n = strlen(s);

	if (n == 0)
		return fl_err_set(err, FL_EINVAL, "an empty %s", what);
	if (n > FL_MODELNAME_MAX)
		return fl_err_set(err, FL_EINVAL, "%s '%.80s' is longer than %d characters", what, s,
				  FL_MODELNAME_MAX);
	if (!isalnum((unsigned char)s[0]) || !name_char(s[0]))
		return fl_err_set(err, FL_EINVAL,
				  "%s '%s' must start with a lower-case letter or a digit", what, s);
	for (size_t i = 1; i < n; i++)
		if (!name_char(s[i])) {
			unsigned char c = (unsigned char)s[i];
			if (isprint(c))
				return fl_err_set(err, FL_EINVAL,
						  "%s '%s': the character '%c' (position %zu) does not "
						  "belong in a name (allowed: a-z 0-9 . _ -)", what, s, c, i + 1);
			return fl_err_set(err, FL_EINVAL,
					  "%s has the byte 0x%02x at position %zu, which does not belong "
					  "in a name (allowed: a-z 0-9 . _ -)", what, c, i + 1);
		}
	return 0;
}

int fl_modelname_check(const char *name, fl_err *err)
{
	return check(name, "model name", err);
}

int fl_modelalias_check(const char *alias, fl_err *err)
{
	int rc = check(alias, "alias", err);

	if (rc < 0)
		return rc;
	if (!(alias[0] >= 'a' && alias[0] <= 'z'))
		return fl_err_set(err, FL_EINVAL, "alias '%s' must start with a letter (a number "
				  "would read as a version)", alias);
	if (!strcmp(alias, "latest"))
		return fl_err_set(err, FL_EINVAL, "'latest' is reserved: it always means the "
				  "highest version");
	return 0;
}

long fl_modelref_version(const char *s)
{
	long v = 0;

	if (!*s || *s == '0')
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000L)
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

int fl_modelref_parse(fl_modelref *out, const char *s, fl_err *err)
{
	const char *at = strchr(s, '@');
	size_t n = at ? (size_t)(at - s) : strlen(s);
	int rc;

	memset(out, 0, sizeof(*out));
	if (n > FL_MODELNAME_MAX)
		return fl_err_set(err, FL_EINVAL, "model name '%.*s' is longer than %d characters",
				  (int)(n > 80 ? 80 : n), s, FL_MODELNAME_MAX);
	memcpy(out->name, s, n);
	if ((rc = fl_modelname_check(out->name, err)) < 0)
		return rc;
	if (!at || !strcmp(at + 1, "latest"))
		return 0;
	if ((out->version = fl_modelref_version(at + 1)) > 0)
		return 0;
	if (at[1] >= '0' && at[1] <= '9')
		return fl_err_set(err, FL_EINVAL, "'%s': a version is a whole number from 1", s);
	if ((rc = fl_modelalias_check(at + 1, err)) < 0)
		return fl_err_wrap(err, "'%s'", s);
	strcpy(out->alias, at + 1);
	return 0;
}
