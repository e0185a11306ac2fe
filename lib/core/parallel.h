/* parallel.h - run independent work items on a fixed number of threads.
 * Results must not depend on which thread ran an item: write per-item
 * outputs into per-item slots and reduce them afterwards in index order. */
#ifndef FL_PARALLEL_H
#define FL_PARALLEL_H

#include <stddef.h>

#include "core/err.h"

/* Work for item `i` on worker `worker` (0 .. n_threads-1). Returns 0 or a
 * negative status with `err` set (err is the worker's own error object). */
typedef int (*fl_item_fn)(void *ud, size_t i, int worker, fl_err *err);

/* The thread count to use: `requested` if > 0, else the number of online
 * CPUs (at least 1). */
int fl_threads_resolve(int requested);

/* Run fn(ud, i, ...) for i in [0, n) on `n_threads` threads (resolved with
 * fl_threads_resolve), handing out items in order as workers free up.
 * With one thread, or n <= 1, everything runs on the calling thread.
 * On failure, no new items start; the error returned is that of the
 * failing item with the lowest index, so the message is reproducible. */
int fl_parallel_for(size_t n, int n_threads, fl_item_fn fn, void *ud,
		    fl_err *err);

#endif
