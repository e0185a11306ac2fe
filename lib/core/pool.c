/* pool.c - a persistent pthread team. Items are claimed through one atomic
 * ticket that holds (run number, next item), so a worker that wakes late
 * can never take an item of a later run, and the caller waits only for
 * items actually claimed, never for a worker that is not running: on a
 * busy machine the caller simply does the work itself. Idle workers poll
 * briefly, yielding now and then, and then sleep on a condition variable. */
#define _GNU_SOURCE
#include "core/pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Polls of an atomic before sleeping (about a millisecond), with a
 * sched_yield every YIELD_EVERY polls so that a spinning thread gives way
 * to the one it waits for when the cores are oversubscribed. */
#define SPIN_POLLS 8192
#define YIELD_EVERY 64

struct fl_pool {
	int n_threads;             /* caller included */
	pthread_t *tids;           /* n_threads - 1 workers */
	pthread_mutex_t lock;      /* guards sleeping and the error below */
	pthread_cond_t wake_cv;    /* signalled when a run starts or on stop */
	pthread_cond_t done_cv;    /* signalled when the last item finishes */
	atomic_uint gen;           /* run number; a change wakes the workers */
	atomic_int stop;           /* set by fl_pool_free */
	_Atomic uint64_t ticket;   /* (run number << 32) | next item */
	atomic_size_t done;        /* items finished in the current run */
	atomic_int sleeping;       /* the caller sleeps on done_cv */
	/* the current run: the ticket is moved to the new run first (so a
	 * worker still in the previous run can claim nothing more), then
	 * these are written, then gen publishes the run */
	atomic_size_t n;           /* items */
	fl_item_fn fn;             /* work */
	void *ud;                  /* its data */
	atomic_size_t fail_min;    /* lowest failing index, SIZE_MAX if none;
				    * later items are skipped, earlier ones
				    * still run, so the error is reproducible */
	fl_err err;                /* the error of item fail_min */
};

typedef struct worker_arg {
	fl_pool *p; /* the pool */
	int id;     /* worker number, 1 .. n_threads-1 */
} worker_arg;

static void cpu_relax(int i)
{
	if (i % YIELD_EVERY == YIELD_EVERY - 1) {
		sched_yield();
		return;
	}
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static void record_failure(fl_pool *p, size_t i, const fl_err *e)
{
	pthread_mutex_lock(&p->lock);
	if (i < atomic_load(&p->fail_min)) {
		p->err = *e;
		atomic_store(&p->fail_min, i);
	}
	pthread_mutex_unlock(&p->lock);
}

/* Claim the next item of run `run`; 0 when there is none left. */
static int claim(fl_pool *p, uint32_t run, size_t *item)
{
	uint64_t t = atomic_load(&p->ticket);

	for (;;) {
		if ((uint32_t)(t >> 32) != run || (t & 0xffffffffu) >= atomic_load(&p->n))
			return 0;
		if (atomic_compare_exchange_weak(&p->ticket, &t, t + 1)) {
			*item = (size_t)(t & 0xffffffffu);
			return 1;
		}
	}
}

static void finish_item(fl_pool *p)
{
	/* after the last increment the caller may already be setting up the
	 * next run: a stray signal then is harmless, and no one waits for
	 * this run any more */
	if (atomic_fetch_add(&p->done, 1) + 1 == atomic_load(&p->n) &&
	    atomic_load(&p->sleeping)) {
		pthread_mutex_lock(&p->lock);
		pthread_cond_signal(&p->done_cv);
		pthread_mutex_unlock(&p->lock);
	}
}

static void run_items(fl_pool *p, uint32_t run, int id)
{
	fl_err e = FL_ERR_INIT;
	size_t i;

	while (claim(p, run, &i)) {
		if (i < atomic_load(&p->fail_min)) {
			fl_err_clear(&e);
			if (p->fn(p->ud, i, id, &e) < 0) {
				if (e.code == 0)
					fl_err_set(&e, FL_EFAIL, "work item %zu failed", i);
				record_failure(p, i, &e);
			}
		}
		finish_item(p);
	}
}

/* Wait until gen differs from `seen` or the pool stops; returns gen. */
static unsigned wait_for_run(fl_pool *p, unsigned seen)
{
	for (int s = 0; s < SPIN_POLLS; s++) {
		if (atomic_load(&p->gen) != seen || atomic_load(&p->stop))
			return atomic_load(&p->gen);
		cpu_relax(s);
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
		run_items(p, (uint32_t)seen, w->id);
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
	if (p->n_threads > 1 &&
	    !(p->tids = calloc((size_t)p->n_threads - 1, sizeof(pthread_t)))) {
		p->n_threads = 1;
		fl_pool_free(p);
		return fl_err_set(err, FL_ENOMEM, "out of memory starting a thread pool");
	}
	for (; started < p->n_threads - 1; started++) {
		worker_arg *w = malloc(sizeof(*w));
		if (!w || (w->p = p, w->id = started + 1,
			   pthread_create(&p->tids[started], NULL, worker_main, w) != 0)) {
			free(w);
			break; /* run with the threads we have: results do not change */
		}
	}
	p->n_threads = started + 1;
	*out = p;
	return 0;
}

void fl_pool_free(fl_pool *p)
{
	if (!p)
		return;
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

static void wait_done(fl_pool *p)
{
	for (int s = 0; s < SPIN_POLLS; s++) {
		if (atomic_load(&p->done) == atomic_load(&p->n))
			return;
		cpu_relax(s);
	}
	pthread_mutex_lock(&p->lock);
	atomic_store(&p->sleeping, 1);
	while (atomic_load(&p->done) < atomic_load(&p->n))
		pthread_cond_wait(&p->done_cv, &p->lock);
	atomic_store(&p->sleeping, 0);
	pthread_mutex_unlock(&p->lock);
}

int fl_pool_run(fl_pool *p, size_t n, fl_item_fn fn, void *ud, fl_err *err)
{
	uint32_t run;

	if (n == 0)
		return 0;
	if (n > 0xffffffffu)
		return fl_err_set(err, FL_EINVAL, "too many work items (%zu)", n);
	run = (uint32_t)atomic_load(&p->gen) + 1;
	atomic_store(&p->ticket, (uint64_t)run << 32); /* closes the last run */
	atomic_store(&p->n, n);
	p->fn = fn;
	p->ud = ud;
	atomic_store(&p->done, 0);
	atomic_store(&p->fail_min, SIZE_MAX);
	if (p->n_threads > 1 && n > 1) {
		pthread_mutex_lock(&p->lock);
		atomic_store(&p->gen, run);
		pthread_cond_broadcast(&p->wake_cv);
		pthread_mutex_unlock(&p->lock);
	} else {
		atomic_store(&p->gen, run);
	}
	run_items(p, run, 0);
	wait_done(p);
	if (atomic_load(&p->fail_min) != SIZE_MAX) {
		if (err)
			*err = p->err;
		return p->err.code ? p->err.code : FL_EFAIL;
	}
	return 0;
}
