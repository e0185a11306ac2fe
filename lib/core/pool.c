/* pool.c - a persistent pthread team: workers spin briefly, then sleep on a
 * condition variable between runs. */
#define _GNU_SOURCE
#include "core/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Polls of an atomic before falling back to sleeping: short runs (a
 * mini-batch) follow each other within microseconds. */
#define SPIN_POLLS 20000

struct fl_pool {
	int n_threads;            /* caller included */
	pthread_t *tids;          /* n_threads - 1 workers */
	pthread_mutex_t lock;     /* guards sleeping and the error below */
	pthread_cond_t wake_cv;   /* signalled when gen changes or on stop */
	pthread_cond_t done_cv;   /* signalled when the last worker checks in */
	atomic_uint gen;          /* run number; a change starts a run */
	atomic_int stop;          /* set by fl_pool_free */
	atomic_int finished;      /* workers done with the current run */
	/* the current run */
	size_t n;                 /* items */
	fl_item_fn fn;            /* work */
	void *ud;                 /* its data */
	atomic_size_t next;       /* next item to hand out */
	atomic_int failed;        /* any item failed */
	size_t err_index;         /* lowest failing index */
	fl_err err;               /* its error */
};

typedef struct worker_arg {
	fl_pool *p; /* the pool */
	int id;     /* worker number, 1 .. n_threads-1 */
} worker_arg;

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static void record_failure(fl_pool *p, size_t i, const fl_err *e)
{
	pthread_mutex_lock(&p->lock);
	if (!atomic_load(&p->failed) || i < p->err_index) {
		p->err_index = i;
		p->err = *e;
	}
	atomic_store(&p->failed, 1);
	pthread_mutex_unlock(&p->lock);
}

static void run_items(fl_pool *p, int id)
{
	fl_err e = FL_ERR_INIT;

	while (!atomic_load(&p->failed)) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->n)
			break;
		fl_err_clear(&e);
		if (p->fn(p->ud, i, id, &e) < 0) {
			if (e.code == 0)
				fl_err_set(&e, FL_EFAIL, "work item %zu failed", i);
			record_failure(p, i, &e);
		}
	}
}

/* Wait until gen differs from `seen` or the pool stops. */
static unsigned wait_for_run(fl_pool *p, unsigned seen)
{
	for (int s = 0; s < SPIN_POLLS; s++) {
		if (atomic_load(&p->gen) != seen || atomic_load(&p->stop))
			return atomic_load(&p->gen);
		cpu_relax();
	}
	pthread_mutex_lock(&p->lock);
	while (atomic_load(&p->gen) == seen && !atomic_load(&p->stop))
		pthread_cond_wait(&p->wake_cv, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return atomic_load(&p->gen);
}

static void *worker_main(void *arg)
{
	worker_arg *w = arg;
	fl_pool *p = w->p;
	unsigned seen = 0;

	for (;;) {
		seen = wait_for_run(p, seen);
		if (atomic_load(&p->stop))
			break;
		run_items(p, w->id);
		if (atomic_fetch_add(&p->finished, 1) + 1 == p->n_threads - 1) {
			pthread_mutex_lock(&p->lock);
			pthread_cond_signal(&p->done_cv);
			pthread_mutex_unlock(&p->lock);
		}
	}
	free(w);
	return NULL;
}

static void stop_workers(fl_pool *p, int started)
{
	pthread_mutex_lock(&p->lock);
	atomic_store(&p->stop, 1);
	pthread_cond_broadcast(&p->wake_cv);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < started; i++)
		pthread_join(p->tids[i], NULL);
}

int fl_pool_new(fl_pool **out, int n_threads, fl_err *err)
{
	fl_pool *p = NULL;
	int started = 0;

	*out = NULL;
	if (!(p = calloc(1, sizeof(*p))))
		return fl_err_set(err, FL_ENOMEM, "out of memory starting a thread pool");
	p->n_threads = fl_threads_resolve(n_threads);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake_cv, NULL);
	pthread_cond_init(&p->done_cv, NULL);
	if (p->n_threads > 1 && !(p->tids = calloc((size_t)p->n_threads - 1, sizeof(pthread_t))))
		goto nomem;
	for (; started < p->n_threads - 1; started++) {
		worker_arg *w = malloc(sizeof(*w));
		if (!w)
			goto nomem;
		w->p = p;
		w->id = started + 1;
		if (pthread_create(&p->tids[started], NULL, worker_main, w) != 0) {
			free(w);
			p->n_threads = started + 1; /* keep going with fewer */
			break;
		}
	}
	*out = p;
	return 0;
nomem:
	stop_workers(p, started);
	p->n_threads = started + 1;
	fl_pool_free(p);
	return fl_err_set(err, FL_ENOMEM, "out of memory starting a thread pool");
}

void fl_pool_free(fl_pool *p)
{
	if (!p)
		return;
	if (!atomic_load(&p->stop))
		stop_workers(p, p->n_threads - 1);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake_cv);
	pthread_cond_destroy(&p->done_cv);
	free(p->tids);
	free(p);
}

int fl_pool_threads(const fl_pool *p)
{
	return p->n_threads;
}

static void wait_workers(fl_pool *p)
{
	int nw = p->n_threads - 1;

	for (int s = 0; s < SPIN_POLLS; s++) {
		if (atomic_load(&p->finished) == nw)
			return;
		cpu_relax();
	}
	pthread_mutex_lock(&p->lock);
	while (atomic_load(&p->finished) < nw)
		pthread_cond_wait(&p->done_cv, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

int fl_pool_run(fl_pool *p, size_t n, fl_item_fn fn, void *ud, fl_err *err)
{
	p->n = n;
	p->fn = fn;
	p->ud = ud;
	atomic_store(&p->next, 0);
	atomic_store(&p->failed, 0);
	atomic_store(&p->finished, 0);
	if (p->n_threads > 1 && n > 1) {
		pthread_mutex_lock(&p->lock);
		atomic_fetch_add(&p->gen, 1);
		pthread_cond_broadcast(&p->wake_cv);
		pthread_mutex_unlock(&p->lock);
		run_items(p, 0);
		wait_workers(p);
	} else {
		run_items(p, 0);
	}
	if (atomic_load(&p->failed)) {
		if (err)
			*err = p->err;
		return p->err.code ? p->err.code : FL_EFAIL;
	}
	return 0;
}
