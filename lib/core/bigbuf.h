/* bigbuf.h - large buffers (tens of megabytes and up: a decoded hour of
 * audio, a frame table) backed by transparent huge pages where the kernel
 * offers them on request (THP "madvise" mode). First touches of fresh
 * memory then fault once per 2 MiB instead of once per 4 KiB, which on a
 * virtual machine can cost more than the arithmetic done on the buffer.
 * Contents and results are unaffected; only page faults change. */
#ifndef FL_BIGBUF_H
#define FL_BIGBUF_H

#include <stddef.h>

/* Uninitialised memory for `bytes` bytes, or NULL when out of memory.
 * Small requests are plain malloc. The caller frees the result with
 * free() and may grow it with realloc() (the advice then lapses for the
 * moved part, which is harmless). */
void *fl_bigbuf_alloc(size_t bytes);

#endif
