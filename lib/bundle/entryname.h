/* entryname.h - the rule for a path inside a bundle: relative, '/'-separated,
 * no empty, "." or ".." component, no NUL or control characters, bounded
 * length. Writer and reader apply the same rule. */
#ifndef FL_ENTRYNAME_H
#define FL_ENTRYNAME_H

#include <stddef.h>

#include "core/err.h"

/* Longest accepted entry path, in bytes. */
#define FL_ENTRYNAME_MAX 4096

/* 0 if `name` is acceptable, else FL_EINVAL with the reason and the name.
 * One trailing '/' is allowed (a folder). */
int fl_entryname_check(const char *name, fl_err *err);

/* Length of `name` without a trailing '/'. */
size_t fl_entryname_len(const char *name);

#endif
