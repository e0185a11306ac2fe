/* entryname.c - validation of paths inside a bundle. */
#include "bundle/entryname.h"

#include <string.h>

size_t fl_entryname_len(const char *name)
{
	size_t n = strlen(name);

	return (n > 0 && name[n - 1] == '/') ? n - 1 : n;
}

static int bad(fl_err *err, const char *name, const char *why)
{
	return fl_err_set(err, FL_EINVAL, "unsafe entry name '%.200s': %s", name, why);
}

int fl_entryname_check(const char *name, fl_err *err)
{
	size_t n = fl_entryname_len(name);
	size_t start = 0;

	if (n == 0)
		return bad(err, name, "empty");
	if (n > FL_ENTRYNAME_MAX)
		return bad(err, name, "too long");
	if (name[0] == '/')
		return bad(err, name, "absolute path");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return bad(err, name, "control character");
	for (size_t i = 0; i <= n; i++) {
		if (i < n && name[i] != '/')
			continue;
		size_t len = i - start;
		if (len == 0)
			return bad(err, name, "empty path component");
		if (len == 2 && !strncmp(name + start, "..", 2))
			return bad(err, name, "'..' component");
		if (len == 1 && name[start] == '.')
			return bad(err, name, "'.' component");
		start = i + 1;
	}
	return 0;
}
