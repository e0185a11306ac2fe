/* pool.h - a persistent team of worker threads for many short parallel
 * loops (one per mini-batch), where starting threads each time would cost
 * more than the work. Same contract as fl_parallel_for: items are
 * independent and write into per-item slots; the caller reduces them in
 * index order, so results do not depend on the thread count. */
#ifndef FL_POOL_H
#define FL_POOL_H

#include <stddef.h>

#include "core/err.h"
#include "core/parallel.h"

typedef struct fl_pool fl_pool;

/* Start a pool of `n_threads` (resolved with fl_threads_resolve; the caller
 * counts as one, so n_threads - 1 threads are started). The caller owns
 * *out and frees it with fl_pool_free(). */
int fl_pool_new(fl_pool **out, int n_threads, fl_err *err);

/* Stop and join the workers, then free. NULL is a no-op. */
void fl_pool_free(fl_pool *p);

/* The number of threads, the caller included (>= 1). */
int fl_pool_threads(const fl_pool *p);

/* Run fn(ud, i, worker, err) for i in [0, n) on the pool and the calling
 * thread (worker 0 is the caller); returns when every item has finished.
 * Items are claimed in index order by whichever thread is free; the caller
 * never waits for a worker that has not claimed an item. On failure, items
 * after the lowest failing index are skipped (earlier ones still run), and
 * that item's error is returned: the same whatever the thread count. Not
 * reentrant: one run at a time. */
int fl_pool_run(fl_pool *p, size_t n, fl_item_fn fn, void *ud, fl_err *err);

#endif
