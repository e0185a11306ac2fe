/* strv.h - arrays of owned strings (char **, with a count). */
#ifndef FL_STRV_H
#define FL_STRV_H

#include <stddef.h>

/* Free the first n strings of v, then v itself; NULL v is allowed, and so
 * are NULL entries. */
void fl_strv_free(char **v, size_t n);

#endif
