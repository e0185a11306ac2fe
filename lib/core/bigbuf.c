/* bigbuf.c - huge-page-advised allocations for large buffers. */
#define _GNU_SOURCE
#include "core/bigbuf.h"

#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

void *fl_bigbuf_alloc(size_t bytes)
{
	size_t len;
	void *p;

	if (bytes < 4 * HUGE_PAGE)
		return malloc(bytes ? bytes : 1);
	len = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE; /* aligned_alloc wants a multiple */
	if (!(p = aligned_alloc(HUGE_PAGE, len)))
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, len, MADV_HUGEPAGE); /* advice only: failure changes nothing */
#endif
	return p;
}
