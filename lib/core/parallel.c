/* parallel.c - a parallel for-loop over independent items on pthreads. */
#define _GNU_SOURCE
#include "core/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct pool {
	size_t n;              /* number of items */
	fl_item_fn fn;         /* work function */
	void *ud;              /* its user data */
	atomic_size_t next;    /* next item to hand out */
	atomic_int failed;     /* set once any item fails */
	pthread_mutex_t lock;  /* guards the fields below */
	size_t err_index;      /* lowest failing index so far */
	fl_err err;            /* its error */
} pool;

typedef struct worker_arg {
	pool *p;    /* shared state */
	int id;     /* worker number */
} worker_arg;

int fl_threads_resolve(int requested)
{
	long n;

	if (requested > 0)
		return requested;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

static void record_failure(pool *p, size_t i, const fl_err *e)
{
	pthread_mutex_lock(&p->lock);
	if (!atomic_load(&p->failed) || i < p->err_index) {
		p->err_index = i;
		p->err = *e;
	}
	atomic_store(&p->failed, 1);
	pthread_mutex_unlock(&p->lock);
}

static void *worker_main(void *arg)
{
	worker_arg *w = arg;
	pool *p = w->p;
	fl_err e = FL_ERR_INIT;

	while (!atomic_load(&p->failed)) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->n)
			break;
		fl_err_clear(&e);
		if (p->fn(p->ud, i, w->id, &e) < 0) {
			if (e.code == 0)
				fl_err_set(&e, FL_EFAIL, "work item %zu failed", i);
			record_failure(p, i, &e);
		}
	}
	return NULL;
}

int fl_parallel_for(size_t n, int n_threads, fl_item_fn fn, void *ud,
		    fl_err *err)
{
	pool p = { .n = n, .fn = fn, .ud = ud };
	pthread_t *tids;
	worker_arg *args;
	int started = 0;

	n_threads = fl_threads_resolve(n_threads);
	if ((size_t)n_threads > n)
		n_threads = n ? (int)n : 1;
	if (n_threads == 1) {
		for (size_t i = 0; i < n; i++) {
			int rc = fn(ud, i, 0, err);
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	tids = calloc((size_t)n_threads, sizeof(*tids));
	args = calloc((size_t)n_threads, sizeof(*args));
	if (!tids || !args) {
		free(tids);
		free(args);
		return fl_err_set(err, FL_ENOMEM, "out of memory");
	}
	atomic_init(&p.next, 0);
	atomic_init(&p.failed, 0);
	pthread_mutex_init(&p.lock, NULL);
	for (int t = 1; t < n_threads; t++) {
		args[t] = (worker_arg){ &p, t };
		if (pthread_create(&tids[t], NULL, worker_main, &args[t]) != 0)
			break;
		started = t;
	}
	args[0] = (worker_arg){ &p, 0 };
	worker_main(&args[0]);
	for (int t = 1; t <= started; t++)
		pthread_join(tids[t], NULL);
	pthread_mutex_destroy(&p.lock);
	free(tids);
	free(args);
	if (atomic_load(&p.failed)) {
		if (err)
			*err = p.err;
		return p.err.code;
	}
	return 0;
}
