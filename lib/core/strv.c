/* strv.c - arrays of owned strings. */
#include "core/strv.h"

#include <stdlib.h>

void fl_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
